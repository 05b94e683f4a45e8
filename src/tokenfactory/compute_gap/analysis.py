"""The chapter's analysis in one call: `run(params, tables)` returns every number and frame the
notebook charts and glues.

Why a tolerant loader: the data tables are filled by other hands; a table that is missing or fails
its schema must not take the whole chapter down. `load_tables` returns the tables that load and the
problems of the others, and the analysis degrades to NaN (shown as "n/a") where a table is missing,
so the page says what is missing instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from . import compute, frontier, leadership
from .params import Params

TABLES = ("models", "benchmark_scores", "leaderboard_leaders", "capex", "nvidia_financials", "training_compute")

BENCHMARKS = {"eci": ("ECI", "ECI points"),
              "gpqa_diamond": ("GPQA Diamond", "percentage points"),
              "mmlu": ("MMLU", "percentage points"),
              "lmarena_elo": ("LMArena Elo", "Elo points")}

#: Published estimates the chapter compares with. Values are read on the cited pages; the notebook
#: glues them, so the prose never types them.
REFERENCES: dict[str, dict[str, Any]] = {
    "epoch_2024_lag_months": {
        "value": 12.0, "unit": "months",
        "what": "Epoch AI (Cottier et al., 4 Nov 2024): the best open model is on par with closed models "
                "with a lag of about one year (benchmarks and training compute)",
        "url": "https://epoch.ai/blog/open-models-report"},
    "epoch_2025_lag_months": {
        "value": 3.0, "unit": "months",
        "what": "Epoch AI data insight (30 Oct 2025): frontier open-weight models lag the state of the art "
                "by about 3 months on average on ECI, Jan 2023 to Oct 2025",
        "url": "https://epoch.ai/data-insights/open-weights-vs-closed-weights-models"},
    "epoch_2025_lag_avg_months": {
        "value": 3.5, "unit": "months",
        "what": "the same insight's method note: an average 'horizontal' time gap of 3.5 months (90% CI 1.1 to 5.3), "
                "the horizontal distance between the closed and open best-to-date lines averaged over the range of "
                "ECI values, an open model counting as caught up when the score difference is not statistically "
                "significant",
        "url": "https://epoch.ai/data-insights/open-weights-vs-closed-weights-models"},
    "epoch_2025_lag_ci_high_months": {
        "value": 5.3, "unit": "months",
        "what": "upper end of the 90% confidence interval of that average (1.1 to 5.3 months)",
        "url": "https://epoch.ai/data-insights/open-weights-vs-closed-weights-models"},
    "epoch_2025_gap_eci": {
        "value": 7.0, "unit": "ECI points",
        "what": "the same insight: an average ECI gap of about 7 points",
        "url": "https://epoch.ai/data-insights/open-weights-vs-closed-weights-models"},
    "epoch_2026_lag_months": {
        "value": 4.0, "unit": "months",
        "what": "Epoch AI data insight (29 May 2026): since January 2026 open-weight models lag by an average "
                "of 4 months on ECI, slightly more than in the earlier window",
        "url": "https://epoch.ai/data-insights/open-closed-eci-gap"},
    "epoch_compute_growth": {
        "value": 4.0, "unit": "x per year",
        "what": "Epoch AI (2024): frontier training compute since 2018 best described as growing about 4x per year "
                "(data to May 2024; frontier = running top 10 by compute; overall recommendation 4-5x per year)",
        "url": "https://epoch.ai/blog/training-compute-of-frontier-ai-models-grows-by-4-5x-per-year"},
    "aiindex_2024_gap_pct": {
        "value": 0.080, "unit": "fraction",
        "what": "Stanford AI Index 2025: top closed model ahead of top open-weight model on the Chatbot Arena "
                "leaderboard by 8.0 % in early 2024",
        "url": "https://hai.stanford.edu/ai-index/2025-ai-index-report"},
    "aiindex_2025_gap_pct": {
        "value": 0.017, "unit": "fraction",
        "what": "Stanford AI Index 2025: the same gap down to 1.7 % by February 2025",
        "url": "https://hai.stanford.edu/ai-index/2025-ai-index-report"},
}


def load_tables(loader: Callable[[str], pd.DataFrame], names: tuple[str, ...] = TABLES
                ) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Every table that loads, and for the others the loader's message (first lines)."""
    frames: dict[str, pd.DataFrame] = {}
    problems: dict[str, str] = {}
    for name in names:
        try:
            frames[name] = loader(name)
        except Exception as exc:  # DataError, or a table not yet in data/
            lines = str(exc).splitlines()
            more = f" (and {len(lines) - 3} more problems)" if len(lines) > 3 else ""
            problems[name] = "; ".join(lines[:3]) + more
    return frames, problems


def empty_tables() -> dict[str, pd.DataFrame]:
    """Empty frames with the documented columns, for tables that failed to load."""
    from ..data.schemas import TABLES as SCHEMAS
    out = {}
    for name in TABLES:
        cols = {}
        for c in SCHEMAS[name].columns:
            kind = {"date": "datetime64[ns]", "number": "float64", "int": "Int64", "bool": "boolean"}.get(c.kind, object)
            cols[c.name] = pd.Series(dtype=kind)
        out[name] = pd.DataFrame(cols)
    return out


@dataclass
class BenchmarkResult:
    benchmark: str
    scores: pd.DataFrame          # models used (latest snapshot for Elo)
    all_snapshots: pd.DataFrame   # every snapshot (Elo) or same as scores
    records: pd.DataFrame
    gap: pd.DataFrame
    lags: pd.DataFrame
    trend: frontier.Trend
    naive: dict[str, float]
    score_gap_latest: float
    gap_date: Any
    lag_latest: float
    lag_latest_model: str | None
    lag_latest_date: Any
    current_lag: float
    end: pd.Timestamp


def analyse_benchmark(tables: dict[str, pd.DataFrame], p: Params, benchmark: str, rng_seed: int | None = None,
                      draws: int | None = None) -> BenchmarkResult:
    start, end = pd.Timestamp(p.window_start), pd.Timestamp(p.window_end)
    sel_all = frontier.select_scores(tables["benchmark_scores"], tables["models"], benchmark, p.open_kinds,
                                     start, end)
    sel = frontier.latest_snapshot(sel_all)
    # the lag clock stops at the last date the data can speak for
    if benchmark == frontier.ELO and not sel.empty:
        data_end = sel["snapshot"].max()
    else:
        asof = tables["benchmark_scores"].loc[tables["benchmark_scores"]["benchmark"] == benchmark, "as_of"]
        data_end = asof.max() if len(asof) else pd.NaT
    stop = min(end, data_end) if pd.notna(data_end) else end
    recs = frontier.records(sel)
    gap = frontier.gap_series(sel_all if benchmark == frontier.ELO else sel, end=stop)
    lags = frontier.catch_up_lags(sel, p.catch_up_tolerance, stop)
    trend = frontier.lag_trend(lags, draws or p.bootstrap_draws, p.seed if rng_seed is None else rng_seed)
    last = frontier.latest_exact_lag(lags)
    return BenchmarkResult(
        benchmark=benchmark, scores=sel, all_snapshots=sel_all, records=recs, gap=gap, lags=lags, trend=trend,
        naive=frontier.naive_trends(lags),
        score_gap_latest=float(gap["gap"].iloc[-1]) if len(gap) else float("nan"),
        gap_date=gap["date"].iloc[-1] if len(gap) else None,
        lag_latest=float(last["lag_months"]) if last is not None else float("nan"),
        lag_latest_model=None if last is None else str(last["model"]),
        lag_latest_date=None if last is None else last["date"],
        current_lag=frontier.current_lag_months(sel, stop, p.catch_up_tolerance) if not sel.empty else float("nan"),
        end=stop,
    )


@dataclass
class ChapterResult:
    params: Params
    main: BenchmarkResult
    others: dict[str, BenchmarkResult]
    windows: pd.DataFrame
    org_windows: pd.DataFrame
    window_median_days: float
    org_window_median_days: float
    window_trend: leadership.WindowTrend
    capex_values: pd.DataFrame
    capex_total: pd.DataFrame
    capex_growth: compute.Growth
    nvidia: pd.DataFrame
    nvidia_growth: compute.Growth
    compute_fit: compute.ComputeFit
    compute_rows: pd.DataFrame
    indexed: pd.DataFrame
    problems: dict[str, str] = field(default_factory=dict)
    leadership_start: pd.Timestamp | None = None   # effective first start date of the spells analysed
    windows_all: pd.DataFrame = field(default_factory=pd.DataFrame)  # spells of the whole window
    window_median_all_days: float = float("nan")
    window_trend_all: leadership.WindowTrend | None = None
    capex_by_company: pd.DataFrame = field(default_factory=pd.DataFrame)
    tolerance_grid: pd.DataFrame = field(default_factory=pd.DataFrame)
    compute_variants: pd.DataFrame = field(default_factory=pd.DataFrame)

    def results(self) -> dict[str, float]:
        """The seven keys the book's results.json carries for this chapter (units in the issue)."""
        return {
            "open_lag_months_latest": self.main.lag_latest,
            "open_lag_trend_months_per_year": self.main.trend.slope,
            "score_gap_latest": self.main.score_gap_latest,
            "leadership_window_median_days": self.window_median_days,
            "capex_total_latest_usd_bn": self.capex_growth.last,
            "capex_cagr": self.capex_growth.rate,
            "training_compute_growth_per_year": self.compute_fit.growth,
        }


def run(p: Params, tables: dict[str, pd.DataFrame], problems: dict[str, str] | None = None,
        other_draws: int = 200) -> ChapterResult:
    """Everything the chapter shows. Benchmarks other than `p.benchmark` (for the selector chart)
    get a cheaper bootstrap (`other_draws`); their intervals are not glued."""
    base = empty_tables()
    tables = {k: tables.get(k, base[k]) for k in TABLES}
    start, end = pd.Timestamp(p.window_start), pd.Timestamp(p.window_end)
    main = analyse_benchmark(tables, p, p.benchmark)
    others = {b: analyse_benchmark(tables, p, b, draws=other_draws) for b in BENCHMARKS if b != p.benchmark}

    # leadership spells from the later of window_start and leadership_start (the online-Elo era before
    # 2024-06-29 is noisy); the whole window's median is kept for comparison on the page
    lead_start = max(start, pd.Timestamp(p.leadership_start))
    w = leadership.windows(tables["leaderboard_leaders"], p.leaderboard, lead_start, end)
    ow = leadership.by_organization(w)
    med = leadership.median_days(w)
    omed = leadership.median_days(ow)
    w_all = leadership.windows(tables["leaderboard_leaders"], p.leaderboard, start, end)

    cv = compute.capex_values(tables["capex"], p.capex_companies, p.include_guidance, start - pd.DateOffset(years=10), end)
    ct = compute.capex_total(cv, p.capex_companies)
    growth = compute.total_growth(ct[ct["fiscal_year"] <= end.year + 1] if len(ct) else ct)
    nv = compute.nvidia_data_center(tables["nvidia_financials"])
    nv_growth = compute.total_growth(nv.rename(columns={"dc_usd_bn": "total"}).assign(complete=True, guidance=False))
    fit, rows = compute.compute_growth(tables["training_compute"], p.compute_frontier_only,
                                       pd.Timestamp(f"{p.compute_since_year}-01-01"), end)

    series: dict[str, pd.Series] = {}
    complete = ct[ct["complete"]] if len(ct) else ct
    if len(complete):
        series["Capex total"] = complete.set_index("fiscal_year")["total"].astype(float)
    if len(nv):
        # NVIDIA's fiscal year N ends in January of year N: its revenue is earned in calendar year N-1
        series["NVIDIA Data Center revenue"] = nv.set_index(nv["fiscal_year"] - 1)["dc_usd_bn"].astype(float)
    if len(rows):
        yr = rows["publication_date"].dt.year
        series["Largest training run"] = rows.groupby(yr)["training_compute_flop"].max().cummax().astype(float)
    idx = compute.indexed(series) if series else compute.indexed({})
    return ChapterResult(p, main, others, w, ow, med, omed, leadership.window_trend(w), cv, ct, growth, nv, nv_growth,
                         fit, rows, idx, problems or {}, leadership_start=lead_start, windows_all=w_all,
                         window_median_all_days=leadership.median_days(w_all),
                         window_trend_all=leadership.window_trend(w_all),
                         capex_by_company=compute.company_growth(cv, growth.first_year, growth.last_year),
                         tolerance_grid=tolerance_sensitivity(main.scores, main.end, TOLERANCE_GRID),
                         compute_variants=compute_sensitivity(tables["training_compute"], end))


#: Tolerances (benchmark points) at which "What would change the conclusion" re-estimates the lag.
TOLERANCE_GRID = (0.0, 1.0, 2.0, 3.0, 5.0)


def tolerance_sensitivity(scores: pd.DataFrame, end: pd.Timestamp, tolerances=TOLERANCE_GRID) -> pd.DataFrame:
    """The lag's trend (censored-regression point estimate, no bootstrap: cheap) and today's
    backward-looking lag at each catch-up tolerance, so the page can say how far the verdict moves
    with the one assumption it rests on."""
    rows = []
    for tol in tolerances:
        lags = frontier.catch_up_lags(scores, tol, end) if not scores.empty else pd.DataFrame()
        if lags.empty:
            rows.append((tol, float("nan"), float("nan"), 0))
            continue
        _, slope = frontier.tobit_fit(frontier.decimal_year(lags["date"]), lags["lag_months"].to_numpy(float),
                                      lags["censored"].to_numpy(bool))
        rows.append((tol, slope, frontier.current_lag_months(scores, end, tol), int(lags["censored"].sum())))
    return pd.DataFrame(rows, columns=["tolerance", "slope", "current_lag", "n_censored"])


def average_current_lag(scores: pd.DataFrame, start: Any, end: Any, tolerance: float, step_days: int = 7) -> float:
    """The backward-looking lag averaged over time: `frontier.current_lag_months` every `step_days`
    from `start` to `end`. Closer in spirit to Epoch AI's average lag than the lag on one day, which
    peaks just before each new open record (a sawtooth)."""
    if scores.empty or start is None or end is None or pd.isna(start) or pd.isna(end) or end <= start:
        return float("nan")
    dates = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq=f"{step_days}D")
    vals = np.array([frontier.current_lag_months(scores, d, tolerance) for d in dates], float)
    vals = vals[np.isfinite(vals)]
    return float(vals.mean()) if len(vals) else float("nan")


def oldest_unmatched(lags: pd.DataFrame) -> pd.Series | None:
    """The oldest closed record that no open model has matched by the data's end (its lag, a lower
    bound, is the longest of the censored ones); None when every record is matched."""
    if lags.empty:
        return None
    c = lags[lags["censored"].astype(bool)]
    return None if c.empty else c.sort_values("date").iloc[0]


def bracket_text(tobit: float, exact_only: float, bounds_as_exact: float) -> str:
    """Where the censored fit sits relative to the two biased ordinary fits, written from the signs
    and order of the three slopes (never asserted)."""
    from ..nb import fmt
    vals = (tobit, exact_only, bounds_as_exact)
    if not all(np.isfinite(v) for v in vals):
        return "the two biased ordinary fits cannot both be computed on these data"
    a = f"dropping censored records gives {fmt(exact_only, unit='months per year')}"
    b = f"treating their bounds as exact gives {fmt(bounds_as_exact, unit='months per year')}"
    lo, hi = min(exact_only, bounds_as_exact), max(exact_only, bounds_as_exact)
    if lo <= tobit <= hi:
        return f"the two biased ordinary fits bracket it: {a}, {b}"
    side = "below" if tobit > hi else "above"
    why = (" Both biases point that way: the censored records are the recent ones, and their true lags are "
           "longer than the bounds, so dropping them or taking the bounds at face value both tilt the line "
           "towards a shrinking lag; the censored fit corrects for that") if tobit > hi else ""
    return f"the two biased ordinary fits both lie {side} it: {a}, {b}.{why}"


def compare_word(value: float, low: float, high: float) -> str:
    """"longer than", "shorter than" or "within" a reference range [low, high]."""
    if not (np.isfinite(value) and np.isfinite(low) and np.isfinite(high)):
        return "not comparable with"
    return "longer than" if value > high else "shorter than" if value < low else "within"


def gap_path(g: pd.DataFrame) -> dict[str, Any]:
    """The path of the gap, not only its ends: first, lowest (and its first date), highest after the
    low, last."""
    if g.empty:
        nan = float("nan")
        return {"first": nan, "min": nan, "min_date": None, "last": nan, "first_date": None, "last_date": None}
    i = int(g["gap"].to_numpy().argmin())
    return {"first": float(g["gap"].iloc[0]), "first_date": g["date"].iloc[0], "min": float(g["gap"].iloc[i]),
            "min_date": g["date"].iloc[i], "last": float(g["gap"].iloc[-1]), "last_date": g["date"].iloc[-1]}


def gap_path_text(path: dict[str, Any], unit: str) -> str:
    """"went from A to a low of B (Mon YYYY), then back to C", or the plain direction when the path
    is monotone."""
    from ..nb import fmt
    if not np.isfinite(path["first"]):
        return "cannot be computed"
    a, lo, z = path["first"], path["min"], path["last"]
    when = pd.Timestamp(path["min_date"]).strftime("%b %Y")
    if lo < min(a, z) - 1e-9:
        return (f"went from {fmt(a)} to a low of {fmt(lo)} ({when}), then back to {fmt(z, unit=unit)}")
    return f"went from {fmt(a)} to {fmt(z, unit=unit)}"


def usd_bn(v: float, sig: int = 3) -> str:
    """USD billions as a reader writes them: "USD 351 billion" (three significant figures, since
    these figures are read in filings, not estimated)."""
    from ..nb import fmt
    if v is None or not np.isfinite(v):
        return "n/a"
    return f"USD {fmt(float(v) * 1e9, sig=sig)}"


#: Alternative choices at which the training-compute growth is re-fitted, to show why it differs
#: from Epoch AI's published rate: (label, frontier only, first year, last date).
COMPUTE_VARIANTS = (("frontier rows, Epoch's period (2018 to May 2024)", True, 2018, "2024-05-31"),
                    ("frontier rows, from 2015", True, 2015, None),
                    ("frontier rows, from 2020", True, 2020, None),
                    ("all rows (frontier or at least 1e23 FLOP), from 2018", False, 2018, None))


def compute_sensitivity(tc: pd.DataFrame, end: pd.Timestamp, variants=COMPUTE_VARIANTS) -> pd.DataFrame:
    """The training-compute growth fitted under each alternative selection (one row each)."""
    rows = []
    for label, front, year, last in variants:
        stop = min(pd.Timestamp(last), end) if last else end
        f, _ = compute.compute_growth(tc, front, pd.Timestamp(f"{year}-01-01"), stop)
        rows.append((label, f.growth, f.low, f.high, f.n))
    return pd.DataFrame(rows, columns=["selection", "growth", "low", "high", "n"])


def gap_by_year(g: pd.DataFrame) -> pd.Series:
    """The gap at the end of each calendar year (last value on or before 31 December)."""
    if g.empty:
        return pd.Series(dtype=float)
    s = g.set_index("date")["gap"].sort_index()
    return s.groupby(s.index.year).last()


def finite(x: Any) -> bool:
    return x is not None and isinstance(x, (int, float, np.floating)) and bool(np.isfinite(x))


def direction(low: float, high: float, neg: str, pos: str, none: str = "shows no clear trend") -> str:
    """A word for the sign of an interval: `neg` if entirely below zero, `pos` if above, else `none`."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return "cannot be estimated from these data"
    return neg if high < 0 else pos if low > 0 else none


def glue_values(res: ChapterResult) -> dict[str, tuple[Any, dict[str, Any]]]:
    """Every number and word the page's prose uses: key -> (value, glue options). The notebook glues
    them all, so the prose types none."""
    m, p = res.main, res.params
    name, unit = BENCHMARKS[m.benchmark]
    wt, g, nvg, cf = res.window_trend, res.capex_growth, res.nvidia_growth, res.compute_fit
    wta = res.window_trend_all or leadership.WindowTrend(float("nan"), float("nan"), 0, *([float("nan")] * 3))
    tg, cb = res.tolerance_grid, res.capex_by_company
    out: dict[str, tuple[Any, dict[str, Any]]] = {
        # the seven results of the issue
        "open_lag_months_latest": (m.lag_latest, {"unit": "months"}),
        "open_lag_trend_months_per_year": (m.trend.slope, {"unit": "months per year"}),
        "score_gap_latest": (m.score_gap_latest, {"unit": unit}),
        "leadership_window_median_days": (res.window_median_days, {"unit": "days"}),
        "capex_total_latest_usd_bn": (g.last, {"text": usd_bn(g.last)}),
        "capex_cagr": (g.rate, {"pct": True}),
        "training_compute_growth_per_year": (cf.growth, {"text": f"{fmt_x(cf.growth)} per year"}),
        # context for the prose
        "bench_name": (name, {}), "gap_unit": (unit, {}),
        "open_def": ("any downloadable weights" if p.open_definition == "open_and_restricted"
                     else "permissively licensed weights only", {}),
        "tolerance": (p.catch_up_tolerance, {"unit": unit}),
        "lag_latest_model": (m.lag_latest_model or "n/a", {}),
        "lag_latest_date": (m.lag_latest_date.date().isoformat() if m.lag_latest_date is not None else "n/a", {}),
        "current_lag_months": (m.current_lag, {"unit": "months"}),
        "lag_trend_low": (m.trend.low, {}), "lag_trend_high": (m.trend.high, {}),
        "lag_direction": (direction(m.trend.low, m.trend.high, "shrinking", "growing"), {}),
        "n_records": (m.trend.n, {}), "n_censored": (m.trend.n_censored, {}),
        "draws": (p.bootstrap_draws, {}), "draws_ok": (m.trend.draws_ok, {}),
        "slope_exact_only": (m.naive["slope_exact_only"], {"unit": "months per year"}),
        "slope_bounds_as_exact": (m.naive["slope_bounds_as_exact"], {"unit": "months per year"}),
        "gap_first": (m.gap["gap"].iloc[0] if len(m.gap) else float("nan"), {"unit": unit}),
        "gap_first_date": (m.gap["date"].iloc[0].date().isoformat() if len(m.gap) else "n/a", {}),
        "gap_date": (m.gap_date.date().isoformat() if m.gap_date is not None else "n/a", {}),
        "n_spells": (len(res.windows), {}), "n_org_windows": (len(res.org_windows), {}),
        "org_window_median_days": (res.org_window_median_days, {"unit": "days"}),
        "window_rho": (wt.rho, {}), "window_p": (wt.p_value, {}), "window_n": (wt.n, {}),
        # the trend the page reports (Spearman), under explicit names for the claims chapter
        "window_trend_rho": (wt.rho, {}), "window_trend_p": (wt.p_value, {}),
        "window_lean": ("longer" if wt.rho > 0 else "shorter" if wt.rho < 0 else "neither longer nor shorter", {}),
        "window_change": (wt.change_per_year, {"pct": True}),
        "window_change_low": (wt.change_low, {"pct": True}), "window_change_high": (wt.change_high, {"pct": True}),
        "window_direction": (spearman_direction(wt.rho, wt.p_value), {}),
        "leaderboard": (p.leaderboard, {}),
        "leadership_start": (str(p.leadership_start), {}),
        "leadership_start_used": (res.leadership_start.date().isoformat() if res.leadership_start is not None
                                  else "n/a", {}),
        "leadership_data_end": (res.windows_all["end_date"].max().date().isoformat() if len(res.windows_all)
                                else "n/a", {}),
        "window_fit": (wt.change_per_year, {"text": window_fit_text(wt)}),
        "n_spells_all": (len(res.windows_all), {}),
        "window_mean_days": (mean_days(res.windows), {"unit": "days"}),
        "org_window_mean_days": (mean_days(res.org_windows), {"unit": "days"}),
        "org_window_max_days": (float(res.org_windows["days"].max()) if len(res.org_windows) else float("nan"),
                                {"unit": "days"}),
        "leadership_start_effect": (res.window_median_all_days, {"text": median_effect_text(
            res.window_median_days, res.window_median_all_days)}),
        "window_median_all_days": (res.window_median_all_days, {"unit": "days"}),
        "window_rho_all": (wta.rho, {}), "window_p_all": (wta.p_value, {}), "window_n_all": (wta.n, {}),
        "tol_grid_max": (float(tg["tolerance"].max()) if len(tg) else float("nan"), {"unit": unit}),
        "tol_slope_min": (float(tg["slope"].min()) if len(tg) else float("nan"), {"unit": "months per year"}),
        "tol_slope_max": (float(tg["slope"].max()) if len(tg) else float("nan"), {"unit": "months per year"}),
        "tol_current_min": (float(tg["current_lag"].min()) if len(tg) else float("nan"), {"unit": "months"}),
        "tol_current_max": (float(tg["current_lag"].max()) if len(tg) else float("nan"), {"unit": "months"}),
        "capex_top_company": (str(cb["company"].iloc[0]) if len(cb) else "n/a", {}),
        "capex_top_last": (float(cb["last"].iloc[0]) if len(cb) else float("nan"),
                           {"text": usd_bn(float(cb["last"].iloc[0]) if len(cb) else float("nan"))}),
        "capex_top_share": (float(cb["share_last"].iloc[0]) if len(cb) else float("nan"), {"pct": True}),
        "capex_top_cagr": (float(cb["cagr"].iloc[0]) if len(cb) else float("nan"), {"pct": True}),
        "capex_cagr_min": (float(cb["cagr"].min()) if len(cb) else float("nan"), {"pct": True}),
        "capex_cagr_max": (float(cb["cagr"].max()) if len(cb) else float("nan"), {"pct": True}),
        "capex_first_year": (g.first_year or "n/a", {"text": str(g.first_year or "n/a")}),
        "capex_last_year": (g.last_year or "n/a", {"text": str(g.last_year or "n/a")}),
        "capex_first_usd_bn": (g.first, {"text": usd_bn(g.first)}),
        "capex_companies": (", ".join(p.capex_companies), {}),
        "capex_guidance": ("includes company guidance" if g.guidance_in_last else "reported figures only", {}),
        "nvidia_dc_latest_usd_bn": (nvg.last, {"text": usd_bn(nvg.last)}),
        "nvidia_dc_first_usd_bn": (nvg.first, {"text": usd_bn(nvg.first)}),
        "nvidia_first_fy": (nvg.first_year or "n/a", {"text": f"FY{nvg.first_year}" if nvg.first_year else "n/a"}),
        "nvidia_last_fy": (nvg.last_year or "n/a", {"text": f"FY{nvg.last_year}" if nvg.last_year else "n/a"}),
        "nvidia_dc_cagr": (nvg.rate, {"pct": True}),
        "compute_low": (cf.low, {"text": fmt_x(cf.low)}), "compute_high": (cf.high, {"text": fmt_x(cf.high)}),
        "compute_n": (cf.n, {}), "compute_since": (p.compute_since_year, {"text": str(p.compute_since_year)}),
    }
    # the lag, four ways, for the comparison with Epoch AI and for the claims chapter
    unmatched = oldest_unmatched(m.lags)
    exact = m.lags.loc[~m.lags["censored"].astype(bool), "lag_months"] if len(m.lags) else pd.Series(dtype=float)
    avg = average_current_lag(m.scores, m.gap["date"].iloc[0] if len(m.gap) else None, m.end, p.catch_up_tolerance)
    epoch_lo, epoch_hi = REFERENCES["epoch_2025_lag_months"]["value"], REFERENCES["epoch_2026_lag_months"]["value"]
    ci_hi = REFERENCES["epoch_2025_lag_ci_high_months"]["value"]
    out.update({
        "unmatched_lag_months": (float(unmatched["lag_months"]) if unmatched is not None else float("nan"),
                                 {"unit": "months"}),
        "unmatched_model": (str(unmatched["model"]) if unmatched is not None else "n/a", {}),
        "unmatched_date": (unmatched["date"].date().isoformat() if unmatched is not None else "n/a", {}),
        "exact_lag_min_months": (float(exact.min()) if len(exact) else float("nan"), {"unit": "months"}),
        "exact_lag_max_months": (float(exact.max()) if len(exact) else float("nan"), {"unit": "months"}),
        "exact_lag_mean_months": (float(exact.mean()) if len(exact) else float("nan"), {"unit": "months"}),
        "avg_current_lag_months": (avg, {"unit": "months"}),
        "current_vs_epoch": (compare_word(m.current_lag, epoch_lo, max(epoch_hi, ci_hi)), {}),
        "avg_vs_epoch": (compare_word(avg, epoch_lo, max(epoch_hi, ci_hi)), {}),
        "current_over_epoch": (m.current_lag / epoch_hi if np.isfinite(m.current_lag) else float("nan"),
                               {"text": fmt_x(m.current_lag / epoch_hi).lstrip("×") if np.isfinite(m.current_lag)
                                else "n/a"}),
        "tol_current_vs_epoch": (compare_word(float(res.tolerance_grid["current_lag"].min())
                                              if len(res.tolerance_grid) else float("nan"),
                                              epoch_lo, max(epoch_hi, ci_hi)), {}),
        "naive_fits": (m.trend.slope, {"text": bracket_text(m.trend.slope, m.naive["slope_exact_only"],
                                                            m.naive["slope_bounds_as_exact"])}),
    })
    path = gap_path(m.gap)
    out.update({
        "gap_min": (path["min"], {"unit": unit}),
        "gap_min_date": (pd.Timestamp(path["min_date"]).date().isoformat() if path["min_date"] is not None else "n/a",
                         {}),
        "gap_path": (path["last"], {"text": gap_path_text(path, unit)}),
    })
    ref = REFERENCES["epoch_compute_growth"]["value"]
    if np.isfinite(cf.low) and np.isfinite(cf.high):
        word = ("faster than" if cf.low > ref else "slower than" if cf.high < ref else "consistent with")
        clause = " (the 90% interval excludes it)" if word != "consistent with" else " (the 90% interval includes it)"
    else:
        word, clause = "not comparable with", ""
    out["compute_vs_epoch"] = (word, {"text": f"{word} Epoch AI's {fmt_x(ref)} a year for the frontier since 2018{clause}"})
    rows = res.compute_rows
    early = rows[rows["publication_date"].dt.year < p.compute_since_year + 2] if len(rows) else rows
    early_min = float(early["training_compute_flop"].min()) if len(early) else float("nan")
    out["compute_early_min_flop"] = (early_min, {"text": f"{early_min:.0e}".replace("e+", "e") if np.isfinite(early_min)
                                                 else "n/a"})
    out["compute_early_years"] = (p.compute_since_year, {"text": f"{p.compute_since_year}-{p.compute_since_year + 1}"})
    cv = res.compute_variants
    if len(cv):
        for i, key in enumerate(("compute_epoch_period", "compute_from_2015", "compute_from_2020", "compute_all_rows")):
            if i < len(cv):
                out[key] = (float(cv["growth"].iloc[i]), {"text": fmt_x(float(cv["growth"].iloc[i]))})
    for key, ref in REFERENCES.items():
        opts = {"pct": True} if ref["unit"] == "fraction" else {"text": fmt_x(ref["value"])} \
            if ref["unit"] == "x per year" else {"unit": ref["unit"]}
        out[f"ref_{key}"] = (ref["value"], opts)
    return out


def spearman_direction(rho: float, p_value: float, alpha: float = 0.05) -> str:
    """The verb for the windows' trend from the rank correlation the page reports (not from the
    log-linear fit, which is not reported with few spells)."""
    if not (np.isfinite(rho) and np.isfinite(p_value)):
        return "cannot be tested (too few completed spells)"
    if p_value < alpha:
        return "shorten" if rho < 0 else "lengthen"
    lean = "longer" if rho > 0 else "shorter"
    return f"show no significant trend (the rank correlation leans, weakly, towards {lean} windows)"


def mean_days(w: pd.DataFrame) -> float:
    """Mean length of the completed windows, days (NaN when none)."""
    if w.empty:
        return float("nan")
    done = w[~w["censored"].astype(bool)]
    return float(done["days"].mean()) if len(done) else float("nan")


def median_effect_text(median_now: float, median_other: float) -> str:
    """"leaves the median window at N days" or "changes the median window to N days"."""
    from ..nb import fmt
    if not (np.isfinite(median_now) and np.isfinite(median_other)):
        return "cannot be compared (no median)"
    if round(median_now) == round(median_other):
        return f"leaves the median window at {fmt(median_other, unit='days')}"
    return f"changes the median window from {fmt(median_now, unit='days')} to {fmt(median_other, unit='days')}"


#: Fewer completed spells than this and the log-linear fit of window length is not reported: with a
#: handful of spells over a few months its interval spans from -100 % to thousands of percent.
MIN_SPELLS_FOR_FIT = 10


def window_fit_text(wt: leadership.WindowTrend) -> str:
    """The log-linear change of window length per year, as a clause for the prose (or why not)."""
    from ..nb import fmt
    if wt.n < MIN_SPELLS_FOR_FIT or not np.isfinite(wt.change_per_year):
        return (f"with {wt.n} completed spells a log-linear fit of their length would be uninformative "
                f"(fewer than {MIN_SPELLS_FOR_FIT}), so none is reported")
    return (f"a log-linear fit gives {fmt(wt.change_per_year, pct=True)} per year (90% interval "
            f"{fmt(wt.change_low, pct=True)} to {fmt(wt.change_high, pct=True)})")


def fmt_x(v: float) -> str:
    """A multiplier as text ("×4.7"), n/a when unknown."""
    from ..nb import fmt
    return "n/a" if v is None or not np.isfinite(v) else f"×{fmt(v)}"
