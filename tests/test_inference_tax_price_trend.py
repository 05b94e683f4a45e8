"""The price-trend model: Epoch AI's method with censored bounds (issue 12)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from tokenfactory.inference_tax import price_trend as pt


def _prices(rows):
    cols = ["provider", "model", "date", "event", "date_basis", "input_usd_per_mtok", "output_usd_per_mtok"]
    return pd.DataFrame(rows, columns=cols)


def _scores(pairs, benchmark="gpqa_diamond"):
    return pd.DataFrame({"model": [m for m, _ in pairs], "benchmark": benchmark, "score": [s for _, s in pairs],
                         "score_unit": "percent"})


def _synthetic(per_year=10.0, n=12, sigma=0.15, seed=0, start="2022-01-01", years=3.0):
    """A frontier of new lows falling `per_year`x a year with lognormal noise: each point is a new model."""
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, years, n))
    logp = 2.0 - np.log10(per_year) * t + rng.normal(0, sigma, n)
    dates = pd.Timestamp(start) + pd.to_timedelta(t * pt.DAYS_PER_YEAR, unit="D")
    return dates, 10 ** logp


# --------------------------------------------------------------------------- price bases

def test_price_bases_by_hand():
    p = _prices([("A", "m", "2024-01-01", "launch", "event", 3.0, 15.0)])
    assert pt.price_on_basis(p, "input").iloc[0] == 3.0
    assert pt.price_on_basis(p, "output").iloc[0] == 15.0
    assert pt.price_on_basis(p, "blended_3_1").iloc[0] == pytest.approx(6.0)   # (9 + 15) / 4
    assert pt.price_on_basis(p, "average").iloc[0] == pytest.approx(9.0)       # (3 + 15) / 2
    with pytest.raises(ValueError):
        pt.price_on_basis(p, "median")


def test_row_kinds():
    p = _prices([("A", "m", "2024-01-01", "launch", "event", 1, 1),
                 ("A", "m", "2024-02-01", "price_cut", "scraped", 1, 1),
                 ("A", "m", "2024-03-01", "current", "page_date", 1, 1),
                 ("A", "m", "2024-04-01", "current", "undated_earliest", 1, 1)])
    assert list(pt.row_kind(p)) == ["event", "event", "bound", "undated"]
    assert pt.count_dated_events(p) == 2


# --------------------------------------------------------------------------- the fit

def test_no_bounds_is_ols_with_its_t_interval():
    """Expectation from statsmodels' OLS, an implementation independent of ours."""
    dates, prices = _synthetic(seed=3, n=8)
    fit = pt.fit_censored_trend(dates, prices, alpha=0.10)
    x = (pd.Series(dates) - dates.min()).dt.days.to_numpy(float) / 365.25
    ols = sm.OLS(np.log10(prices), sm.add_constant(x)).fit()
    lo, hi = ols.conf_int(alpha=0.10)[1]
    assert fit.method == "ols"
    assert fit.per_year == pytest.approx(10 ** -ols.params[1])
    assert fit.low == pytest.approx(10 ** -hi) and fit.high == pytest.approx(10 ** -lo)


def test_synthetic_decline_is_recovered_within_its_interval():
    """A tenfold-a-year decline with noise placed symmetrically (+-0.2 in log10 at each date): the
    least-squares slope is exactly the true one, and the interval around it is not degenerate."""
    t = np.repeat(np.arange(0.0, 3.01, 0.5), 2)
    logp = 2.0 - 1.0 * t + np.tile([0.2, -0.2], len(t) // 2)
    dates = pd.Timestamp("2022-01-01") + pd.to_timedelta(t * pt.DAYS_PER_YEAR, unit="D")
    fit = pt.fit_censored_trend(dates, 10 ** logp)
    assert fit.per_year == pytest.approx(10.0, rel=1e-3)   # dates are whole days
    assert fit.low < 10.0 < fit.high and fit.high / fit.low > 1.2
    assert fit.informative


def test_interval_coverage_close_to_nominal():
    """Across 200 seeded histories the 90% interval holds the true rate about 90% of the time."""
    hits = 0
    for seed in range(200):
        dates, prices = _synthetic(per_year=30.0, n=6, sigma=0.25, seed=seed)
        fit = pt.fit_censored_trend(dates, prices)
        hits += fit.low < 30.0 < fit.high
    assert 0.83 <= hits / 200 <= 0.96


def test_too_few_points_give_no_rate():
    dates, prices = _synthetic(n=2)
    assert pt.fit_censored_trend(dates, prices) is None


def test_binding_bound_pulls_the_line_down_and_loose_bound_does_nothing():
    dates, prices = _synthetic(per_year=10.0, n=8, sigma=0.1, seed=5)
    ols = pt.fit_censored_trend(dates, prices)
    mid = dates[4]
    at_mid = ols.predict([mid])[0]
    tight = pt.fit_censored_trend(dates, prices, [mid], [at_mid / 5])     # the frontier was at most a fifth of the line
    loose = pt.fit_censored_trend(dates, prices, [mid], [at_mid * 1000])  # far above: no information
    assert tight.method == "tobit" and tight.predict([mid])[0] < at_mid
    assert loose.per_year == pytest.approx(ols.per_year, rel=1e-3)
    assert loose.predict([mid])[0] == pytest.approx(at_mid, rel=1e-3)


# --------------------------------------------------------------------------- the frontier

def _market():
    """Three models on one benchmark: a strong dear one, a mid one, a weak cheap one."""
    scores = _scores([("Big", 80.0), ("Mid", 60.0), ("Small", 40.0)])
    prices = _prices([
        ("V", "Big", "2023-01-01", "launch", "event", 30, 60),
        ("V", "Mid", "2023-07-01", "launch", "event", 3, 6),
        ("V", "Big", "2024-01-01", "price_cut", "event", 10, 20),
        ("V", "Small", "2024-03-01", "launch", "event", 0.3, 0.6),
        ("V", "Mid", "2024-06-01", "price_cut", "scraped", 1, 2),
        ("H", "Mid", "2024-03-01", "current", "page_date", 0.01, 0.01),
        ("H", "Small", "2024-05-01", "current", "undated_earliest", 0.1, 0.1),
    ])
    return prices, scores


def test_bound_never_sets_a_new_low():
    prices, scores = _market()
    th = pt.Threshold("gpqa_diamond", 50.0, "")
    front = pt.frontier(prices, scores, th, "input")
    bound = front[front["kind"] == "bound"]
    assert len(bound) == 1 and not bound["new_low"].any() and bound["cheapest"].isna().all()
    # new lows by hand: 30 (2023-01), 3 (2023-07), 1 (2024-06); the cut of Big to 10 is not a low
    lows = front[front["new_low"]]
    assert list(lows["usd_per_mtok"]) == [30, 3, 1]
    # the same history without the bound has the same new lows
    no_bound = pt.frontier(prices[prices["event"] != "current"], scores, th, "input")
    assert list(no_bound[no_bound["new_low"]]["usd_per_mtok"]) == [30, 3, 1]


def test_changing_the_threshold_changes_who_qualifies():
    prices, scores = _market()
    low = pt.frontier(prices, scores, pt.Threshold("gpqa_diamond", 35.0, ""), "input")
    high = pt.frontier(prices, scores, pt.Threshold("gpqa_diamond", 70.0, ""), "input")
    assert set(low["model"]) == {"Big", "Mid", "Small"}
    assert set(high["model"]) == {"Big"}
    assert list(low[low["new_low"]]["usd_per_mtok"]) == [30, 3, 0.3]


def test_threshold_from_a_reference_model():
    _, scores = _market()
    th = pt.resolve_threshold(scores, "gpqa_diamond", "Mid")
    assert th.level == 60.0 and th.reference == "Mid"
    assert pt.qualifying_models(scores, th) == ["Big", "Mid"]
    with pytest.raises(KeyError):
        pt.resolve_threshold(scores, "gpqa_diamond", "Nobody")


def test_undated_listing_goes_to_the_end_of_the_window_or_is_dropped():
    prices, scores = _market()
    th = pt.Threshold("gpqa_diamond", 35.0, "")
    end = pt.frontier(prices, scores, th, "input", undated="end")
    und = end[end["kind"] == "undated"]
    assert list(und["date"]) == [pd.Timestamp("2024-06-01")]   # the latest date in the table
    drop = pt.frontier(prices, scores, th, "input", undated="drop")
    assert (drop["kind"] != "undated").all()


# --------------------------------------------------------------------------- the entry point

def _published():
    return pd.DataFrame([
        {"source": "a16z", "measure": "MMLU 42", "benchmark": "mmlu", "reference_model": None, "threshold_score": 42,
         "price_basis": "input_output_average", "rate_per_year": 10, "rate_low": None, "rate_high": None,
         "total_factor": 1000, "period_start": "2021-11-01", "period_end": "2024-11-01"},
        {"source": "Epoch AI", "measure": "GPT-4 GPQA", "benchmark": "gpqa_diamond", "reference_model": "Mid",
         "threshold_score": None, "price_basis": "blended_3_1", "rate_per_year": 40, "rate_low": 4, "rate_high": 400,
         "total_factor": None, "period_start": None, "period_end": None},
        {"source": "AI Index", "measure": "GPT-3.5 level", "benchmark": None, "reference_model": None,
         "threshold_score": None, "price_basis": "unspecified", "rate_per_year": None, "rate_low": None,
         "rate_high": None, "total_factor": 100, "period_start": "2022-01-01", "period_end": "2024-01-01"},
    ])


def test_entry_point_glue_and_comparison():
    prices, scores = _market()
    models = pd.DataFrame({"model": ["Big", "Mid", "Small"]})
    r = pt.price_trend_result(prices, models, scores, thresholds=(("gpqa_diamond", "Mid"), ("gpqa_diamond", 35.0)),
                              bases=("input", "blended_3_1"), headline=("gpqa_diamond", "Mid", "blended_3_1"),
                              published=_published())
    g = pt.glue_values(r)
    assert set(g) == {"price_decline_per_year", "price_decline_low", "price_decline_high", "price_points_fitted",
                      "price_events_dated", "price_decline_thresholds", "months_since_new_low",
                      "price_decline_single_per_year", "price_decline_single_low", "price_decline_single_high",
                      "price_decline_single_points"}
    assert g["price_events_dated"] == 5 and g["price_points_fitted"] == 3
    # no threshold has 8 new lows: the headline is the single threshold's, and says so (0 pooled)
    assert g["price_decline_thresholds"] == 0 and g["price_decline_per_year"] == g["price_decline_single_per_year"]
    # the last blended new low (2024-06-01) is the table's last date: no wait since it
    assert g["months_since_new_low"] == pytest.approx(0.0)
    assert g["price_decline_low"] < g["price_decline_per_year"] < g["price_decline_high"]
    # 3 blended new lows by hand: 37.5 (2023-01-01), 3.75 (2023-07-01), 1.25 (2024-06-01)
    front = r.frontiers[("gpqa_diamond", "Mid", "blended_3_1")]
    assert list(front[front["new_low"]]["usd_per_mtok"]) == [37.5, 3.75, 1.25]
    cmp_ = r.comparison.set_index("source")
    assert cmp_.loc["Epoch AI", "same_footing"] and cmp_.loc["Epoch AI", "our_per_year"] == pytest.approx(g["price_decline_per_year"])
    assert not cmp_.loc["AI Index", "same_footing"]
    assert cmp_.loc["AI Index", "published_per_year"] == pytest.approx(10.0, rel=5e-3)   # 100x over 2 years
    assert (r.rates["view"] == "a16z footing").sum() == 1


def test_annualize_by_hand():
    assert pt.annualize(100.0, "2020-01-01", "2022-01-01") == pytest.approx(10.0, rel=5e-3)
    assert pt.annualize(1.0, "2020-01-01", "2021-01-01") == 1.0


# --------------------------------------------------------------------------- where the decline comes from

def test_decomposition_by_hand():
    d = pt.decompose_decline(10.0, 2.0, 5.0).set_index("component")["share_of_decline"]
    assert d.iloc[0] == pytest.approx(np.log10(2))          # hardware: log 2 / log 10
    assert d.iloc[1] == pytest.approx(np.log10(5))          # size
    assert d.iloc[2] == pytest.approx(0.0, abs=1e-12)       # nothing left for margin
    assert d.sum() == pytest.approx(1.0)
    # a decline larger than hardware and size together leaves a positive residual
    assert pt.decompose_decline(40.0, 2.0, 5.0)["per_year"].iloc[2] == pytest.approx(4.0)


def test_yearly_trend_by_hand():
    assert pt.yearly_trend(["2020-01-01", "2022-01-01"], [100.0, 1.0]) == pytest.approx(10.0, rel=5e-3)


def test_hardware_and_size_trends():
    acc = pd.DataFrame({"kind": "merchant_gpu", "price_usd": [10000, 20000, 999], "bf16_dense_tflops": [100, 800, 1],
                        "price_estimate": ["false", "false", "true"], "available_date": ["2020-01-01", "2022-01-01", "2021-01-01"]})
    rate, n = pt.hardware_cost_trend(acc)
    assert n == 2 and rate == pytest.approx(2.0, rel=5e-3)   # $/TFLOPS 100 -> 25 in two years
    front = pd.DataFrame({"date": pd.to_datetime(["2023-01-01", "2024-01-01"]), "model": ["A", "B"],
                          "new_low": [True, True]})
    models = pd.DataFrame({"model": ["A", "B"], "active_params_b": [70, 7]})
    size, k = pt.size_trend(front, models)
    assert k == 2 and size == pytest.approx(10.0, rel=1e-2)


def test_equal_price_is_not_a_new_low_despite_float_noise():
    """(3 x 0.14 + 0.28)/4 and (3 x 0.1 + 0.4)/4 are both 0.175 but differ in floating point."""
    scores = _scores([("A", 50.0), ("B", 50.0)])
    prices = _prices([("V", "A", "2025-01-01", "launch", "event", 0.1, 0.4),
                      ("V", "B", "2026-01-01", "launch", "event", 0.14, 0.28)])
    front = pt.frontier(prices, scores, pt.Threshold("gpqa_diamond", 40.0, ""), "blended_3_1")
    assert list(front["new_low"]) == [True, False]


def test_decline_decomposition_on_a_small_market():
    """Open models of known size on the frontier: 70B at $10 then 7B at $1 one year later; chip price
    per TFLOPS halves in a year. Total 10x/yr, size 10x/yr, hardware 2x/yr: residual 1/2 (a rise)."""
    scores = _scores([("Big", 80.0), ("Small", 80.0), ("Mid", 80.0)])
    prices = _prices([("V", "Big", "2024-01-01", "launch", "event", 10, 10),
                      ("V", "Mid", "2024-07-01", "launch", "event", 10 ** 0.5, 10 ** 0.5),
                      ("V", "Small", "2024-12-31", "launch", "event", 1, 1)])
    models = pd.DataFrame({"model": ["Big", "Mid", "Small"], "active_params_b": [70, None, 7]})
    acc = pd.DataFrame({"kind": "merchant_gpu", "price_usd": [200, 100], "bf16_dense_tflops": [1, 1],
                        "price_estimate": ["true", "true"], "price_basis": "chip",
                        "available_date": ["2024-01-01", "2024-12-31"]})
    r = pt.price_trend_result(prices, models, scores, thresholds=(("gpqa_diamond", 70.0),), bases=("input",),
                              headline=("gpqa_diamond", "70", "input"))
    d = pt.decline_decomposition(r, ("gpqa_diamond", "70", "input"), acc, models).set_index("component")["per_year"]
    assert d.iloc[0] == pytest.approx(2.0, rel=1e-2)
    assert d.iloc[1] == pytest.approx(10.0, rel=1e-2)
    assert d.iloc[2] == pytest.approx(0.5, rel=2e-2)


def test_frontier_chart_title_states_the_fitted_rate():
    """Without the page-dated bounds the headline fit is OLS of log10(price) on years: its three blended new
    lows by hand are 37.5 (2023-01-01), 3.75 (2023-07-01) and 1.25 (2024-06-01); np.polyfit on them (years of
    365.25 days) gives the slope, and the title must state 10**(-slope) a year for the Mid threshold."""
    from tokenfactory.formatting import fmt
    from tokenfactory.inference_tax import price_figures as pf
    prices, scores = _market()
    dated = prices[prices["event"] != "current"]
    models = pd.DataFrame({"model": ["Big", "Mid", "Small"]})
    r = pt.price_trend_result(dated, models, scores, thresholds=(("gpqa_diamond", "Mid"),), bases=("blended_3_1",),
                              headline=("gpqa_diamond", "Mid", "blended_3_1"), published=_published())
    days = (pd.to_datetime(["2023-01-01", "2023-07-01", "2024-06-01"]) - pd.Timestamp("2023-01-01")).days
    slope = np.polyfit(np.asarray(days, float) / 365.25, np.log10([37.5, 3.75, 1.25]), 1)[0]
    # by hand: x = 0, 0.4956, 1.4155 years; y = 1.574, 0.574, 0.097; Sxy = -1.008, Sxx = 1.032 -> slope -0.977
    expected = 10 ** -slope
    assert expected == pytest.approx(9.49, abs=0.02)
    title = pf.frontier_chart(r).to_dict()["layer"][0]["title"]["text"]
    title = title if isinstance(title, str) else " ".join(title)
    assert f"Mid-level GPQA Diamond performance fell ×{fmt(expected)} a year" in title


def test_figures_build_from_the_result():
    from tokenfactory.inference_tax import price_figures as pf
    prices, scores = _market()
    models = pd.DataFrame({"model": ["Big", "Mid", "Small"]})
    r = pt.price_trend_result(prices, models, scores, thresholds=(("gpqa_diamond", "Mid"), ("gpqa_diamond", 35.0)),
                              bases=("blended_3_1",), headline=("gpqa_diamond", "Mid", "blended_3_1"),
                              published=_published())
    t = pf.rates_table(r)
    assert len(t) == 3 and set(t["Threshold"]) == {r.labels[k] for k in r.labels}   # two thresholds + the a16z view
    assert len(pf.comparison_table(r)) == 3


def test_pooled_chart_shows_the_pooled_thresholds_and_states_the_pooled_rate():
    from tokenfactory.inference_tax import price_figures as pf
    prices, scores = _market()
    models = pd.DataFrame({"model": ["Big", "Mid", "Small"]})
    r = pt.price_trend_result(prices, models, scores, thresholds=(("gpqa_diamond", "Mid"), ("gpqa_diamond", 35.0)),
                              bases=("blended_3_1",), headline=("gpqa_diamond", "Mid", "blended_3_1"))
    pool = pt.pooled(r, min_lows=3)
    chart = pf.pooled_chart(r, min_lows=3).to_dict()
    assert f"the median of {pool['n_thresholds']} thresholds" in chart["layer"][0]["title"]["text"]
    shown = {row["threshold"] for d in chart["datasets"].values() for row in d}
    assert shown == set(pool["thresholds"])
    assert "No threshold" in str(pf.pooled_chart(r).to_dict())          # none has 8 new lows


def test_pooled_reports_the_median_wait_since_a_new_low_and_the_spread_of_the_thresholds():
    """Four thresholds (one kept falling a month ago, three stalled 23 months ago): the wait glued is
    the median over thresholds, 23 months, not the minimum, 1; the spread is the lowest and highest
    threshold rate; the rate stays the median (geometric middle of 4 and 8 = sqrt(32))."""
    from types import SimpleNamespace
    rates = pd.DataFrame({"view": "Epoch AI method", "basis": "b", "benchmark": "mmlu",
                          "reference": ["T1", "T2", "T3", "T4"], "threshold_label": ["T1", "T2", "T3", "T4"],
                          "points_fitted": 10, "per_year": [2.0, 4.0, 8.0, 16.0], "low": [1.0, 2.0, 4.0, 8.0],
                          "high": [4.0, 8.0, 16.0, 32.0], "months_since_new_low": [1.0, 23.0, 23.0, 23.0]})
    res = SimpleNamespace(rates=rates, headline=("mmlu", "T2", "b"), events_dated=7)
    pool = pt.pooled(res, min_lows=8)
    assert pool["per_year"] == pytest.approx(np.sqrt(32.0))
    assert (pool["spread_low"], pool["spread_high"]) == (2.0, 16.0)
    assert pool["months_since_new_low"] == 23.0 and pool["months_since_newest_low"] == 1.0
    assert pool["months_by_threshold"] == [("T1", 1.0), ("T2", 23.0), ("T3", 23.0), ("T4", 23.0)]
    g = pt.glue_values(res, min_lows=8)
    assert g["months_since_new_low"] == 23.0 and g["price_decline_per_year"] == pytest.approx(np.sqrt(32.0))
    # the interval stays the median thresholds' (geometric mean of their ends): sqrt(2*4), sqrt(8*16)
    assert (g["price_decline_low"], g["price_decline_high"]) == pytest.approx((np.sqrt(8.0), np.sqrt(128.0)))
    # the other side: with the one fresh threshold the majority, the median wait is its month
    res2 = SimpleNamespace(rates=rates.assign(months_since_new_low=[1.0, 1.0, 1.0, 23.0]), headline=res.headline,
                           events_dated=7)
    assert pt.pooled(res2, min_lows=8)["months_since_new_low"] == 1.0
    from tokenfactory.inference_tax import chapter
    assert chapter.months_by_threshold_text(pool["months_by_threshold"][:2]) == "T1: 1 month; T2: 23 months"
