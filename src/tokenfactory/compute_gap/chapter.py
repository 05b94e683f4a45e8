"""The chapter in four calls: `load(loader, upstream=None)` the tables (it reads no other chapter),
`compute(p, inputs)` every number and frame the page shows, `texts(result)` every sentence fragment
that depends on them, and `glue_values(result)` what the notebook glues.

Why a tolerant loader: the data tables are filled by other hands; a table that is missing or fails
its schema must not take the whole chapter down. `load` keeps the tables that load and the problems
of the others, and the analysis degrades to NaN (shown as "n/a") where a table is missing, so the
page says what is missing instead of failing.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from . import compute as spend
from . import frontier, leadership
from .params import Benchmark, Params

TABLES = ("models", "benchmark_scores", "leaderboard_leaders", "capex", "nvidia_financials", "training_compute",
          "published_estimates", "compute_owned")

#: How the page names each benchmark and its unit (display only).
_BENCHMARK_LABELS = {"eci": ("ECI", "ECI points"),
                     "gpqa_diamond": ("GPQA Diamond", "percentage points"),
                     "mmlu": ("MMLU", "percentage points"),
                     "lmarena_elo": ("LMArena Elo", "Elo points")}
#: The benchmarks compared: the parameter's choices (params.Benchmark, themselves among the data
#: schema's; a test holds both), each with its display name and unit.
BENCHMARKS = {b: _BENCHMARK_LABELS[b] for b in typing.get_args(Benchmark)}

def references(frame: pd.DataFrame | None) -> dict[str, dict[str, Any]]:
    """The published estimates the chapter compares with (data/published_estimates.csv), by id:
    value, low, high, unit, what, url, window_start, window_end, as_of."""
    if frame is None or frame.empty:
        return {}
    out = {}
    for r in frame.itertuples(index=False):
        out[str(r.estimate_id)] = {
            "value": float(r.value), "low": float(r.low) if pd.notna(r.low) else float("nan"),
            "high": float(r.high) if pd.notna(r.high) else float("nan"), "unit": str(r.unit), "what": str(r.what),
            "url": str(r.source_url).split(" ; ")[0], "window_start": r.window_start, "window_end": r.window_end,
            "as_of": r.as_of, "interval": str(getattr(r, "interval", "") if pd.notna(getattr(r, "interval", None))
                                              else "")}
    return out


def ref(refs: dict[str, dict[str, Any]], key: str, field_: str = "value") -> Any:
    """One field of a published estimate, NaN (or None for dates) when the estimate is not loaded."""
    if key not in refs:
        return None if field_ in ("window_start", "window_end", "as_of", "url", "what") else float("nan")
    return refs[key][field_]


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
    """One benchmark's frontiers, gap, catch-up lags and lag trend; the trend's bootstrap takes `draws`
    resamples (default `p.bootstrap_draws`; 0: the point estimate alone, its interval NaN)."""
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
    trend = frontier.lag_trend(lags, p.bootstrap_draws if draws is None else draws,
                               p.seed if rng_seed is None else rng_seed, level=p.interval_level)
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


@dataclass(frozen=True)
class Inputs:
    """The tables the chapter reads (a missing one is an empty frame) and the problems of those
    that did not load."""

    tables: dict[str, pd.DataFrame]
    problems: dict[str, str] = field(default_factory=dict)


def load(loader: Callable[[str], pd.DataFrame], upstream: Mapping[str, Any] | None = None) -> Inputs:
    """Every table that loads; the others become empty frames with a named problem. The chapter reads
    nothing from other chapters: `upstream` (the one signature of every chapter) is ignored."""
    frames, problems = load_tables(loader)
    base = empty_tables()
    return Inputs({k: frames.get(k, base[k]) for k in TABLES}, problems)


@dataclass(frozen=True)
class LagAverages:
    """The backward-looking lag averaged over time, on the chapter's window and on Epoch AI's."""

    average: float              # over [lag_average_start, data end], the chapter's benchmark
    average_n: int              # dates averaged (weekly)
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    epoch_2025_time: float      # ECI, models released Jan 2023 to Oct 2025, averaged over time
    epoch_2025_level: float     # the same, averaged over score levels (Epoch AI's geometry)
    epoch_2026_time: float      # ECI, averaged over Jan 2026 to May 2026
    series: pd.DataFrame = field(default_factory=pd.DataFrame)  # date, lag_months: the averaged values


@dataclass(frozen=True)
class Result:
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
    capex_growth: spend.Growth
    nvidia: pd.DataFrame
    nvidia_growth: spend.Growth
    compute_fit: spend.ComputeFit
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
    refs: dict[str, dict[str, Any]] = field(default_factory=dict)
    lag_averages: LagAverages | None = None
    window_power: leadership.Power | None = None
    runs: pd.DataFrame = field(default_factory=pd.DataFrame)            # training runs, open or closed
    run_records: pd.DataFrame = field(default_factory=pd.DataFrame)     # running maxima of both groups
    compute_gap: spend.ComputeGap | None = None                       # at the last run's date
    compute_gap_epoch: spend.ComputeGap | None = None                 # at Epoch AI's report date
    compute_gap_series: pd.DataFrame = field(default_factory=pd.DataFrame)
    capex_recent: spend.Growth | None = None
    capex_apart: spend.Growth | None = None       # the open-weights spender alone, recent window
    capex_others: spend.Growth | None = None      # the other companies, recent window
    capex_year: pd.DataFrame = field(default_factory=pd.DataFrame)      # the current calendar year so far
    data_end: pd.Timestamp | None = None            # newest statement date among the tables read
    table_dates: dict[str, str] = field(default_factory=dict)   # newest statement date of each table
    lab_robust: pd.DataFrame = field(default_factory=pd.DataFrame)   # leave-one-lab-out ratios, now and then
    top3_ratio: float = float("nan")            # mean of the top three closed runs over that of the open, now
    top3_ratio_then: float = float("nan")       # the same at Epoch AI's report date
    owned: pd.DataFrame = field(default_factory=pd.DataFrame)       # Epoch AI's compute owned by quarter
    owned_gap: pd.DataFrame = field(default_factory=pd.DataFrame)   # largest owner over the open-weights spender

    def results(self) -> dict[str, float]:
        """The main results (units in glue_values)."""
        g = self.compute_gap
        return {
            "open_lag_months_latest": self.main.lag_latest,
            "open_lag_months_average": self.lag_averages.average if self.lag_averages else float("nan"),
            "open_lag_trend_months_per_year": self.main.trend.slope,
            "score_gap_latest": self.main.score_gap_latest,
            "leadership_window_median_days": self.window_median_days,
            "capex_total_latest_usd_bn": self.capex_growth.last,
            "capex_cagr": self.capex_growth.rate,
            "capex_cagr_recent": self.capex_recent.rate if self.capex_recent else float("nan"),
            "training_compute_growth_per_year": self.compute_fit.growth,
            "training_compute_open_lag_months": g.lag_months if g else float("nan"),
            "training_compute_closed_open_ratio": g.ratio if g else float("nan"),
        }


def _epoch_window(tables: dict[str, pd.DataFrame], p: Params, refs: dict[str, dict[str, Any]], key: str
                  ) -> tuple[pd.DataFrame, pd.Timestamp | None, pd.Timestamp | None]:
    """ECI scores of models released in the window of a published Epoch AI estimate."""
    a, b = ref(refs, key, "window_start"), ref(refs, key, "window_end")
    if a is None or b is None or pd.isna(a) or pd.isna(b):
        return pd.DataFrame(), None, None
    sel = frontier.select_scores(tables["benchmark_scores"], tables["models"], "eci", p.open_kinds,
                                 pd.Timestamp(a), pd.Timestamp(b))
    return sel, pd.Timestamp(a), pd.Timestamp(b)


def lag_averages(tables: dict[str, pd.DataFrame], p: Params, m: BenchmarkResult, refs: dict[str, dict[str, Any]]
                 ) -> LagAverages:
    """The lag averaged over the chapter's window, and over Epoch AI's two windows on ECI (time and
    level averages), so that the page compares like with like."""
    start = max(pd.Timestamp(p.lag_average_start), pd.Timestamp(p.window_start))
    avg, n = frontier.time_average_lag(m.scores, start, m.end, p.catch_up_tolerance)
    sel25, a25, b25 = _epoch_window(tables, p, refs, "epoch_2025_lag_avg_months")
    t25, _ = frontier.time_average_lag(sel25, a25, b25, p.catch_up_tolerance) if len(sel25) else (float("nan"), 0)
    l25 = frontier.level_average_lag(sel25, p.catch_up_tolerance) if len(sel25) else float("nan")
    # Epoch AI's 2026 average: open and closed models of any release date, averaged over Jan-May 2026
    a26, b26 = ref(refs, "epoch_2026_lag_months", "window_start"), ref(refs, "epoch_2026_lag_months", "window_end")
    if a26 is not None and b26 is not None and pd.notna(a26) and pd.notna(b26):
        sel26 = frontier.select_scores(tables["benchmark_scores"], tables["models"], "eci", p.open_kinds,
                                       pd.Timestamp(p.window_start), pd.Timestamp(b26))
        t26, _ = frontier.time_average_lag(sel26, pd.Timestamp(a26), pd.Timestamp(b26), p.catch_up_tolerance)
    else:
        t26 = float("nan")
    dates = pd.date_range(start, m.end, freq="7D") if m.end is not None and pd.notna(m.end) and m.end > start else []
    series = pd.DataFrame({"date": dates, "lag_months": frontier.lag_series(m.scores, dates, p.catch_up_tolerance)
                           if len(dates) and len(m.scores) else np.full(len(dates), np.nan)}).dropna()
    return LagAverages(avg, n, start, m.end, t25, l25, t26, series)


def newest_statement(tables: dict[str, pd.DataFrame]) -> pd.Timestamp | None:
    """The newest `as_of` among the tables read (the date of the newest data the page uses)."""
    dates = [t["as_of"].max() for t in tables.values() if "as_of" in t and len(t) and t["as_of"].notna().any()]
    return max(dates) if dates else None


#: Bootstrap draws for the benchmarks other than `p.benchmark`: none. The selector charts show their
#: scores, frontiers and gaps, never their lag trend, so only the chosen benchmark's trend is bootstrapped.
OTHER_BENCHMARK_DRAWS = 0


def compute(p: Params, inputs: Inputs) -> Result:
    """Everything the chapter shows. Benchmarks other than `p.benchmark` (for the selector charts)
    are analysed without the trend's bootstrap (`OTHER_BENCHMARK_DRAWS`): no page shows their trend."""
    base = empty_tables()
    tables = {k: inputs.tables.get(k, base[k]) for k in TABLES}
    refs = references(tables["published_estimates"])
    start, end = pd.Timestamp(p.window_start), pd.Timestamp(p.window_end)
    main = analyse_benchmark(tables, p, p.benchmark)
    others = {b: analyse_benchmark(tables, p, b, draws=OTHER_BENCHMARK_DRAWS) for b in BENCHMARKS if b != p.benchmark}

    # leadership spells from the later of window_start and leadership_start (the online-Elo era before
    # 2024-06-29 is noisy); the whole window's median is kept for comparison on the page
    lead_start = max(start, pd.Timestamp(p.leadership_start))
    w = leadership.windows(tables["leaderboard_leaders"], p.leaderboard, lead_start, end)
    ow = leadership.by_organization(w)
    w_all = leadership.windows(tables["leaderboard_leaders"], p.leaderboard, start, end)
    trend_w, trend_all = (leadership.window_trend(w, p.interval_level), leadership.window_trend(w_all, p.interval_level))
    power = leadership.trend_power(w, p.window_trend_reference, p.power_simulations, p.seed,
                                   alpha=p.window_trend_alpha, target=p.window_power_target)

    cv = spend.capex_values(tables["capex"], p.capex_companies, p.include_guidance, start - pd.DateOffset(years=10), end)
    ct = spend.capex_total(cv, p.capex_companies)
    ct_window = ct[ct["fiscal_year"] <= end.year + 1] if len(ct) else ct
    growth = spend.total_growth(ct_window)
    recent = spend.growth_since(ct_window, p.capex_recent_start_year)
    apart = [c for c in p.capex_companies if c == p.open_weights_spender]
    rest = [c for c in p.capex_companies if c != p.open_weights_spender]
    nan_growth = spend.Growth(None, None, float("nan"), float("nan"), float("nan"))
    g_apart = spend.company_series_growth(cv, apart, p.capex_recent_start_year) if apart else nan_growth
    g_rest = spend.company_series_growth(cv, rest, p.capex_recent_start_year) if rest else nan_growth
    year_now = (newest_statement({"capex": tables["capex"]}) or end).year
    capex_year = spend.capex_calendar_year(tables["capex"], p.capex_companies, year_now)
    nv = spend.nvidia_data_center(tables["nvidia_financials"])
    nv_growth = spend.total_growth(nv.rename(columns={"dc_usd_bn": "total"}).assign(complete=True, guidance=False))
    fit, rows = spend.compute_growth(tables["training_compute"], p.compute_frontier_only,
                                     pd.Timestamp(f"{p.compute_since_year}-01-01"), end, level=p.interval_level)

    runs = spend.classify_runs(tables["training_compute"], tables["models"], p.open_kinds)
    runs = runs[runs["publication_date"] <= end]
    run_end = runs["publication_date"].max() if len(runs) else None
    gap_now = spend.compute_gap(runs, run_end, p.bootstrap_draws, p.seed, level=p.interval_level)
    epoch_at = ref(refs, "epoch_2024_lag_months", "as_of")
    gap_epoch = (spend.compute_gap(runs, pd.Timestamp(epoch_at), p.bootstrap_draws, p.seed, level=p.interval_level)
                 if epoch_at is not None and pd.notna(epoch_at) else None)
    series_start = pd.Timestamp(f"{p.compute_since_year}-01-01")
    gap_series = spend.compute_gap_series(runs, series_start, run_end) if run_end is not None else pd.DataFrame()

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
    idx = spend.indexed(series) if series else spend.indexed({})
    return Result(params=p, main=main, others=others, windows=w, org_windows=ow,
                  window_median_days=leadership.median_days(w), org_window_median_days=leadership.median_days(ow),
                  window_trend=trend_w, capex_values=cv, capex_total=ct, capex_growth=growth, nvidia=nv,
                  nvidia_growth=nv_growth, compute_fit=fit, compute_rows=rows, indexed=idx,
                  problems=dict(inputs.problems), leadership_start=lead_start, windows_all=w_all,
                  window_median_all_days=leadership.median_days(w_all),
                  window_trend_all=trend_all,
                  capex_by_company=spend.company_growth(cv, growth.first_year, growth.last_year),
                  tolerance_grid=tolerance_sensitivity(main.scores, main.end, TOLERANCE_GRID),
                  compute_variants=compute_sensitivity(tables["training_compute"], end, compute_variants(refs)),
                  refs=refs, lag_averages=lag_averages(tables, p, main, refs), window_power=power,
                  runs=runs, run_records=spend.running_max(runs), compute_gap=gap_now,
                  compute_gap_epoch=gap_epoch, compute_gap_series=gap_series, capex_recent=recent,
                  capex_apart=g_apart, capex_others=g_rest, capex_year=capex_year,
                  data_end=newest_statement(tables),
                  lab_robust=(spend.leave_one_lab_out(runs, run_end, pd.Timestamp(epoch_at) if epoch_at is not None
                                                      and pd.notna(epoch_at) else None)
                              if run_end is not None else pd.DataFrame()),
                  owned=tables["compute_owned"], owned_gap=spend.owned_gap(tables["compute_owned"], p.open_weights_spender),
                  top3_ratio=spend.top_mean_ratio(runs, run_end) if run_end is not None else float("nan"),
                  top3_ratio_then=(spend.top_mean_ratio(runs, pd.Timestamp(epoch_at))
                                   if epoch_at is not None and pd.notna(epoch_at) else float("nan")),
                  table_dates={k: iso_date(t["as_of"].max()) for k, t in tables.items()
                               if "as_of" in t and len(t) and t["as_of"].notna().any()})


#: Tolerances (benchmark points) at which "What would change the conclusion" re-estimates the lag.
TOLERANCE_GRID = (0.0, 1.0, 2.0, 3.0, 5.0)


def tolerance_sensitivity(scores: pd.DataFrame, end: pd.Timestamp, tolerances=TOLERANCE_GRID) -> pd.DataFrame:
    """The lag's trend (censored-regression point estimate, no bootstrap: cheap) and today's
    backward-looking lag at each catch-up tolerance, so the page can say how far the verdict moves
    with the one assumption it rests on. The fits run together (`frontier.tobit_fit_many`)."""
    rows, fits = [], []
    for tol in tolerances:
        lags = frontier.catch_up_lags(scores, tol, end) if not scores.empty else pd.DataFrame()
        if lags.empty:
            rows.append([tol, float("nan"), float("nan"), 0])
            continue
        fits.append((len(rows), frontier.decimal_year(lags["date"]), lags["lag_months"].to_numpy(float),
                     lags["censored"].to_numpy(bool)))
        rows.append([tol, float("nan"), frontier.current_lag_months(scores, end, tol), int(lags["censored"].sum())])
    for i, x, y, c in fits:
        _, b, ok = frontier.tobit_fit_many(x[None, :], y[None, :], c[None, :])
        rows[i][1] = float(b[0]) if ok[0] else frontier.tobit_fit(x, y, c)[1]
    return pd.DataFrame(rows, columns=["tolerance", "slope", "current_lag", "n_censored"])


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
    from ..formatting import fmt
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
    from ..formatting import fmt
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
    from ..formatting import fmt
    if v is None or not np.isfinite(v):
        return "n/a"
    return f"USD {fmt(float(v) * 1e9, sig=sig)}"


#: The published estimate whose data window the first re-fit reproduces (data/published_estimates.csv).
COMPUTE_REFERENCE = "epoch_compute_growth"
#: Alternative choices at which the training-compute growth is re-fitted, to show why it differs
#: from Epoch AI's published rate: (label, frontier only, first year, last date). The first, Epoch AI's
#: own period, is read from its row's window (`compute_variants`).
OTHER_COMPUTE_VARIANTS = (("frontier rows, from 2015", True, 2015, None),
                          ("frontier rows, from 2020", True, 2020, None),
                          ("all rows (frontier or at least 1e23 FLOP), from 2018", False, 2018, None))


def compute_variants(refs: dict[str, dict[str, Any]]) -> tuple[tuple[str, bool, int, str | None], ...]:
    """The re-fits: Epoch AI's own period (its row's window_start to window_end), then the others.
    Without the row's window, only the others."""
    start, end = ref(refs, COMPUTE_REFERENCE, "window_start"), ref(refs, COMPUTE_REFERENCE, "window_end")
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return OTHER_COMPUTE_VARIANTS
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    own = (f"frontier rows, Epoch's period ({start.year} to {end:%B %Y})", True, int(start.year),
           end.date().isoformat())
    return (own, *OTHER_COMPUTE_VARIANTS)


def compute_sensitivity(tc: pd.DataFrame, end: pd.Timestamp, variants=OTHER_COMPUTE_VARIANTS) -> pd.DataFrame:
    """The training-compute growth fitted under each alternative selection (one row each)."""
    rows = []
    for label, front, year, last in variants:
        stop = min(pd.Timestamp(last), end) if last else end
        f, _ = spend.compute_growth(tc, front, pd.Timestamp(f"{year}-01-01"), stop)
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


def glue_values(res: Result) -> dict[str, tuple[Any, dict[str, Any]]]:
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
        "interval_level": (p.interval_level, {"text": level_text(p.interval_level)}),
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
        "window_direction": (spearman_direction(wt.rho, wt.p_value, p.window_trend_alpha), {}),
        "leaderboard": (p.leaderboard, {}),
        "leadership_start": (str(p.leadership_start), {}),
        # where the data's noisy online-Elo era ends: the parameter's default, which a test ties to the
        # caveats of data/leaderboard_leaders.meta.yml (the prose names it whatever the reader sets)
        "online_elo_end": (str(type(p).model_fields["leadership_start"].default),
                           {"text": pd.Timestamp(type(p).model_fields["leadership_start"].default).strftime("%-d %B %Y")}),
        "leadership_start_used": (res.leadership_start.date().isoformat() if res.leadership_start is not None
                                  else "n/a", {}),
        "leadership_data_end": (res.windows_all["end_date"].max().date().isoformat() if len(res.windows_all)
                                else "n/a", {}),
        "window_fit": (wt.change_per_year, {"text": window_fit_text(wt, p.interval_level)}),
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
    la = res.lag_averages or LagAverages(float("nan"), 0, None, None, float("nan"), float("nan"), float("nan"))
    r = res.refs
    out.update({
        "unmatched_lag_months": (float(unmatched["lag_months"]) if unmatched is not None else float("nan"),
                                 {"unit": "months"}),
        "unmatched_model": (str(unmatched["model"]) if unmatched is not None else "n/a", {}),
        "unmatched_date": (unmatched["date"].date().isoformat() if unmatched is not None else "n/a", {}),
        "exact_lag_min_months": (float(exact.min()) if len(exact) else float("nan"), {"unit": "months"}),
        "exact_lag_max_months": (float(exact.max()) if len(exact) else float("nan"), {"unit": "months"}),
        "exact_lag_mean_months": (float(exact.mean()) if len(exact) else float("nan"), {"unit": "months"}),
        "open_lag_months_average": (la.average, {"unit": "months"}),
        "avg_current_lag_months": (la.average, {"unit": "months"}),
        "lag_average_start": (iso_date(la.start), {}), "lag_average_end": (iso_date(la.end), {}),
        "lag_average_n": (la.average_n, {}),
        "lag_epoch_2025_time_months": (la.epoch_2025_time, {"unit": "months"}),
        "lag_epoch_2025_level_months": (la.epoch_2025_level, {"unit": "months"}),
        # C1's headline: the level-averaged lag on Epoch AI's window, the measure Epoch AI publishes
        "open_lag_months_epoch_footing": (la.epoch_2025_level, {"unit": "months"}),
        "lag_epoch_2026_time_months": (la.epoch_2026_time, {"unit": "months"}),
        "current_over_epoch": (m.current_lag / ref(r, "epoch_2026_lag_months") if np.isfinite(m.current_lag)
                               else float("nan"),
                               {"text": fmt_x(m.current_lag / ref(r, "epoch_2026_lag_months")).lstrip("×")
                                if np.isfinite(m.current_lag) else "n/a"}),
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
    for key, est in r.items():
        for part in ("value", "low", "high"):
            name = f"ref_{key}" if part == "value" else f"ref_{key}_{part}"
            v = est[part]
            if part != "value" and not np.isfinite(v):
                continue
            opts = {"pct": True} if est["unit"] == "fraction" else {"text": fmt_x(v)} \
                if est["unit"] == "x per year" else {"unit": est["unit"]}
            out[name] = (v, opts)
        lv = interval_level_of(r, key)
        if np.isfinite(lv):   # the level the source states for its interval ("90% confidence interval")
            out[f"ref_{key}_level"] = (lv, {"text": level_text(lv)})
        out[f"ref_{key}_date"] = (iso_date(est["as_of"]), {"text": pd.Timestamp(est["as_of"]).strftime("%B %Y")
                                                      if est["as_of"] is not None and pd.notna(est["as_of"]) else "n/a"})
        # the window of data the estimate covers, as the prose names it ("January 2023"): the row's own columns
        for part in ("window_start", "window_end"):
            d = est.get(part)
            if d is not None and pd.notna(d):
                out[f"ref_{key}_{part}"] = (iso_date(d), {"text": pd.Timestamp(d).strftime("%B %Y")})
                out[f"ref_{key}_{part}_year"] = (int(pd.Timestamp(d).year), {"text": str(pd.Timestamp(d).year)})
    # the compute gap, measured directly (C3)
    cg = res.compute_gap or spend.ComputeGap(None, *([float("nan")] * 6), None, None, float("nan"), float("nan"), 0, 0, 0)
    ce = res.compute_gap_epoch
    out.update({
        "training_compute_open_lag_months": (cg.lag_months, {"unit": "months"}),
        "training_compute_open_lag_low": (cg.lag_low, {"unit": "months"}),
        "training_compute_open_lag_high": (cg.lag_high, {"unit": "months"}),
        "training_compute_closed_open_ratio": (cg.ratio, {"text": fmt_x(cg.ratio)}),
        "training_compute_ratio_low": (cg.ratio_low, {"text": fmt_x(cg.ratio_low)}),
        "training_compute_ratio_high": (cg.ratio_high, {"text": fmt_x(cg.ratio_high)}),
        "training_compute_gap_date": (iso_date(cg.at), {}),
        "training_compute_top_open": (cg.open_model or "n/a", {}),
        "training_compute_top_closed": (cg.closed_model or "n/a", {}),
        "training_compute_top_open_flop": (cg.open_flop, {"text": _flop(cg.open_flop)}),
        "training_compute_top_closed_flop": (cg.closed_flop, {"text": _flop(cg.closed_flop)}),
        "training_compute_n_open": (cg.n_open, {}), "training_compute_n_closed": (cg.n_closed, {}),
        "training_compute_lag_at_epoch_months": (ce.lag_months if ce else float("nan"), {"unit": "months"}),
        "training_compute_ratio_at_epoch": (ce.ratio if ce else float("nan"),
                                            {"text": fmt_x(ce.ratio) if ce else "n/a"}),
        **lab_robust_values(res),
        **owned_values(res),
        "training_compute_lag_mean_months": (float(res.compute_gap_series["lag_months"].mean())
                                             if len(res.compute_gap_series) else float("nan"), {"unit": "months"}),
    })
    # capex: the recent window, the open-weights spender apart, this year so far
    rc = res.capex_recent or spend.Growth(None, None, float("nan"), float("nan"), float("nan"))
    ga = res.capex_apart or rc
    go = res.capex_others or rc
    cy = res.capex_year
    total_last = g.last
    apart_share = (ga.last / total_last) if (np.isfinite(ga.last) and np.isfinite(total_last) and total_last > 0
                                             and ga.last_year == g.last_year) else float("nan")
    complete_year = len(cy) and cy["reported_usd_bn"].notna().all()
    guid_all = len(cy) and cy["guidance_usd_bn"].notna().all()
    out.update({
        "capex_cagr_recent": (rc.rate, {"pct": True}),
        "capex_recent_first_year": (rc.first_year or "n/a", {"text": str(rc.first_year or "n/a")}),
        "capex_recent_first_usd_bn": (rc.first, {"text": usd_bn(rc.first)}),
        "capex_apart_company": (p.open_weights_spender, {}),
        "capex_apart_cagr_recent": (ga.rate, {"pct": True}),
        "capex_apart_last_usd_bn": (ga.last, {"text": usd_bn(ga.last)}),
        "capex_apart_share_latest": (apart_share, {"pct": True}),
        "capex_others_cagr_recent": (go.rate, {"pct": True}),
        "capex_others_last_usd_bn": (go.last, {"text": usd_bn(go.last)}),
        "capex_others": (", ".join(c for c in p.capex_companies if c != p.open_weights_spender), {}),
        "capex_year_now": (int(res.data_end.year) if res.data_end is not None else "n/a",
                           {"text": str(res.data_end.year) if res.data_end is not None else "n/a"}),
        "capex_year_reported_usd_bn": (float(cy["reported_usd_bn"].sum()) if complete_year else float("nan"),
                                       {"text": usd_bn(float(cy["reported_usd_bn"].sum())) if complete_year else "n/a"}),
        "capex_year_reported_through": (iso_date(cy["last_quarter_end"].min()) if complete_year else "n/a", {}),
        "capex_year_guidance_usd_bn": (float(cy["guidance_usd_bn"].sum()) if guid_all else float("nan"),
                                       {"text": usd_bn(float(cy["guidance_usd_bn"].sum())) if guid_all else "n/a"}),
        "capex_year_guidance_as_of": (iso_date(cy["guidance_as_of"].max()) if guid_all else "n/a", {}),
    })
    # leadership: sample and power
    pw = res.window_power or leadership.Power(0, float("nan"), p.window_trend_reference, float("nan"), p.window_power_target, 0)
    out.update({
        "leadership_windows_n": (len(res.windows), {}),
        "window_power_at_reference": (pw.power_at_reference, {"pct": True}),
        # glued as signed fractions (-0.5: windows half as long each year); the texts say "shrink by 50%"
        "window_trend_reference": (pw.reference_change, {"text": _shrink(pw.reference_change)}),
        "window_detectable_change": (pw.detectable_change, {"text": _shrink(pw.detectable_change)
                                     if np.isfinite(pw.detectable_change)
                                     else "none in the range tested (up to 99%)"}),
        "power_simulations": (pw.simulations, {}),
        "window_trend_alpha": (p.window_trend_alpha, {}),
        "window_power_target": (p.window_power_target, {"pct": True}),
        "data_end": (iso_date(res.data_end), {}),
    })
    for key, text in texts(res).items():
        out[key] = (text, {})
    return out


def _shrink(change: float) -> str:
    """A negative change per year as the size of the shrinking: -0.5 -> "50%"."""
    from ..formatting import fmt
    return fmt(-change, pct=True) if np.isfinite(change) else "n/a"


def iso_date(d: Any) -> str:
    """A date as YYYY-MM-DD ("n/a" for none)."""
    return pd.Timestamp(d).date().isoformat() if d is not None and pd.notna(d) else "n/a"


def _flop(v: float) -> str:
    return f"{v:.1e} FLOP".replace("e+", "e") if v is not None and np.isfinite(v) else "n/a"


def epoch_range(refs: dict[str, dict[str, Any]]) -> tuple[float, float]:
    """The band of Epoch AI's published averages: from its lowest headline figure to the highest of
    its newest figure and the upper end of its interval."""
    lo = ref(refs, "epoch_2025_lag_months")
    hi = np.nanmax([ref(refs, "epoch_2026_lag_months"), ref(refs, "epoch_2025_lag_avg_months", "high")]) \
        if refs else float("nan")
    return lo, float(hi)


def texts(res: Result) -> dict[str, str]:
    """Every judgement word or clause of the page that depends on a result, computed here so that
    it changes when the result does."""
    m, p, r = res.main, res.params, res.refs
    wt, cf = res.window_trend, res.compute_fit
    lo, hi = epoch_range(r)
    la = res.lag_averages or LagAverages(float("nan"), 0, None, None, float("nan"), float("nan"), float("nan"))
    pw = res.window_power or leadership.Power(0, float("nan"), p.window_trend_reference, float("nan"), p.window_power_target, 0)
    out = {
        "lag_direction": direction(m.trend.low, m.trend.high, "shrinking", "growing"),
        "window_direction": spearman_direction(wt.rho, wt.p_value, p.window_trend_alpha),
        "window_lean": "longer" if wt.rho > 0 else "shorter" if wt.rho < 0 else "neither longer nor shorter",
        "window_trend_verdict": leadership.trend_verdict(wt.rho, wt.p_value, pw, p.window_trend_alpha),
        "current_vs_epoch": compare_word(m.current_lag, lo, hi),
        "avg_vs_epoch": compare_word(la.average, lo, hi),
        "epoch_2025_time_vs_ci": compare_word(la.epoch_2025_time, ref(r, "epoch_2025_lag_avg_months", "low"),
                                              ref(r, "epoch_2025_lag_avg_months", "high")),
        "epoch_2025_level_vs_ci": compare_word(la.epoch_2025_level, ref(r, "epoch_2025_lag_avg_months", "low"),
                                               ref(r, "epoch_2025_lag_avg_months", "high")),
        "tol_current_vs_epoch": compare_word(float(res.tolerance_grid["current_lag"].min())
                                             if len(res.tolerance_grid) else float("nan"), lo, hi),
        "capex_guidance": "includes company guidance" if res.capex_growth.guidance_in_last else "reported figures only",
    }
    ref_growth = ref(r, COMPUTE_REFERENCE)
    if np.isfinite(cf.low) and np.isfinite(cf.high) and np.isfinite(ref_growth):
        word = "faster than" if cf.low > ref_growth else "slower than" if cf.high < ref_growth else "consistent with"
        lv = level_text(p.interval_level)
        clause = f" (the {lv} interval excludes it)" if word != "consistent with" else f" (the {lv} interval includes it)"
    else:
        word, clause = "not comparable with", ""
    since = ref(r, COMPUTE_REFERENCE, "window_start")
    since = f" since {pd.Timestamp(since).year}" if since is not None and pd.notna(since) else ""
    out["compute_vs_epoch"] = f"{word} Epoch AI's {fmt_x(ref_growth)} a year for the frontier{since}{clause}"
    ce, epoch_compute = res.compute_gap_epoch, ref(r, "epoch_2024_lag_months")
    out["compute_lag_vs_epoch"] = (
        "not comparable with" if ce is None or not np.isfinite(ce.lag_months) or not np.isfinite(epoch_compute)
        else "longer than" if ce.lag_months > 1.5 * epoch_compute
        else "shorter than" if ce.lag_months < epoch_compute / 1.5 else "close to")
    # the training-compute growth under the alternative selections other than Epoch AI's period, with
    # the selection's own label (its years and threshold live in compute_variants, not in the prose)
    cv = res.compute_variants
    out["compute_variants_list"] = ("; ".join(f"{row.selection} {fmt_x(row.growth)}" for row in cv.iloc[1:].itertuples())
                                    if len(cv) > 1 else "no alternative selection could be fitted")
    # judgements the prose used to type: whether the selection matters more than the fit's interval,
    # whether the tolerance explains the gap to Epoch AI, how Epoch AI's newest lag compares with its earlier
    spread = float(cv["growth"].max() - cv["growth"].min()) if len(cv) else float("nan")
    width = float(cf.high - cf.low) if np.isfinite(cf.high) and np.isfinite(cf.low) else float("nan")
    out["compute_choice_vs_interval"] = ("matters more" if spread > width else "matters less"
                                         if np.isfinite(spread) and np.isfinite(width) else "cannot be compared")
    out["tolerance_explains"] = ("so the tolerance alone does not explain the difference"
                                 if out["tol_current_vs_epoch"] == "longer than"
                                 else "so the tolerance can account for the difference")
    new26, old25 = ref(r, "epoch_2026_lag_months"), ref(r, "epoch_2025_lag_months")
    out["epoch_newest_vs_previous"] = ("not comparable with" if not (np.isfinite(new26) and np.isfinite(old25))
                                       else "longer than" if new26 > old25 else "shorter than" if new26 < old25
                                       else "the same as")
    # the significance level of the test and of its power simulation (a parameter)
    from ..formatting import fmt
    out["power_alpha"] = fmt(p.window_trend_alpha)
    rc, ga, go = res.capex_recent, res.capex_apart, res.capex_others
    if ga is not None and go is not None and np.isfinite(ga.rate) and np.isfinite(go.rate):
        out["capex_apart_vs_others"] = ("faster than" if ga.rate > go.rate * 1.1 else
                                        "slower than" if ga.rate < go.rate / 1.1 else "about as fast as")
    else:
        out["capex_apart_vs_others"] = "not comparable with"
    if rc is not None and np.isfinite(rc.rate) and np.isfinite(res.capex_growth.rate):
        out["capex_recent_vs_long"] = ("faster than" if rc.rate > res.capex_growth.rate * 1.1 else
                                       "slower than" if rc.rate < res.capex_growth.rate / 1.1 else "about as fast as")
    else:
        out["capex_recent_vs_long"] = "not comparable with"
    return out


def spearman_direction(rho: float, p_value: float, alpha: float) -> str:
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
    from ..formatting import fmt
    if not (np.isfinite(median_now) and np.isfinite(median_other)):
        return "cannot be compared (no median)"
    if round(median_now) == round(median_other):
        return f"leaves the median window at {fmt(median_other, unit='days')}"
    return f"changes the median window from {fmt(median_now, unit='days')} to {fmt(median_other, unit='days')}"


#: Fewer completed spells than this and the log-linear fit of window length is not reported: with a
#: handful of spells over a few months its interval spans from -100 % to thousands of percent.
MIN_SPELLS_FOR_FIT = 10


def level_text(level: float) -> str:
    """An interval's level as the page writes it: 0.9 -> "90%", 0.975 -> "97.5%"."""
    return f"{round(100 * level, 1):g}%"


def interval_level_of(refs: dict[str, dict[str, Any]], key: str) -> float:
    """The level of a published estimate's interval, read from its `interval` text ("90% confidence
    interval" -> 0.9); NaN when the estimate or its stated level is missing."""
    m = re.search(r"(\d+(?:\.\d+)?)\s*%", str(refs.get(key, {}).get("interval") or ""))
    return float(m.group(1)) / 100 if m else float("nan")


def window_fit_text(wt: leadership.WindowTrend, level: float = 0.9) -> str:
    """The log-linear change of window length per year, as a clause for the prose (or why not)."""
    from ..formatting import fmt
    if wt.n < MIN_SPELLS_FOR_FIT or not np.isfinite(wt.change_per_year):
        return (f"with {wt.n} completed spells a log-linear fit of their length would be uninformative "
                f"(fewer than {MIN_SPELLS_FOR_FIT}), so none is reported")
    return (f"a log-linear fit gives {fmt(wt.change_per_year, pct=True)} per year ({level_text(level)} interval "
            f"{fmt(wt.change_low, pct=True)} to {fmt(wt.change_high, pct=True)})")


def fmt_x(v: float) -> str:
    """A multiplier as text ("×4.7"), n/a when unknown."""
    from ..formatting import fmt
    return "n/a" if v is None or not np.isfinite(v) else f"×{fmt(v)}"


def lab_robust_values(res: Result) -> dict[str, tuple[Any, dict[str, Any]]]:
    """C3 robust to one lab: the closed/open ratio with each lab left out (its range now, and the
    smallest and largest change against the same lab-less ratio at Epoch AI's report date), the mean
    of the top three runs on each side, and the dates of the two largest runs."""
    lr, nan = res.lab_robust, float("nan")
    ok = lr.dropna(subset=["ratio"]) if len(lr) else lr
    ch = lr.dropna(subset=["change"]) if len(lr) else lr
    runs = res.runs
    cg = res.compute_gap

    def run_date(model: str | None) -> str:
        if model is None or not len(runs):
            return "n/a"
        hit = runs.loc[runs["model"] == model, "publication_date"]
        return iso_date(hit.iloc[0]) if len(hit) else "n/a"

    weakest = str(ch.loc[ch["change"].idxmin(), "left_out"]) if len(ch) else "n/a"
    t3, t3e = res.top3_ratio, res.top3_ratio_then
    return {
        "training_compute_ratio_leave_one_out_low": (float(ok["ratio"].min()) if len(ok) else nan,
                                                     {"text": fmt_x(float(ok["ratio"].min())) if len(ok) else "n/a"}),
        "training_compute_ratio_leave_one_out_high": (float(ok["ratio"].max()) if len(ok) else nan,
                                                      {"text": fmt_x(float(ok["ratio"].max())) if len(ok) else "n/a"}),
        "training_compute_leave_one_out_change_min": (float(ch["change"].min()) if len(ch) else nan,
                                                      {"text": fmt_x(float(ch["change"].min())) if len(ch) else "n/a"}),
        "training_compute_leave_one_out_change_max": (float(ch["change"].max()) if len(ch) else nan,
                                                      {"text": fmt_x(float(ch["change"].max())) if len(ch) else "n/a"}),
        "training_compute_leave_one_out_weakest_lab": (weakest, {}),
        "training_compute_leave_one_out_labs": (len(lr), {"sig": 3}),
        "training_compute_ratio_top3": (t3, {"text": fmt_x(t3) if np.isfinite(t3) else "n/a"}),
        "training_compute_ratio_top3_at_epoch": (t3e, {"text": fmt_x(t3e) if np.isfinite(t3e) else "n/a"}),
        "training_compute_top_closed_date": (run_date(cg.closed_model if cg else None), {}),
        "training_compute_top_open_date": (run_date(cg.open_model if cg else None), {}),
        "training_compute_data_as_of": (res.table_dates.get("training_compute", "n/a"), {}),
    }


def owned_values(res: Result) -> dict[str, tuple[Any, dict[str, Any]]]:
    """The compute owned (Epoch AI's estimates, NVIDIA GPUs since 2022): the largest owner over the
    open-weights spender at the first and last complete quarter, with conservative intervals, the
    direction in words, and Google's TPUs at the last complete quarter beside its NVIDIA GPUs."""
    g, nan = res.owned_gap, float("nan")
    first = g.iloc[0] if len(g) else None
    last = g.iloc[-1] if len(g) else None
    direction = spend.owned_direction(g)
    word = {True: "widened", False: "narrowed", None: "did not move beyond the estimates' uncertainty"}[direction]
    own = res.owned
    tpu = own[(own["chips"] == "Google TPU") & own["complete"].astype(bool)] if len(own) else own
    tpu_last = tpu.sort_values("quarter_end").iloc[-1] if len(tpu) else None

    def q(row: Any) -> str:
        return "n/a" if row is None else f"Q{(pd.Timestamp(row['quarter_end']).month - 1) // 3 + 1} " \
                                          f"{pd.Timestamp(row['quarter_end']).year}"

    def x(v: float) -> tuple[float, dict[str, Any]]:
        return v, {"text": fmt_x(v) if np.isfinite(v) else "n/a"}

    def since(chips: str) -> str:
        d = own.loc[own["chips"] == chips, "cumulative_since"] if len(own) else []
        return str(pd.Timestamp(d.min()).year) if len(d) else "n/a"

    return {
        "compute_owned_first_quarter": (q(first), {}), "compute_owned_last_quarter": (q(last), {}),
        "compute_owned_leader": (str(last["leader"]) if last is not None else "n/a", {}),
        "compute_owned_ratio_first": x(float(first["ratio"]) if first is not None else nan),
        "compute_owned_ratio_first_low": x(float(first["ratio_low"]) if first is not None else nan),
        "compute_owned_ratio_first_high": x(float(first["ratio_high"]) if first is not None else nan),
        "compute_owned_ratio_last": x(float(last["ratio"]) if last is not None else nan),
        "compute_owned_ratio_last_low": x(float(last["ratio_low"]) if last is not None else nan),
        "compute_owned_ratio_last_high": x(float(last["ratio_high"]) if last is not None else nan),
        "compute_owned_direction": (word, {}),
        "compute_owned_leader_h100e": (float(last["leader_h100e"]) if last is not None else nan, {"sig": 2}),
        "compute_owned_apart_h100e": (float(last["apart_h100e"]) if last is not None else nan, {"sig": 2}),
        "compute_owned_tpu_quarter": (q(tpu_last), {}),
        "compute_owned_tpu_h100e": (float(tpu_last["h100e"]) if tpu_last is not None else nan, {"sig": 2}),
        "compute_owned_tpu_h100e_low": (float(tpu_last["h100e_p5"]) if tpu_last is not None else nan, {"sig": 2}),
        "compute_owned_tpu_h100e_high": (float(tpu_last["h100e_p95"]) if tpu_last is not None else nan, {"sig": 2}),
        "compute_owned_tpu_units": (float(tpu_last["units"]) if tpu_last is not None else nan, {"sig": 2}),
        "compute_owned_tpu_units_low": (float(tpu_last["units_p5"]) if tpu_last is not None else nan, {"sig": 2}),
        "compute_owned_tpu_units_high": (float(tpu_last["units_p95"]) if tpu_last is not None else nan, {"sig": 2}),
        "compute_owned_as_of": (res.table_dates.get("compute_owned", "n/a"), {}),
        "compute_owned_nvidia_since": (since("NVIDIA"), {}), "compute_owned_tpu_since": (since("Google TPU"), {}),
        "compute_owned_unit": ("H100-equivalents", {}),
    }
