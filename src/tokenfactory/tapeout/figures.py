"""Charts of the tape-out chapter. Each function takes computed frames and returns an Altair chart
whose title is built from the numbers it shows (never typed)."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from .. import charts
from ..formatting import fmt
from .model import PHASE_LABELS
from ..units import DAYS_PER_YEAR

WIDTH = 600
MILESTONE_LABELS = {"design_start": "design start", "tapeout": "tape-out", "announced": "announced",
                    "first_deployment": "first deployment", "general_availability": "general availability",
                    "availability_acc": "available (accelerators table)",
                    "partnership_start": "partnership start (not a design start)", "target": "target (censored)"}
MILESTONE_SHAPES = {"design start": "circle", "tape-out": "diamond", "announced": "triangle-up",
                    "first deployment": "square", "general availability": "triangle-right",
                    "available (accelerators table)": "cross", "partnership start (not a design start)": "triangle-down",
                    "target (censored)": "stroke"}


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
    if "date_kind" in programs:
        # an announced target is drawn as such, whatever milestone it promises: it has not happened
        is_target = pd.Series(list(programs["date_kind"].eq("target")) + [False] * len(extra), index=out.index)
        out.loc[is_target, "label"] = MILESTONE_LABELS["target"]
    out["mid"] = out["lo"] + (out["hi"] - out["lo"]) / 2
    out["self_reported"] = out["self_reported"].fillna(False).astype(bool)
    out["claimed_by"] = np.where(out["self_reported"], "company only (self-reported)", "independent or public")
    out["lo_txt"] = out["lo"].dt.strftime("%Y-%m-%d")
    out["hi_txt"] = out["hi"].dt.strftime("%Y-%m-%d")
    return out


def timeline(long: pd.DataFrame, n_programs: int, n_design: int, n_tapeout: int) -> alt.Chart:
    """Gantt-style: one row per program, a span per imprecise date, a marker at its midpoint.

    The program names already carry the vendor, so the vendor colour needs no legend; only the
    milestone shapes get one. Rows are 17 px apart so that 40 programs stay readable at the page's
    width, and the programs with a dated design start or tape-out (the ones the chapter can use)
    are marked in the row label."""
    first = long.groupby("program")["lo"].min()
    order = (long.assign(first=long["program"].map(first))
             .sort_values(["vendor", "first"])["program"].drop_duplicates().tolist())
    early = set(long.loc[long["milestone"].isin(["design_start", "tapeout"]), "program"])
    ext = long.groupby(["program", "vendor"], as_index=False).agg(start=("lo", "min"), end=("hi", "max"))
    y = alt.Y("program:N", sort=order, title=None,
              axis=alt.Axis(labelLimit=170, labelFontSize=11, labelPadding=4,
                            labelFontWeight=alt.ExprRef(
                                "indexof(" + str(sorted(early)).replace("'", '"') + ", datum.value) >= 0 "
                                "? 'bold' : 'normal'")))
    color = alt.Color("vendor:N", scale=charts.org_scale(long["vendor"]), legend=None)
    tooltip = [alt.Tooltip("program:N"), alt.Tooltip("vendor:N"), alt.Tooltip("label:N", title="milestone"),
               alt.Tooltip("lo_txt:N", title="from"), alt.Tooltip("hi_txt:N", title="to"),
               alt.Tooltip("date_precision:N", title="precision"), alt.Tooltip("claimed_by:N", title="dated by"),
               alt.Tooltip("source_url:N", title="source")]
    xaxis = alt.Axis(format="%Y", tickCount="year")
    x = alt.X("lo:T", title="Date of the milestone", axis=xaxis, scale=alt.Scale(padding=10))
    base = alt.Chart(long)
    life = alt.Chart(ext).mark_rule(strokeWidth=1, opacity=0.4).encode(
        y=y, x=alt.X("start:T", title="Date of the milestone", axis=xaxis, scale=alt.Scale(padding=10)),
        x2="end:T", color=color)
    span = base.mark_rule(strokeWidth=7, opacity=0.45).encode(y=y, x=x, x2="hi:T", color=color, tooltip=tooltip)
    mark = base.mark_point(filled=True, size=60, opacity=0.95).encode(
        y=y, x="mid:T", color=color,
        shape=alt.Shape("label:N", title="Milestone",
                        scale=alt.Scale(domain=list(MILESTONE_SHAPES), range=list(MILESTONE_SHAPES.values())),
                        legend=alt.Legend(columns=3, labelLimit=220, symbolFillColor=charts.MUTED,
                                          symbolStrokeColor=charts.MUTED)),
        stroke=alt.condition("datum.self_reported", alt.value("#000000"), alt.value(None)),
        strokeWidth=alt.condition("datum.self_reported", alt.value(1.5), alt.value(0)),
        tooltip=tooltip)
    title = charts.title(
        f"Of {n_programs} AI-chip programs, {n_design} date their design start, {n_tapeout} their tape-out",
        ["Public milestones per program, coloured by vendor; a bar is the span a date is known to",
         "(month, quarter, year); black outline: dated only by the company itself (self-reported);",
         "bold name: the program has a dated design start or tape-out"])
    return (life + span + mark).properties(width=430, height=17 * len(order), title=title)


def duration_lanes(d: pd.DataFrame, lanes: int = 4) -> pd.Series:
    """A lane (0..lanes-1) per duration within its pair, cycling in order of the midpoint, so that
    programs with similar durations sit on different lanes instead of on top of each other."""
    rank = d.groupby("pair")["mid"].rank(method="first").fillna(1).astype(int) - 1
    return rank % lanes


def durations_chart(d: pd.DataFrame, claim: float, claim_label: str, claim_pair: str | None = None,
                    claim_program: str | None = None) -> alt.Chart:
    """Every dated duration as an interval (date precision) with its midpoint, one row per
    milestone pair, the median as a tick, and the claim as a rule.

    Why not a distribution curve: three of the four pairs hold one or two programs, and a curve
    drawn through two points suggests a distribution that does not exist. Dots show the sample as
    it is, coloured by vendor. The claim's rule is drawn only across the row of `claim_pair` (the
    pair the claim is about), not across rows it says nothing about; without it, across all rows.
    In that row the median leaves out `claim_program`, as the chapter's comparison does."""
    pairs = [p for p in dict.fromkeys(d["pair"])]
    counts = d.groupby("pair").size()
    row = {p: f"{p} (n={counts[p]})" for p in pairs}
    g = d.assign(row=d["pair"].map(row), lane=duration_lanes(d).astype(str),
                 lo_r=d["lo"].round(1), hi_r=d["hi"].round(1), mid_r=d["mid"].round(1),
                 dated=np.where(d["self_reported"], "a date self-reported", "dates public"))
    rows = [row[p] for p in pairs]
    lo_x = min(0.0, math.floor(float(g["lo"].min()) / 6) * 6) if len(g) else 0.0
    hi_x = max(claim + 3, math.ceil(float(g["hi"].max()) / 6) * 6) if len(g) else 36.0
    y = alt.Y("row:N", sort=rows, title=None, axis=alt.Axis(labelLimit=240, labelFontSize=11))
    x = alt.X("lo:Q", title="Months from the first milestone to the second", scale=alt.Scale(domain=[lo_x, hi_x]))
    tip = [alt.Tooltip("program:N"), alt.Tooltip("vendor:N"), alt.Tooltip("pair:N", title="milestones"),
           alt.Tooltip("mid_r:Q", title="months (midpoint)"), alt.Tooltip("lo_r:Q", title="at least (months)"),
           alt.Tooltip("hi_r:Q", title="at most (months)"), alt.Tooltip("dated:N", title="dated by"),
           alt.Tooltip("source:N")]
    g["source"] = "data/chip_programs.csv"
    color = alt.Color("vendor:N", scale=charts.org_scale(g["vendor"]), title="Vendor",
                      legend=alt.Legend(columns=3, symbolType="circle"))
    bars = alt.Chart(g).mark_rule(strokeWidth=3, opacity=0.45).encode(
        y=y, yOffset=alt.YOffset("lane:N"), x=x, x2="hi:Q", color=color, tooltip=tip)
    dots = alt.Chart(g).mark_point(filled=True, size=55, opacity=0.95).encode(
        y=y, yOffset=alt.YOffset("lane:N"), x="mid:Q", color=color,
        shape=alt.Shape("dated:N", title="Dated by", scale=alt.Scale(
            domain=["dates public", "a date self-reported"], range=["circle", "diamond"]),
            legend=alt.Legend(columns=1)),
        tooltip=tip)
    own = (g["program"] == claim_program) & (g["pair"] == claim_pair) if claim_program else pd.Series(False, index=g.index)
    med = g[~own].groupby("row", as_index=False).agg(median=("mid", "median"), n=("mid", "size"))
    med["t"] = "median " + med["median"].map(lambda v: fmt(v))
    if own.any():
        left_out = med["row"] == row[claim_pair]
        med.loc[left_out, "t"] = med.loc[left_out, "t"] + f" without {claim_program.split()[-1]}"
    # one tick per lane, so that the median reads as a line across its row
    med_l = med.merge(pd.DataFrame({"lane": sorted(g["lane"].unique())}), how="cross")
    ticks = alt.Chart(med_l).mark_tick(thickness=2.5, size=15, color=charts.TEXT).encode(
        y=y, yOffset=alt.YOffset("lane:N"), x="median:Q",
        tooltip=[alt.Tooltip("row:N", title="pair"), alt.Tooltip("median:Q", title="median (months)", format=".1f")])
    lab = med_l[med_l["lane"] == "0"]
    # labels near the right edge are drawn to the left of their tick, so they stay inside the plot
    right = lab["median"] > lo_x + 0.6 * (hi_x - lo_x)
    mtext = alt.Chart(lab[~right]).mark_text(
        align="left", dx=4, dy=-6, fontSize=10, fontWeight=600, color=charts.TEXT).encode(
        y=y, yOffset=alt.YOffset("lane:N"), x="median:Q", text="t:N") + alt.Chart(lab[right]).mark_text(
        align="right", dx=-4, dy=-6, fontSize=10, fontWeight=600, color=charts.TEXT).encode(
        y=y, yOffset=alt.YOffset("lane:N"), x="median:Q", text="t:N")
    refs = pd.DataFrame({"x": [0.0, claim], "t": ["← deployed before announced", claim_label],
                         "align": ["right", "left"]})
    rule = alt.Chart(refs.iloc[[0]]).mark_rule(strokeDash=[4, 3], color=charts.MUTED).encode(x="x:Q")
    if claim_pair in row:
        # one tick per lane, like the medians, so that the rule spans the claim's row only
        c = pd.DataFrame({"x": claim, "row": row[claim_pair], "t": claim_label,
                          "lane": sorted(g["lane"].unique())})
        crule = alt.Chart(c).mark_tick(thickness=1.5, size=15, color="#D55E00", opacity=0.9).encode(
            y=y, yOffset=alt.YOffset("lane:N"), x="x:Q")
        # the label sits on the row's last lane, below the programs and the median's label
        rtext = alt.Chart(c[c["lane"] == c["lane"].max()]).mark_text(
            align="left", dx=4, dy=2, fontSize=10, color="#D55E00").encode(
            y=y, yOffset=alt.YOffset("lane:N"), x="x:Q", text="t:N")
    else:
        crule = alt.Chart(refs.iloc[[1]]).mark_rule(strokeDash=[4, 3], color="#D55E00").encode(x="x:Q")
        rtext = alt.Chart(refs.iloc[[1]]).mark_text(align="left", dx=4, y=-6, fontSize=10, color="#D55E00").encode(
            x="x:Q", text="t:N")
    ztext = alt.Chart(refs.iloc[[0]]).mark_text(align="right", dx=-4, y=-6, fontSize=10, color=charts.MUTED).encode(
        x="x:Q", text="t:N")
    big = counts.idxmax() if len(counts) else None
    if big is not None:
        others = counts.drop(big)
        head = f"Median {big}: {fmt(float(g.loc[g['pair'] == big, 'mid'].median()))} months (n={counts[big]})"
        if len(others):
            head += f"; other pairs n ≤ {int(others.max())}"
    else:
        head = "No dated durations"
    title = charts.title(head, ["Months between two milestones of each program; bar: range allowed by date precision,",
                                "dot: midpoint, black tick: median; negative: deployed before it was announced"])
    return (rule + crule + bars + dots + ticks + mtext + rtext + ztext).properties(
        width=380, height=alt.Step(14), title=title)


def claim_chart(refs: pd.DataFrame, progs: pd.DataFrame, claim: float, percentile: dict, pair_label: str,
                claim_program: str | None = None, enough: bool = True) -> alt.Chart:
    """Published cycle statements and dated programs as ranges, with the claimed duration. The
    claim's own program is drawn in its own colour: it is shown, not compared with itself."""
    top = max(48.0, float(np.nanmax(np.where(np.isfinite(refs["hi"]), refs["hi"], refs["lo"]))) + 6 if len(refs) else 48)
    r = refs.assign(
        label=refs["organization"].fillna("") + ": " + refs["phase"].map(PHASE_LABELS).str.replace(
            " (spec → silicon/production)", "", regex=False),
        hi_plot=np.where(np.isfinite(refs["hi"]), refs["hi"], top),
        open=np.where(np.isfinite(refs["hi"]), "stated range", "lower bound only (open-ended)"),
        hi_txt=np.where(np.isfinite(refs["hi"]), refs["hi"].astype(str), "no upper bound"),
        what="published statement")
    own = "the claim's own program (not compared)"
    p = progs.assign(label=progs["program"] + ": " + pair_label, hi_plot=progs["hi"],
                     open=np.where(progs["program"] == claim_program, own, "dated program"),
                     hi_txt=progs["hi"].round(1).astype(str), what="program dates",
                     statement=np.where(progs["self_reported"], "dates self-reported", "dates public"),
                     source_url="data/chip_programs.csv")
    data = pd.concat([r, p], ignore_index=True)
    data["lo_r"] = data["lo"].round(1)
    order = data.sort_values("lo")["label"].tolist()
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=400))
    tip = [alt.Tooltip("label:N", title="what"), alt.Tooltip("lo_r:Q", title="from (months)"),
           alt.Tooltip("hi_txt:N", title="to (months)"), alt.Tooltip("statement:N"), alt.Tooltip("source_url:N", title="source")]
    color = alt.Color("open:N", title=None, scale=charts.category_scale(
        ["stated range", "lower bound only (open-ended)", "dated program", own]),
        legend=alt.Legend(columns=2, labelLimit=260))
    bars = alt.Chart(data).mark_rule(strokeWidth=8, opacity=0.6).encode(
        y=y, x=alt.X("lo:Q", title="Months", scale=alt.Scale(domain=[0, top])), x2="hi_plot:Q", color=color, tooltip=tip)
    ticks = alt.Chart(data).mark_tick(thickness=2, size=14, color=charts.TEXT).encode(y=y, x="lo:Q", tooltip=tip)
    rule = alt.Chart(pd.DataFrame({"x": [claim]})).mark_rule(color="#D55E00", strokeWidth=2).encode(x="x:Q")
    text = alt.Chart(pd.DataFrame({"x": [claim], "t": [f"claim: {fmt(claim)} months (self-reported)"]})).mark_text(
        align="left", dx=4, dy=-6, color="#D55E00", fontSize=11).encode(x="x:Q", y=alt.value(0), text="t:N")
    pct = percentile["percentile"]
    n = percentile["n"]
    if n and not enough:
        head = f"{n} comparison durations: too few to say whether the claimed {fmt(claim)} months is exceptional"
    elif n:
        head = (f"The claimed {fmt(claim)} months sits at the {fmt(pct)}th percentile of {n} comparison durations"
                if pct > 0 else f"The claimed {fmt(claim)} months is shorter than all {n} comparison durations")
    else:
        head = "No comparison durations"
    title = charts.title(head, ["Published cycle lengths (ranges; open-ended: a lower bound) and dated programs, months;",
                                "the phases differ: a full cycle includes fabrication and bring-up"])
    return (bars + ticks + rule + text).properties(width=360, height=max(200, 28 * len(data)), title=title)


def cadence_chart(gaps: pd.DataFrame, statements: pd.DataFrame, median_gap: float, trend: dict) -> alt.Chart:
    """Months between successive generations, per vendor, dated by the later generation."""
    g = gaps.assign(lo_r=gaps["lo"].round(1), hi_r=gaps["hi"].round(1), mid_r=gaps["mid"].round(1),
                    step=gaps["from_program"] + " → " + gaps["to_program"],
                    date_txt=gaps["date"].dt.strftime("%Y-%m"))
    color = alt.Color("vendor:N", scale=charts.org_scale(g["vendor"]), title="Vendor",
                      legend=alt.Legend(columns=3, symbolType="circle"))
    tip = [alt.Tooltip("step:N", title="generations"), alt.Tooltip("vendor:N"), alt.Tooltip("date_txt:N", title="later one available"),
           alt.Tooltip("mid_r:Q", title="gap, months (midpoint)"), alt.Tooltip("lo_r:Q", title="at least"),
           alt.Tooltip("hi_r:Q", title="at most"), alt.Tooltip("span:Q", title="generations spanned")]
    x = alt.X("date:T", title="Availability of the later generation", scale=alt.Scale(padding=12))
    bars = alt.Chart(g).mark_rule(strokeWidth=2, opacity=0.6).encode(x=x, y="lo:Q", y2="hi:Q", color=color, tooltip=tip)
    pts = alt.Chart(g).mark_point(filled=True, size=80).encode(
        x=x, y=alt.Y("mid:Q", title="Months since the previous generation"), color=color,
        shape=alt.Shape("family:N", title="Family", legend=alt.Legend(columns=2, labelLimit=200)), tooltip=tip)
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
    slope, se = trend["slope"], trend["se"]
    if slope != slope:
        trend_txt, verdict = "too few gaps for a trend", "too few gaps for a trend"
    else:
        trend_txt = f"within-family trend {slope:+.1f} ± {se:.1f} months per year (n={trend['n']}, {trend['families']} families)"
        verdict = ("with no clear trend" if abs(slope) < 2 * se else
                   ("shortening" if slope < 0 else "lengthening") + f" by {fmt(abs(slope))} months a year")
    title = charts.title(f"Generations arrive a median {fmt(median_gap)} months apart, {verdict}",
                         ["Months between successive generations' availability within a family; bar: range",
                          "from date precision; dashed: vendors' stated cadence targets;",
                          f"{trend_txt} (clear: beyond 2 standard errors)"])
    return (bars + pts + rules + labels).properties(width=470, height=320, title=title)


def projection_chart(proj: pd.DataFrame, summary: pd.DataFrame, gain: float, horizon: float,
                     floor: float) -> alt.Chart:
    """Cumulative performance per watt for each cycle time (log scale); dashed below the floor."""
    d = proj.assign(cycle=proj["cycle_months"].map(lambda v: f"{fmt(v)}-month cycle"),
                    status=np.where(proj["feasible"], "at or above the floor", "below the physical floor"))
    order = [f"{fmt(v)}-month cycle" for v in summary["cycle_months"]]
    color = alt.Color("cycle:N", sort=order, title="Cycle", scale=charts.category_scale(order), legend=None)
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
    head = f"{fmt(horizon)} years of {fmt(fast['cycle_months'])}-month cycles would give ×{fmt(fast['cumulative_gain'])}"
    if best is not None:
        head += f"; {fmt(best['cycle_months'])}-month cycles ×{fmt(best['cumulative_gain'])}"
    last = f"packaging and bring-up" + (f"; {fmt(best['cycle_months'])} months is the fastest cycle at or above it"
                                        if best is not None else "")
    title = charts.title(head, [f"Cumulative performance per watt, × today (log scale), if every generation brings ×{fmt(gain)}",
                                f"whatever the cycle (an upper bound); dashed: below the {fmt(floor)}-month floor of fabrication,",
                                last])
    return (line + labels).properties(width=440, height=320, title=title)


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
        color=alt.Color("stage:N", sort=names, scale=charts.category_scale(names), title="Stage",
                        legend=alt.Legend(columns=2)),
        tooltip=[alt.Tooltip("stage:N"), alt.Tooltip("months:Q", format=".1f"), alt.Tooltip("source:N")])
    sc = pd.DataFrame({"cycle": cycles, "row": "cycle scenarios",
                       "status": ["learns from its predecessor's silicon" if c >= total else "only as overlapping programs" for c in cycles]})
    sc["t"] = sc["cycle"].map(lambda v: fmt(v))
    ticks = alt.Chart(sc).mark_point(size=120, filled=True).encode(
        x="cycle:Q", y=alt.Y("row:N", title=None),
        shape=alt.Shape("status:N", title=None, scale=alt.Scale(domain=["learns from its predecessor's silicon", "only as overlapping programs"],
                                                               range=["circle", "cross"]),
                          legend=alt.Legend(columns=1)),
        color=alt.value(charts.TEXT), tooltip=[alt.Tooltip("cycle:Q", title="cycle (months)"), "status:N"])
    txt = alt.Chart(sc).mark_text(dy=-14, fontSize=10, color=charts.TEXT).encode(x="cycle:Q", y="row:N", text="t:N")
    below = sum(c < total for c in cycles)
    title = charts.title(f"Manufacturing takes about {fmt(total)} months; {below} of {len(cycles)} cycles must overlap",
                         ["Assumed (sourced) fabrication, packaging and bring-up: sequential stages",
                          "between a tape-out and a deployable chip, months; they bound manufacturing,",
                          "not design; cycle scenarios as points"])
    floor_rule = alt.Chart(pd.DataFrame({"x": [total]})).mark_rule(strokeDash=[4, 3], color=charts.MUTED).encode(
        x="x:Q")
    return (bar + floor_rule + ticks + txt).properties(width=440, height=120, title=title)


# --- Page-level wrappers: each takes the chapter's Result -------------------------------------------------------------

def _programs_caption() -> str:
    from ..data import source_caption

    return source_caption("chip_programs") + " (source_url per row)"


#: The source line of the charts drawn on chip_programs (its producers, from the table's meta file).
SRC_PROGRAMS = _programs_caption()


def timeline_chart(r, programs: pd.DataFrame) -> alt.Chart:
    """The milestone timeline of the programs in the Result."""
    n = r.numbers
    long = milestone_long(programs[programs["program"].isin(r.wide["program"])], r.wide)
    return timeline(long, n["n_programs"], n["n_with_design_start"], n["n_with_tapeout"])


def stage_durations_chart(r) -> alt.Chart:
    p = r.p
    from .model import PAIR_LABELS
    return durations_chart(r.durations, p.claimed_months, f"claim: {fmt(p.claimed_months)} months (self-reported)",
                           PAIR_LABELS.get((p.start_milestone, p.end_milestone)), p.claim_program)


def like_for_like_chart(r) -> alt.Chart:
    """The claim against durations of its own phase only (dated programs and same-phase statements)."""
    from .model import PAIR_LABELS
    p = r.p
    progs = r.pair_durations
    if (p.start_milestone, p.end_milestone) == ("design_start", "tapeout"):
        # the dated programs on the footing the percentile uses (silicon-exists dates less the floor)
        c = r.comparison[r.comparison["what"] == "dated program"]
        progs = pd.DataFrame({"program": c["label"], "lo": c["design_lo"], "hi": c["design_hi"],
                              "mid": c["design_mid"], "self_reported": c["self_reported"]})
    return claim_chart(r.references, progs, p.claimed_months, r.percentile,
                       PAIR_LABELS.get((p.start_milestone, p.end_milestone), ""), p.claim_program,
                       enough=r.percentile["n"] >= p.min_programs_typical)


def spec_to_silicon_chart(r, typical: tuple[float, float] | None = None) -> alt.Chart:
    """Like for like with the article's "18 to 36 months": spec to silicon (design start to tape-out plus
    fabrication and packaging) of the programs other than the claim's own that date both ends, and of the
    same-phase statements, as intervals; the claim on the same footing; the article's range as a band."""
    from ..claims.params import Params as ClaimsParams

    n = r.numbers
    floor = n["silicon_floor_months"]
    lo_t, hi_t = typical or (ClaimsParams().typical_cycle_min_months, ClaimsParams().typical_cycle_max_months)
    c = r.comparison
    kind_of = {"dated program": "dated program (sourced design start and tape-out)",
               "published statement": "stated duration of another program"}
    d = pd.DataFrame({"label": c["label"], "lo": c["spec_lo"], "hi": c["spec_hi"], "mid": c["spec_mid"],
                      "kind": c["what"].map(kind_of),
                      "statement": np.where(c["basis"] == "silicon exists",
                                            "dated when silicon already existed: no floor added; ", "")
                      + c["statement"].astype(str).str[:120]})
    progs, refs = c[c["what"] == "dated program"], c[c["what"] == "published statement"]
    claim = pd.DataFrame({"label": [f"{r.p.claim_program} (claimed)"], "lo": [n["claim_spec_to_silicon_months"]],
                          "hi": [n["claim_spec_to_silicon_months"]], "mid": [n["claim_spec_to_silicon_months"]],
                          "kind": ["the claim (self-reported)"],
                          "statement": [f"{fmt(r.p.claimed_months)} months claimed + {fmt(floor)} months to silicon"]})
    d = pd.concat([d, claim], ignore_index=True)
    d = d.assign(lo_r=d["lo"].round(1), hi_r=d["hi"].round(1))
    order = d.sort_values("mid")["label"].tolist()
    kinds = ["dated program (sourced design start and tape-out)", "stated duration of another program",
             "the claim (self-reported)"]
    color = alt.Color("kind:N", title=None, scale=charts.category_scale(kinds), legend=alt.Legend(columns=1, labelLimit=360))
    tip = [alt.Tooltip("label:N", title="program"), alt.Tooltip("lo_r:Q", title="at least (months)"),
           alt.Tooltip("hi_r:Q", title="at most (months)"), alt.Tooltip("statement:N")]
    top = max(48.0, float(np.nanmax(d["hi"])) + 6) if len(d) else 48.0
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    x = alt.X("lo:Q", title="Months from design start to first packaged silicon", scale=alt.Scale(domain=[0, top]))
    band = alt.Chart(pd.DataFrame({"a": [lo_t], "b": [hi_t]})).mark_rect(opacity=0.12, color=charts.MUTED).encode(
        x="a:Q", x2="b:Q")
    band_txt = alt.Chart(pd.DataFrame({"x": [lo_t], "t": [f"the article's typical {fmt(lo_t)} to {fmt(hi_t)} months"]})
                         ).mark_text(align="left", dx=3, dy=-6, fontSize=11, color=charts.TEXT).encode(
        x="x:Q", y=alt.value(0), text="t:N")
    bars = alt.Chart(d).mark_bar(height=10, opacity=0.75).encode(x=x, x2="hi:Q", y=y, color=color, tooltip=tip)
    dots = alt.Chart(d).mark_point(filled=True, size=60, color=charts.TEXT).encode(x="mid:Q", y=y, tooltip=tip)
    k = len(progs) + len(refs)
    med = n["spec_to_silicon_median_months"]
    claim_txt = f"the claim is {fmt(n['claim_spec_to_silicon_months'])} months"
    if not k:
        head = "No program other than the claim's own dates its spec to silicon"
    elif k >= r.p.min_programs_typical:
        head = f"Spec to silicon: a median {fmt(med)} months over {k} comparison durations; {claim_txt}"
    else:
        head = (f"Spec to silicon: {k} comparison durations from {fmt(n['comparison_spec_min_months'])} to "
                f"{fmt(n['comparison_spec_max_months'])} months, too few for a typical value; {claim_txt}")
    title = charts.title(head, [f"Design start to tape-out plus {fmt(floor)} months of fabrication and packaging "
                                "(assumptions; none added where silicon already existed at the dated statement);",
                                "bars: the span the dates allow;",
                                "band: the range the article calls typical; the claim's own program has no sourced design start"
                                if n["claim_own_design_to_tapeout_lo"] != n["claim_own_design_to_tapeout_lo"]
                                else "band: the range the article calls typical"])
    return (band + band_txt + bars + dots).properties(width=380, height=max(120, 26 * len(d)), title=title)


#: Kept under its old name: the full cycle of the article is read on the spec-to-silicon footing.
full_cycle_chart = spec_to_silicon_chart


def population_cadence_chart(r, statements: pd.DataFrame) -> alt.Chart:
    """Generation gaps by vendor, titled with the three like-for-like cadences."""
    n = r.numbers
    chart = cadence_chart(r.gaps, statements, n["median_generation_gap_months"], r.trend)
    title = charts.title(
        f"{r.p.cadence_vendor}'s new architectures: {fmt(n['nvidia_architecture_gap_months'])} months apart; "
        f"every product: {fmt(n['nvidia_recent_generation_gap_months'])}",
        [f"Architectures (refreshes left out, one product line): median of its last {fmt(n['n_nvidia_architecture_gaps'])} gaps;",
         f"every product counted (the dots): median of its last {fmt(n['n_recent_gaps'])} gaps. Merchant GPU families "
         f"{fmt(n['median_merchant_generation_gap_months'])}, custom ASIC families {fmt(n['median_asic_generation_gap_months'])} months.",
         "Months between successive products' availability within a family; bar: range from",
         "date precision; dashed: vendors' stated cadence targets"])
    return chart.properties(title=title)


def cadence_table(r) -> pd.DataFrame:
    """The cadence of each population, months, with its sample."""
    n = r.numbers
    rows = [(f"{r.p.cadence_vendor}, last {fmt(n['n_nvidia_architecture_gaps'])} new architectures",
             n["nvidia_architecture_gap_months"], n["n_nvidia_architecture_gaps"]),
            ("Google TPU, new architectures in one product line", n["tpu_architecture_gap_months"],
             n["n_tpu_architecture_gaps"]),
            ("merchant GPU families, new architectures", n["median_merchant_architecture_gap_months"],
             n["n_merchant_architecture_gaps"]),
            ("custom ASIC families, new architectures", n["median_asic_architecture_gap_months"],
             n["n_asic_architecture_gaps"]),
            (f"{r.p.cadence_vendor}, last {fmt(n['n_recent_gaps'])} products (refreshes counted)",
             n["nvidia_recent_generation_gap_months"], n["n_recent_gaps"]),
            ("merchant GPU families, every product", n["median_merchant_generation_gap_months"], n["n_merchant_gaps"]),
            ("custom ASIC families, every product", n["median_asic_generation_gap_months"], n["n_asic_gaps"]),
            ("all families together, every product", n["median_generation_gap_months"], n["n_generation_gaps"])]
    return pd.DataFrame({"population": [a for a, _, _ in rows], "median gap, months": [fmt(b) for _, b, _ in rows],
                         "gaps": [int(c) for _, _, c in rows]})


def price_performance_chart(r) -> alt.Chart:
    """Dense BF16 TFLOPS per USD of chip price against date (log scale), with the fitted rate."""
    pp = r.price_perf.assign(date_txt=r.price_perf["date"].dt.strftime("%Y-%m"),
                             price=np.where(r.price_perf["price_estimate"], "estimated price", "list price"))
    tech = r.tech
    vendors = sorted(pp["vendor"].unique())
    x = alt.X("date:T", title="Availability (announcement where missing)")
    pts = alt.Chart(pp).mark_point(filled=True, size=90).encode(
        x=x, y=alt.Y("tflops_per_usd:Q", scale=alt.Scale(type="log"), title="Dense BF16 TFLOPS per USD of chip (log)"),
        color=alt.Color("vendor:N", scale=charts.org_scale(vendors), title="Vendor"),
        tooltip=[alt.Tooltip("accelerator:N"), alt.Tooltip("date_txt:N", title="date"),
                 alt.Tooltip("tflops_per_usd:Q", title="TFLOPS per USD", format=".4f"), alt.Tooltip("price:N")])
    layers = [pts]
    if tech["rate"] == tech["rate"]:
        yrs = np.linspace(tech["first"], tech["last"], 20)
        x0 = pp["year"].mean()
        y0 = float(np.exp(np.log(pp["tflops_per_usd"]).mean()))
        fit = pd.DataFrame({"date": pd.to_datetime([f"{int(y)}-01-01" for y in yrs]) + pd.to_timedelta(
            (yrs - np.floor(yrs)) * DAYS_PER_YEAR, unit="D"), "fit": y0 * tech["rate"] ** (yrs - x0)})
        layers.append(alt.Chart(fit).mark_line(strokeDash=[5, 3], color=charts.MUTED).encode(x="date:T", y="fit:Q"))
    title = charts.title(
        f"What a dollar of merchant accelerator buys grows ×{fmt(tech['rate'])} a year",
        ["Dense BF16 TFLOPS per USD of chip price, log scale;",
         f"{fmt(tech['n'])} merchant accelerators priced as a chip alone (estimates);",
         f"dashed: least-squares fit, ×{fmt(tech['low'])} to ×{fmt(tech['high'])} at ±1 standard error"])
    return alt.layer(*layers).properties(width=470, height=300, title=title)


def floors_figure(r) -> alt.Chart:
    """The manufacturing floor as stacked, labelled assumptions."""
    from .params import Params

    p, info = r.p, Params.model_fields
    names = {"wafer fabrication": "fab_months", "packaging and test": "packaging_months",
             "bring-up and qualification": "bringup_months"}
    floors = {k: getattr(p, v) for k, v in names.items()}
    srcs = {k: "Assumption: " + info[v].json_schema_extra["basis"] for k, v in names.items()}
    return floors_chart(floors, list(p.cycle_scenarios_months), srcs)


def _speedup_range(a: float, h: float) -> str:
    """A shortening factor (or the range from the shortest to the longest design phase) in words: below ×1 the
    design already fits ('none')."""
    def one(v: float) -> str:
        return "none" if v <= 1 else f"×{fmt(v)}"
    if a != a:
        return "n/a"
    return one(a) if abs(a - h) < 1e-9 else f"{one(a)} to {one(h)}"


def budget_table(r) -> pd.DataFrame:
    """For each cycle scenario: the months left for design once the manufacturing floor is paid, and how
    many times shorter than today's dated median design phase that is."""
    b = r.budget
    return pd.DataFrame({
        "cycle, months": b["cycle_months"].map(fmt),
        "months left for design": b["design_budget_months"].map(lambda v: "none (floor exceeds the cycle)" if v != v else fmt(v)),
        "design must be shorter by": [_speedup_range(a, h) for a, h in zip(b["speedup_needed"], b["speedup_needed_hi"])],
    })


def ai_design_table(r) -> pd.DataFrame:
    """The published claims that AI shortens parts of chip design."""
    a = r.ai_design
    first = a["source_url"].str.split(" ; ").str[0]
    return pd.DataFrame({"who": a["organization"], "claim": a["statement"],
                         "date": pd.to_datetime(a["as_of"]).dt.strftime("%Y-%m-%d"),
                         "source (first page)": first.str.replace(r"^https?://", "", regex=True).str.split("/").str[0]})


def durations_table(r) -> pd.DataFrame:
    """Every dated duration with its bounds, and the company's own figure for the same program and pair."""
    t = r.durations
    stated = r.stated_vs_dated.set_index(["program", "pair"])["stated_months"]
    # what a dated tape-out shows (a tape-out, wafers out, or silicon that already existed: then the interval,
    # read as design start to tape-out, is an upper bound that still holds fabrication and packaging, and
    # read as tape-out to availability, a lower bound), for every pair that starts or ends at the tape-out
    basis = dict(getattr(r, "tapeout_bases", None) or {})
    basis.update({k: v for k, v in zip(r.comparison["label"], r.comparison["basis"]) if k not in basis})
    return pd.DataFrame({
        "pair": t["pair"], "program": t["program"], "vendor": t["vendor"],
        "at least": t["lo"].round(1), "midpoint": t["mid"].round(1), "at most": t["hi"].round(1),
        "company's own figure": [stated.get((pr, pa), "") for pr, pa in zip(t["program"], t["pair"])],
        "self-reported": t["self_reported"],
        "tape-out dated as": [basis.get(pr, "taped out") if (pa.endswith("tape-out") or pa.startswith("tape-out")) else ""
                              for pr, pa in zip(t["program"], t["pair"])]})


def data_note(r) -> str:
    """A note for the page when an optional table failed validation (empty otherwise)."""
    if not r.problems:
        return ""
    return ("> **Data note.** Some tables did not pass validation when this page was built, so the chapter ran "
            "without them:\n>\n> " + "\n> ".join(f"`{k}`: {v}" for k, v in r.problems.items()))


def design_phases(r) -> tuple[float, float]:
    """Today's design phase the live chart divides: the median of the comparison durations when there are
    enough of them (both ends the same), else the shortest and the longest of the few."""
    n = r.numbers
    if n["enough_for_typical"]:
        return float(n["median_design_to_tapeout_months"]), float(n["median_design_to_tapeout_months"])
    return float(n["comparison_design_min_months"]), float(n["comparison_design_max_months"])


def live_cycle(r) -> alt.LayerChart:
    """Claim C10 as a question the reader can move: how long is a generation if AI makes design S
    times faster? cycle = today's design phase / S + the manufacturing floor (fab, packaging,
    bring-up), for the shortest and the longest comparison duration (or their median when there are
    enough). Recomputed in the page; the title follows the slider."""
    import numpy as np

    from .. import charts

    lo, hi = design_phases(r)
    floor = float(r.floor_months)
    grid = pd.DataFrame({"speedup": np.geomspace(1, 100, 60)})
    s = charts.control("s", 2.0, label="Design made faster by AI", unit="times", min=1.0, max=50.0, step=0.5)
    one = lo == hi
    if one:
        head = (f"'With design ' + format(s, '.1f') + ' times faster, a generation takes ' + "
                f"format({lo!r} / s + {floor!r}, '.0f') + ' months'")
        sub = (f"Months from design start to a working chip: today's median design phase ({fmt(lo)} months) "
               f"divided by the speed-up, plus the {fmt(floor)}-month manufacturing floor (assumptions); log scale")
    else:
        head = (f"'With design ' + format(s, '.1f') + ' times faster, a generation takes ' + "
                f"format({lo!r} / s + {floor!r}, '.0f') + ' to ' + format({hi!r} / s + {floor!r}, '.0f') + ' months'")
        sub = (f"Months from design start to a working chip: today's shortest and longest dated design phases "
               f"({fmt(lo)} and {fmt(hi)} months, too few for a median) divided by the speed-up, plus the "
               f"{fmt(floor)}-month manufacturing floor (assumptions); log scale")
    title = charts.live_title([head], [sub])
    phases = pd.DataFrame({"design": [lo] if one else [lo, hi],
                           "phase": ["median design phase"] if one else ["shortest design phase", "longest design phase"]})
    grid = grid.merge(phases, how="cross")
    line = alt.Chart(grid).mark_line(color=charts.TEXT, strokeWidth=2).encode(
        x=alt.X("speedup:Q", title="Design speed-up from AI (times, log scale)", scale=alt.Scale(type="log")),
        y=alt.Y("cycle:Q", title="Months per generation (log scale)", scale=alt.Scale(type="log")),
        detail="phase:N",
        tooltip=[alt.Tooltip("phase:N", title="today's"), alt.Tooltip("speedup:Q", format=".1f", title="Speed-up (times)"),
                 alt.Tooltip("cycle:Q", format=".1f", title="Months per generation")],
    ).transform_calculate(cycle=f"datum.design / datum.speedup + {floor!r}")
    floor_rule = alt.Chart(pd.DataFrame({"y": [floor]})).mark_rule(strokeDash=[4, 3], color=charts.MUTED).encode(y="y:Q")
    dot = alt.Chart(phases).mark_point(filled=True, size=120, color="#CC6677").encode(
        x="x:Q", y="y:Q").transform_calculate(x="s", y=f"datum.design / s + {floor!r}")
    return alt.layer(line, floor_rule, dot).add_params(s).properties(title=title, width=520, height=280)


def live_cycle_checks(r) -> list[dict]:
    """The page's expected titles at three speed-ups, computed here in Python."""
    lo, hi = design_phases(r)
    floor = float(r.floor_months)
    out = []
    for s in (1.0, 4.0, 20.0):
        a, b = lo / s + floor, hi / s + floor
        text = f"takes {a:.0f} months" if lo == hi else f"takes {a:.0f} to {b:.0f} months"
        out.append({"set": {"s": s}, "expect": [text]})
    return out
