"""The chapter's charts, built from `chapter.Result`. Titles are computed from the numbers
(never typed), each chart has a subtitle with what and which unit, tooltips, and shapes telling
closed from open as well as colors. No analysis here: only data reshaping for the chart grammar.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .. import charts, units
from ..formatting import fmt
from . import chapter, frontier

W = 600  # plot width, px: the chart with its legend stays within 700 px

_GROUP_SHAPES = alt.Scale(domain=["closed", "open"], range=[charts.SHAPES["closed"], charts.SHAPES["open"]])
_GROUP_DASH = alt.Scale(domain=["closed", "open"], range=[charts.DASHES["closed"], charts.DASHES["open"]])


def _n(x, sig=2, unit=""):
    return fmt(x, sig=sig, unit=unit)


def _empty(msg: str) -> alt.Chart:
    return alt.Chart(pd.DataFrame({"t": [msg]})).mark_text(size=14, color=charts.MUTED).encode(text="t:N").properties(
        width=W, height=60, title=charts.title("No data yet", msg))


def _org_family(name: str) -> str:
    """Epoch AI's organization strings folded to the book's palette names (e.g. "Google Brain" ->
    "Google", "Facebook AI" -> "Meta"); joint or rare developers -> "Other", to keep the legend short."""
    first = charts.org_family(str(name).split(",")[0].strip())
    for prefix, fam in (("Google", "Google"), ("DeepMind", "Google"), ("Facebook", "Meta"), ("Meta", "Meta"),
                        ("Microsoft", "Microsoft"), ("Mistral", "Mistral"), ("Alibaba", "Alibaba")):
        if first.startswith(prefix):
            return fam
    return first if first in charts.ORG_COLORS else "Other"


def _bench_param(default: str) -> alt.Parameter:
    names = list(chapter.BENCHMARKS)
    labels = [chapter.BENCHMARKS[b][0] for b in names]
    return alt.param(name="bench", value=default,
                     bind=alt.binding_select(options=names, labels=labels, name="Benchmark: "))


def _by_bench(texts: dict[str, str]) -> dict[str, str]:
    """A Vega expression that picks the text of the benchmark the selector shows, so that a chart's
    title follows the selection (the page's parameter only sets the default)."""
    import json

    keys = list(texts)
    expr = json.dumps(texts[keys[-1]])
    for k in reversed(keys[:-1]):
        expr = f"bench === {json.dumps(k)} ? {json.dumps(texts[k])} : {expr}"
    return {"expr": expr}


def _all_benchmarks(res: chapter.Result) -> dict[str, chapter.BenchmarkResult]:
    return {res.main.benchmark: res.main, **res.others}


def frontier_title(b: chapter.BenchmarkResult) -> str:
    """The frontier chart's finding for one benchmark."""
    name, unit = chapter.BENCHMARKS[b.benchmark]
    return (f"{name}: the best closed model leads the best open one by {_n(b.score_gap_latest, unit=unit)}"
            if np.isfinite(b.score_gap_latest) else f"{name}: closed and open frontiers")


def gap_title(b: chapter.BenchmarkResult) -> str:
    """The gap chart's finding for one benchmark."""
    name, unit = chapter.BENCHMARKS[b.benchmark]
    return (f"{name}: the closed lead {chapter.gap_path_text(chapter.gap_path(b.gap), unit)}"
            if len(b.gap) else f"{name}: no gap can be computed")


#: Time axis of the benchmark charts: every label carries its year, whatever the span selected.
_TIME_AXIS = alt.Axis(format="%b %Y", labelAngle=0, tickCount=6, labelOverlap=True)


def _envelope_steps(b: chapter.BenchmarkResult) -> pd.DataFrame:
    rows = []
    for group in ("closed", "open"):
        r = b.records[b.records["group"] == group] if len(b.records) else b.records
        if r.empty:
            continue
        steps = r[["release_date", "score", "model"]].copy()
        steps = pd.concat([steps, pd.DataFrame({"release_date": [b.end], "score": [steps["score"].iloc[-1]],
                                                "model": [steps["model"].iloc[-1]]})])
        rows.append(steps.assign(group=group))
    if not rows:
        return pd.DataFrame(columns=["release_date", "score", "model", "group", "benchmark"])
    return pd.concat(rows).assign(benchmark=b.benchmark)


def _across_benchmarks(res: chapter.Result, attr: str) -> pd.DataFrame:
    """One frame of `attr` (scores, gap, ...) for every benchmark, tagged with its benchmark, for the
    charts' benchmark selector; empty when no benchmark has rows."""
    allb = {res.main.benchmark: res.main, **res.others}
    frames = [getattr(b, attr).assign(benchmark=k) for k, b in allb.items() if len(getattr(b, attr))]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def frontier_chart(res: chapter.Result) -> alt.Chart:
    """Scores of every model by release date, best-to-date envelopes as steps; a benchmark selector."""
    allb = {res.main.benchmark: res.main, **res.others}
    pts = _across_benchmarks(res, "scores")
    if pts.empty:
        return _empty("No benchmark scores are loaded.")
    pts["unit"] = pts["benchmark"].map(lambda k: chapter.BENCHMARKS[k][1])
    # one color per company: "Google DeepMind" and "Google", "Meta AI" and "Meta" are one family
    pts["family"] = pts["organization"].map(lambda o: charts.org_family(str(o)))
    steps = pd.concat([_envelope_steps(b) for b in allb.values()], ignore_index=True)
    m = res.main
    t = _by_bench({k: frontier_title(b) for k, b in allb.items()})
    sub = ["Score of each model at release, in the selected benchmark's unit (ECI points, percentage points or Elo",
           "points); lines: best score to date among closed (solid) and open (dashed) models. Elo: latest snapshot only."]
    sel = _bench_param(m.benchmark)
    orgs = sorted(pts["family"].unique())
    base = alt.Chart(pts).transform_filter(alt.datum.benchmark == sel)
    points = base.mark_point(filled=True, size=60, opacity=0.85).encode(
        x=alt.X("release_date:T", title="Release date", axis=_TIME_AXIS),
        y=alt.Y("score:Q", title="Score (the selected benchmark's unit, in the subtitle)", scale=alt.Scale(zero=False)),
        color=alt.Color("family:N", scale=charts.org_scale(orgs), title="Organization"),
        shape=alt.Shape("group:N", scale=_GROUP_SHAPES, title="Weights"),
        tooltip=[alt.Tooltip("model:N", title="Model"), alt.Tooltip("organization:N", title="Organization"),
                 alt.Tooltip("group:N", title="Weights"), alt.Tooltip("release_date:T", title="Released"),
                 alt.Tooltip("score:Q", title="Score", format=".1f"), alt.Tooltip("unit:N", title="Unit"),
                 alt.Tooltip("evaluator:N", title="Evaluator"), alt.Tooltip("source_url:N", title="Source")])
    lines = alt.Chart(steps).transform_filter(alt.datum.benchmark == sel).mark_line(
        interpolate="step-after", color=charts.MUTED, strokeWidth=2).encode(
        x="release_date:T", y="score:Q", strokeDash=alt.StrokeDash("group:N", scale=_GROUP_DASH, title="Frontier"),
        detail="group:N",
        tooltip=[alt.Tooltip("group:N", title="Frontier"), alt.Tooltip("model:N", title="Record set by"),
                 alt.Tooltip("score:Q", title="Best to date", format=".1f")])
    return (lines + points).add_params(sel).properties(width=W, height=340, title=charts.title(t, sub))


def gap_chart(res: chapter.Result) -> alt.Chart:
    """The gap in points over time, with the benchmark selector."""
    g = _across_benchmarks(res, "gap")
    if g.empty:
        return _empty("No benchmark has both closed and open scores yet.")
    g["unit"] = g["benchmark"].map(lambda k: chapter.BENCHMARKS[k][1])
    m = res.main
    allb = _all_benchmarks(res)
    t = _by_bench({k: gap_title(b) for k, b in allb.items()})
    sub = ["Best closed minus best open score to date, in the selected benchmark's unit (Elo: within each snapshot).",
           "Below zero: the best open model leads."]
    sel = _bench_param(m.benchmark)
    base = alt.Chart(g).transform_filter(alt.datum.benchmark == sel)
    line = base.mark_line(interpolate="step-after", color=charts.OKABE_ITO[0], point=True).encode(
        x=alt.X("date:T", title="Date (release of a new best model, or leaderboard snapshot)", axis=_TIME_AXIS),
        y=alt.Y("gap:Q", title="Gap, closed minus open (points)"),
        tooltip=[alt.Tooltip("date:T", title="Date"), alt.Tooltip("closed:Q", title="Best closed", format=".1f"),
                 alt.Tooltip("open:Q", title="Best open", format=".1f"),
                 alt.Tooltip("gap:Q", title="Gap", format=".1f"), alt.Tooltip("unit:N", title="Unit")])
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color=charts.MUTED, strokeDash=[2, 2]).encode(y="y:Q")
    return (zero + line).add_params(sel).properties(width=W, height=260, title=charts.title(t, sub))


def _band_top(tr, d: pd.DataFrame, level: float) -> float:
    """The highest point of the trend's bootstrap band over the records' dates (for the y domain)."""
    if not np.isfinite(tr.slope):
        return float("nan")
    yrs = np.linspace(d["year"].min(), d["year"].max(), 40)
    return float(np.nanmax(frontier.trend_band(tr, yrs, level)[["fit", "high"]].to_numpy()))


def lag_chart(res: chapter.Result) -> alt.Chart:
    """Catch-up lag of each closed record; censored records drawn as hollow markers with an arrow up."""
    m = res.main
    lags = m.lags
    if lags.empty:
        return _empty("No closed record on this benchmark yet.")
    name, unit = chapter.BENCHMARKS[m.benchmark]
    d = lags.copy()
    d["status"] = np.where(d["censored"], "not yet caught up (lag at least)", "caught up")
    d["open_model"] = d["open_model"].fillna("none yet")
    d["year"] = frontier.decimal_year(d["date"])
    tr, lv = m.trend, chapter.level_text(res.params.interval_level)
    if np.isfinite(tr.slope):
        direction = "is shrinking" if tr.high < 0 else "is growing" if tr.low > 0 else "shows no clear trend"
        t = f"{name}: the open-model lag {direction} ({_n(tr.slope)} months per year)"
    else:
        t = f"{name}: too few caught-up records to fit a trend of the lag"
    sub = [f"Months until an open model came within {_n(res.params.catch_up_tolerance)} {unit} of each closed record.",
           "Hollow triangles with arrows: not yet reached by the data's end, so the lag is at least the value shown.",
           f"Line and band: censored (Tobit) fit and its {res.params.bootstrap_draws}-draw bootstrap {lv} band;",
           f"{lv} interval of the slope: {_n(tr.low)} to {_n(tr.high)} months per year."]
    caught, pending = "caught up: exact lag", "not yet caught up: lag at least this"
    d["status"] = np.where(d["censored"], pending, caught)
    x = alt.X("date:T", title="Date of the closed record")
    tip = [alt.Tooltip("model:N", title="Closed record"), alt.Tooltip("organization:N", title="Organization"),
           alt.Tooltip("date:T", title="Released"), alt.Tooltip("level:Q", title=f"Score ({unit})", format=".1f"),
           alt.Tooltip("open_model:N", title="First open model at that level"),
           alt.Tooltip("open_date:T", title="Open model released"),
           alt.Tooltip("lag_months:Q", title="Lag (months)", format=".1f"), alt.Tooltip("status:N", title="Status")]
    color = charts.OKABE_ITO[3]  # vermillion: apart from the blue fit
    ytop = float(np.nanmax(np.r_[d["lag_months"].to_numpy(float) + 3.0, _band_top(tr, d, res.params.interval_level)]))
    yscale = alt.Scale(domain=[0, float(np.ceil(ytop / 5.0) * 5)], nice=False)
    pts = alt.Chart(d).mark_point(size=90, strokeWidth=2).encode(
        x=x, y=alt.Y("lag_months:Q", title="Catch-up lag (months)", scale=yscale),
        shape=alt.Shape("status:N", scale=alt.Scale(domain=[caught, pending], range=["circle", "triangle-up"]),
                        title=None, legend=alt.Legend(orient="bottom", labelLimit=0, direction="horizontal")),
        fill=alt.condition(alt.datum.censored, alt.value(charts.BACKGROUND), alt.value(color)),
        color=alt.value(color), tooltip=tip)
    # censored: a solid stem from the lower bound up, ending in an arrowhead ("at least")
    cens = d[d["censored"]].assign(top=lambda f: f["lag_months"] + 2.5)
    stems = alt.Chart(cens).mark_rule(color=color, strokeWidth=1.5).encode(x="date:T", y="lag_months:Q", y2="top:Q")
    heads = alt.Chart(cens).mark_point(shape="triangle-up", filled=True, size=35, color=color, opacity=1).encode(
        x="date:T", y="top:Q", tooltip=tip)
    # the censoring date: the last date the benchmark's data speaks for
    end = pd.DataFrame({"date": [m.end], "label": [f"data end {pd.Timestamp(m.end).date().isoformat()}"]})
    end_rule = alt.Chart(end).mark_rule(color=charts.MUTED, strokeDash=[4, 3]).encode(x="date:T")
    end_text = alt.Chart(end).mark_text(align="right", dx=-4, dy=6, baseline="top", fontSize=10,
                                        color=charts.MUTED).encode(x="date:T", y=alt.value(0), text="label:N")
    layers = [end_rule, end_text, stems, heads, pts]
    if np.isfinite(tr.slope):
        yrs = np.linspace(d["year"].min(), d["year"].max(), 40)
        band = frontier.trend_band(tr, yrs, res.params.interval_level)
        band["date"] = pd.to_datetime((band["year"] - 1970) * units.DAYS_PER_YEAR, unit="D", origin="unix")
        # a lag cannot be negative: the band is cut at zero, and the subtitle says so
        cut = bool((band["low"] < 0).any())
        band["low"] = band["low"].clip(lower=0)
        if cut:
            sub[-1] += " The band is cut at 0 (a lag cannot be negative)."
        layers.insert(0, alt.Chart(band).mark_area(opacity=0.18, color=charts.OKABE_ITO[0]).encode(
            x="date:T", y="low:Q", y2="high:Q",
            tooltip=[alt.Tooltip("low:Q", title="Band low (months)", format=".1f"),
                     alt.Tooltip("high:Q", title="Band high (months)", format=".1f")]))
        layers.insert(1, alt.Chart(band).mark_line(color=charts.OKABE_ITO[0], strokeWidth=2).encode(
            x="date:T", y="fit:Q", tooltip=[alt.Tooltip("fit:Q", title="Fitted lag (months)", format=".1f")]))
        lab = band.iloc[[0]].assign(label=f"fit: {_n(tr.slope)} months per year")
        layers.append(alt.Chart(lab).mark_text(align="left", dx=4, dy=-8, fontSize=11, color=charts.OKABE_ITO[0],
                                               fontWeight="bold").encode(x="date:T", y="fit:Q", text="label:N"))
    return alt.layer(*layers).properties(width=W, height=300, title=charts.title(t, sub))


def leadership_chart(res: chapter.Result) -> alt.Chart:
    """First-place spells as bars; open (still leading) spells end in a hollow marker."""
    w = res.windows
    if w.empty:
        return _empty(f"No first-place spells for leaderboard {res.params.leaderboard!r}.")
    w = w.copy()
    w["status"] = np.where(w["censored"], "still leading", "ended")
    w["family"] = w["organization"].map(lambda o: charts.org_family(str(o)))
    wt = res.window_trend
    med = res.window_median_days
    if np.isfinite(wt.rho):
        alpha = res.params.window_trend_alpha   # the level of the test the prose and the claims ledger use
        verdict = "shortening" if wt.p_value < alpha and wt.rho < 0 else "lengthening" if wt.p_value < alpha else \
            "no significant trend"
        t = f"A model led for a median {_n(med, unit='days')}; {verdict} over time (n = {wt.n})"
    else:
        t = f"A model led for a median {_n(med, unit='days')}; too few spells for a trend"
    start = res.leadership_start.date().isoformat() if res.leadership_start is not None else "the window's start"
    sub = [f"First-place spells on the {res.params.leaderboard} leaderboard that began on or after {start},",
           "one bar per spell, colored by developer; hollow arrow: still leading at the data's date.",
           f"Whole history including the noisy online-Elo era: median {_n(res.window_median_all_days, unit='days')} "
           f"({len(res.windows_all)} spells)."]
    orgs = sorted(w["family"].unique())
    y = alt.Y("model:N", sort=alt.EncodingSortField("start_date", order="ascending"), title=None)
    tip = [alt.Tooltip("model:N", title="Model"), alt.Tooltip("organization:N", title="Organization"),
           alt.Tooltip("start_date:T", title="First day in first place"), alt.Tooltip("end_date:T", title="Until"),
           alt.Tooltip("days:Q", title="Days", format=",.0f"), alt.Tooltip("status:N", title="Status"),
           alt.Tooltip("source_url:N", title="Source")]
    bars = alt.Chart(w).mark_bar(height=10).encode(
        x=alt.X("start_date:T", title="Date (LMArena snapshot)", axis=alt.Axis(format="%b %Y", tickCount="month")),
        x2="end_date:T", y=y,
        color=alt.Color("family:N", scale=charts.org_scale(orgs), title="Organization",
                        legend=alt.Legend(orient="bottom", columns=4, labelLimit=200)), tooltip=tip)
    open_end = alt.Chart(w[w["censored"]]).mark_point(shape="triangle-right", size=120, filled=False,
                                                      strokeWidth=2, color=charts.TEXT).encode(
        x="end_date:T", y=y, tooltip=tip)
    h = max(160, 16 * len(w))
    return (bars + open_end).properties(width=W - 80, height=h, title=charts.title(t, sub))


def capex_chart(res: chapter.Result) -> alt.Chart:
    """Capex per company per fiscal year, stacked; guidance lighter; totals labelled where complete."""
    v = res.capex_values
    if v.empty:
        return _empty("No capital-expenditure figures are loaded.")
    g = res.capex_growth
    if np.isfinite(g.rate):
        t = (f"The {len(res.params.capex_companies)} companies' capex grew {fmt(g.rate, pct=True)} a year, "
             f"{g.first_year}-{g.last_year}, to {chapter.usd_bn(g.last)}")
    else:
        t = "Capital expenditure per company"
    sub = ["Capital expenditure per company and fiscal year, USD billions, stacked; the number above each bar is",
           "the total of all companies (Microsoft's fiscal year ends in June)."
           + (" Lighter bars: company guidance, not yet reported." if res.params.include_guidance else "")]
    d = v.assign(kind=np.where(v["guidance"], "guidance (company statement)", "reported"))
    comps = sorted(d["company"].unique())
    bars = alt.Chart(d).mark_bar().encode(
        x=alt.X("fiscal_year:O", title="Fiscal year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("sum(value):Q", title="Capital expenditure (USD billions)"),
        color=alt.Color("company:N", scale=charts.org_scale(comps), title="Company",
                        legend=alt.Legend(orient="bottom", columns=4)),
        opacity=alt.Opacity("kind:N", scale=alt.Scale(domain=["reported", "guidance (company statement)"],
                                                      range=[1.0, 0.45]), title="",
                            legend=alt.Legend() if res.params.include_guidance else None),
        order=alt.Order("company:N"),
        tooltip=[alt.Tooltip("company:N", title="Company"), alt.Tooltip("fiscal_year:O", title="Fiscal year"),
                 alt.Tooltip("value:Q", title="Capex (USD bn)", format=",.1f"), alt.Tooltip("kind:N", title="Row"),
                 alt.Tooltip("definition:N", title="Definition"), alt.Tooltip("source_url:N", title="Source")])
    tot = res.capex_total[res.capex_total["complete"].astype(bool)].copy()
    tot["label"] = tot["total"].map(lambda x: _n(x, 3))
    text = alt.Chart(tot).mark_text(dy=-6, color=charts.TEXT, fontSize=11).encode(
        x="fiscal_year:O", y="total:Q", text="label:N",
        tooltip=[alt.Tooltip("total:Q", title="Total (USD bn)", format=",.1f")])
    return (bars + text).properties(width=W - 40, height=300, title=charts.title(t, sub))


def capex_table(res: chapter.Result) -> pd.DataFrame:
    """Per-company capex in the first and last year of the total's CAGR, formatted for the page."""
    cb, g = res.capex_by_company, res.capex_growth
    if cb.empty:
        return pd.DataFrame({"Company": [], "Note": []}).assign(Note=["no complete span of years"])[:0]
    rows = [{"Company": r.company, f"{g.first_year} (USD bn)": _n(r.first, 3), f"{g.last_year} (USD bn)": _n(r.last, 3),
             "Growth per year": fmt(r.cagr, pct=True), f"Share of {g.last_year} total": fmt(r.share_last, pct=True)}
            for r in cb.itertuples()]
    rows.append({"Company": "Total", f"{g.first_year} (USD bn)": _n(g.first, 3), f"{g.last_year} (USD bn)": _n(g.last, 3),
                 "Growth per year": fmt(g.rate, pct=True), f"Share of {g.last_year} total": fmt(1.0, pct=True)})
    return pd.DataFrame(rows)


def compute_chart(res: chapter.Result) -> alt.Chart:
    """Training compute of each model on a log axis, with the fitted growth line."""
    rows = res.compute_rows
    f = res.compute_fit
    if rows.empty:
        return _empty("No training-compute rows are loaded.")
    t = (f"Frontier training compute grew ×{_n(f.growth)} a year ({chapter.level_text(res.params.interval_level)} "
         f"interval ×{_n(f.low)} to ×{_n(f.high)})"
         if np.isfinite(f.growth) else "Training compute of notable models")
    sub = [f"Training compute of {'frontier ' if res.params.compute_frontier_only else ''}models, FLOP (log scale), "
           f"{res.params.compute_since_year} onward; line: least-squares fit of log10 FLOP on date."]
    d = rows.assign(organization=rows["organization"].fillna("Other").map(_org_family))
    orgs = sorted(d["organization"].unique())
    pts = alt.Chart(d).mark_circle(size=55, opacity=0.8).encode(
        x=alt.X("publication_date:T", title="Publication date"),
        y=alt.Y("training_compute_flop:Q", title="Training compute (FLOP, log scale)",
                scale=alt.Scale(type="log"), axis=alt.Axis(format="~e")),
        color=alt.Color("organization:N", scale=charts.org_scale(orgs), title="Organization",
                        legend=alt.Legend(columns=4)),
        tooltip=[alt.Tooltip("model:N", title="Model"), alt.Tooltip("organization:N", title="Organization"),
                 alt.Tooltip("publication_date:T", title="Published"),
                 alt.Tooltip("training_compute_flop:Q", title="FLOP", format=".2~e"),
                 alt.Tooltip("estimate:N", title="Estimate"), alt.Tooltip("source_url:N", title="Source")])
    layers = [pts]
    if np.isfinite(f.growth):
        x = frontier.decimal_year(d["publication_date"])
        yrs = np.linspace(x.min(), x.max(), 30)
        line = pd.DataFrame({"date": pd.to_datetime((yrs - 1970) * units.DAYS_PER_YEAR, unit="D", origin="unix"),
                             "flop": 10 ** (f.intercept + f.slope * yrs)})
        layers.append(alt.Chart(line).mark_line(color=charts.TEXT, strokeDash=[5, 3]).encode(
            x="date:T", y="flop:Q"))
    return alt.layer(*layers).properties(width=W, height=320, title=charts.title(t, sub))


def indexed_chart(res: chapter.Result) -> alt.VConcatChart | alt.Chart:
    """Spending and compute (indexed, log) above the model gap (points), on one time axis."""
    idx = res.indexed
    if idx.empty:
        return _empty("Spending series are not loaded.")
    base = int(idx["base_year"].iloc[0])
    idx = idx[idx["year"] >= base - 1]
    gy = chapter.gap_by_year(res.main.gap)
    name, unit = chapter.BENCHMARKS[res.main.benchmark]
    last = idx[idx["year"] == idx["year"].max()]
    cap = last[last["series"] == "Capex total"]["index"]
    cap_txt = _n(cap.iloc[0] / 100) + "x" if len(cap) else "n/a"
    # the last year is partial when the data end before 31 December: labelled so, not as a year-end value
    data_end = pd.Timestamp(res.main.gap["date"].iloc[-1]) if len(res.main.gap) else None
    partial = (data_end is not None and len(gy) and int(gy.index[-1]) == data_end.year
               and (data_end.month, data_end.day) != (12, 31))
    upto = f"{int(gy.index[-1])} to {data_end.strftime('%-d %b')}" if partial else ""
    gap_txt = (f"{name} gap {_n(gy.iloc[0])} (end {int(gy.index[0])}) → {_n(gy.iloc[-1])} points"
               f" ({upto if partial else 'end ' + str(int(gy.index[-1]))})" if len(gy) else "no model gap yet")
    t = f"Since {base}: capex ×{cap_txt.rstrip('x')}, {gap_txt}"
    years = sorted(set(idx["year"]) | set(gy.index))
    xs = alt.X("year:O", title="Year (NVIDIA fiscal year N shown at calendar year N-1)", scale=alt.Scale(domain=years),
               axis=alt.Axis(labelAngle=0))
    series = list(dict.fromkeys(idx["series"]))
    top = alt.Chart(idx).mark_line(point=True).encode(
        x=xs, y=alt.Y("index:Q", scale=alt.Scale(type="log"), title=f"Index, {base} = 100 (log scale)"),
        color=alt.Color("series:N", scale=charts.category_scale(series), title=""),
        strokeDash=alt.StrokeDash("series:N", legend=None),
        tooltip=[alt.Tooltip("series:N", title="Series"), alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("value:Q", title="Value (USD bn, or FLOP)", format=",.3~s"),
                 alt.Tooltip("index:Q", title=f"Index ({base} = 100)", format=",.0f")]
    ).properties(width=W - 40, height=220,
                 title=charts.title(t, [f"Top: capex total, NVIDIA Data Center revenue (USD) and the largest training "
                                        f"run to date (FLOP), indexed to {base} = 100, log scale.",
                                        f"Bottom: gap between best closed and best open model at year end, {unit}"
                                        + (f"; {upto}: latest value, year not complete (lighter bar)." if partial
                                           else ".")]))
    gd = pd.DataFrame({"year": gy.index.astype(int), "gap": gy.to_numpy()})
    gd["period"] = "year end"
    if partial:
        gd.loc[gd.index[-1], "period"] = f"to {data_end.date().isoformat()} (partial year)"
    bars = alt.Chart(gd).mark_bar(color=charts.OKABE_ITO[3], size=18).encode(
        x=xs, y=alt.Y("gap:Q", title=f"Model gap ({unit})"),
        opacity=alt.condition(alt.datum.period == "year end", alt.value(1.0), alt.value(0.45)),
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("period:N", title="Value at"),
                 alt.Tooltip("gap:Q", title=f"Gap ({unit})", format=".1f")])
    layers = [bars]
    if partial:
        lab = gd.iloc[[-1]].assign(label=f"to {data_end.strftime('%-d %b')}")
        layers.append(alt.Chart(lab).mark_text(dy=-6, baseline="bottom", fontSize=10, color=charts.MUTED).encode(
            x=xs, y="gap:Q", text="label:N"))
    bottom = alt.layer(*layers).properties(width=W - 40, height=110)
    return alt.vconcat(top, bottom, spacing=8)


#: The tables behind the indexed chart (its caption names each).
INDEXED_TABLES = ("capex", "nvidia_financials", "benchmark_scores")


def source(res: chapter.Result, key: str, models: bool = False) -> dict[str, str | None]:
    """The caption of a chart: its sources (the producers its table's meta file names) and the newest
    statement date of the table it draws on."""
    from ..data import source_caption

    text = ("; ".join(source_caption(t) for t in INDEXED_TABLES) if key == "indexed" else source_caption(key))
    text += ". Release dates and licences: data/models.csv" if models else ""
    table = "capex" if key == "indexed" else key
    return {"source": text, "as_of": res.table_dates.get(table)}


def problems_note(res: chapter.Result) -> str:
    """Markdown naming the tables that did not load (empty when all did)."""
    if not res.problems:
        return ""
    return ("**Data not available for this build.** The parts of this page that need these tables show "
            "\"n/a\" or an empty chart:\n\n" + "\n".join(f"- `{k}`: {v}" for k, v in res.problems.items()))


def compute_gap_chart(res: chapter.Result) -> alt.Chart:
    """The largest training run to date among open-weights and among closed models (log FLOP), as
    steps, with every run as a point."""
    runs, rec, g = res.runs, res.run_records, res.compute_gap
    if runs.empty or rec.empty or g is None or not np.isfinite(g.ratio):
        return _empty("Training runs of both open-weights and closed models are needed.")
    t = (f"The largest closed run is {chapter.fmt_x(g.ratio)} the largest open one; closed models reached "
         f"that size {_n(g.lag_months, unit='months')} earlier")
    sub = [f"Training compute (FLOP, log scale) of each run with known weights access; lines: largest run to date, "
           f"closed (solid) and open weights (dashed), to {chapter.iso_date(g.at)}.",
           f"{chapter.level_text(res.params.interval_level)} bootstrap interval over which runs the table holds: ratio {chapter.fmt_x(g.ratio_low)} to "
           f"{chapter.fmt_x(g.ratio_high)}, lag {_n(g.lag_low)} to {_n(g.lag_high, unit='months')}."]
    end = pd.Timestamp(g.at)
    steps = pd.concat([rec, rec.sort_values("publication_date").groupby("group").tail(1).assign(publication_date=end)],
                      ignore_index=True)
    d = runs.assign(organization=runs["organization"].fillna("Other"))
    x = alt.X("publication_date:T", title="Publication date", axis=alt.Axis(format="%Y", labelAngle=0))
    y = alt.Y("training_compute_flop:Q", title="Training compute (FLOP, log scale)", scale=alt.Scale(type="log"),
              axis=alt.Axis(format="~e"))
    tip = [alt.Tooltip("model:N", title="Model"), alt.Tooltip("organization:N", title="Organization"),
           alt.Tooltip("group:N", title="Weights"), alt.Tooltip("publication_date:T", title="Published"),
           alt.Tooltip("training_compute_flop:Q", title="FLOP", format=".2~e")]
    pts = alt.Chart(d).mark_point(size=40, opacity=0.6, filled=True).encode(
        x=x, y=y, shape=alt.Shape("group:N", scale=_GROUP_SHAPES, title="Weights"),
        color=alt.Color("group:N", scale=alt.Scale(domain=["closed", "open"],
                                                   range=[charts.OKABE_ITO[0], charts.OKABE_ITO[3]]), title="Weights"),
        tooltip=tip)
    lines = alt.Chart(steps).mark_line(interpolate="step-after", strokeWidth=2).encode(
        x="publication_date:T", y="training_compute_flop:Q",
        color=alt.Color("group:N", scale=alt.Scale(domain=["closed", "open"],
                                                   range=[charts.OKABE_ITO[0], charts.OKABE_ITO[3]]), legend=None),
        strokeDash=alt.StrokeDash("group:N", scale=_GROUP_DASH, legend=None), detail="group:N",
        tooltip=[alt.Tooltip("group:N", title="Largest run to date"), alt.Tooltip("model:N", title="Set by"),
                 alt.Tooltip("training_compute_flop:Q", title="FLOP", format=".2~e")])
    return (lines + pts).properties(width=W, height=320, title=charts.title(t, sub))


def lag_average_chart(res: chapter.Result) -> alt.Chart:
    """The backward-looking lag week by week (a sawtooth), its average over the window, and Epoch
    AI's published averages over their own windows."""
    la = res.lag_averages
    if la is None or la.series.empty:
        return _empty("No lag can be computed on this benchmark.")
    name, _ = chapter.BENCHMARKS[res.main.benchmark]
    t = (f"{name}: averaged over time, open models are {_n(la.average, unit='months')} behind; "
         f"on the data's last day, {_n(res.main.current_lag, unit='months')}")
    sub = ["Backward-looking lag each week: months since the closed frontier first reached the best open model's",
           f"level (within {_n(res.params.catch_up_tolerance)} points). Dashed: its average since "
           f"{chapter.iso_date(la.start)}. Grey bars: Epoch AI's published averages over their windows (ECI)."]
    x = alt.X("date:T", title="Date", axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=6))
    y = alt.Y("lag_months:Q", title="Lag (months)")
    line = alt.Chart(la.series).mark_line(interpolate="step-after", color=charts.OKABE_ITO[0]).encode(
        x=x, y=y, tooltip=[alt.Tooltip("date:T", title="Week"), alt.Tooltip("lag_months:Q", title="Lag (months)",
                                                                             format=".1f")])
    avg = pd.DataFrame({"date": [la.start], "date2": [la.end], "lag_months": [la.average],
                        "label": [f"average {_n(la.average, unit='months')}"]})
    rule = alt.Chart(avg).mark_rule(strokeDash=[5, 3], color=charts.TEXT).encode(x="date:T", x2="date2:T", y="lag_months:Q")
    text = alt.Chart(avg).mark_text(align="left", dx=4, dy=-6, fontSize=11, color=charts.TEXT).encode(
        x="date:T", y="lag_months:Q", text="label:N")
    refs = []
    for key in ("epoch_2025_lag_avg_months", "epoch_2026_lag_months"):
        r = res.refs.get(key)
        if r and r["window_start"] is not None and pd.notna(r["window_start"]):
            refs.append({"date": r["window_start"], "date2": r["window_end"], "lag_months": r["value"],
                         "low": r["low"] if np.isfinite(r["low"]) else r["value"],
                         "high": r["high"] if np.isfinite(r["high"]) else r["value"],
                         "label": f"Epoch AI {pd.Timestamp(r['as_of']).strftime('%b %Y')}: {_n(r['value'], unit='months')}"})
    layers = [line, rule, text]
    if refs:
        rf = pd.DataFrame(refs)
        layers.insert(0, alt.Chart(rf).mark_rect(opacity=0.18, color=charts.MUTED).encode(
            x="date:T", x2="date2:T", y="low:Q", y2="high:Q"))
        layers.insert(1, alt.Chart(rf).mark_rule(color=charts.MUTED, strokeWidth=2).encode(
            x="date:T", x2="date2:T", y="lag_months:Q", tooltip=[alt.Tooltip("label:N", title="Published")]))
        layers.append(alt.Chart(rf).mark_text(align="left", dy=12, fontSize=10, color=charts.MUTED).encode(
            x="date:T", y="lag_months:Q", text="label:N"))
    return alt.layer(*layers).properties(width=W, height=280, title=charts.title(t, sub))


def compute_owned_chart(res: chapter.Result) -> alt.Chart:
    """Compute each company owns by quarter (Epoch AI's estimates): medians as lines, 5th-95th
    percentiles as bands; NVIDIA GPUs since 2022 per company, and Google's TPUs since 2023 dashed."""
    d = res.owned
    if d is None or d.empty:
        return _empty("No compute-owned estimates are loaded.")
    since = d.groupby("chips")["cumulative_since"].min().dt.year.astype(str).to_dict()
    nv, tp = since.get("NVIDIA", "n/a"), since.get("Google TPU", "n/a")
    d = d.assign(series=np.where(d["chips"] == "NVIDIA", d["owner"] + f" (NVIDIA GPUs since {nv})",
                                 d["owner"] + f" (TPUs since {tp})"),
                 millions=d["h100e"] / 1e6, low=d["h100e_p5"] / 1e6, high=d["h100e_p95"] / 1e6,
                 status=np.where(d["complete"].astype(bool), "complete quarter", "incomplete quarter (Epoch)"))
    series = sorted(d["series"].unique())
    og = res.owned_gap
    t = (f"Compute owned: {og['leader'].iloc[-1]} holds {chapter.fmt_x(og['ratio'].iloc[-1])} "
         f"{res.params.open_weights_spender}'s NVIDIA compute" if len(og) else "Compute owned by quarter")
    sub = ["Cumulative compute bought, millions of H100-equivalents, Epoch AI's estimates: line = median,",
           f"band = 5th to 95th percentile. NVIDIA GPUs count from {nv}, TPUs from {tp}: the two are not added."]
    color = alt.Color("series:N", title="", scale=alt.Scale(domain=series, range=[
        charts.org_color(s.split(" (")[0]) for s in series]), legend=alt.Legend(orient="bottom", columns=2))
    base = alt.Chart(d).encode(x=alt.X("quarter_end:T", title="End of quarter"), color=color)
    band = base.mark_area(opacity=0.15).encode(y=alt.Y("low:Q", title="Compute owned (million H100e)"), y2="high:Q")
    line = base.mark_line(point=True).encode(
        y="millions:Q",
        strokeDash=alt.StrokeDash("chips:N", title="", legend=None,
                                  scale=alt.Scale(domain=["NVIDIA", "Google TPU"], range=[[1, 0], [5, 3]])),
        tooltip=[alt.Tooltip("series:N", title="Owner"), alt.Tooltip("quarter_end:T", title="Quarter end"),
                 alt.Tooltip("millions:Q", title="Median (million H100e)", format=",.2f"),
                 alt.Tooltip("low:Q", title="5th percentile", format=",.2f"),
                 alt.Tooltip("high:Q", title="95th percentile", format=",.2f"), alt.Tooltip("status:N", title="")])
    return (band + line).properties(title=charts.title(t, sub))


def compute_owned_table(res: chapter.Result) -> pd.DataFrame:
    """The largest NVIDIA owner over the open-weights spender, quarter by quarter."""
    g = res.owned_gap
    if g.empty:
        return pd.DataFrame({"Quarter end": []})
    return pd.DataFrame({
        "Quarter end": g["quarter_end"].dt.date.astype(str), "Largest owner": g["leader"],
        "Its compute (million H100e)": (g["leader_h100e"] / 1e6).map(lambda v: _n(v, 3)),
        f"{res.params.open_weights_spender} (million H100e)": (g["apart_h100e"] / 1e6).map(lambda v: _n(v, 3)),
        "Ratio (median)": g["ratio"].map(chapter.fmt_x),
        "Ratio, 5th-95th bounds": [f"{chapter.fmt_x(a)} to {chapter.fmt_x(b)}" for a, b in zip(g["ratio_low"], g["ratio_high"])],
    })
