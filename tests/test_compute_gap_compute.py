"""Leadership windows, capital spending, NVIDIA revenue and training-compute growth: hand cases."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenfactory.compute_gap import compute, leadership

D = pd.Timestamp


def _leaders():
    rows = [("lb", "A1", "OpenAI", "2023-01-01", "2023-04-11"),
            ("lb", "A2", "OpenAI", "2023-04-11", "2023-06-10"),
            ("lb", "G1", "Google", "2023-06-10", "2023-07-10"),
            ("lb", "C1", "Anthropic", "2023-07-10", None),
            ("other", "Z", "Zeta", "2023-01-01", None)]
    f = pd.DataFrame(rows, columns=["leaderboard", "model", "organization", "start_date", "end_date"])
    f["start_date"] = pd.to_datetime(f["start_date"])
    f["end_date"] = pd.to_datetime(f["end_date"])
    f["as_of"] = D("2023-08-09")
    f["source_url"] = "https://example.org"
    return f


def test_windows_lengths_and_censoring():
    w = leadership.windows(_leaders(), "lb")
    assert list(w.days) == [100, 60, 30, 30]
    assert list(w.censored) == [False, False, False, True]


def test_window_cut_at_end_is_censored():
    w = leadership.windows(_leaders(), "lb", end=D("2023-07-01"))
    assert list(w.model) == ["A1", "A2", "G1"]
    assert bool(w.censored.iloc[-1]) and w.days.iloc[-1] == 21


def test_organization_windows_merge_consecutive_spells():
    ow = leadership.by_organization(leadership.windows(_leaders(), "lb"))
    assert list(ow.organization) == ["OpenAI", "Google", "Anthropic"]
    assert list(ow.days) == [160, 30, 30]
    assert ow.models.iloc[0] == "A1, A2"


def test_km_median_hand_cases():
    assert leadership.km_median(np.array([10, 20, 30]), np.zeros(3, bool)) == 20
    # the censored 20 leaves the risk set without an event: S(10)=3/4, S(30)=3/4*1/2 -> median 30
    assert leadership.km_median(np.array([10, 20, 30, 40]), np.array([False, True, False, False])) == 30
    assert np.isnan(leadership.km_median(np.array([10, 20]), np.array([True, True])))


def test_window_trend_detects_shortening():
    starts = pd.date_range("2023-01-01", periods=8, freq="90D")
    w = pd.DataFrame({"start_date": starts, "days": [200, 180, 150, 120, 100, 70, 50, 30.0], "censored": False})
    t = leadership.window_trend(w)
    assert t.rho == pytest.approx(-1) and t.n == 8 and t.p_value < 0.01
    assert t.change_high < 0


def test_window_trend_small_sample_is_nan():
    w = pd.DataFrame({"start_date": pd.date_range("2023-01-01", periods=3), "days": [1.0, 2, 3], "censored": False})
    assert np.isnan(leadership.window_trend(w).rho)


def _capex():
    rows = [("A", 2022, "2022-12-31", "reported", 100, None, None),
            ("B", 2022, "2022-06-30", "reported", 50, None, None),
            ("A", 2024, "2024-12-31", "reported", 300, None, None),
            ("B", 2024, "2024-06-30", "reported", 150, None, None),
            ("A", 2025, "2025-12-31", "guidance", None, 380, 420),
            ("B", 2025, "2025-06-30", "reported", 200, None, None),
            ("C", 2024, "2024-12-31", "reported", 999, None, None)]
    f = pd.DataFrame(rows, columns=["company", "fiscal_year", "fiscal_year_end", "row_type", "capex_usd_bn",
                                    "capex_low_usd_bn", "capex_high_usd_bn"]).astype(
        {"capex_usd_bn": float, "capex_low_usd_bn": float, "capex_high_usd_bn": float})
    f["fiscal_year_end"] = pd.to_datetime(f["fiscal_year_end"])
    f["definition"] = "x"
    f["source_url"] = "https://example.org"
    f["estimate"] = False
    return f


def test_capex_total_and_cagr_reported_only():
    v = compute.capex_values(_capex(), ["A", "B"], include_guidance=False)
    t = compute.capex_total(v, ["A", "B"])
    assert list(t.fiscal_year) == [2022, 2024, 2025]
    assert list(t.complete) == [True, True, False]
    g = compute.total_growth(t)
    assert (g.first_year, g.last_year, g.last) == (2022, 2024, 450)
    assert g.rate == pytest.approx(np.sqrt(3) - 1)  # 150 -> 450 in two years


def test_capex_guidance_fills_with_range_midpoint():
    v = compute.capex_values(_capex(), ["A", "B"], include_guidance=True)
    t = compute.capex_total(v, ["A", "B"])
    row = t.set_index("fiscal_year").loc[2025]
    assert row.total == 600 and row.complete and row.guidance
    g = compute.total_growth(t)
    assert g.last_year == 2025 and g.guidance_in_last


def test_capex_uses_full_years_only_and_the_latest_guidance():
    # A's 2025 holds two quarterly actuals (40, 60), an early guidance (380-420, midpoint 400) and a raised
    # one (480-520, midpoint 500); B's 2025 holds a calendar-year statement (999) beside its fiscal year (200).
    # Expected by hand: quarters and the CY row are context, the latest guidance wins, so 2025 = 500 + 200.
    f = _capex()
    f["period"], f["as_of"] = "FY", pd.Timestamp("2025-02-01")
    extra = pd.DataFrame({"company": ["A", "A", "A", "B"], "fiscal_year": 2025,
                          "fiscal_year_end": pd.to_datetime(["2025-12-31"] * 3 + ["2025-06-30"]),
                          "period": ["Q1", "Q2", "FY", "CY"], "row_type": ["reported", "reported", "guidance", "guidance"],
                          "capex_usd_bn": [40.0, 60.0, np.nan, 999.0], "capex_low_usd_bn": [np.nan, np.nan, 480.0, np.nan],
                          "capex_high_usd_bn": [np.nan, np.nan, 520.0, np.nan], "definition": "x",
                          "source_url": "https://example.org", "estimate": False,
                          "as_of": pd.to_datetime(["2025-04-30", "2025-07-30", "2025-07-30", "2025-07-30"])})
    v = compute.capex_values(pd.concat([f, extra], ignore_index=True), ["A", "B"], include_guidance=True)
    a = v.set_index(["company", "fiscal_year"])
    assert a.loc[("A", 2025), "value"] == 500 and a.loc[("B", 2025), "value"] == 200
    assert len(v) == 6  # A and B in 2022, 2024, 2025: one value each
    reported = compute.capex_values(pd.concat([f, extra], ignore_index=True), ["A"], include_guidance=False)
    assert list(reported["fiscal_year"]) == [2022, 2024]  # quarterly actuals never stand in for a year


def test_cagr_edge_cases():
    assert compute.cagr(100, 200, 1) == pytest.approx(1.0)
    assert np.isnan(compute.cagr(0, 200, 1)) and np.isnan(compute.cagr(100, 200, 0))


@settings(max_examples=50, deadline=None)
@given(st.floats(1, 1e4), st.floats(-0.9, 5), st.integers(1, 20))
def test_cagr_roundtrip(first, rate, years):
    last = first * (1 + rate) ** years
    assert compute.cagr(first, last, years) == pytest.approx(rate, abs=1e-9)


def test_nvidia_quarters_summed_when_no_fiscal_year_row():
    nv = pd.DataFrame({"period": ["FY2024", "FY2025Q1", "FY2025Q2", "FY2025Q3", "FY2025Q4", "FY2026Q1"],
                       "period_type": ["fiscal_year"] + ["quarter"] * 5,
                       "fiscal_year": [2024, 2025, 2025, 2025, 2025, 2026],
                       "period_end": pd.to_datetime(["2024-01-28", "2024-04-28", "2024-07-28", "2024-10-27",
                                                     "2025-01-26", "2025-04-27"]),
                       "data_center_revenue_usd_bn": [47.5, 22.6, 26.3, 30.8, 35.6, 39.1]})
    out = compute.nvidia_data_center(nv)
    assert list(out.fiscal_year) == [2024, 2025]  # FY2026 has one quarter only
    assert out.dc_usd_bn.iloc[1] == pytest.approx(22.6 + 26.3 + 30.8 + 35.6)
    assert list(out.from_quarters) == [False, True]


def test_compute_growth_exact_tenfold():
    dates = pd.to_datetime(["2020-01-01", "2021-01-01", "2022-01-01", "2023-01-01"])
    tc = pd.DataFrame({"model": list("abcd"), "publication_date": dates,
                       "training_compute_flop": [1e22, 1e23, 1e24, 1e25], "frontier": [True] * 4})
    fit, rows = compute.compute_growth(tc, frontier_only=True)
    assert fit.growth == pytest.approx(10, rel=2e-3)  # leap year 2020 makes the step 366 days
    assert fit.low <= fit.growth <= fit.high and fit.n == 4


def test_compute_growth_frontier_filter():
    dates = pd.to_datetime(["2020-01-01", "2021-01-01", "2022-01-01", "2023-01-01", "2023-06-01"])
    tc = pd.DataFrame({"model": list("abcde"), "publication_date": dates,
                       "training_compute_flop": [1e22, 1e23, 1e24, 1e25, 1e15], "frontier": [True] * 4 + [False]})
    assert compute.compute_growth(tc, True)[0].n == 4
    assert compute.compute_growth(tc, False)[0].n == 5


def test_indexed_common_base_year():
    out = compute.indexed({"a": pd.Series({2021: 5.0, 2022: 10.0, 2023: 20.0}),
                           "b": pd.Series({2022: 2.0, 2023: 3.0})})
    assert set(out.base_year) == {2022}
    got = out.set_index(["series", "year"])["index"]
    assert got[("a", 2023)] == 200 and got[("b", 2023)] == 150 and got[("a", 2021)] == 50


def test_company_growth_per_company_over_the_totals_years():
    v = pd.DataFrame({"company": ["A", "B", "A", "B", "A"], "fiscal_year": [2020, 2020, 2022, 2022, 2023],
                      "value": [10.0, 40.0, 40.0, 60.0, 99.0]})
    g = compute.company_growth(v, 2020, 2022)
    assert list(g.company) == ["B", "A"]  # largest last value first
    assert g.set_index("company").loc["A", "cagr"] == pytest.approx(1.0)  # 10 -> 40 in two years: x2 a year
    assert g["share_last"].sum() == pytest.approx(1.0) and g.share_last.iloc[0] == pytest.approx(0.6)
    assert compute.company_growth(v, None, None).empty and compute.company_growth(v, 2022, 2022).empty


# --- The compute gap robust to one lab (hand-computed) ---------------------------------------------

def _runs_by_lab():
    import pandas as pd

    rows = [  # (lab, group, date, FLOP)
        ("L1", "closed", "2024-01-01", 100.0), ("L1", "closed", "2025-01-01", 1000.0),
        ("L2", "closed", "2024-06-01", 200.0), ("L3", "closed", "2023-01-01", 50.0),
        ("O1", "open", "2024-01-01", 10.0), ("O2", "open", "2024-06-01", 20.0), ("O3", "open", "2023-01-01", 5.0),
    ]
    return pd.DataFrame({"organization": [r[0] for r in rows], "group": [r[1] for r in rows],
                         "publication_date": pd.to_datetime([r[2] for r in rows]),
                         "training_compute_flop": [r[3] for r in rows], "model": [f"m{i}" for i in range(len(rows))]})


def test_leaving_out_the_lab_of_the_largest_run_changes_the_ratio():
    import pandas as pd

    from tokenfactory.compute_gap import compute as spend

    runs = _runs_by_lab()
    at, then = pd.Timestamp("2025-06-01"), pd.Timestamp("2024-07-01")
    # all labs: 1000 / 20 = 50 now; 200 / 20 = 10 then
    assert spend.max_ratio(runs, at) == pytest.approx(50.0)
    loo = spend.leave_one_lab_out(runs, at, then).set_index("left_out")
    # without L1 the largest closed run is L2's 200: 200 / 20 = 10 now, 200 / 20 = 10 then: no widening
    assert loo.loc["L1", "ratio"] == pytest.approx(10.0) and loo.loc["L1", "change"] == pytest.approx(1.0)
    # without O2 the largest open run is O1's 10: 1000 / 10 = 100 now
    assert loo.loc["O2", "ratio"] == pytest.approx(100.0)
    assert loo["ratio"].min() == pytest.approx(10.0) and loo["ratio"].max() == pytest.approx(100.0)


def test_top_three_mean_ratio_by_hand():
    import pandas as pd

    from tokenfactory.compute_gap import compute as spend

    runs = _runs_by_lab()
    # closed top 3: 1000, 200, 100 -> mean 433.3; open top 3: 20, 10, 5 -> mean 11.67; ratio 37.14
    assert spend.top_mean_ratio(runs, pd.Timestamp("2025-06-01")) == pytest.approx((1300 / 3) / (35 / 3))
    # before 2024: one run per side, fewer than three: undefined
    assert np.isnan(spend.top_mean_ratio(runs, pd.Timestamp("2023-06-01")))


def test_owned_gap_by_hand_with_conservative_bounds():
    import pandas as pd

    from tokenfactory.compute_gap import compute as spend

    q1, q2 = pd.Timestamp("2024-03-31"), pd.Timestamp("2025-03-31")
    rows = [  # owner, quarter, median, p5, p95
        ("Big", q1, 200.0, 100.0, 300.0), ("Open", q1, 100.0, 50.0, 200.0), ("Mid", q1, 150.0, 100.0, 200.0),
        ("Big", q2, 1000.0, 800.0, 1200.0), ("Open", q2, 100.0, 80.0, 125.0), ("Mid", q2, 500.0, 400.0, 600.0),
    ]
    owned = pd.DataFrame({"owner": [r[0] for r in rows], "chips": "NVIDIA", "quarter_end": [r[1] for r in rows],
                          "h100e": [r[2] for r in rows], "h100e_p5": [r[3] for r in rows],
                          "h100e_p95": [r[4] for r in rows], "complete": True})
    g = spend.owned_gap(owned, "Open")
    # q1: 200 / 100 = 2, bounds 100 / 200 = 0.5 and 300 / 50 = 6; q2: 10, bounds 800 / 125 = 6.4 and 1200 / 80 = 15
    assert g["ratio"].tolist() == pytest.approx([2.0, 10.0])
    assert g["ratio_low"].tolist() == pytest.approx([0.5, 6.4]) and g["ratio_high"].tolist() == pytest.approx([6.0, 15.0])
    assert (g["leader"] == "Big").all()
    assert spend.owned_direction(g) is True           # 6.4 > 6: widening beyond both uncertainties
    assert spend.owned_direction(g.iloc[:1]) is None  # one quarter: no direction
    # the last quarter's interval overlapping the first's: undecided
    g2 = g.assign(ratio_low=[0.5, 5.9])
    assert spend.owned_direction(g2) is None
