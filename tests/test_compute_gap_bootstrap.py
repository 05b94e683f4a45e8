"""The vectorized bootstrap of the lag's trend gives the answers of the implementation it replaced
(kept here as `reference_lag_trend`, one scipy fit per draw), with the same draws and seed."""

import numpy as np
import pandas as pd
import pytest

from tokenfactory.compute_gap import frontier

D = pd.to_datetime


def reference_lag_trend(lags: pd.DataFrame, draws: int, seed: int, level: float = 0.9):
    """The implementation before vectorization (book edition 2026-11-24), verbatim in substance."""
    x = frontier.decimal_year(lags["date"])
    y = lags["lag_months"].to_numpy(float)
    c = lags["censored"].to_numpy(bool)
    a, b = frontier.tobit_fit(x, y, c)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(x), size=(draws, len(x)))
    ab = np.array([frontier.tobit_fit(x[i], y[i], c[i]) for i in idx]).reshape(-1, 2)
    ab = ab[np.isfinite(ab).all(axis=1)]
    ok = ab[:, 1]
    if len(ok) < max(20, draws // 10) or not np.isfinite(b):
        lo = hi = float("nan")
    else:
        lo, hi = np.quantile(ok, [(1 - level) / 2, (1 + level) / 2])
    return b, float(lo), float(hi), len(ok), a, ab


#: The ECI catch-up lags of the 2026-11-24 edition (inputs, not results): 13 closed records, 7 censored.
ECI_2026_11_24 = pd.DataFrame({
    "date": D(["2023-03-14", "2023-11-06", "2024-06-20", "2024-09-12", "2024-12-17", "2025-03-25", "2025-04-16",
               "2025-07-09", "2025-08-07", "2025-11-18", "2025-12-11", "2026-02-05", "2026-02-19"]),
    "lag_months": [14.817248459958932, 8.542094455852157, 2.9897330595482545, 4.271047227926078,
                   7.523613963039014, 8.24640657084189, 20.501026694045173, 17.741273100616016,
                   16.788501026694046, 13.404517453798768, 12.648870636550308, 10.809034907597535,
                   10.349075975359343],
    "censored": [False] * 6 + [True] * 7})


def _synthetic(n: int, n_censored: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.Timestamp("2023-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 1200, n)), unit="D")
    lag = np.clip(10 - 2 * np.arange(n) / n + rng.normal(0, 3, n), 0.5, None)
    cens = np.zeros(n, bool)
    cens[-n_censored:] = True
    return pd.DataFrame({"date": dates, "lag_months": lag, "censored": cens})


@pytest.mark.parametrize("lags,draws,seed", [(ECI_2026_11_24, 150, 20251124), (_synthetic(12, 3, 1), 100, 7),
                                             (_synthetic(5, 1, 2), 100, 3), (_synthetic(9, 5, 4), 100, 11)])
def test_vectorized_bootstrap_matches_the_reference(lags, draws, seed):
    b, lo, hi, n_ok, a, ab = reference_lag_trend(lags, draws, seed)
    t = frontier.lag_trend(lags, draws, seed)
    assert t.slope == b and t.intercept == a            # the point fit is the same call
    assert t.draws_ok == n_ok                           # the same draws are usable
    # every draw's fit: the reference stops at its optimizer's tolerance (about 1e-5 relative)
    assert np.allclose(t.draws_ab, ab, rtol=5e-3, atol=1e-3)
    assert t.low == pytest.approx(lo, rel=1e-3, abs=1e-3) and t.high == pytest.approx(hi, rel=1e-3, abs=1e-3)


def test_batched_fit_equals_single_fits_and_flags_what_it_cannot_settle():
    x = np.array([2023.0, 2023.5, 2024.0, 2024.5, 2025.0, 2025.5])
    y = np.array([10.0, 9.0, 7.5, 6.0, 8.0, 4.0])
    c = np.array([False, False, False, False, True, True])
    a, b, ok = frontier.tobit_fit_many(x[None, :], y[None, :], c[None, :])
    a1, b1 = frontier.tobit_fit(x, y, c)
    assert ok[0] and b[0] == pytest.approx(b1, rel=1e-4) and a[0] == pytest.approx(a1, rel=1e-4)
    # all exact values at one date: the slope is not pinned by them, the row is handed back
    x2 = np.array([2023.0, 2023.0, 2023.0, 2024.0, 2025.0])
    c2 = np.array([False, False, False, True, True])
    _, _, ok2 = frontier.tobit_fit_many(x2[None, :], np.array([[5.0, 6.0, 7.0, 3.0, 2.0]]), c2[None, :])
    assert not ok2[0]
    # fewer than three exact values: NaN, as tobit_fit
    a3, b3, ok3 = frontier.tobit_fit_many(x[None, :], y[None, :], np.array([[True] * 4 + [False] * 2]))
    assert np.isnan(b3[0]) and ok3[0]
