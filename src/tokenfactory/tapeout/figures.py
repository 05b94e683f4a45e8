"""Charts of the tape-out chapter. Each function takes computed frames and returns an Altair chart
whose title is built from the numbers it shows (never typed)."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from .. import charts
from ..nb import fmt
from .analysis import PHASE_LABELS

WIDTH = 600
MILESTONE_LABELS = {"design_start": "design start", "tapeout": "tape-out", "announced": "announced",
                    "first_deployment": "first deployment", "general_availability": "general availability",
                    "availability_acc": "available (accelerators table)"}
MILESTONE_SHAPES = {"design start": "circle", "tape-out": "diamond", "announced": "triangle-up",
                    "first deployment": "square", "general availability": "square",
                    "available (accelerators table)": "cross"}


def milestone_long(programs: pd.DataFrame, wide: pd.DataFrame) -> pd.DataFrame:
    """Every milestone as an interval row for the timeline, plus availability dates taken from the
    accelerators table where the program has none of its own."""
    from .intervals import period_end

    p = programs.copy().reset_index(drop=True)
    p["lo"] = pd.to_datetime(p["date"])
    p["hi"] = period_end(p["date"], p["date_precision"])
    p = p[["program", "vendor", "kind", "milestone", "lo", "hi", "date_precision", "self_reported", "source_url"]]
    acc = wide[wide["availability_source"] == "accelerators"]
    extra = pd.DataFrame({"program": acc["program"], "vendor": acc["vendor"], "kind": acc["kind"],
                          "milestone": "availability_acc", "lo": acc["availability_lo"],
                          "hi": acc["availability_hi"], "date_precision": "(accelerators table)",
                          "self_reported": False, "source_url": "data/accelerators.csv"})
    out = pd.concat([p, extra], ignore_index=True)
    out["label"] = out["milestone"].map(MILESTONE_LABELS)
    out["mid"] = out["lo"] + (out["hi"] - out["lo"]) / 2
    out["self_reported"] = out["self_reported"].fillna(False).astype(bool)
    out["claimed_by"] = np.where(out["self_reported"], "company only (self-reported)", "independent or public")
    out["lo_txt"] = out["lo"].dt.strftime("%Y-%m-%d")
    out["hi_txt"] = out["hi"].dt.strftime("%Y-%m-%d")
    return out


def timeline(long: pd.DataFrame, n_programs: int, n_design: int, n_tapeout: int) -> alt.Chart:
    """Gantt-style: one row per program, a span per imprecise date, a marker at its midpoint."""
    first = long.groupby("program")["lo"].min()
    order = (long.assign(first=long["program"].map(first))
             .sort_values(["vendor", "first"])["program"].drop_duplicates().tolist())
    ext = long.groupby(["program", "vendor"], as_index=False).agg(start=("lo", "min"), end=("hi", "max"))
    y = alt.Y("program:N", sort=order, title=None, axis=alt.Axis(labelLimit=180))
    color = alt.Color("vendor:N", scale=charts.org_scale(long["vendor"]), title="Vendor")
    tooltip = [alt.Tooltip("program:N"), alt.Tooltip("label:N", title="milestone"),
               alt.Tooltip("lo_txt:N", title="from"), alt.Tooltip("hi_txt:N", title="to"),
               alt.Tooltip("date_precision:N", title="precision"), alt.Tooltip("claimed_by:N", title="dated by"),
               alt.Tooltip("source_url:N", title="source")]
    base = alt.Chart(long)
    life = alt.Chart(ext).mark_rule(strokeWidth=1, opacity=0.35).encode(
        y=y, x=alt.X("start:T", title="Date"), x2="end:T", color=color)
    span = base.mark_rule(strokeWidth=7, opacity=0.45).encode(y=y, x="lo:T", x2="hi:T", color=color,
                                                               tooltip=tooltip)
    mark = base.mark_point(filled=True, size=70, opacity=0.95).encode(
        y=y, x="mid:T", color=color,
        shape=alt.Shape("label:N", title="Milestone",
                        scale=alt.Scale(domain=list(MILESTONE_SHAPES), range=list(MILESTONE_SHAPES.values()))),
        stroke=alt.condition("datum.self_reported", alt.value("#000000"), alt.value(None)),
        tooltip=tooltip)
    title = charts.title(
        f"Of {n_programs} AI-chip programs, {n_design} date their design start and {n_tapeout} their tape-out",
        ["Public milestones per program; a bar is the span a date is known to (month, quarter, year);",
         "black outline: dated only by the company itself"])
    return (life + span + mark).properties(width=WIDTH, height=max(300, 15 * len(order)), title=title)


def ecdf_chart(bands: pd.DataFrame, claim: float, claim_label: str, medians: dict[str, float]) -> alt.Chart:
    """ECDF per milestone pair with the band allowed by date precision, and the claim as a rule."""
    pairs = list(dict.fromkeys(bands["pair"]))
    bands = bands.assign(label=bands["pair"] + " (n=" + bands["n"].astype(str) + ")")
    labels = list(dict.fromkeys(bands["label"]))
    color = alt.Color("label:N", scale=charts.category_scale(labels), title="Milestone pair",
                      legend=alt.Legend(columns=2, labelLimit=320))
    x = alt.X("x:Q", title="Duration (months)")
    area = alt.Chart(bands).mark_area(opacity=0.18, interpolate="step-after").encode(
        x=x, y=alt.Y("f_low:Q", title="Share of programs done within x months", axis=alt.Axis(format="%"),
                     scale=alt.Scale(domain=[0, 1])),
        y2="f_high:Q", color=color)
    line = alt.Chart(bands).mark_line(interpolate="step-after", strokeWidth=2).encode(
        x=x, y="f_mid:Q", color=color,
        tooltip=[alt.Tooltip("label:N", title="pair"), alt.Tooltip("x:Q", title="months", format=".1f"),
                 alt.Tooltip("f_mid:Q", title="share (midpoints)", format=".0%"),
                 alt.Tooltip("f_low:Q", title="share, slowest reading", format=".0%"),
                 alt.Tooltip("f_high:Q", title="share, fastest reading", format=".0%")])
    rule = alt.Chart(pd.DataFrame({"x": [claim], "t": [claim_label]})).mark_rule(
        color=charts.TEXT, strokeDash=[4, 3]).encode(x="x:Q", tooltip=[alt.Tooltip("t:N", title="claim")])
    text = alt.Chart(pd.DataFrame({"x": [claim], "y": [0.97], "t": [claim_label]})).mark_text(
        align="right", dx=-4, fontSize=11, color=charts.TEXT).encode(x="x:Q", y="y:Q", text="t:N")
    parts = [f"{k}: {fmt(v, unit='months')}" for k, v in medians.items() if v == v]
    head = "Median " + "; ".join(parts) if parts else "Too few dated programs for medians"
    title = charts.title(head, ["Empirical CDF of durations between milestones, months; band: range allowed by "
                                "date precision, line: midpoints"])
    return (area + line + rule + text).properties(width=WIDTH, height=320, title=title)


def claim_chart(refs: pd.DataFrame, progs: pd.DataFrame, claim: float, percentile: dict, pair_label: str) -> alt.Chart:
    """Published cycle statements and dated programs as ranges, with the claimed duration."""
    top = max(48.0, float(np.nanmax(np.where(np.isfinite(refs["hi"]), refs["hi"], refs["lo"]))) + 6 if len(refs) else 48)
    r = refs.assign(
        label=refs["organization"].fillna("") + ": " + refs["phase"].map(PHASE_LABELS).str.replace(
            " (spec → silicon/production)", "", regex=False),
        hi_plot=np.where(np.isfinite(refs["hi"]), refs["hi"], top),
        open=np.where(np.isfinite(refs["hi"]), "stated range", "lower bound only (open-ended)"),
        hi_txt=np.where(np.isfinite(refs["hi"]), refs["hi"].astype(str), "no upper bound"),
        what="published statement")
    p = progs.assign(label=progs["program"] + ": " + pair_label, hi_plot=progs["hi"], open="dated program",
                     hi_txt=progs["hi"].round(1).astype(str), what="program dates",
                     statement=np.where(progs["self_reported"], "dates self-reported", "dates public"),
                     source_url="data/chip_programs.csv")
    data = pd.concat([r, p], ignore_index=True)
    data["lo_r"] = data["lo"].round(1)
    order = data.sort_values("lo")["label"].tolist()
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    tip = [alt.Tooltip("label:N", title="what"), alt.Tooltip("lo_r:Q", title="from (months)"),
           alt.Tooltip("hi_txt:N", title="to (months)"), alt.Tooltip("statement:N"), alt.Tooltip("source_url:N", title="source")]
    color = alt.Color("open:N", title=None, scale=charts.category_scale(
        ["stated range", "lower bound only (open-ended)", "dated program"]))
    bars = alt.Chart(data).mark_rule(strokeWidth=8, opacity=0.6).encode(
        y=y, x=alt.X("lo:Q", title="Months", scale=alt.Scale(domain=[0, top])), x2="hi_plot:Q", color=color, tooltip=tip)
    ticks = alt.Chart(data).mark_tick(thickness=2, size=14, color=charts.TEXT).encode(y=y, x="lo:Q", tooltip=tip)
    rule = alt.Chart(pd.DataFrame({"x": [claim]})).mark_rule(color="#D55E00", strokeWidth=2).encode(x="x:Q")
    text = alt.Chart(pd.DataFrame({"x": [claim], "t": [f"claim: {fmt(claim)} months (self-reported)"]})).mark_text(
        align="left", dx=4, dy=-6, color="#D55E00", fontSize=11).encode(x="x:Q", y=alt.value(0), text="t:N")
    pct = percentile["percentile"]
    n = percentile["n"]
    if n:
        head = (f"The claimed {fmt(claim)} months sits at the {fmt(pct)}th percentile of {n} comparison durations"
                if pct > 0 else f"The claimed {fmt(claim)} months is shorter than all {n} comparison durations")
    else:
        head = "No comparison durations"
    title = charts.title(head, ["Published cycle lengths (ranges; open-ended: a lower bound) and dated programs, months;",
                                "the phases differ: a full cycle includes fabrication and bring-up"])
    return (bars + ticks + rule + text).properties(width=WIDTH, height=max(200, 28 * len(data)), title=title)


def cadence_chart(gaps: pd.DataFrame, statements: pd.DataFrame, median_gap: float, trend: dict) -> alt.Chart:
    """Months between successive generations, per vendor, dated by the later generation."""
    g = gaps.assign(lo_r=gaps["lo"].round(1), hi_r=gaps["hi"].round(1), mid_r=gaps["mid"].round(1),
                    step=gaps["from_program"] + " → " + gaps["to_program"],
                    date_txt=gaps["date"].dt.strftime("%Y-%m"))
    color = alt.Color("vendor:N", scale=charts.org_scale(g["vendor"]), title="Vendor")
    tip = [alt.Tooltip("step:N", title="generations"), alt.Tooltip("date_txt:N", title="later one available"),
           alt.Tooltip("mid_r:Q", title="gap, months (midpoint)"), alt.Tooltip("lo_r:Q", title="at least"),
           alt.Tooltip("hi_r:Q", title="at most"), alt.Tooltip("span:Q", title="generations spanned")]
    x = alt.X("date:T", title="Availability of the later generation", scale=alt.Scale(padding=12))
    bars = alt.Chart(g).mark_rule(strokeWidth=2, opacity=0.6).encode(x=x, y="lo:Q", y2="hi:Q", color=color, tooltip=tip)
    pts = alt.Chart(g).mark_point(filled=True, size=80).encode(
        x=x, y=alt.Y("mid:Q", title="Months since the previous generation"), color=color,
        shape=alt.Shape("family:N", title="Family"), tooltip=tip)
    cad = statements[statements["phase"] == "generation_cadence"].dropna(subset=["min_months"])
    cad = cad[cad["min_months"] == cad["max_months"]]
    cad = (cad.groupby("min_months", as_index=False)
              .agg(organization=("organization", ", ".join), statement=("statement", " | ".join),
                   source_url=("source_url", " ; ".join)))
    cad["t"] = cad["organization"] + " target: " + cad["min_months"].map(lambda v: fmt(v)) + " months"
    rules = alt.Chart(cad).mark_rule(strokeDash=[3, 3], color=charts.MUTED).encode(
        y="min_months:Q", tooltip=[alt.Tooltip("statement:N"), alt.Tooltip("source_url:N", title="source")])
    labels = alt.Chart(cad).mark_text(align="left", x=4, dy=-6, fontSize=10, color=charts.MUTED).encode(
        y="min_months:Q", text="t:N")
    slope = trend["slope"]
    trend_txt = ("too few gaps for a trend" if slope != slope else
                 f"within-family trend {slope:+.1f} ± {trend['se']:.1f} months per year (n={trend['n']})")
    title = charts.title(f"Generations arrive a median {fmt(median_gap)} months apart; {trend_txt}",
                         ["Months between successive generations' availability within a family; bar: range "
                          "from date precision; dashed: vendors' stated cadence targets"])
    return (bars + pts + rules + labels).properties(width=WIDTH, height=340, title=title)


def projection_chart(proj: pd.DataFrame, summary: pd.DataFrame, gain: float, horizon: float,
                     floor: float) -> alt.Chart:
    """Cumulative performance per watt for each cycle time (log scale); dashed below the floor."""
    d = proj.assign(cycle=proj["cycle_months"].map(lambda v: f"{fmt(v)}-month cycle"),
                    status=np.where(proj["feasible"], "at or above the floor", "below the physical floor"))
    order = [f"{fmt(v)}-month cycle" for v in summary["cycle_months"]]
    color = alt.Color("cycle:N", sort=order, title="Cycle", scale=charts.category_scale(order))
    line = alt.Chart(d).mark_line(interpolate="step-after", strokeWidth=2).encode(
        x=alt.X("years:Q", title="Years from now"),
        y=alt.Y("efficiency:Q", scale=alt.Scale(type="log"), title="Performance per watt, × today (log scale)"),
        color=color,
        strokeDash=alt.StrokeDash("status:N", title=None, scale=alt.Scale(
            domain=["at or above the floor", "below the physical floor"], range=[[1, 0], [5, 4]])),
        tooltip=[alt.Tooltip("cycle:N"), alt.Tooltip("years:Q", format=".2f"),
                 alt.Tooltip("generations:Q"), alt.Tooltip("efficiency:Q", title="× today", format=",.1f"),
                 alt.Tooltip("status:N")])
    end = summary.assign(cycle=summary["cycle_months"].map(lambda v: f"{fmt(v)}-month cycle"), years=horizon,
                         t=summary["cycle_months"].map(lambda v: fmt(v) + " mo: ×")
                         + summary["cumulative_gain"].map(lambda v: fmt(v)))
    labels = alt.Chart(end).mark_text(align="left", dx=4, fontSize=10).encode(
        x="years:Q", y="cumulative_gain:Q", text="t:N", color=alt.Color("cycle:N", sort=order, title="Cycle",
                                                                           scale=charts.category_scale(order)))
    fast = summary.sort_values("cycle_months").iloc[0]
    feas = summary[summary["feasible"]].sort_values("cycle_months")
    best = feas.iloc[0] if len(feas) else None
    head = (f"A {fmt(fast['cycle_months'])}-month cycle would compound to ×{fmt(fast['cumulative_gain'])} in "
            f"{fmt(horizon)} years; the floor is {fmt(floor)} months")
    if best is not None:
        head += f" (×{fmt(best['cumulative_gain'])} at best)"
    title = charts.title(head, [f"Cumulative performance per watt if every generation brings ×{fmt(gain)} whatever "
                                "the cycle (an upper bound); dashed: cycles below the floor"])
    return (line + labels).properties(width=WIDTH - 40, height=340, title=title)


def floors_chart(floors: dict[str, float], cycles: list[float], sources: dict[str, str]) -> alt.Chart:
    """The floor of a cycle as stacked stages, with the cycle scenarios as ticks."""
    names = list(floors)
    d = pd.DataFrame({"stage": names, "months": [floors[k] for k in names], "source": [sources[k] for k in names]})
    d["start"] = d["months"].cumsum() - d["months"]
    d["end"] = d["months"].cumsum()
    d["row"] = "silicon-in-the-loop floor"
    total = float(d["months"].sum())
    bar = alt.Chart(d).mark_bar(height=28).encode(
        x=alt.X("start:Q", title="Months", scale=alt.Scale(domain=[0, max(max(cycles), total) + 1])), x2="end:Q",
        y=alt.Y("row:N", title=None),
        color=alt.Color("stage:N", sort=names, scale=charts.category_scale(names), title="Stage"),
        tooltip=[alt.Tooltip("stage:N"), alt.Tooltip("months:Q", format=".1f"), alt.Tooltip("source:N")])
    sc = pd.DataFrame({"cycle": cycles, "row": "cycle scenarios",
                       "status": ["plausible" if c >= total else "below the floor" for c in cycles]})
    sc["t"] = sc["cycle"].map(lambda v: fmt(v))
    ticks = alt.Chart(sc).mark_point(size=120, filled=True).encode(
        x="cycle:Q", y=alt.Y("row:N", title=None),
        shape=alt.Shape("status:N", title=None, scale=alt.Scale(domain=["plausible", "below the floor"],
                                                               range=["circle", "cross"])),
        color=alt.value(charts.TEXT), tooltip=[alt.Tooltip("cycle:Q", title="cycle (months)"), "status:N"])
    txt = alt.Chart(sc).mark_text(dy=-14, fontSize=10, color=charts.TEXT).encode(x="cycle:Q", y="row:N", text="t:N")
    below = sum(c < total for c in cycles)
    title = charts.title(f"Fabrication, packaging and bring-up alone take {fmt(total)} months: "
                         f"{below} of {len(cycles)} cycle scenarios fall below",
                         ["Sequential stages between a tape-out and a deployable chip, months (parameters); "
                          "cycle scenarios as points"])
    return (bar + ticks + txt).properties(width=WIDTH, height=120, title=title)
