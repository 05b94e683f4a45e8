"""Leadership windows: how long one model, and one organization, held first place on a leaderboard.

Why survival methods: the current leader's window is still open, so its length is only a lower
bound. The median window is the Kaplan-Meier median (which uses the open window as censored), and
the trend over time is tested on completed windows with a rank correlation, whose p-value stays
valid for the small, skewed samples a leaderboard gives.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .frontier import decimal_year


def windows(leaders: pd.DataFrame, leaderboard: str, start: pd.Timestamp | None = None,
            end: pd.Timestamp | None = None) -> pd.DataFrame:
    """One row per spell in first place, with its length in days and whether it is still open.

    An empty `end_date` means still leading at the row's `as_of`: the spell is censored there (or
    at `end`, if earlier).
    """
    cols = ["model", "organization", "start_date", "end_date", "days", "censored", "source_url"]
    lb = leaders[leaders["leaderboard"] == leaderboard].sort_values("start_date").copy()
    if start is not None:
        lb = lb[lb["start_date"] >= start]
    if end is not None:
        lb = lb[lb["start_date"] <= end]
    if lb.empty:
        return pd.DataFrame(columns=cols)
    lb["censored"] = lb["end_date"].isna()
    stop = lb["end_date"].fillna(lb["as_of"])
    if end is not None:
        over = stop > end
        lb.loc[over, "censored"] = True
        stop = stop.where(~over, end)
    lb["end_date"] = stop
    lb["days"] = (lb["end_date"] - lb["start_date"]).dt.days.astype(float)
    return lb[cols].reset_index(drop=True)


def by_organization(w: pd.DataFrame) -> pd.DataFrame:
    """Consecutive spells of one organization merged into one window (a lab replacing its own
    leader with its next model keeps the lead)."""
    if w.empty:
        return w.assign(models=pd.Series(dtype=object))
    w = w.sort_values("start_date").reset_index(drop=True)
    block = (w["organization"] != w["organization"].shift()).cumsum()
    out = w.groupby(block).agg(
        organization=("organization", "first"), start_date=("start_date", "first"),
        end_date=("end_date", "last"), censored=("censored", "last"),
        models=("model", lambda m: ", ".join(dict.fromkeys(m))))
    out["days"] = (out["end_date"] - out["start_date"]).dt.days.astype(float)
    return out.reset_index(drop=True)


def km_median(durations: np.ndarray, censored: np.ndarray) -> float:
    """Kaplan-Meier median duration (NaN when survival never drops to one half).

    The median is the smallest observed event time at which the estimated survival is at or below
    0.5.
    """
    d = np.asarray(durations, float)
    c = np.asarray(censored, bool)
    if len(d) == 0:
        return float("nan")
    times = np.unique(d[~c])
    surv = 1.0
    for t in times:
        at_risk = (d >= t).sum()
        events = ((d == t) & ~c).sum()
        surv *= 1 - events / at_risk
        if surv <= 0.5:
            return float(t)
    return float("nan")


def median_days(w: pd.DataFrame) -> float:
    """Kaplan-Meier median of a frame of windows (`days`, `censored`); NaN when empty."""
    if w.empty:
        return float("nan")
    return km_median(w["days"].to_numpy(float), w["censored"].to_numpy(bool))


@dataclass(frozen=True)
class WindowTrend:
    """Spearman rank correlation of window length with start date (completed windows), and the
    least-squares slope of log window length per year with its 90 % interval."""

    rho: float
    p_value: float
    n: int
    change_per_year: float  # fraction: -0.3 = windows 30 % shorter per year
    change_low: float
    change_high: float


def window_trend(w: pd.DataFrame) -> WindowTrend:
    done = w[~w["censored"].astype(bool) & (w["days"] > 0)]
    n = len(done)
    if n < 4:
        return WindowTrend(*([float("nan")] * 2), n, *([float("nan")] * 3))
    x = decimal_year(done["start_date"])
    days = done["days"].to_numpy(float)
    rho, p = stats.spearmanr(x, days)
    fit = stats.linregress(x, np.log(days))
    t = stats.t.ppf(0.95, n - 2)
    lo, hi = fit.slope - t * fit.stderr, fit.slope + t * fit.stderr
    return WindowTrend(float(rho), float(p), n, float(np.expm1(fit.slope)), float(np.expm1(lo)),
                       float(np.expm1(hi)))
