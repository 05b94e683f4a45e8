"""How fast the price of a fixed capability falls: Epoch AI's method on a dated price history.

Method (Epoch AI, "LLM inference prices have fallen rapidly but unequally across tasks", 2025):
for a capability threshold (a score on a benchmark, e.g. GPT-4's GPQA Diamond score), keep the
models whose best score reaches it; walk through their dated price events (launches and price
cuts) in time order; the points where the cheapest qualifying price falls to a new low are the
frontier; fit log10(price) against time on those points and read the slope as a multiplier per
year (10 = tenfold cheaper each year), with a 90% interval.

Prices merely *seen* on a dated page (event `current`, date_basis `page_date`) and undated listings
are not price changes: they never set a new low. They enter the fit as censored upper bounds
(the frontier at that date was at most that price): the fit is an interval (Tobit-like) regression,
maximum likelihood with normal errors, exact points contributing their density and bounds their
probability of lying above the line. With no bound the fit is ordinary least squares, and the
interval is the OLS t interval; with bounds the interval is the Wald interval of the maximum
likelihood slope, with the same small-sample correction (t quantile, n-2 degrees of freedom and the
residual variance scaled by n/(n-2), n = exact points). Undated listings are placed at the end of
the observation window (`undated="end"`: a listing seen at an unknown date is a valid upper bound
only at the latest date it can be from) or dropped (`undated="drop"`).

Prices are taken on one basis at a time: `input`, `output`, `blended_3_1` ((3 x input + output)/4,
Artificial Analysis's and Epoch AI's footing), or `average` ((input + output)/2, a16z's footing).
A row missing a price needed by the basis is skipped.

Parameters of the entry point `price_trend_result` (for the chapter's Params):

- `thresholds`: tuple of (benchmark, reference) pairs; the threshold is the best score of the
  reference model in benchmark_scores.csv (a str), or the given number (a float). Default
  `DEFAULT_THRESHOLDS`: MMLU at GPT-3's, GPT-3.5's (text-davinci-003), GPT-3.5 Turbo's and GPT-4's
  scores (Epoch AI's MMLU milestones); GPQA Diamond at GPT-4's,
  GPT-4o's and o1's; ECI at GPT-4's, o1's and GPT-5's. Unit: the benchmark's (percent, ECI index).
- `bases`: price bases fitted, default ("input", "output", "blended_3_1"). Unit: USD per million tokens.
- `headline`: (benchmark, reference, basis) of the glued headline rate; default
  ("gpqa_diamond", "GPT-4", "blended_3_1"), Epoch AI's 40x-per-year footing.
- `alpha`: 1 - confidence of the interval; default 0.10 (90% interval).
- `undated`: "end" (default) or "drop", how undated listings enter (see above).
- `min_points`: fewest new lows to fit a rate; default 3.
- `published`: the published_rates table (optional): adds a16z's footing as a second view (MMLU at
  its stated threshold, input and output averaged) and the comparison with published rates.

Outputs glued (`glue_values`): price_decline_per_year (headline multiplier per year: the median over the
thresholds with at least `MIN_POOLED_LOWS` new lows, see `pooled`), price_decline_low, price_decline_high
(the median threshold's 90% interval), price_points_fitted (new lows of the thresholds pooled),
price_decline_thresholds (how many), months_since_new_low (the median over them of the time from each one's last new low to the
end of the price table), price_decline_single_* (the parameters' single threshold), price_events_dated
(launches and price cuts with a date in the table).

Suggested chapter Params (name, default, unit, basis):
- price_trend_headline_benchmark = "gpqa_diamond" (choice: mmlu, gpqa_diamond, eci): Epoch AI's headline footing.
- price_trend_headline_reference = "GPT-4" (model name in models.csv): threshold = its best score.
- price_trend_price_basis = "blended_3_1" (choice: input, output, blended_3_1, average), USD per million
  tokens: Artificial Analysis's and Epoch AI's 3:1 blend.
- price_trend_confidence = 0.90 (fraction): the interval's level (alpha = 1 - confidence).
- price_trend_undated = "end" (choice: end, drop): where undated listings enter as bounds.
- price_trend_min_points = 3 (count): fewest new lows to report a rate.

Where the decline comes from (`decline_decomposition`): total = hardware x size x residual, each as a
multiplier per year and a share of the log decline. Hardware = fall of merchant-GPU chip price per
dense BF16 TFLOPS (accelerators.csv; Epoch AI estimates, as list prices are not published); size = fall
of active parameters among the new lows with a published size (open-weight models only); residual =
margin, utilization and software together. Assumed: a token's compute cost is proportional to active
parameters and to price per FLOP. With closed models on most frontiers, size is often not estimable
(NaN), and the split is then not given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ..data.checks import rows_with_basis

from ..units import DAYS_PER_MONTH, DAYS_PER_YEAR  # noqa: E402,F401
#: Fewest new lows a threshold needs to enter the pooled headline rate.
MIN_POOLED_LOWS = 8

#: Price events whose date is the date the price took effect (or the first dataset commit showing it).
EVENTS = ("launch", "price_cut")
EVENT_BASES = ("event", "scraped")  # the day it took effect, or the first capture showing it

PRICE_BASES = ("input", "output", "blended_3_1", "average")
BASIS_LABELS = {"input": "input price", "output": "output price",
                "blended_3_1": "blended price (3 input : 1 output)", "average": "average of input and output prices"}
BENCHMARK_LABELS = {"mmlu": "MMLU", "gpqa_diamond": "GPQA Diamond", "eci": "ECI"}
BENCHMARK_UNITS = {"mmlu": "percent", "gpqa_diamond": "percent", "eci": "index"}

#: (benchmark, reference model): the threshold is the reference model's best score in the data.
DEFAULT_THRESHOLDS: tuple[tuple[str, str | float], ...] = (
    ("mmlu", "GPT-3"), ("mmlu", "GPT-3.5 (text-davinci-003)"), ("mmlu", "GPT-3.5 Turbo"), ("mmlu", "GPT-4"),
    ("gpqa_diamond", "GPT-4"), ("gpqa_diamond", "GPT-4o"), ("gpqa_diamond", "o1"),
    ("eci", "GPT-4"), ("eci", "o1"), ("eci", "GPT-5"),
)
DEFAULT_BASES = ("input", "output", "blended_3_1")
DEFAULT_HEADLINE = ("gpqa_diamond", "GPT-4", "blended_3_1")


# ----------------------------------------------------------------------------- prices and scores

def price_on_basis(prices: pd.DataFrame, basis: str) -> pd.Series:
    """USD per million tokens on one basis; NaN where a needed price is missing."""
    inp = pd.to_numeric(prices["input_usd_per_mtok"], errors="coerce")
    out = pd.to_numeric(prices["output_usd_per_mtok"], errors="coerce")
    if basis == "input":
        return inp
    if basis == "output":
        return out
    if basis == "blended_3_1":
        return (3 * inp + out) / 4
    if basis == "average":
        return (inp + out) / 2
    raise ValueError(f"unknown price basis {basis!r} (one of {PRICE_BASES})")


def row_kind(prices: pd.DataFrame) -> pd.Series:
    """'event' for a launch or price cut dated by the day it took effect (or the first commit showing
    it); 'bound' for a price seen on a dated page; 'undated' for a listing with no date.
    A table without `date_basis` reads launches and cuts as events and the rest as bounds."""
    is_event = prices["event"].isin(EVENTS)
    if "date_basis" not in prices:
        return pd.Series(np.where(is_event, "event", "bound"), index=prices.index)
    # a rule reads only the date bases it may: an event date is the day the price took effect (or the
    # first capture showing it), never a page's date or an undated listing's earliest possible day
    event_dated = prices.index.isin(rows_with_basis(prices, EVENT_BASES, rule="price events").index)
    undated = prices.index.isin(rows_with_basis(prices, ("undated_earliest",), rule="undated listings").index)
    kind = np.where(undated, "undated", np.where(is_event & event_dated, "event", "bound"))
    return pd.Series(kind, index=prices.index)


def count_dated_events(prices: pd.DataFrame) -> int:
    """Launches and price cuts whose date is the day the price took effect (or its first commit)."""
    return int((row_kind(prices) == "event").sum())


def best_scores(scores: pd.DataFrame, benchmark: str) -> pd.Series:
    """Each model's best score on a benchmark (evaluators and dates differ; keep the best)."""
    s = scores[scores["benchmark"] == benchmark]
    return pd.to_numeric(s["score"], errors="coerce").groupby(s["model"]).max().dropna()


@dataclass(frozen=True)
class Threshold:
    benchmark: str
    level: float
    reference: str  # the reference model's name, or "" when the level was given as a number

    @property
    def label(self) -> str:
        bench = BENCHMARK_LABELS.get(self.benchmark, self.benchmark)
        unit = "%" if BENCHMARK_UNITS.get(self.benchmark) == "percent" else ""
        ref = f" ({self.reference})" if self.reference else ""
        return f"{bench} ≥ {self.level:g}{unit}{ref}"


def resolve_threshold(scores: pd.DataFrame, benchmark: str, reference: str | float) -> Threshold:
    """A threshold from a reference model's best score (str) or from a number."""
    if isinstance(reference, str):
        best = best_scores(scores, benchmark)
        if reference not in best.index:
            raise KeyError(f"{reference!r} has no {benchmark} score in benchmark_scores")
        return Threshold(benchmark, float(best[reference]), reference)
    return Threshold(benchmark, float(reference), "")


def qualifying_models(scores: pd.DataFrame, threshold: Threshold) -> list[str]:
    best = best_scores(scores, threshold.benchmark)
    return sorted(best[best >= threshold.level].index)


# ----------------------------------------------------------------------------- the frontier

def frontier(prices: pd.DataFrame, scores: pd.DataFrame, threshold: Threshold, basis: str = "blended_3_1",
             undated: str = "end") -> pd.DataFrame:
    """The dated prices of qualifying models, with the running cheapest price and the new lows.

    Columns: date, provider, model, usd_per_mtok, kind ('event', 'bound', 'undated'), score,
    cheapest (running minimum over events up to that row; empty for bounds), new_low (True where the
    minimum fell: the exact points of the fit). Bounds and undated listings never set a new low.
    Undated listings are dated at the end of the window (the latest date in `prices`) or dropped.
    """
    if undated not in ("end", "drop"):
        raise ValueError("undated must be 'end' or 'drop'")
    ok = set(qualifying_models(scores, threshold))
    rows = prices.assign(kind=row_kind(prices), usd_per_mtok=price_on_basis(prices, basis),
                         date=pd.to_datetime(prices["date"]))
    window_end = rows["date"].max()
    rows = rows[rows["model"].isin(ok) & rows["usd_per_mtok"].notna() & (rows["usd_per_mtok"] > 0)]
    if undated == "drop":
        rows = rows[rows["kind"] != "undated"]
    else:
        rows = rows.assign(date=rows["date"].where(rows["kind"] != "undated", window_end))
    cols = ["date", "provider", "model", "usd_per_mtok", "kind"]
    out = rows[cols].sort_values(["date", "usd_per_mtok"], kind="stable", ignore_index=True)
    out["score"] = out["model"].map(best_scores(scores, threshold.benchmark))
    is_event = out["kind"] == "event"
    cheapest = out["usd_per_mtok"].where(is_event).cummin()
    previous = cheapest.shift(1).fillna(np.inf)
    out["cheapest"] = cheapest.where(is_event)
    # a new low must be strictly cheaper (beyond float noise: (3 x 0.14 + 0.28)/4 vs (3 x 0.1 + 0.4)/4)
    out["new_low"] = is_event & (out["usd_per_mtok"] == cheapest) & (cheapest < previous * (1 - 1e-9))
    return out


# ----------------------------------------------------------------------------- the fit

@dataclass(frozen=True)
class TrendFit:
    """log10(price) = intercept + slope x years since t0; per_year = 10**(-slope) (10 = tenfold cheaper
    a year), with its interval (low, high). `n_points` exact new lows, `n_bounds` censored bounds."""

    per_year: float
    low: float
    high: float
    slope: float
    intercept: float
    sigma: float
    t0: pd.Timestamp
    n_points: int
    n_bounds: int
    alpha: float
    method: str  # "ols" (no bound) or "tobit"

    @property
    def informative(self) -> bool:
        """True when the interval excludes no change (x1 a year)."""
        return self.low > 1 or self.high < 1

    def predict(self, dates) -> np.ndarray:
        """Fitted USD per million tokens at the given dates."""
        years = (pd.to_datetime(pd.Series(dates)) - self.t0).dt.days.to_numpy(float) / DAYS_PER_YEAR
        return 10 ** (self.intercept + self.slope * years)


def _negloglik(theta: np.ndarray, x: np.ndarray, y: np.ndarray, xc: np.ndarray, c: np.ndarray) -> float:
    a, b, log_s = theta
    s = np.exp(log_s)
    exact = stats.norm.logpdf(y, loc=a + b * x, scale=s).sum()
    bound = stats.norm.logcdf((c - (a + b * xc)) / s).sum() if len(c) else 0.0
    return -(exact + bound)


def _hessian(f, theta: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """Central-difference Hessian of a scalar function."""
    k = len(theta)
    out = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            e_i = np.eye(k)[i] * h
            e_j = np.eye(k)[j] * h
            v = (f(theta + e_i + e_j) - f(theta + e_i - e_j) - f(theta - e_i + e_j) + f(theta - e_i - e_j)) / (4 * h * h)
            out[i, j] = out[j, i] = v
    return out


def fit_censored_trend(dates_exact, prices_exact, dates_bound=(), prices_bound=(), alpha: float = 0.10,
                       min_points: int = 3) -> TrendFit | None:
    """Fit log10(price) on years to exact points and censored upper bounds (None below `min_points`).

    Without bounds: OLS with its t interval. With bounds: maximum likelihood (normal errors; a bound
    contributes P(frontier <= bound)), Wald interval on the slope with the OLS small-sample
    correction (variance x n/(n-2), t quantile with n-2 degrees of freedom, n = exact points)."""
    de = pd.to_datetime(pd.Series(list(dates_exact)))
    n = len(de)
    if n < min_points:
        return None
    t0 = de.min()
    x = (de - t0).dt.days.to_numpy(float) / DAYS_PER_YEAR
    y = np.log10(np.asarray(prices_exact, float))
    db = pd.to_datetime(pd.Series(list(dates_bound), dtype="datetime64[ns]"))
    xc = (db - t0).dt.days.to_numpy(float) / DAYS_PER_YEAR
    c = np.log10(np.asarray(list(prices_bound), float))
    X = np.column_stack([np.ones(n), x])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    df = n - 2
    q = stats.t.ppf(1 - alpha / 2, df)
    s2_ols = float(resid @ resid) / df
    if len(c) == 0:
        a, b = beta
        se_b = float(np.sqrt(s2_ols * np.linalg.inv(X.T @ X)[1, 1]))
        sigma, method = float(np.sqrt(s2_ols)), "ols"
    else:
        start = np.array([beta[0], beta[1], np.log(max(np.sqrt(s2_ols), 1e-3))])
        f = lambda th: _negloglik(th, x, y, xc, c)  # noqa: E731
        res = optimize.minimize(f, start, method="Nelder-Mead",
                                options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 20000, "maxfev": 40000})
        a, b, log_s = res.x
        cov = np.linalg.pinv(_hessian(f, res.x))
        se_b = float(np.sqrt(max(cov[1, 1], 0.0) * n / df))
        sigma, method = float(np.exp(log_s)), "tobit"
    lo_slope, hi_slope = b - q * se_b, b + q * se_b
    # a steeper (more negative) slope is a faster decline: the interval's ends swap
    return TrendFit(per_year=float(10 ** -b), low=float(10 ** -hi_slope), high=float(10 ** -lo_slope),
                    slope=float(b), intercept=float(a), sigma=sigma, t0=t0, n_points=n, n_bounds=len(c),
                    alpha=alpha, method=method)


def fit_frontier(front: pd.DataFrame, alpha: float = 0.10, min_points: int = 3) -> TrendFit | None:
    """Fit a frontier (see `frontier`): new lows exact, bounds and undated listings censored.
    Only bounds from the first new low on are used (before it there is no frontier to bound)."""
    exact = front[front["new_low"]]
    if len(exact) < min_points:
        return None
    bounds = front[front["kind"].isin(["bound", "undated"]) & (front["date"] >= exact["date"].min())]
    return fit_censored_trend(exact["date"], exact["usd_per_mtok"], bounds["date"], bounds["usd_per_mtok"],
                              alpha=alpha, min_points=min_points)


def annualize(total_factor: float, start, end) -> float:
    """A total decline over a period as a multiplier per year: factor ** (1 / years)."""
    years = (pd.Timestamp(end) - pd.Timestamp(start)).days / DAYS_PER_YEAR
    return float(total_factor ** (1.0 / years))


# ----------------------------------------------------------------------------- the whole analysis

@dataclass(frozen=True)
class PriceTrendResult:
    rates: pd.DataFrame                      # one row per threshold x basis (and the a16z view)
    frontiers: dict = field(repr=False)      # (benchmark, reference, basis) -> frontier frame
    fits: dict = field(repr=False)           # same keys -> TrendFit or None
    labels: dict = field(repr=False)         # same keys -> threshold label
    headline: tuple[str, str, str]
    events_dated: int
    events_by_provider: pd.Series
    years_covered: tuple[int, int]
    comparison: pd.DataFrame | None
    alpha: float
    #: the last date of the price table: new lows are looked for up to it (`months_since_new_low`)
    window_end: pd.Timestamp | None = None


def _key(th: Threshold, basis: str) -> tuple[str, str, str]:
    return (th.benchmark, th.reference or f"{th.level:g}", basis)


def price_trend_result(prices: pd.DataFrame, models: pd.DataFrame, scores: pd.DataFrame,
                       thresholds=DEFAULT_THRESHOLDS, bases=DEFAULT_BASES, headline=DEFAULT_HEADLINE,
                       alpha: float = 0.10, undated: str = "end", min_points: int = 3,
                       published: pd.DataFrame | None = None) -> PriceTrendResult:
    """Rates of decline for every threshold x price basis, the a16z view, and the comparison.

    `models` is used to keep only priced models known to models.csv (a price of an unknown model
    cannot be matched to a score). Dated events are counted over the whole price table."""
    all_prices = prices
    prices = prices[prices["model"].isin(set(models["model"]))]
    rows, frontiers, fits, labels = [], {}, {}, {}
    specs = [(resolve_threshold(scores, b, ref), basis, "Epoch AI method") for b, ref in thresholds for basis in bases]
    if published is not None:
        a16z = published[(published["source"] == "a16z") & (published["benchmark"] == "mmlu")]
        for lvl in pd.to_numeric(a16z["threshold_score"], errors="coerce").dropna():
            specs.append((Threshold("mmlu", float(lvl), ""), "average", "a16z footing"))
    for th, basis, view in specs:
        front = frontier(prices, scores, th, basis, undated=undated)
        fit = fit_frontier(front, alpha=alpha, min_points=min_points)
        key = _key(th, basis)
        frontiers[key], fits[key], labels[key] = front, fit, th.label
        new = front[front["new_low"]]
        rows.append({
            "view": view, "benchmark": th.benchmark, "reference": th.reference, "threshold": th.level,
            "threshold_label": th.label, "basis": basis, "models_qualifying": front["model"].nunique(),
            "points_fitted": 0 if fit is None else fit.n_points, "bounds": 0 if fit is None else fit.n_bounds,
            "per_year": np.nan if fit is None else fit.per_year,
            "low": np.nan if fit is None else fit.low, "high": np.nan if fit is None else fit.high,
            "first_low": new["date"].min() if len(new) else pd.NaT, "last_low": new["date"].max() if len(new) else pd.NaT,
            "first_price": new["usd_per_mtok"].iloc[0] if len(new) else np.nan,
            "last_price": new["usd_per_mtok"].iloc[-1] if len(new) else np.nan,
            "method": "" if fit is None else fit.method,
        })
    rates = pd.DataFrame(rows)
    window_end = pd.to_datetime(all_prices["date"]).max()
    rates["months_since_new_low"] = (window_end - pd.to_datetime(rates["last_low"])).dt.days / DAYS_PER_MONTH
    ev = all_prices[row_kind(all_prices) == "event"]
    years = pd.to_datetime(ev["date"]).dt.year
    comparison = compare_with_published(rates, published) if published is not None else None
    return PriceTrendResult(rates=rates, frontiers=frontiers, fits=fits, labels=labels, headline=tuple(headline),
                            events_dated=len(ev), events_by_provider=ev.groupby("provider").size().sort_values(ascending=False),
                            years_covered=(int(years.min()), int(years.max())) if len(ev) else (0, 0),
                            comparison=comparison, alpha=alpha, window_end=window_end)


def headline_row(result: PriceTrendResult) -> pd.Series:
    bench, ref, basis = result.headline
    r = result.rates
    hit = r[(r["benchmark"] == bench) & (r["reference"] == ref) & (r["basis"] == basis) & (r["view"] == "Epoch AI method")]
    if hit.empty:
        raise KeyError(f"headline {result.headline} is not among the fitted thresholds")
    return hit.iloc[0]


def pooled(result: PriceTrendResult, basis: str | None = None, min_lows: int = MIN_POOLED_LOWS) -> dict | None:
    """The headline rate pooled across capability thresholds: the median of the rates of every
    threshold (Epoch AI's method, one price basis) fitted on at least `min_lows` new lows.

    A median, not a joint fit: the thresholds share models (a cheap model that reaches GPT-4's MMLU
    score also reaches GPT-3's), so their points are not independent and a joint fit's interval
    would be too narrow. The interval is the median threshold's own (with an even count, the
    geometric mean of the two middle thresholds' ends); `spread_low`/`spread_high` are the lowest and
    highest of the pooled thresholds' own rates. `months_since_new_low` is the median over the pooled
    thresholds of the time from each one's last new low to the end of the price table (each one's in
    `months_by_threshold`, the most recent in `months_since_newest_low`): a long wait means the running
    minimum has stalled, which a fit on new lows alone cannot show, and the minimum would hide
    thresholds that stalled while one other kept falling. None when no threshold has enough new lows."""
    basis = basis or result.headline[2]
    r = result.rates
    ok = r[(r["view"] == "Epoch AI method") & (r["basis"] == basis) & (r["points_fitted"] >= min_lows)
           & r["per_year"].notna() & (r["per_year"] > 0)]
    if ok.empty:
        return None
    ok = ok.assign(_log=np.log10(ok["per_year"])).sort_values("_log", kind="stable")
    k = len(ok)
    mid = ok.iloc[[(k - 1) // 2, k // 2]]
    gm = lambda c: float(10 ** np.log10(mid[c].astype(float)).mean())  # noqa: E731
    return {"per_year": float(10 ** np.median(ok["_log"])), "low": gm("low"), "high": gm("high"),
            "thresholds": list(ok.sort_index()["threshold_label"]), "n_thresholds": k, "points": int(ok["points_fitted"].sum()),
            "spread_low": float(ok["per_year"].min()), "spread_high": float(ok["per_year"].max()),
            "months_since_new_low": float(np.median(ok["months_since_new_low"].astype(float))),
            "months_since_newest_low": float(ok["months_since_new_low"].min()),
            "months_by_threshold": [(str(lab), float(mo)) for lab, mo in
                                    zip(ok.sort_index()["threshold_label"], ok.sort_index()["months_since_new_low"])],
            "basis": basis, "min_lows": min_lows,
            "rates": ok.drop(columns="_log").reset_index(drop=True)}


def glue_values(result: PriceTrendResult, min_lows: int = MIN_POOLED_LOWS) -> dict[str, float]:
    """Values the chapter glues. The headline (`price_decline_per_year`, `_low`, `_high`) is the pooled
    rate (`pooled`); `price_points_fitted` counts the new lows of the thresholds pooled and
    `price_decline_thresholds` how many there are. When no threshold has `min_lows` new lows, the
    headline falls back to the single threshold of the parameters (`price_decline_thresholds` = 0
    says so). The single threshold's own rate is kept as `price_decline_single_*`."""
    h = headline_row(result)
    pool = pooled(result, min_lows=min_lows)
    single = {"price_decline_single_per_year": float(h["per_year"]), "price_decline_single_low": float(h["low"]),
              "price_decline_single_high": float(h["high"]), "price_decline_single_points": int(h["points_fitted"])}
    if pool is None:
        return {"price_decline_per_year": float(h["per_year"]), "price_decline_low": float(h["low"]),
                "price_decline_high": float(h["high"]), "price_points_fitted": int(h["points_fitted"]),
                "price_events_dated": int(result.events_dated), "price_decline_thresholds": 0,
                "months_since_new_low": float(h["months_since_new_low"]), **single}
    return {"price_decline_per_year": pool["per_year"], "price_decline_low": pool["low"],
            "price_decline_high": pool["high"], "price_points_fitted": pool["points"],
            "price_events_dated": int(result.events_dated), "price_decline_thresholds": pool["n_thresholds"],
            "months_since_new_low": pool["months_since_new_low"], **single}


def published_beside_pooled(pool: dict | None, published: pd.DataFrame | None) -> dict:
    """Published figures on the pooled footing: the median of Epoch AI's own per-threshold rates
    (its results file) on the benchmarks pooled here, and a16z's stated yearly rate (MMLU). Empty
    values (None) where the table has none."""
    out = {"epoch_median": None, "epoch_n": 0, "a16z": None}
    if pool is None or published is None or published.empty:
        return out
    benches = {b for b in pool["rates"]["benchmark"]}
    pub = published_rates(published)
    ep = pub[(pub["source"] == "Epoch AI (results file)") & pub["benchmark"].isin(benches) & pub["per_year"].notna()]
    if len(ep):
        out["epoch_median"] = float(10 ** np.median(np.log10(ep["per_year"].astype(float))))
        out["epoch_n"] = int(len(ep))
    a16 = pub[(pub["source"] == "a16z") & pub["benchmark"].isin(benches) & pd.to_numeric(pub["rate_per_year"],
                                                                                          errors="coerce").notna()]
    if len(a16):
        out["a16z"] = float(pd.to_numeric(a16["rate_per_year"]).iloc[0])
    return out


def pooled_table(result: PriceTrendResult, basis: str | None = None, min_lows: int = MIN_POOLED_LOWS) -> pd.DataFrame:
    """Every threshold on one basis: its rate, new lows, months since its last new low, and whether it
    enters the pooled headline (at least `min_lows` new lows)."""
    basis = basis or result.headline[2]
    r = result.rates[(result.rates["view"] == "Epoch AI method") & (result.rates["basis"] == basis)]
    return pd.DataFrame({
        "Threshold": r["threshold_label"], "New lows fitted": r["points_fitted"], "× per year": r["per_year"],
        "90% low": r["low"], "90% high": r["high"], "Last new low": pd.to_datetime(r["last_low"]).dt.date,
        "Months since": r["months_since_new_low"], "Pooled": r["points_fitted"] >= min_lows,
    }).reset_index(drop=True)


def rates_table(result: PriceTrendResult, basis: str | None = None) -> pd.DataFrame:
    """Reader-facing table of rates per threshold (one basis, or all)."""
    r = result.rates if basis is None else result.rates[result.rates["basis"] == basis]
    return pd.DataFrame({
        "View": r["view"], "Threshold": r["threshold_label"], "Price": r["basis"].map(BASIS_LABELS),
        "Qualifying models": r["models_qualifying"], "New lows fitted": r["points_fitted"],
        "Bounds": r["bounds"], "× per year": r["per_year"], "90% low": r["low"], "90% high": r["high"],
        "From": r["first_low"].dt.date, "To": r["last_low"].dt.date,
    }).reset_index(drop=True)


# ----------------------------------------------------------------------------- published rates

def published_rates(published: pd.DataFrame) -> pd.DataFrame:
    """The published rates with a yearly multiplier for every row: the stated one, or the stated
    total factor annualized over the stated period."""
    p = published.copy()
    stated = pd.to_numeric(p["rate_per_year"], errors="coerce")
    total = pd.to_numeric(p["total_factor"], errors="coerce")
    ann = [annualize(t, s, e) if pd.notna(t) and pd.notna(s) and pd.notna(e) and pd.isna(r) else np.nan
           for t, s, e, r in zip(total, p["period_start"], p["period_end"], stated)]
    p["per_year"] = stated.fillna(pd.Series(ann, index=p.index))
    p["annualized"] = stated.isna() & p["per_year"].notna()
    return p


def compare_with_published(rates: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Published rates beside ours on the same footing where one exists (same benchmark, same
    reference model or threshold, same price basis); other published rates are listed unmatched."""
    pub = published_rates(published)
    basis_map = {"blended_3_1": "blended_3_1", "input_output_average": "average"}
    out = []
    for _, p in pub.iterrows():
        same = rates[(rates["benchmark"] == p["benchmark"]) & (rates["basis"] == basis_map.get(p["price_basis"], "?"))]
        ref = p.get("reference_model")
        thr = pd.to_numeric(pd.Series([p.get("threshold_score")]), errors="coerce").iloc[0]
        # the same reference model first (its score in this book's data), else the same stated threshold
        ours = same[same["reference"] == ref] if isinstance(ref, str) and ref else same.iloc[0:0]
        if ours.empty and pd.notna(thr):
            ours = same[np.isclose(same["threshold"], thr)]
        m = ours.iloc[0] if len(ours) else None
        out.append({
            "source": p["source"], "measure": p["measure"], "published_per_year": p["per_year"],
            "published_low": pd.to_numeric(pd.Series([p["rate_low"]]), errors="coerce").iloc[0],
            "published_high": pd.to_numeric(pd.Series([p["rate_high"]]), errors="coerce").iloc[0],
            "annualized": bool(p["annualized"]),
            "our_threshold": None if m is None else m["threshold_label"],
            "our_per_year": np.nan if m is None else m["per_year"],
            "our_low": np.nan if m is None else m["low"], "our_high": np.nan if m is None else m["high"],
            "same_footing": m is not None,
            "ratio_ours_to_published": np.nan if m is None else m["per_year"] / p["per_year"],
            "intervals_overlap": (m is not None and pd.notna(m["low"]) and pd.notna(p["per_year"])
                                  and _overlap(m["low"], m["high"], p)),
        })
    return pd.DataFrame(out)


def _overlap(lo: float, hi: float, p: pd.Series) -> bool:
    plo = pd.to_numeric(pd.Series([p["rate_low"]]), errors="coerce").iloc[0]
    phi = pd.to_numeric(pd.Series([p["rate_high"]]), errors="coerce").iloc[0]
    plo = p["per_year"] if pd.isna(plo) else plo
    phi = p["per_year"] if pd.isna(phi) else phi
    return bool(lo <= phi and plo <= hi)


# ----------------------------------------------------------------------------- where the decline comes from

def decompose_decline(total_per_year: float, hardware_per_year: float, size_per_year: float) -> pd.DataFrame:
    """Split a yearly price decline into factors, multiplicatively (shares of the log decline).

    price = (hardware cost per FLOP) x (FLOP per token, proportional to active parameters)
            x (everything else: margin, utilization, software efficiency).
    So total = hardware x size x residual, and each factor's share is log(factor) / log(total).
    The residual is what hardware and model size do not explain: margin and serving efficiency,
    not separable with public prices."""
    if total_per_year <= 0 or hardware_per_year <= 0 or size_per_year <= 0:
        raise ValueError("yearly factors must be positive")
    residual = total_per_year / (hardware_per_year * size_per_year)
    parts = {"cheaper hardware per FLOP": hardware_per_year, "smaller models (active parameters)": size_per_year,
             "margin, utilization and software (residual)": residual}
    log_total = np.log(total_per_year)
    return pd.DataFrame({"component": list(parts), "per_year": list(parts.values()),
                         "share_of_decline": [np.log(v) / log_total if log_total != 0 else np.nan
                                              for v in parts.values()]})


def yearly_trend(dates, values) -> float:
    """Multiplier per year by which `values` fall (log-linear least squares; >1 = falling)."""
    d = pd.to_datetime(pd.Series(list(dates)))
    x = (d - d.min()).dt.days.to_numpy(float) / DAYS_PER_YEAR
    y = np.log10(np.asarray(list(values), float))
    if len(x) < 2 or np.ptp(x) == 0:
        return float("nan")
    slope = np.polyfit(x, y, 1)[0]
    return float(10 ** -slope)


def hardware_cost_trend(accelerators: pd.DataFrame, kind: str = "merchant_gpu", include_estimates: bool = False,
                        price_basis: str | None = "chip") -> tuple[float, int]:
    """Yearly decline of price per dense BF16 TFLOPS across accelerators of one kind (by the date each
    became available), and the number of chips used. Estimated prices are excluded unless
    `include_estimates`; only prices on one `price_basis` (chip alone by default) are compared."""
    a = accelerators[(accelerators["kind"] == kind)].copy()
    a["price_usd"] = pd.to_numeric(a["price_usd"], errors="coerce")
    a["tf"] = pd.to_numeric(a["bf16_dense_tflops"], errors="coerce")
    est = a["price_estimate"].astype(str).str.lower().eq("true") if "price_estimate" in a else pd.Series(False, index=a.index)
    keep = a["price_usd"].notna() & (a["tf"] > 0) & a["available_date"].notna()
    if not include_estimates:
        keep &= ~est
    if price_basis is not None and "price_basis" in a:
        keep &= a["price_basis"] == price_basis
    a = a[keep]
    if len(a) < 2:
        return float("nan"), len(a)
    return yearly_trend(a["available_date"], a["price_usd"] / a["tf"]), len(a)


def size_trend(front: pd.DataFrame, models: pd.DataFrame) -> tuple[float, int]:
    """Yearly decline of active parameters among the new lows whose size is published, and how many."""
    new = front[front["new_low"]].merge(models[["model", "active_params_b"]], on="model", how="left")
    new["active_params_b"] = pd.to_numeric(new["active_params_b"], errors="coerce")
    new = new[new["active_params_b"] > 0]
    if len(new) < 2:
        return float("nan"), len(new)
    return yearly_trend(new["date"], new["active_params_b"]), len(new)


def decline_decomposition(result: PriceTrendResult, key: tuple[str, str, str], accelerators: pd.DataFrame,
                          models: pd.DataFrame) -> pd.DataFrame:
    """Where the decline at one threshold comes from, as far as public data carry it.

    Total: the fitted rate at `key`. Hardware: the yearly fall of merchant-GPU price per dense BF16
    TFLOPS (chip prices, Epoch AI estimates included: list prices are not published). Size: the
    yearly fall of active parameters among the new lows whose size is published (open-weight models
    only; closed models' sizes are unknown). Residual: margin, utilization and software efficiency
    together. Components that the data cannot estimate are NaN and the residual is then NaN too.
    Assumes a token's compute cost is proportional to active parameters and to price per FLOP."""
    fit = result.fits.get(key)
    total = np.nan if fit is None else fit.per_year
    hw, n_hw = hardware_cost_trend(accelerators, include_estimates=True)
    size, n_size = size_trend(result.frontiers[key], models)
    ok = all(np.isfinite(v) and v > 0 for v in (total, hw, size))
    if ok:
        out = decompose_decline(total, hw, size)
    else:
        out = pd.DataFrame({"component": ["cheaper hardware per FLOP", "smaller models (active parameters)",
                                          "margin, utilization and software (residual)"],
                            "per_year": [hw, size, np.nan], "share_of_decline": [np.nan] * 3})
    out["points"] = [n_hw, n_size, np.nan]
    out["total_per_year"] = total
    return out
