"""The model gap: closed and open frontiers on one benchmark, the gap in points, the catch-up lag.

Why envelopes: a single model's score says little about "the gap"; what matters is the best that
was available to a user of each kind at each date. The closed (open) envelope at date t is the best
score among closed (open) models released on or before t.

Why the lag is measured forward from each closed record and may be right-censored: for each date on
which a closed model set a new record, we ask how many months passed until the open envelope reached
that level (within a tolerance). Records that open models have not reached by the end of the data
have a lag known only to exceed the time elapsed since: they are kept, flagged `censored`, and the
trend is fitted by a censored (Tobit) regression rather than dropping them, which would bias the
trend towards short recent lags.

Elo ratings (lmarena_elo) are only comparable within one leaderboard snapshot, so for that benchmark
the gap over time is computed snapshot by snapshot, and the envelopes and lags use the latest
snapshot alone (every model in it is rated on the same scale, by release date).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special

from ..units import DAYS_PER_MONTH  # noqa: E402  (one calendar: tokenfactory.units)
ELO = "lmarena_elo"

#: Evaluators preferred when a model has several scores on one benchmark: independent runs first.
_VENDOR = "vendor"


def decimal_year(dates: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Dates as fractional years (2024-07-02 -> about 2024.5), for regressions in "per year"."""
    d = pd.to_datetime(pd.Series(dates))
    year = d.dt.year.to_numpy(dtype=float)
    start = pd.to_datetime(d.dt.year.astype(str) + "-01-01")
    length = np.where(d.dt.is_leap_year, 366.0, 365.0)
    return year + (d - start).dt.days.to_numpy(dtype=float) / length


def classify(weights: pd.Series, open_kinds: tuple[str, ...]) -> pd.Series:
    """'closed', 'open' or None (an open_restricted model when only permissive licences count)."""
    out = pd.Series(None, index=weights.index, dtype=object)
    out[weights == "closed"] = "closed"
    out[weights.isin(open_kinds)] = "open"
    return out


def select_scores(scores: pd.DataFrame, models: pd.DataFrame, benchmark: str, open_kinds: tuple[str, ...],
                  start: pd.Timestamp | None = None, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """One row per model (per model and snapshot for Elo) with its group, release date and score.

    Several scores for one model on one percent/index benchmark: the independent evaluator's is
    preferred over the vendor's, then the most recent (`as_of`); ties are averaged.
    """
    s = scores[scores["benchmark"] == benchmark].copy()
    cols = ["model", "organization", "release_date", "weights"]
    s = s.merge(models[cols], on="model", how="inner")
    s["group"] = classify(s["weights"], open_kinds)
    s = s[s["group"].notna() & s["score"].notna() & s["release_date"].notna()]
    if start is not None:
        s = s[s["release_date"] >= start]
    if end is not None:
        s = s[s["release_date"] <= end]
    if s.empty:
        return s.assign(snapshot=pd.Series(dtype="datetime64[ns]"))
    if benchmark == ELO:
        s["snapshot"] = s["as_of"]
        # a model rated twice in one snapshot (two evaluator labels): average
        keys = ["model", "snapshot"]
    else:
        s["independent"] = (s["evaluator"].fillna(_VENDOR).str.lower() != _VENDOR).astype(int)
        s = s.sort_values(["model", "independent", "as_of"])
        best = s.groupby("model")[["independent", "as_of"]].transform("last")
        s = s[(s["independent"] == best["independent"]) & (s["as_of"] == best["as_of"])]
        s["snapshot"] = pd.NaT
        keys = ["model"]
    agg = {"score": "mean", "organization": "first", "release_date": "first", "weights": "first",
           "group": "first", "evaluator": "first", "source_url": "first", "as_of": "first"}
    if benchmark == ELO:
        agg.pop("as_of")
    out = s.groupby(keys, as_index=False, dropna=False).agg(agg)
    if benchmark != ELO:
        out["snapshot"] = pd.NaT
    return out.sort_values(["release_date", "model"]).reset_index(drop=True)


def latest_snapshot(sel: pd.DataFrame) -> pd.DataFrame:
    """For Elo: the rows of the latest snapshot in which both groups appear; other benchmarks unchanged."""
    if sel.empty or sel["snapshot"].isna().all():
        return sel
    both = sel.groupby("snapshot")["group"].nunique()
    snaps = both.index[both == 2]
    snap = snaps.max() if len(snaps) else sel["snapshot"].max()
    return sel[sel["snapshot"] == snap].reset_index(drop=True)


def records(sel: pd.DataFrame) -> pd.DataFrame:
    """The models that set a new best score for their group when released (the envelope's steps).

    Ties on one release date: the best of the day. A model that only equals the standing record
    is not a new record.
    """
    if sel.empty:
        return sel.assign(prev_best=pd.Series(dtype=float))
    out = []
    for _, g in sel.groupby("group"):
        g = g.sort_values(["release_date", "score"], ascending=[True, False])
        g = g.drop_duplicates("release_date", keep="first")
        prev = g["score"].cummax().shift(1)
        g = g.assign(prev_best=prev)
        out.append(g[g["score"] > g["prev_best"].fillna(-np.inf)])
    return pd.concat(out).sort_values("release_date").reset_index(drop=True)


def envelope_at(sel: pd.DataFrame, group: str, dates: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """The best score of `group` among models released on or before each date (NaN before the first)."""
    g = sel[sel["group"] == group].sort_values("release_date")
    d = pd.DatetimeIndex(pd.to_datetime(pd.Series(dates)))
    if g.empty:
        return np.full(len(d), np.nan)
    best = g["score"].cummax().to_numpy()
    idx = np.searchsorted(g["release_date"].to_numpy(), d.to_numpy(), side="right") - 1
    return np.where(idx >= 0, best[np.clip(idx, 0, None)], np.nan)


def gap_series(sel: pd.DataFrame, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """The gap (closed envelope minus open envelope, in benchmark points) over time.

    Percent/index benchmarks: at every release date of either group (step function), plus `end`.
    Elo: one value per snapshot, best closed minus best open rated in that snapshot.
    """
    cols = ["date", "closed", "open", "gap"]
    if sel.empty:
        return pd.DataFrame(columns=cols)
    if sel["snapshot"].notna().any():
        top = sel.pivot_table(index="snapshot", columns="group", values="score", aggfunc="max")
        top = top.reindex(columns=["closed", "open"]).dropna()
        out = top.reset_index().rename(columns={"snapshot": "date"})
        out["gap"] = out["closed"] - out["open"]
        return out[cols]
    dates = pd.Series(sorted(set(sel["release_date"]) | ({end} if end is not None else set())))
    out = pd.DataFrame({"date": dates, "closed": envelope_at(sel, "closed", dates),
                        "open": envelope_at(sel, "open", dates)})
    out["gap"] = out["closed"] - out["open"]
    return out.dropna().reset_index(drop=True)


def catch_up_lags(sel: pd.DataFrame, tolerance: float, end: pd.Timestamp) -> pd.DataFrame:
    """For each closed record: months until the open envelope came within `tolerance` of it.

    `lag_months` is exact where `censored` is False; where True (never reached by `end`) it is the
    lower bound `end - record date`. A record the open envelope already matched when it was set has
    lag 0. Vectorized: the open envelope is non-decreasing, so `searchsorted` finds, for every
    level at once, the first open model at or above it.
    """
    cols = ["date", "model", "organization", "level", "open_date", "open_model", "lag_months", "censored"]
    closed = records(sel)
    closed = closed[closed["group"] == "closed"] if not closed.empty else closed
    if closed.empty:
        return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "model": pd.Series(dtype=object),
                             "organization": pd.Series(dtype=object), "level": pd.Series(dtype=float),
                             "open_date": pd.Series(dtype="datetime64[ns]"), "open_model": pd.Series(dtype=object),
                             "lag_months": pd.Series(dtype=float), "censored": pd.Series(dtype=bool)})[cols]
    o = sel[sel["group"] == "open"].sort_values(["release_date", "score"], ascending=[True, False])
    levels = closed["score"].to_numpy() - tolerance
    t = closed["release_date"].to_numpy()
    if o.empty:
        idx = np.zeros(len(closed), dtype=int)
        n_open = 0
    else:
        runmax = o["score"].cummax().to_numpy()
        idx = np.searchsorted(runmax, levels, side="left")
        n_open = len(o)
    reached = idx < n_open
    safe = np.clip(idx, 0, max(n_open - 1, 0))
    open_dates = o["release_date"].to_numpy()[safe] if n_open else np.full(len(closed), np.datetime64("NaT", "ns"))
    open_models = o["model"].to_numpy()[safe] if n_open else np.full(len(closed), None)
    end64 = np.datetime64(pd.Timestamp(end), "ns")
    stop = np.where(reached, open_dates, end64)
    days = (stop - t).astype("timedelta64[D]").astype(float)
    lag = np.clip(days, 0, None) / DAYS_PER_MONTH
    return pd.DataFrame({
        "date": closed["release_date"].to_numpy(), "model": closed["model"].to_numpy(),
        "organization": closed["organization"].to_numpy(), "level": closed["score"].to_numpy(),
        "open_date": np.where(reached, open_dates, np.datetime64("NaT", "ns")),
        "open_model": np.where(reached, open_models, None),
        "lag_months": lag, "censored": ~reached,
    })[cols]


def current_lag_months(sel: pd.DataFrame, at: pd.Timestamp, tolerance: float) -> float:
    """Backward-looking lag at date `at`: months since the closed envelope first reached (within
    `tolerance`) the level of today's best open model. Never censored; 0 if open leads."""
    o = envelope_at(sel, "open", [at])[0]
    c = sel[sel["group"] == "closed"].sort_values("release_date")
    if np.isnan(o) or c.empty:
        return float("nan")
    hit = c[c["score"] >= o - tolerance]
    if hit.empty:
        return 0.0
    first = hit["release_date"].iloc[0]
    return max((pd.Timestamp(at) - first).days, 0) / DAYS_PER_MONTH


# --- the trend of the lag, with right-censoring -----------------------------------------------

_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)


def _tobit_negloglik(theta: np.ndarray, x: np.ndarray, y: np.ndarray, cens: np.ndarray
                     ) -> tuple[float, np.ndarray]:
    """Negative log-likelihood of the right-censored normal regression, and its gradient in
    (intercept, slope, log sigma). Written with `scipy.special` (not `scipy.stats`) because the
    bootstrap calls it thousands of times."""
    a, b, log_s = theta
    s = np.exp(log_s)
    z = (y - a - b * x) / s
    zc, zu = z[cens], z[~cens]
    log_sf = special.log_ndtr(-zc)
    ll = log_sf.sum() + (-0.5 * zu ** 2 - log_s - _LOG_SQRT_2PI).sum()
    lam = np.exp(-0.5 * zc ** 2 - _LOG_SQRT_2PI - log_sf)  # inverse Mills ratio
    xc, xu = x[cens], x[~cens]
    g_a = (lam.sum() + zu.sum()) / s
    g_b = ((lam * xc).sum() + (zu * xu).sum()) / s
    g_ls = (lam * zc).sum() + (zu ** 2 - 1).sum()
    return -float(ll), -np.array([g_a, g_b, g_ls])


def tobit_fit(x: np.ndarray, y: np.ndarray, censored: np.ndarray) -> tuple[float, float]:
    """Intercept and slope of y on x by maximum likelihood, with y right-censored where `censored`.

    Normal errors; a censored y contributes P(Y > y). Falls back to NaN with fewer than three exact
    values (the slope is then not identified in practice).
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    cens = np.asarray(censored, bool)
    if (~cens).sum() < 3 or np.ptp(x) == 0:
        return float("nan"), float("nan")
    xc = x - x.mean()
    b0, a0 = np.polyfit(xc, y, 1)
    s0 = max(float(np.std(y - a0 - b0 * xc)), 0.5)
    res = optimize.minimize(_tobit_negloglik, np.array([a0, b0, np.log(s0)]), args=(xc, y, cens), jac=True,
                            method="L-BFGS-B", bounds=[(None, None), (None, None), (np.log(1e-3), np.log(1e3))])
    a, b, _ = res.x
    return float(a - b * x.mean()), float(b)


#: Bounds of 1/sigma in the batched fit: the same as `tobit_fit`'s bounds on sigma (1e-3 to 1e3).
_GAMMA_BOUNDS = (1e-3, 1e3)


def _olsen_state(theta: np.ndarray, xc: np.ndarray, y: np.ndarray, cens: np.ndarray, n_exact: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log-likelihood (up to a constant) per row in Olsen's parameters, with z and log P(Z > z)."""
    z = theta[:, 2:3] * y - theta[:, 0:1] - theta[:, 1:2] * xc
    log_sf = special.log_ndtr(-z)
    ll = np.where(cens, log_sf, -0.5 * z ** 2).sum(axis=1) + n_exact * np.log(theta[:, 2])
    return ll, z, log_sf


def tobit_fit_many(x: np.ndarray, y: np.ndarray, censored: np.ndarray, max_iter: int = 60
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`tobit_fit` on many samples at once (one per row of the 2-D arrays): intercepts, slopes, and
    whether each row's maximum was found.

    Why it is fast and gives the same answer: in Olsen's parameters (a/s, b/s, 1/s) the censored
    normal log-likelihood is concave, so Newton's method with step halving, run on every row at
    once with numpy, reaches the one maximum that `tobit_fit` also finds (to its optimizer's
    tolerance, about 1e-5 of the slope), including the bounded maximum when the exact values fit a
    line exactly (sigma at its lower bound, as in `tobit_fit`). Rows without a finite maximum (the
    exact values all at one date, the censored ones pulling the slope without end) are reported as
    not converged, so the caller can hand them to `tobit_fit` and get its answer bit for bit. Rows `tobit_fit`
    would not fit (fewer than three exact values, one date) are NaN and count as converged.
    """
    x = np.atleast_2d(np.asarray(x, float))
    y = np.atleast_2d(np.asarray(y, float))
    cens = np.atleast_2d(np.asarray(censored, bool))
    rows = x.shape[0]
    n_exact = (~cens).sum(axis=1)
    fit = (n_exact >= 3) & (np.ptp(x, axis=1) > 0)
    xm = x.mean(axis=1, keepdims=True)
    xc = x - xm
    # the start of `tobit_fit`: ordinary least squares on every value, sigma from its residuals (>= 0.5)
    vx = (xc ** 2).sum(axis=1)
    b0 = (xc * (y - y.mean(axis=1, keepdims=True))).sum(axis=1) / np.where(vx > 0, vx, 1.0)
    a0 = y.mean(axis=1)
    s0 = np.maximum((y - a0[:, None] - b0[:, None] * xc).std(axis=1), 0.5)
    theta = np.stack([a0 / s0, b0 / s0, 1 / s0], axis=1)
    ll, z, log_sf = _olsen_state(theta, xc, y, cens, n_exact)
    done, converged = ~fit, np.zeros(rows, bool)
    dz = np.stack([-np.ones_like(xc), -xc, y], axis=2)  # dz/d(alpha, beta, gamma), rows x n x 3
    for _ in range(max_iter):
        act = np.flatnonzero(~done)  # only the rows still moving are computed
        if len(act) == 0:
            break
        th, za, lsa, lla = theta[act], z[act], log_sf[act], ll[act]
        ca, na, dza = cens[act], n_exact[act], dz[act]
        lam = np.exp(-0.5 * za ** 2 - _LOG_SQRT_2PI - lsa)  # inverse Mills ratio
        l_z = np.where(ca, -lam, -za)
        l_zz = np.where(ca, -lam * (lam - za), -1.0)
        grad = (l_z[:, :, None] * dza).sum(axis=1)
        grad[:, 2] += na / th[:, 2]
        hess = np.einsum("rn,rni,rnj->rij", l_zz, dza, dza)
        hess[:, 2, 2] -= na / th[:, 2] ** 2
        # sigma at its lower bound with the likelihood still rising towards it: keep it there and
        # maximize over the other two parameters (the bounded optimum `tobit_fit` also finds)
        pinned = (th[:, 2] >= _GAMMA_BOUNDS[1] * (1 - 1e-12)) & (grad[:, 2] > 0)
        grad[pinned, 2] = 0.0
        hess[pinned, 2, :] = 0.0
        hess[pinned, :, 2] = 0.0
        hess[pinned, 2, 2] = -1.0
        # a flat direction (no finite maximum along it): stop the row, `tobit_fit` will take it
        flat = ~(np.linalg.det(-hess) > 1e-200) | ~np.isfinite(hess).all(axis=(1, 2))
        hess[flat], grad[flat] = -np.eye(3), 0.0
        done[act[flat]] = True
        step = np.linalg.solve(-hess, grad[:, :, None])[:, :, 0]
        at_max = ~flat & ((grad * step).sum(axis=1) < 1e-18)  # Newton decrement
        converged[act[at_max]] = True
        done[act[at_max]] = True
        active, t = ~at_max & ~flat, np.ones(len(act))
        for _halving in range(40):
            cand = th + t[:, None] * step
            cand[:, 2] = np.clip(cand[:, 2], *_GAMMA_BOUNDS)  # a projected step: sigma stays within its bounds
            llc, zc, lsc = _olsen_state(cand, xc[act], y[act], ca, na)
            take = active & (llc >= lla - 1e-12 * np.abs(lla))
            th = np.where(take[:, None], cand, th)
            lla = np.where(take, llc, lla)
            za = np.where(take[:, None], zc, za)
            lsa = np.where(take[:, None], lsc, lsa)
            active &= ~take
            if not active.any():
                break
            t = np.where(active, t / 2, t)
        theta[act], ll[act], z[act], log_sf[act] = th, lla, za, lsa
        done[act[active]] = True  # no step improves: give up on the row (not converged)
    # exact values at fewer than two dates leave the slope to the censored values, which pull it
    # without end: no finite maximum, whatever the iterations say
    xs = np.sort(np.where(cens, np.nan, x), axis=1)
    two_dates = (np.diff(xs, axis=1) > 0).any(axis=1)
    converged &= two_dates
    b = theta[:, 1] / theta[:, 2]
    a = theta[:, 0] / theta[:, 2] - b * xm[:, 0]
    return np.where(fit, a, np.nan), np.where(fit, b, np.nan), converged | ~fit


def bootstrap_fits(x: np.ndarray, y: np.ndarray, censored: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """(intercept, slope) of `tobit_fit` on every resample `idx` (draws x n indices): all at once by
    `tobit_fit_many`, and the rows it cannot settle one by one by `tobit_fit` (each distinct
    resample once: the same indices in the same order give the same fit)."""
    if len(idx) == 0:
        return np.empty((0, 2))
    a, b, ok = tobit_fit_many(x[idx], y[idx], censored[idx])
    ab = np.column_stack([a, b])
    if (~ok).any():
        cache: dict[bytes, tuple[float, float]] = {}
        for r in np.flatnonzero(~ok):
            i = idx[r]
            key = i.tobytes()
            if key not in cache:
                cache[key] = tobit_fit(x[i], y[i], censored[i])
            ab[r] = cache[key]
    return ab


@dataclass(frozen=True)
class Trend:
    """A slope with its bootstrap interval: `slope` in y-units per x-unit."""

    slope: float
    low: float
    high: float
    n: int
    n_censored: int
    draws_ok: int
    intercept: float = float("nan")
    #: bootstrap (intercept, slope) pairs that converged, for a pointwise band on the chart
    draws_ab: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))


def lag_trend(lags: pd.DataFrame, draws: int, seed: int, level: float = 0.9) -> Trend:
    """Trend of the catch-up lag (months per year), censored regression, with a seeded pairs bootstrap.

    Each bootstrap draw resamples the closed records with replacement (numpy Generator seeded with
    `seed`) and refits; draws in which the slope is not identified are dropped and counted. With
    `draws=0` only the point estimate is fitted (its interval is NaN).
    """
    if lags.empty:
        return Trend(float("nan"), float("nan"), float("nan"), 0, 0, 0)
    x = decimal_year(lags["date"])
    y = lags["lag_months"].to_numpy(float)
    c = lags["censored"].to_numpy(bool)
    a, b = tobit_fit(x, y, c)
    if draws > 0:
        rng = np.random.default_rng(seed)
        ab = bootstrap_fits(x, y, c, rng.integers(0, len(x), size=(draws, len(x))))
        ab = ab[np.isfinite(ab).all(axis=1)]
    else:
        ab = np.empty((0, 2))
    ok = ab[:, 1]
    if len(ok) < max(20, draws // 10) or not np.isfinite(b):
        lo = hi = float("nan")
    else:
        lo, hi = np.quantile(ok, [(1 - level) / 2, (1 + level) / 2])
    return Trend(b, float(lo), float(hi), len(x), int(c.sum()), len(ok), a, ab)


def trend_band(trend: Trend, years: np.ndarray, level: float = 0.9) -> pd.DataFrame:
    """The fitted lag and its pointwise bootstrap band at the given (fractional) years."""
    years = np.asarray(years, float)
    fit = trend.intercept + trend.slope * years
    if len(trend.draws_ab) >= 20:
        lines = trend.draws_ab[:, :1] + trend.draws_ab[:, 1:] * years[None, :]
        lo, hi = np.quantile(lines, [(1 - level) / 2, (1 + level) / 2], axis=0)
    else:
        lo = hi = np.full_like(years, np.nan)
    return pd.DataFrame({"year": years, "fit": fit, "low": lo, "high": hi})


def naive_trends(lags: pd.DataFrame) -> dict[str, float]:
    """The two biased ordinary fits that the censored fit sits between, for the methods note:
    dropping the censored records, and treating their lower bounds as exact."""
    out = {"slope_exact_only": float("nan"), "slope_bounds_as_exact": float("nan")}
    if len(lags) >= 3:
        x = decimal_year(lags["date"])
        y = lags["lag_months"].to_numpy(float)
        c = lags["censored"].to_numpy(bool)
        if np.ptp(x) > 0:
            out["slope_bounds_as_exact"] = float(np.polyfit(x, y, 1)[0])
        if (~c).sum() >= 3 and np.ptp(x[~c]) > 0:
            out["slope_exact_only"] = float(np.polyfit(x[~c], y[~c], 1)[0])
    return out


def latest_exact_lag(lags: pd.DataFrame) -> pd.Series | None:
    """The most recent closed record that open models have matched (its lag is exact)."""
    done = lags[~lags["censored"]]
    return None if done.empty else done.sort_values("date").iloc[-1]


# --- the lag averaged over time, and over levels (Epoch AI's geometry) -------------------------

def lag_series(sel: pd.DataFrame, dates, tolerance: float) -> np.ndarray:
    """`current_lag_months` at many dates at once: for each date, months since the closed envelope
    first came within `tolerance` of the open envelope's level that day (0 when open leads; NaN
    before either group has a model)."""
    d = pd.DatetimeIndex(pd.to_datetime(pd.Series(dates)))
    o = envelope_at(sel, "open", d)
    c = sel[sel["group"] == "closed"].sort_values("release_date")
    if c.empty or len(d) == 0:
        return np.full(len(d), np.nan)
    runmax = c["score"].cummax().to_numpy(float)
    level = np.where(np.isnan(o), np.inf, o - tolerance)
    idx = np.searchsorted(runmax, level, side="left")
    hit = idx < len(c)
    first = c["release_date"].to_numpy()[np.clip(idx, 0, len(c) - 1)]
    days = (d.to_numpy() - first).astype("timedelta64[D]").astype(float)
    lag = np.where(hit, np.clip(days, 0, None) / DAYS_PER_MONTH, 0.0)
    return np.where(np.isnan(o), np.nan, lag)


def time_average_lag(sel: pd.DataFrame, start, end, tolerance: float, step_days: int = 7) -> tuple[float, int]:
    """The backward-looking lag averaged over dates every `step_days` from `start` to `end` (dates
    before both groups have a model are left out), and the number of dates averaged."""
    if sel.empty or start is None or end is None or pd.isna(start) or pd.isna(end) or end <= start:
        return float("nan"), 0
    vals = lag_series(sel, pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq=f"{step_days}D"), tolerance)
    vals = vals[np.isfinite(vals)]
    return (float(vals.mean()), len(vals)) if len(vals) else (float("nan"), 0)


def first_reach(sel: pd.DataFrame, group: str, levels: np.ndarray) -> np.ndarray:
    """The first release date on which `group`'s best score reached each level (NaT if never)."""
    g = sel[sel["group"] == group].sort_values("release_date")
    levels = np.asarray(levels, float)
    if g.empty:
        return np.full(len(levels), np.datetime64("NaT", "ns"))
    runmax = g["score"].cummax().to_numpy(float)
    idx = np.searchsorted(runmax, levels, side="left")
    dates = g["release_date"].to_numpy()[np.clip(idx, 0, len(g) - 1)]
    return np.where(idx < len(g), dates, np.datetime64("NaT", "ns"))


def level_average_lag(sel: pd.DataFrame, tolerance: float, points: int = 200) -> float:
    """Epoch AI's average "horizontal" gap: the time between the closed and the open best-to-date
    lines, averaged over evenly spaced score levels from the higher of the two groups' first
    scores to the best open score (the levels both lines have reached). An open model within
    `tolerance` of a level counts as having reached it. Months; negative distances (open first)
    count as 0."""
    if sel.empty or sel["group"].nunique() < 2:
        return float("nan")
    first = sel.sort_values("release_date").groupby("group")["score"].first()
    lo = float(first.max())
    hi = float(sel.loc[sel["group"] == "open", "score"].max()) + tolerance
    hi = min(hi, float(sel.loc[sel["group"] == "closed", "score"].max()))
    if not hi >= lo:
        return float("nan")
    levels = np.linspace(lo, hi, points)
    t_closed = first_reach(sel, "closed", levels)
    t_open = first_reach(sel, "open", levels - tolerance)
    ok = ~(np.isnat(t_closed) | np.isnat(t_open))
    if not ok.any():
        return float("nan")
    days = (t_open[ok] - t_closed[ok]).astype("timedelta64[D]").astype(float)
    return float(np.clip(days, 0, None).mean() / DAYS_PER_MONTH)
