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
    least-squares slope of log window length per year with its two-sided interval (`window_trend`'s level)."""

    rho: float
    p_value: float
    n: int
    change_per_year: float  # fraction: -0.3 = windows 30 % shorter per year
    change_low: float
    change_high: float


def window_trend(w: pd.DataFrame, level: float = 0.9) -> WindowTrend:
    done = w[~w["censored"].astype(bool) & (w["days"] > 0)]
    n = len(done)
    if n < 4:
        return WindowTrend(*([float("nan")] * 2), n, *([float("nan")] * 3))
    x = decimal_year(done["start_date"])
    days = done["days"].to_numpy(float)
    rho, p = stats.spearmanr(x, days)
    fit = stats.linregress(x, np.log(days))
    t = stats.t.ppf((1 + level) / 2, n - 2)
    lo, hi = fit.slope - t * fit.stderr, fit.slope + t * fit.stderr
    return WindowTrend(float(rho), float(p), n, float(np.expm1(fit.slope)), float(np.expm1(lo)),
                       float(np.expm1(hi)))


@dataclass(frozen=True)
class Power:
    """What the rank test on `n` windows could detect: its power against the reference trend, and
    the smallest shortening per year it detects with probability `target` (NaN: none in the grid)."""

    n: int
    power_at_reference: float
    reference_change: float
    detectable_change: float
    target: float
    simulations: int


def _spearman_p(x_rank: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Two-sided p-value of Spearman's rho for each row of y against fixed ranks of x (the t
    approximation scipy uses)."""
    n = y.shape[1]
    ry = y.argsort(axis=1).argsort(axis=1).astype(float)
    rx = x_rank - x_rank.mean()
    ry = ry - ry.mean(axis=1, keepdims=True)
    rho = (ry * rx).sum(axis=1) / np.sqrt((ry ** 2).sum(axis=1) * (rx ** 2).sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        t = rho * np.sqrt((n - 2) / np.clip(1 - rho ** 2, 1e-300, None))
    return np.where(rho < 0, 2 * stats.t.sf(np.abs(t), n - 2), 1.0), rho


def trend_power(w: pd.DataFrame, reference_change: float, simulations: int, seed: int, *, alpha: float,
                target: float) -> Power:
    """Power of the one-sided rank test for shorter windows, by simulation at the observed start
    dates: log window length = a + b x year + normal noise with the spread of the observed log
    lengths around their own line. Counts a detection when rho < 0 with p < alpha (two-sided, as
    reported). Returns the power at the reference change per year and the smallest change (on a
    grid from -5 % to -99 % a year) detected with probability `target`."""
    done = w[~w["censored"].astype(bool) & (w["days"] > 0)]
    n = len(done)
    if n < 4:
        return Power(n, float("nan"), reference_change, float("nan"), target, simulations)
    x = decimal_year(done["start_date"])
    logd = np.log(done["days"].to_numpy(float))
    fit = stats.linregress(x, logd)
    sd = float(np.std(logd - fit.intercept - fit.slope * x, ddof=2)) if n > 2 else float(np.std(logd))
    sd = sd if sd > 0 else float(np.std(logd)) or 1.0
    x_rank = x.argsort().argsort().astype(float)
    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, sd, size=(simulations, n))  # common random numbers across trend sizes
    xc = x - x.mean()

    def power(change: float) -> float:
        b = np.log1p(change)
        p, rho = _spearman_p(x_rank, b * xc[None, :] + noise)
        return float(((rho < 0) & (p < alpha)).mean())

    grid = -np.concatenate([np.arange(0.05, 0.95, 0.05), [0.95, 0.99]])
    powers = np.array([power(c) for c in grid])
    ok = np.flatnonzero(powers >= target)
    detectable = float(grid[ok[0]]) if len(ok) else float("nan")
    return Power(n, power(reference_change), reference_change, detectable, target, simulations)


def trend_verdict(rho: float, p_value: float, power: Power, alpha: float) -> str:
    """'shortening' (significant negative rank correlation), 'inconclusive' (not significant and the
    test had under `power.target` power against the reference trend), 'no shortening found' (not
    significant with enough power), or 'cannot be tested'."""
    if not (np.isfinite(rho) and np.isfinite(p_value)):
        return "cannot be tested"
    if p_value < alpha and rho < 0:
        return "shortening"
    if not np.isfinite(power.power_at_reference) or power.power_at_reference < power.target:
        return "inconclusive"
    return "no shortening found"
