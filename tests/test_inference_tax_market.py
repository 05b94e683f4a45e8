"""Price trend at fixed capability and the market check, on small synthetic frames."""

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


def test_cheapest_excludes_weak_models_and_marks_new_lows():
    prices, scores = frames()
    f = market.cheapest_at_capability(prices, scores, "mmlu", 70)
    assert "weak" not in set(f["model"])
    assert list(f.loc[f["new_low"], "usd_per_mtok"]) == [100.0, 10.0, 1.0]
    # the more expensive 'mid' prices are qualifying but not new lows
    assert not f.loc[f["model"] == "mid", "new_low"].any()


def test_fit_recovers_tenfold_per_year():
    prices, scores = frames()
    f = market.cheapest_at_capability(prices, scores, "mmlu", 70)
    dec = market.fit_decline(f)
    # 100 -> 10 -> 1 at yearly steps (365/365/365 days): about 10x per year
    assert dec.per_year == pytest.approx(10 ** (365.25 / 365), rel=1e-3)
    assert dec.n_points == 3
    assert dec.low <= dec.per_year <= dec.high


def test_fit_needs_three_points():
    prices, scores = frames()
    f = market.cheapest_at_capability(prices, scores, "mmlu", 78)
    assert market.fit_decline(f) is None


def test_host_prices_latest_per_provider_with_prompt():
    prices, _ = frames()
    h = market.host_prices(prices, "mid", 3.0)
    assert set(h["provider"]) == {"B", "D"}
    assert h.loc[h["provider"] == "B", "usd_per_mtok_with_prompt"].item() == pytest.approx(50 + 3 * 50)


def test_published_table_cites_urls():
    assert market.PUBLISHED_DECLINES["url"].str.startswith("https://").all()


def test_hosts_on_their_own_chips_are_marked():
    prices = pd.DataFrame({
        "provider": ["Groq", "DeepInfra"], "model": ["M", "M"],
        "date": pd.to_datetime(["2025-01-01", "2025-01-01"]),
        "input_usd_per_mtok": [0.5, 0.2], "output_usd_per_mtok": [0.8, 0.3]})
    hosts = market.host_prices(prices, "M", 3.0).set_index("provider")
    assert hosts.loc["Groq", "hardware"] == "own custom chip"
    assert hosts.loc["DeepInfra", "hardware"] == "merchant GPU"
    assert hosts.loc["DeepInfra", "usd_per_mtok_with_prompt"] == pytest.approx(0.3 + 3 * 0.2)
