"""The new measures of the chapter on hand cases: the lag averaged over time and over levels, the
compute gap between open and closed training runs, the power of the window test, this year's capex."""

import numpy as np
import pandas as pd
import pytest

from tokenfactory.compute_gap import compute, frontier, leadership

D = pd.to_datetime
MONTH = 365.25 / 12


def _sel(rows):
    return pd.DataFrame(rows, columns=["model", "group", "release_date", "score"]).assign(
        release_date=lambda f: D(f["release_date"]))


def test_lag_series_is_the_scalar_lag_at_every_date():
    sel = _sel([("C1", "closed", "2023-01-01", 50.0), ("O1", "open", "2023-07-01", 50.0),
                ("C2", "closed", "2024-01-01", 60.0), ("O2", "open", "2024-09-01", 61.0)])
    dates = pd.date_range("2022-12-01", "2025-01-01", freq="17D")
    vec = frontier.lag_series(sel, dates, 1.0)
    one = [frontier.current_lag_months(sel, d, 1.0) for d in dates]
    assert np.allclose(vec, one, equal_nan=True)
    # on 2024-09-01 the best open model (61) is above every closed level: lag 0
    assert frontier.lag_series(sel, [D("2024-09-01")], 0.0)[0] == 0.0


def test_level_average_is_the_horizontal_distance_between_the_lines():
    # open reaches each closed level about 181-182 days later: the average is about 6 months
    sel = _sel([("C1", "closed", "2023-01-01", 50.0), ("O1", "open", "2023-07-01", 50.0),
                ("C2", "closed", "2024-01-01", 60.0), ("O2", "open", "2024-07-01", 60.0)])
    lag = frontier.level_average_lag(sel, 0.0)
    assert 181 / MONTH <= lag <= 182 / MONTH
    # the open side first: no lag at any level
    first = _sel([("O1", "open", "2023-01-01", 60.0), ("C1", "closed", "2023-06-01", 60.0)])
    assert frontier.level_average_lag(first, 0.0) == 0.0
    assert np.isnan(frontier.level_average_lag(sel[sel.group == "open"], 0.0))


def _runs():
    return pd.DataFrame({"model": ["A", "B", "C", "X"], "organization": "Org",
                         "publication_date": D(["2022-01-01", "2023-01-01", "2023-07-01", "2023-08-01"]),
                         "training_compute_flop": [1e24, 1e25, 1e24, 5e23],
                         "weights": ["closed", "closed", "open", None], "group": ["closed", "closed", "open", None]})


def test_compute_gap_lag_and_ratio_by_hand():
    runs = _runs().iloc[:3]
    g = compute.compute_gap(runs, D("2024-01-01"), draws=400, seed=1)
    # the largest open run (1e24) was first matched by closed model A on 2022-01-01: 730 days earlier
    assert g.lag_months == pytest.approx(730 / MONTH)
    assert g.ratio == pytest.approx(10.0) and (g.open_model, g.closed_model) == ("C", "B")
    # resampling the runs can only drop A (then B matches it, 365 days) or B (ratio 1)
    assert 365 / MONTH - 1e-9 <= g.lag_low <= g.lag_months <= g.lag_high <= 730 / MONTH + 1e-9
    assert 1.0 - 1e-9 <= g.ratio_low <= g.ratio_high <= 10.0 + 1e-9
    # before any open run: nothing to compare
    assert np.isnan(compute.compute_gap(runs, D("2023-03-01"), 50, 1).lag_months)


def test_classify_runs_prefers_the_tables_weights_then_models():
    tc = _runs().drop(columns="group")
    models = pd.DataFrame({"model": ["X", "A"], "weights": ["open_restricted", "open"]})
    out = compute.classify_runs(tc, models, ("open", "open_restricted")).set_index("model")["group"]
    assert out.to_dict() == {"A": "closed", "B": "closed", "C": "open", "X": "open"}
    only_open = compute.classify_runs(tc, models, ("open",))
    assert "X" not in set(only_open["model"])


def test_running_max_keeps_only_new_records():
    rec = compute.running_max(_runs().iloc[:3].assign(training_compute_flop=[1e24, 1e25, 1e24]))
    assert list(rec["model"]) == ["A", "B", "C"]
    rec2 = compute.running_max(pd.concat([_runs().iloc[:2], _runs().iloc[:1].assign(
        model="A2", publication_date=D("2023-06-01"), training_compute_flop=5e24)]))
    assert list(rec2["model"]) == ["A", "B"]   # a smaller later closed run is no record


def _windows(days, noise_free=True):
    starts = pd.date_range("2024-07-01", periods=len(days), freq="45D")
    return pd.DataFrame({"start_date": starts, "days": np.asarray(days, float), "censored": False})


def test_power_is_high_for_a_long_sample_and_low_for_a_short_noisy_one():
    rng = np.random.default_rng(0)
    long = _windows(np.exp(3 + rng.normal(0, 0.2, 30)))
    p = leadership.trend_power(long, -0.5, 300, seed=1, alpha=0.05, target=0.8)
    assert p.n == 30 and p.power_at_reference > 0.8
    assert -0.5 <= p.detectable_change < 0          # it can see a halving, and smaller changes
    short = _windows(np.exp(3 + rng.normal(0, 1.5, 5)))
    q = leadership.trend_power(short, -0.5, 300, seed=1, alpha=0.05, target=0.8)
    assert q.power_at_reference < 0.5
    assert leadership.trend_verdict(0.1, 0.7, q, 0.05) == "inconclusive"
    assert leadership.trend_verdict(0.1, 0.7, p, 0.05) == "no shortening found"
    assert leadership.trend_verdict(-0.9, 0.001, q, 0.05) == "shortening"
    assert leadership.trend_verdict(float("nan"), float("nan"), q, 0.05) == "cannot be tested"
    assert np.isnan(leadership.trend_power(_windows([10, 20, 30]), -0.5, 100, 1, alpha=0.05, target=0.8).power_at_reference)


def test_capex_this_year_sums_quarters_and_latest_guidance():
    rows = [("A", 2026, "2026-12-31", "FY", "2026-12-31", "guidance", None, 100, 120, "2026-02-01"),
            ("A", 2026, "2026-12-31", "FY", "2026-12-31", "guidance", None, 130, 150, "2026-07-01"),
            ("A", 2026, "2026-12-31", "Q1", "2026-03-31", "reported", 30, None, None, "2026-04-30"),
            ("A", 2026, "2026-12-31", "Q2", "2026-06-30", "reported", 35, None, None, "2026-07-30"),
            ("A", 2025, "2025-12-31", "FY", "2025-12-31", "reported", 90, None, None, "2026-02-01"),
            ("M", 2026, "2026-06-30", "FY", "2026-06-30", "reported", 110, None, None, "2026-07-29"),
            ("M", 2026, "2026-06-30", "Q3", "2026-03-31", "reported", 30, None, None, "2026-04-29"),
            ("M", 2026, "2026-06-30", "Q4", "2026-06-30", "reported", 36, None, None, "2026-07-29"),
            ("M", 2026, "2026-12-31", "CY", "2026-12-31", "guidance", 175, None, None, "2026-07-29")]
    cols = ["company", "fiscal_year", "fiscal_year_end", "period", "period_end", "row_type", "capex_usd_bn",
            "capex_low_usd_bn", "capex_high_usd_bn", "as_of"]
    f = pd.DataFrame(rows, columns=cols)
    for c in ("fiscal_year_end", "period_end", "as_of"):
        f[c] = D(f[c])
    for c in ("capex_usd_bn", "capex_low_usd_bn", "capex_high_usd_bn"):
        f[c] = f[c].astype(float)
    out = compute.capex_calendar_year(f, ["A", "M"], 2026).set_index("company")
    assert out.loc["A", "reported_usd_bn"] == 65 and out.loc["A", "quarters"] == 2
    assert out.loc["A", "guidance_usd_bn"] == 140          # the latest range's midpoint
    assert out.loc["M", "reported_usd_bn"] == 66           # calendar quarters, not the fiscal year's total
    assert out.loc["M", "guidance_usd_bn"] == 175          # June fiscal year: only calendar-year guidance counts
