"""Dates known to a day, month, quarter or year, as intervals; durations between them as intervals.

Why intervals: most chip milestones are public only to the month or the year ("deployed since
2015"). Treating 2015-01-01 as the date would bias every duration; instead a date known to the
month is the interval [first day, last day] of that month, and a duration between two such dates is
the interval [earliest possible end - latest possible start, latest end - earliest start], with its
midpoint used where one number is needed. Everything here is vectorized over pandas Series.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Average month length, so that durations read in calendar months.
from ..units import DAYS_PER_MONTH  # noqa: E402,F401  (re-exported)

_OFFSETS = {
    "day": pd.DateOffset(days=0),
    "month": pd.offsets.MonthEnd(0),
    "quarter": pd.DateOffset(months=3, days=-1),
    "year": pd.DateOffset(years=1, days=-1),
}


def period_end(date: pd.Series, precision: pd.Series) -> pd.Series:
    """Last possible day of each date given its precision (a date is stored as its period's first
    day). Unknown precision is treated as "day"."""
    date = pd.to_datetime(pd.Series(date)).reset_index(drop=True)
    precision = pd.Series(precision).reset_index(drop=True).fillna("day").astype(str)
    out = date.copy()
    for prec, offset in _OFFSETS.items():
        mask = (precision == prec) & date.notna()
        if prec == "day" or not mask.any():
            continue
        if prec == "month":
            out[mask] = date[mask] + pd.offsets.MonthEnd(0)
        else:
            out[mask] = date[mask] + offset
    return out


def months_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """(end - start) in months of average length."""
    return (pd.to_datetime(end) - pd.to_datetime(start)).dt.days / DAYS_PER_MONTH


def duration_interval(start_lo, start_hi, end_lo, end_hi, clip: bool = True) -> pd.DataFrame:
    """Bounds of the time from an imprecise start to an imprecise end, in months.

    lo = end_lo - start_hi, hi = end_hi - start_lo. With `clip` both are clipped at zero, for
    milestones that are physically ordered (a chip cannot be available before its tape-out; "taped
    out in 2025, available in 2025" gives a lower bound of zero). An announcement is not ordered:
    custom chips are often deployed before they are announced, so those durations are not clipped.
    """
    lo = months_between(pd.Series(start_hi).reset_index(drop=True), pd.Series(end_lo).reset_index(drop=True))
    hi = months_between(pd.Series(start_lo).reset_index(drop=True), pd.Series(end_hi).reset_index(drop=True))
    if clip:
        lo, hi = lo.clip(lower=0), hi.clip(lower=0)
    return pd.DataFrame({"lo": lo, "hi": hi, "mid": (lo + hi) / 2})


def earliest(intervals: list[tuple[pd.Series, pd.Series]]) -> tuple[pd.Series, pd.Series]:
    """The interval of the earliest of several imprecise dates: [min of lows, min of highs]
    (missing dates ignored)."""
    los = pd.concat([lo.reset_index(drop=True) for lo, _ in intervals], axis=1)
    his = pd.concat([hi.reset_index(drop=True) for _, hi in intervals], axis=1)
    return los.min(axis=1), his.min(axis=1)


def ecdf(lo: np.ndarray, hi: np.ndarray, grid: np.ndarray) -> pd.DataFrame:
    """Empirical CDF of interval-valued durations, evaluated on `grid`.

    `f_low` counts a duration as done by x only when its upper bound is ≤ x (the slowest reading);
    `f_high` as soon as its lower bound is ≤ x (the fastest); `f_mid` uses midpoints. The true ECDF
    lies between f_low and f_high. Open-ended durations (hi = inf, "more than 36 months") never
    count in f_low.
    """
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    n = len(lo)
    grid = np.asarray(grid, float)
    if n == 0:
        nan = np.full(len(grid), np.nan)
        return pd.DataFrame({"x": grid, "f_low": nan, "f_mid": nan, "f_high": nan})
    mid = np.where(np.isfinite(hi), (lo + hi) / 2, lo)
    f_low = (hi[None, :] <= grid[:, None]).sum(1) / n
    f_high = (lo[None, :] <= grid[:, None]).sum(1) / n
    f_mid = (mid[None, :] <= grid[:, None]).sum(1) / n
    return pd.DataFrame({"x": grid, "f_low": f_low, "f_mid": f_mid, "f_high": f_high})


def percentile_of(value: float, lo: np.ndarray, hi: np.ndarray) -> tuple[float, float, float]:
    """Where `value` falls among interval-valued durations, as a percentile 0-100.

    Returns (point, low, high): `point` counts durations whose midpoint is below `value` (ties count
    half, the usual mid-rank percentile); `low` counts only those certainly below (hi < value);
    `high` those possibly below (lo < value). NaN when there is nothing to compare with.
    """
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    n = len(lo)
    if n == 0:
        return (float("nan"),) * 3
    mid = np.where(np.isfinite(hi), (lo + hi) / 2, lo)
    def rank(x: np.ndarray) -> float:
        return float(((x < value).sum() + 0.5 * (x == value).sum()) / n * 100)

    return rank(mid), rank(hi), rank(lo)
