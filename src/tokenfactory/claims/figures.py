"""Charts of the claims ledger; titles are built from the verdicts they show (never typed)."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from .. import charts
from .report import VERDICT_LABEL, checks_frame, headline_lines
from .rules import INCONCLUSIVE, NOT_SUPPORTED, NOT_TESTABLE, PARTLY, SELF_REPORTED, SUPPORTED, Verdict
from .sensitivity import Flip

#: Plot widths chosen so that each chart, axis labels and legend included, stays under 660 px.
WIDTH = 420
#: Verdict colors (Okabe-Ito) and shapes, so verdicts read without color too.
VERDICT_COLORS = {SUPPORTED: "#009E73", PARTLY: "#E69F00", NOT_SUPPORTED: "#D55E00", SELF_REPORTED: "#56B4E9",
                  NOT_TESTABLE: "#CC79A7", INCONCLUSIVE: "#8c959f"}
VERDICT_SHAPES = {SUPPORTED: "circle", PARTLY: "diamond", NOT_SUPPORTED: "cross", SELF_REPORTED: "square",
                  NOT_TESTABLE: "triangle-down", INCONCLUSIVE: "triangle-up"}


def _verdict_scales() -> tuple[alt.Scale, alt.Scale]:
    dom = list(VERDICT_COLORS)
    return (alt.Scale(domain=dom, range=[VERDICT_COLORS[d] for d in dom]),
            alt.Scale(domain=dom, range=[VERDICT_SHAPES[d] for d in dom]))


def ledger_chart(verdicts: list[Verdict]) -> alt.Chart:
    """One mark per claim, grouped by the chapter that tests it: the whole ledger at a glance."""
    frame = pd.DataFrame([{
        "claim": v.claim.id, "order": v.claim.number, "chapter": v.claim.chapter.replace("_", " "),
        "verdict": v.verdict, "verdict_label": VERDICT_LABEL[v.verdict], "text": v.claim.claim,
        "own_word": "yes" if v.claim.self_reported else "no",
        "source": f"verdict rule of this page, on the results of {v.claim.chapter.replace('_', ' ')}",
    } for v in verdicts])
    color, shape = _verdict_scales()
    base = alt.Chart(frame).encode(
        x=alt.X("claim:N", sort=alt.SortField("order"), title="Claim (numbered as in the ledger)",
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("chapter:N", title=None, sort=["compute gap", "inference tax", "tapeout", "flywheel"]),
    )
    legend = alt.Legend(orient="bottom", columns=3, title=None, symbolSize=120, labelLimit=120)
    points = base.mark_point(size=320, filled=True, opacity=0.9).encode(
        color=alt.Color("verdict:N", scale=color, legend=legend),
        shape=alt.Shape("verdict:N", scale=shape, legend=legend),
        tooltip=[alt.Tooltip("claim:N"), alt.Tooltip("text:N", title="claim"),
                 alt.Tooltip("verdict_label:N", title="verdict"), alt.Tooltip("own_word:N", title="rests on a company's word"),
                 alt.Tooltip("chapter:N", title="tested in"), alt.Tooltip("source:N")],
    )
    return points.properties(
        width=WIDTH, height=170,
        title=charts.title(headline_lines(verdicts)[0],
                           [headline_lines(verdicts)[1] + ".",
                            "Each mark is one claim, in the row of the chapter whose results decide",
                            "its verdict; shape and color give the verdict"]))


def nearest_title(near: Flip | None) -> str:
    """The margin chart's title: the same nearest flip as the page's text (sensitivity.nearest), so
    that text and chart name one claim."""
    if near is None:
        return "No threshold of this page would change a verdict by moving alone"
    return f"Nearest to flipping: {near.claim}, a threshold ×{charts_fmt(near.distance)} away"


def margin_chart(verdicts: list[Verdict], near: Flip | None = None) -> alt.Chart | None:
    """How far each tested number sits from the threshold that would flip its test (log scale). The
    title names `near`, the nearest flip of a verdict as the text defines it (sensitivity.nearest):
    a test near its line whose flip would not change the verdict, or whose threshold is another
    chapter's result, is drawn but not named."""
    f = checks_frame(verdicts)
    f = f[f["margin"].notna()].copy()
    if f.empty:
        return None
    f["margin"] = f["margin"].astype(float)
    f["label"] = f["claim"] + " · " + f["label"]
    f["outcome"] = f["passed"].map({True: "passes", False: "fails"}).fillna("no evidence")
    f["value_txt"] = [charts_fmt(v) for v in f["value"]]
    f["order"] = f["claim"].str[1:].astype(int)
    title = nearest_title(near)
    lo = min(f["margin"].min(), 0.5) / 1.5
    hi = max(f["margin"].max(), 2.0) * 1.5
    color = alt.Scale(domain=["passes", "fails", "no evidence"], range=["#009E73", "#D55E00", "#8c959f"])
    shape = alt.Scale(domain=["passes", "fails", "no evidence"], range=["circle", "cross", "triangle-up"])
    y = alt.Y("label:N", title=None, sort=alt.EncodingSortField("order", op="min"), axis=alt.Axis(labelLimit=210))
    pts = alt.Chart(f).mark_point(size=140, filled=True).encode(
        x=alt.X("margin:Q", scale=alt.Scale(type="log", domain=[lo, hi], nice=False),
                axis=alt.Axis(values=_log_ticks(lo, hi), format="~g"),
                title="Ratio to the threshold (log scale; above 1 the test passes)"),
        y=y,
        color=alt.Color("outcome:N", scale=color, legend=alt.Legend(orient="bottom", title="Test")),
        shape=alt.Shape("outcome:N", scale=shape, legend=alt.Legend(orient="bottom", title="Test")),
        tooltip=[alt.Tooltip("claim:N"), alt.Tooltip("metric:N", title="result (chapter.key)"),
                 alt.Tooltip("value_txt:N", title="value"),
                 alt.Tooltip("test:N"), alt.Tooltip("outcome:N"), alt.Tooltip("margin:Q", format=".2f"),
                 alt.Tooltip("evidence:N")],
    )
    bars = alt.Chart(f).mark_rule(strokeWidth=2, opacity=0.5).encode(
        x=alt.X("one:Q"), x2="margin:Q", y=y, color=alt.Color("outcome:N", scale=color, title="Test"),
    ).transform_calculate(one="1")
    one = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color=charts.MUTED, strokeDash=[4, 3]).encode(x="x:Q")
    return (bars + pts + one).properties(
        width=WIDTH - 100, height=max(160, 24 * len(f)),
        title=charts.title(title, ["Each tested result divided by its threshold (the threshold divided by the result",
                                   "for 'at most' tests); a test flips where its line crosses the dashed 1. The title",
                                   "names the nearest test whose threshold is a parameter of this page and whose",
                                   "flip would change its claim's verdict"]))


def _log_ticks(lo: float, hi: float) -> list[float]:
    """1-3-10 ticks inside [lo, hi]: a log axis with every minor tick labelled overlaps at 400 px."""
    out = []
    for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1):
        out += [m * 10.0 ** e for m in (1, 3) if lo <= m * 10.0 ** e <= hi]
    return out


def charts_fmt(v: object) -> str:
    from ..formatting import fmt

    return fmt(v, sig=2) if isinstance(v, (int, float)) else str(v)


def _js(values: list) -> str:
    import json

    return json.dumps(values, ensure_ascii=False)


def threshold_control(grid: pd.DataFrame, start: str = "catch_up_months_max", steps: int = 4) -> alt.Chart:
    """A live control: choose a threshold (select) and move it by steps from the page's setting
    (slider); the twelve claims show their verdict under the moved threshold, and a flip is marked.
    Everything is precomputed by `sensitivity.threshold_grid`: the page only filters it."""
    names = list(dict.fromkeys(grid["parameter"]))
    labels = [str(grid.loc[grid["parameter"] == n, "label"].iloc[0]) for n in names]
    par = charts.control("thr", start, label="Threshold", options=names, labels=labels)
    step = charts.control("k", 0, label="Steps from the page's setting", min=-steps, max=steps, step=1)
    # lookups for the title: the value in words and the number of flips at each (parameter, step)
    pos = {n: i for i, n in enumerate(names)}
    texts, flips = [], []
    for n in names:
        g = grid[grid["parameter"] == n].drop_duplicates("step").set_index("step")
        texts.append([str(g["value_text"].get(k, "outside its range")) for k in range(-steps, steps + 1)])
        flips.append([int(g["n_flips"].get(k, 0)) for k in range(-steps, steps + 1)])
    idx = f"indexof({_js(names)}, thr)"
    value_expr = f"{_js(texts)}[{idx}][k + {steps}]"
    flips_expr = f"{_js(flips)}[{idx}][k + {steps}]"
    title = charts.live_title(
        [f"'At ' + {value_expr} + ', '",
         f"{flips_expr} + ({flips_expr} == 1 ? ' verdict flips' : ' verdicts flip')"],
        "Each row is a claim: its verdict when the chosen threshold moves (a ring marks a flip); "
        "verdicts recomputed by the page's rules")
    color, shape = _verdict_scales()
    # slim rows (the page embeds them): parameter as its position, claim as its number
    d = pd.DataFrame({"p": grid["parameter"].map(pos), "step": grid["step"],
                      "n": grid["claim"].str[1:].astype(int), "verdict": grid["verdict"],
                      "flipped": grid["flipped"]})
    titles = grid.drop_duplicates("claim").set_index(grid.drop_duplicates("claim")["claim"].str[1:].astype(int))
    names_by_n = [""] * (int(titles.index.max()) + 1)
    for n_, row in titles.iterrows():
        names_by_n[n_] = f"{row['claim']} {row['title']}"
    base = alt.Chart(d).transform_filter(f"datum.p == {idx} && datum.step == k")
    y = alt.Y("n:O", title=None, axis=alt.Axis(labelLimit=260, labelExpr=f"{_js(names_by_n)}[datum.value]"))
    dots = base.mark_point(size=220, filled=True).encode(
        y=y, x=alt.X("verdict:N", title="Verdict", scale=alt.Scale(domain=list(VERDICT_COLORS)),
                     axis=alt.Axis(labelAngle=-35, labelLimit=110, labelOverlap=False)),
        color=alt.Color("verdict:N", scale=color, legend=None), shape=alt.Shape("verdict:N", scale=shape, legend=None),
        tooltip=[alt.Tooltip("n:O", title="claim (number)"), alt.Tooltip("verdict:N", title="verdict"),
                 alt.Tooltip("flipped:N", title="flipped from the page's verdict")])
    # the rings only mark a flip the dots already show (their tooltip says so): decorative, hidden from
    # screen readers (axe: an unlabelled symbol group)
    rings = base.transform_filter("datum.flipped").mark_point(size=620, filled=False, strokeWidth=2, aria=False,
                                                               color=charts.TEXT).encode(y=y, x="verdict:N")
    return alt.layer(dots.add_params(par, step), rings).properties(width=300, height=330, title=title)
