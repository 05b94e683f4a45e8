"""Frontier envelopes, the gap and the catch-up lag, against hand-computed cases."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenfactory.compute_gap import frontier

D = pd.Timestamp


def _models():
    rows = [("A", "OpenAI", "2023-01-01", "closed"), ("B", "Anthropic", "2023-07-01", "closed"),
            ("C", "Google", "2024-01-01", "closed"), ("X", "Meta", "2023-04-01", "open_restricted"),
            ("Y", "Mistral", "2023-10-01", "open"), ("Z", "DeepSeek", "2024-04-01", "open")]
    m = pd.DataFrame(rows, columns=["model", "organization", "release_date", "weights"])
    m["release_date"] = pd.to_datetime(m["release_date"])
    return m


def _scores(values=None, benchmark="gpqa_diamond"):
    values = values or {"A": 50, "B": 60, "C": 70, "X": 45, "Y": 55, "Z": 62}
    s = pd.DataFrame({"model": list(values), "benchmark": benchmark, "score": list(values.values()),
                      "evaluator": "Epoch AI", "source_url": "https://example.org", "as_of": D("2025-01-01")})
    return s


def _sel(open_kinds=("open", "open_restricted")):
    return frontier.select_scores(_scores(), _models(), "gpqa_diamond", open_kinds)


def test_records_are_the_envelope_steps():
    r = frontier.records(_sel())
    assert list(r[r.group == "closed"].model) == ["A", "B", "C"]
    assert list(r[r.group == "open"].model) == ["X", "Y", "Z"]


def test_open_only_drops_restricted_licences():
    sel = _sel(("open",))
    assert "X" not in set(sel.model)
    assert set(sel[sel.group == "closed"].model) == {"A", "B", "C"}


def test_envelope_and_gap_at_end():
    sel = _sel()
    env = frontier.envelope_at(sel, "open", [D("2023-03-31"), D("2023-04-01"), D("2024-12-31")])
    assert np.isnan(env[0]) and env[1] == 45 and env[2] == 62
    g = frontier.gap_series(sel, end=D("2024-12-31"))
    assert g["gap"].iloc[-1] == 8  # 70 - 62
    # before any open model there is no gap to speak of
    assert g["date"].min() == D("2023-04-01")


def test_catch_up_lags_hand_computed():
    lags = frontier.catch_up_lags(_sel(), tolerance=0, end=D("2024-12-31"))
    assert list(lags.model) == ["A", "B", "C"]
    m = frontier.DAYS_PER_MONTH
    # A (50, 2023-01-01) reached by Y (55, 2023-10-01): 273 days
    assert lags.lag_months[0] == pytest.approx(273 / m)
    assert lags.open_model[0] == "Y"
    # B (60, 2023-07-01) reached by Z (62, 2024-04-01): 275 days
    assert lags.lag_months[1] == pytest.approx(275 / m)
    # C (70) never reached: censored at the end, lower bound 365 days
    assert bool(lags.censored[2]) and lags.lag_months[2] == pytest.approx(365 / m)
    assert pd.isna(lags.open_date[2])


def test_tolerance_counts_near_misses_as_caught_up():
    lags = frontier.catch_up_lags(_sel(), tolerance=5, end=D("2024-12-31"))
    # A's level minus 5 = 45: X (2023-04-01) reaches it, 90 days
    assert lags.lag_months[0] == pytest.approx(90 / frontier.DAYS_PER_MONTH)


def test_lag_zero_when_open_already_there():
    sel = frontier.select_scores(_scores({"A": 50, "B": 60, "C": 70, "X": 65, "Y": 55, "Z": 62}), _models(),
                                 "gpqa_diamond", ("open", "open_restricted"))
    lags = frontier.catch_up_lags(sel, 0, D("2024-12-31"))
    # X (65) was released 2023-04-01, after A: A's lag is 90 days; B (60, 2023-07-01) already matched: 0
    assert lags.lag_months[1] == 0


def test_current_lag_is_backward_looking():
    # open best at the end is 62; the closed frontier first reached 62 with C on 2024-01-01
    lag = frontier.current_lag_months(_sel(), D("2024-12-31"), 0)
    assert lag == pytest.approx(365 / frontier.DAYS_PER_MONTH)


def test_vendor_score_loses_to_independent_evaluator():
    s = _scores()
    extra = s[s.model == "A"].assign(score=99.0, evaluator="vendor")
    sel = frontier.select_scores(pd.concat([s, extra]), _models(), "gpqa_diamond", ("open",))
    assert sel.set_index("model").loc["A", "score"] == 50


def test_elo_gap_is_computed_within_each_snapshot():
    s1 = _scores({"A": 1200, "X": 1100}, "lmarena_elo").assign(as_of=D("2023-06-01"))
    # second snapshot: scale shifted by +300 for everybody, gap unchanged 100 -> 40
    s2 = _scores({"A": 1500, "B": 1540, "X": 1400, "Y": 1500}, "lmarena_elo").assign(as_of=D("2024-01-01"))
    sel = frontier.select_scores(pd.concat([s1, s2]), _models(), "lmarena_elo", ("open", "open_restricted"))
    g = frontier.gap_series(sel)
    assert list(g["gap"]) == [100, 40]
    last = frontier.latest_snapshot(sel)
    assert set(last.snapshot) == {D("2024-01-01")}


def test_tobit_equals_ols_without_censoring():
    x = np.array([2023.0, 2023.5, 2024.0, 2024.5, 2025.0])
    y = np.array([10.0, 9.0, 7.5, 6.0, 5.5])
    a, b = frontier.tobit_fit(x, y, np.zeros(5, bool))
    assert b == pytest.approx(np.polyfit(x, y, 1)[0], abs=1e-3)


def test_tobit_recovers_slope_under_censoring():
    rng = np.random.default_rng(0)
    x = rng.uniform(2023, 2026, 400)
    y_true = 12 - 3 * (x - 2023) + rng.normal(0, 1.0, 400)
    cap = 2026.0 - x + 6  # censoring bound falls with the date, as for real records
    cens = y_true > cap
    y = np.where(cens, cap, y_true)
    _, b = frontier.tobit_fit(x, y, cens)
    assert cens.sum() > 20
    assert b == pytest.approx(-3, abs=0.3)
    naive = np.polyfit(x[~cens], y[~cens], 1)[0]
    assert abs(b + 3) < abs(naive + 3)


def test_lag_trend_is_seeded():
    lags = pd.DataFrame({"date": pd.to_datetime(["2023-01-01", "2023-06-01", "2024-01-01", "2024-06-01", "2025-01-01"]),
                         "lag_months": [12.0, 10.0, 7.0, 6.0, 4.0], "censored": [False] * 4 + [True]})
    t1 = frontier.lag_trend(lags, 200, 7)
    t2 = frontier.lag_trend(lags, 200, 7)
    assert (t1.slope, t1.low, t1.high) == (t2.slope, t2.low, t2.high)
    assert t1.n == 5 and t1.n_censored == 1
    assert t1.low <= t1.slope <= t1.high


def test_lag_trend_level_and_no_bootstrap():
    """The same draws read at a lower level give a nested interval; without draws (the benchmarks no page
    shows a trend for) the point estimate is the same and the interval is unknown."""
    lags = pd.DataFrame({"date": pd.to_datetime(["2023-01-01", "2023-06-01", "2024-01-01", "2024-06-01", "2025-01-01"]),
                         "lag_months": [12.0, 10.0, 7.0, 6.0, 4.0], "censored": [False] * 4 + [True]})
    t90, t50 = frontier.lag_trend(lags, 300, 7, level=0.9), frontier.lag_trend(lags, 300, 7, level=0.5)
    assert t90.slope == t50.slope and t90.low < t50.low <= t50.high < t90.high
    t0 = frontier.lag_trend(lags, 0, 7)
    assert t0.slope == t90.slope and np.isnan(t0.low) and np.isnan(t0.high) and t0.draws_ok == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1000), st.floats(0, 100), st.booleans()), min_size=2, max_size=25),
       st.floats(0, 10), st.floats(0, 10))
def test_lag_properties(rows, tol_a, tol_b):
    """Lags are never negative, censored lags are exactly the time to the end, and a larger
    tolerance never lengthens a lag."""
    dates = pd.Timestamp("2023-01-01") + pd.to_timedelta([r[0] for r in rows], unit="D")
    models = pd.DataFrame({"model": [f"m{i}" for i in range(len(rows))], "organization": "Org",
                           "release_date": dates, "weights": ["closed" if r[2] else "open" for r in rows]})
    scores = pd.DataFrame({"model": models.model, "benchmark": "mmlu", "score": [r[1] for r in rows],
                           "evaluator": "x", "source_url": "u", "as_of": D("2026-01-01")})
    sel = frontier.select_scores(scores, models, "mmlu", ("open",))
    end = D("2026-01-01")
    lo, hi = sorted([tol_a, tol_b])
    a = frontier.catch_up_lags(sel, lo, end)
    b = frontier.catch_up_lags(sel, hi, end)
    assert (a.lag_months >= 0).all()
    cens = a[a.censored]
    expected = (end - pd.to_datetime(cens.date)).dt.days / frontier.DAYS_PER_MONTH
    assert np.allclose(cens.lag_months.to_numpy(float), expected.to_numpy(float))
    assert (b.lag_months.to_numpy() <= a.lag_months.to_numpy() + 1e-9).all()
    env = frontier.envelope_at(sel, "closed", sorted(dates))
    env = env[~np.isnan(env)]
    assert (np.diff(env) >= 0).all()
