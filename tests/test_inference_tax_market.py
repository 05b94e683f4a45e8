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


def test_undated_listings_and_seen_prices_never_set_a_new_low():
    d = pd.to_datetime
    prices = pd.DataFrame({
        "provider": ["A", "A", "B", "C", "D"], "model": ["m", "m", "m", "m", "m"],
        "date": d(["2023-01-01", "2024-01-01", "2024-06-01", "2026-11-24", "2025-01-01"]),
        "event": ["launch", "price_cut", "current", "current", "current"],
        "as_of": d(["2023-01-01", "2024-01-01", "2024-06-01", "2026-11-24", "2026-11-24"]),
        "notes": ["", "", "seen on a dated page", "no date in file; as_of = read date", "quarter estimate"],
        "output_usd_per_mtok": [10.0, 5.0, 1.0, 0.1, 0.5]})
    scores = pd.DataFrame({"model": ["m"], "benchmark": ["mmlu"], "score": [80.0], "score_unit": ["percent"]})
    kinds = market.price_kind(prices)
    assert list(kinds) == [market.KIND_CHANGE, market.KIND_CHANGE, market.KIND_SEEN, market.KIND_UNDATED,
                           market.KIND_SEEN]
    f = market.cheapest_at_capability(prices, scores, "mmlu", 70)
    # only the launch and the cut are new lows, although later rows are cheaper
    assert list(f.loc[f["new_low"], "usd_per_mtok"]) == [10.0, 5.0]
    assert f.loc[f["kind"] != market.KIND_CHANGE, "cheapest"].isna().all()
    assert market.fit_decline(f) is None   # two points: no fit


def test_a_decline_is_informative_only_when_its_interval_excludes_no_change():
    kw = dict(per_year=2.0, n_points=3, slope_log10=-0.3, intercept_log10=0.0, t0=pd.Timestamp("2023-01-01"))
    assert market.Decline(low=1.2, high=3.0, **kw).informative
    assert not market.Decline(low=0.2, high=28.0, **kw).informative


def test_all_token_cost_divides_by_the_tokens_each_output_carries():
    assert market.cost_per_mtok_all_tokens(2.0, 3.0) == pytest.approx(0.5)
    assert market.MEASURED_COST["url"].startswith("https://")


def test_anchor_ratio_and_total_break_even_count_all_tokens():
    from tokenfactory.inference_tax import market

    assert market.anchor_ratio({"usd_per_mtok_in_and_out": 1.0}, 0.5) == 2.0
    assert market.cost_per_mtok_all_tokens(4.0, 3.0) == 1.0
