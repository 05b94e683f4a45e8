"""The market check (hosts' prices for a model), on small synthetic frames."""

import numpy as np
import pandas as pd
import pytest

from tokenfactory.inference_tax import market


def frames():
    d = pd.to_datetime
    prices = pd.DataFrame({
        "provider": ["A", "A", "B", "C", "A", "D"],
        "model": ["big", "big", "mid", "small", "weak", "mid"],
        "date": d(["2022-01-01", "2023-01-01", "2023-01-01", "2024-01-01", "2024-06-01", "2023-06-01"]),
        "input_usd_per_mtok": [100.0, 10.0, 50.0, 1.0, 0.001, 60.0],
        "output_usd_per_mtok": [100.0, 10.0, 50.0, 1.0, 0.001, 60.0],
        "source_url": ["u"] * 6,
    })
    scores = pd.DataFrame({
        "model": ["big", "mid", "small", "weak", "small"],
        "benchmark": ["mmlu"] * 5,
        "score": [80.0, 75.0, 71.0, 40.0, 60.0],
        "score_unit": ["percent"] * 5,
    })
    return prices, scores


def test_host_prices_latest_per_provider_with_prompt():
    prices, _ = frames()
    h = market.host_prices(prices, "mid", 3.0)
    assert set(h["provider"]) == {"B", "D"}
    assert h.loc[h["provider"] == "B", "usd_per_mtok_with_prompt"].item() == pytest.approx(50 + 3 * 50)


def test_hosts_on_their_own_chips_are_marked():
    """What a host serves on comes from the hosts table: a row own_chip marks it, a row merchant_gpu or no
    row leaves it a GPU host; without the table every host is a GPU host."""
    prices = pd.DataFrame({
        "provider": ["Groq", "DeepInfra", "NewCo"], "model": ["M", "M", "M"],
        "date": pd.to_datetime(["2025-01-01"] * 3),
        "input_usd_per_mtok": [0.5, 0.2, 0.1], "output_usd_per_mtok": [0.8, 0.3, 0.2]})
    table = pd.DataFrame({"provider": ["NewCo", "DeepInfra"], "serves_on": ["own_chip", "merchant_gpu"]})
    hosts = market.host_prices(prices, "M", 3.0, table).set_index("provider")
    assert hosts.loc["NewCo", "hardware"] == "own custom chip"
    assert hosts.loc["Groq", "hardware"] == "merchant GPU"         # no row in this table
    assert hosts.loc["DeepInfra", "hardware"] == "merchant GPU"
    assert hosts.loc["DeepInfra", "usd_per_mtok_with_prompt"] == pytest.approx(0.3 + 3 * 0.2)
    assert set(market.host_prices(prices, "M", 3.0)["hardware"]) == {"merchant GPU"}


def test_the_hosts_table_names_the_hosts_on_their_own_silicon():
    from tokenfactory.data.load import load
    t = load("api_hosts").set_index("provider")
    assert set(t.index[t["serves_on"] == "own_chip"]) == {"Groq", "Cerebras", "SambaNova"}
    assert set(t.index) <= set(load("api_prices")["provider"])      # every host is a provider priced in the book
