"""Charts of the claims ledger; titles are built from the verdicts they show (never typed)."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from .. import charts
from .report import VERDICT_LABEL, checks_frame, headline
from .rules import NOT_ASSESSED, NOT_SUPPORTED, PARTLY, SELF_REPORTED, SUPPORTED, Verdict

WIDTH = 600
#: Verdict colors (Okabe-Ito) and shapes, so verdicts read without color too.
VERDICT_COLORS = {SUPPORTED: "#009E73", PARTLY: "#E69F00", NOT_SUPPORTED: "#D55E00", SELF_REPORTED: "#56B4E9",
                  NOT_ASSESSED: "#8c959f"}
VERDICT_SHAPES = {SUPPORTED: "circle", PARTLY: "diamond", NOT_SUPPORTED: "cross", SELF_REPORTED: "square",
                  NOT_ASSESSED: "triangle-up"}


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
    } for v in verdicts])
    color, shape = _verdict_scales()
    base = alt.Chart(frame).encode(
        x=alt.X("claim:N", sort=alt.SortField("order"), title="Claim (the article's, numbered as in the ledger)",
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("chapter:N", title="Chapter that tests it", sort=["compute gap", "inference tax", "tapeout", "flywheel"]),
    )
    points = base.mark_point(size=420, filled=True, opacity=0.9).encode(
        color=alt.Color("verdict:N", scale=color, title="Verdict"),
        shape=alt.Shape("verdict:N", scale=shape, title="Verdict"),
        tooltip=[alt.Tooltip("claim:N"), alt.Tooltip("text:N", title="claim"),
                 alt.Tooltip("verdict_label:N", title="verdict"), alt.Tooltip("own_word:N", title="rests on a company's word"),
                 alt.Tooltip("chapter:N")],
    )
    return points.properties(
        width=WIDTH, height=200,
        title=charts.title(headline(verdicts),
                           "Each mark is one claim of the article, placed under the chapter whose numbers decide "
                           "its verdict; shape and color give the verdict"))


def margin_chart(verdicts: list[Verdict]) -> alt.Chart | None:
    """How far each tested number sits from the threshold that would flip its test (log scale)."""
    f = checks_frame(verdicts)
    f = f[f["margin"].notna()].copy()
    if f.empty:
        return None
    f["margin"] = f["margin"].astype(float)
    f["label"] = f["claim"] + " · " + f["metric"].str.split(".").str[1]
    f["outcome"] = f["passed"].map({True: "passes", False: "fails"}).fillna("no evidence")
    f["value_txt"] = [charts_fmt(v) for v in f["value"]]
    f["order"] = f["claim"].str[1:].astype(int)
    closest = f.loc[(f["margin"].apply(lambda m: abs(math.log(m)))).idxmin()]
    factor = max(closest["margin"], 1 / closest["margin"])
    title = (f"Closest to flipping: {closest['claim']} ({closest['metric'].split('.')[1]}), within a factor "
             f"of {charts_fmt(factor)} of its threshold")
    lo = min(f["margin"].min(), 0.5) / 1.5
    hi = max(f["margin"].max(), 2.0) * 1.5
    color = alt.Scale(domain=["passes", "fails", "no evidence"], range=["#009E73", "#D55E00", "#8c959f"])
    shape = alt.Scale(domain=["passes", "fails", "no evidence"], range=["circle", "cross", "triangle-up"])
    y = alt.Y("label:N", title=None, sort=alt.EncodingSortField("order", op="min"), axis=alt.Axis(labelLimit=260))
    pts = alt.Chart(f).mark_point(size=140, filled=True).encode(
        x=alt.X("margin:Q", scale=alt.Scale(type="log", domain=[lo, hi]),
                title="Margin to the threshold (ratio, log scale; above 1 the test passes)"),
        y=y,
        color=alt.Color("outcome:N", scale=color, title="Test"),
        shape=alt.Shape("outcome:N", scale=shape, title="Test"),
        tooltip=[alt.Tooltip("claim:N"), alt.Tooltip("metric:N", title="result"), alt.Tooltip("value_txt:N", title="value"),
                 alt.Tooltip("test:N"), alt.Tooltip("outcome:N"), alt.Tooltip("margin:Q", format=".2f"),
                 alt.Tooltip("evidence:N")],
    )
    bars = alt.Chart(f).mark_rule(strokeWidth=2, opacity=0.5).encode(
        x=alt.X("one:Q"), x2="margin:Q", y=y, color=alt.Color("outcome:N", scale=color, title="Test"),
    ).transform_calculate(one="1")
    one = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color=charts.MUTED, strokeDash=[4, 3]).encode(x="x:Q")
    return (bars + pts + one).properties(
        width=WIDTH - 140, height=max(160, 26 * len(f)),
        title=charts.title(title, "Each tested result divided by its threshold (or the threshold divided by the "
                                  "result, for 'at most' tests); the dashed line is where a test flips"))


def charts_fmt(v: object) -> str:
    from ..nb import fmt

    return fmt(v, sig=2) if isinstance(v, (int, float)) else str(v)
