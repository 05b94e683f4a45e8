"""The chapter's charts. Titles are built from the numbers they show (never typed)."""

from __future__ import annotations

from typing import Any, Mapping

import altair as alt
import numpy as np
import pandas as pd

from .. import charts
from ..nb import fmt
from . import model as m

WIDTH = 600
KIND_COLORS = alt.Scale(domain=["Merchant GPU", "Custom ASIC (hypothetical)"], range=["#117733", "#0072B2"])
KIND_DASH = alt.Scale(domain=["Merchant GPU", "Custom ASIC (hypothetical)"], range=[[1, 0], [6, 3]])


def fmt_tokens(x: float) -> str:
    """Token counts in words, up to quadrillions (the shared formatter stops at trillions)."""
    if np.isfinite(x) and abs(x) >= 1e15:
        return fmt(x / 1e15) + " quadrillion"
    return fmt(x) if np.isfinite(x) else "no volume"


def usd(x: float) -> str:
    return "$" + fmt(x, sig=2)


def decomposition(decomp: pd.DataFrame, tax_share: float, margin_text: str) -> alt.Chart:
    order = [m.COMPONENT_LABELS[c] for c in m.COMPONENTS]
    totals = decomp.groupby("chip")["usd_per_mtok"].sum()
    title = charts.title(
        f"The vendor's margin is {fmt(tax_share, pct=True)} of what a GPU token costs",
        [f"USD per million output tokens, by component; GPU vendor margin {margin_text}; "
         f"GPU {usd(totals['Merchant GPU'])}, hypothetical ASIC {usd(totals['Custom ASIC (hypothetical)'])}"])
    return alt.Chart(decomp, title=title, width=WIDTH, height=140).mark_bar().encode(
        y=alt.Y("chip:N", title=None, sort=["Merchant GPU", "Custom ASIC (hypothetical)"]),
        x=alt.X("usd_per_mtok:Q", title="USD per million output tokens", stack="zero"),
        color=alt.Color("component:N", title="Component", scale=charts.category_scale(order), sort=order,
                        legend=alt.Legend(columns=3)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("chip:N", title="Chip"), alt.Tooltip("component:N", title="Component"),
                 alt.Tooltip("usd_per_mtok:Q", title="USD per million tokens", format="$.3f"),
                 alt.Tooltip("share:Q", title="Share of total", format=".0%")],
    ).transform_calculate(order=f"indexof({order!r}, datum.component)")


def utilization(curves: pd.DataFrame, u_default: float) -> alt.Chart:
    gpu = curves[curves["chip"] == "Merchant GPU"].set_index("utilization")["usd_per_mtok"]
    lo_u, hi_u = 0.2, 0.8
    ratio = float(np.interp(lo_u, gpu.index, gpu.values) / np.interp(hi_u, gpu.index, gpu.values))
    title = charts.title(
        f"A GPU token costs {fmt(ratio)}x more at {fmt(lo_u, pct=True)} utilization than at {fmt(hi_u, pct=True)}",
        [f"USD per million output tokens (log scale) against the share of hours the chip serves; "
         f"dot: the default utilization ({fmt(u_default, pct=True)})"])
    base = alt.Chart(curves, title=title, width=WIDTH, height=320)
    lines = base.mark_line(strokeWidth=2.5).encode(
        x=alt.X("utilization:Q", title="Utilization (share of hours serving)", axis=alt.Axis(format="%")),
        y=alt.Y("usd_per_mtok:Q", title="USD per million output tokens (log scale)", scale=alt.Scale(type="log")),
        color=alt.Color("chip:N", title=None, scale=KIND_COLORS),
        strokeDash=alt.StrokeDash("chip:N", title=None, scale=KIND_DASH),
        tooltip=[alt.Tooltip("chip:N", title="Chip"), alt.Tooltip("utilization:Q", format=".0%", title="Utilization"),
                 alt.Tooltip("usd_per_mtok:Q", format="$.3f", title="USD per million tokens")],
    )
    at = curves.loc[(curves["utilization"] - u_default).abs().groupby(curves["chip"]).idxmin()]
    dots = alt.Chart(at).mark_point(filled=True, size=80).encode(
        x="utilization:Q", y="usd_per_mtok:Q", color=alt.Color("chip:N", title=None, scale=KIND_COLORS),
        shape=alt.Shape("chip:N", title=None, scale=alt.Scale(domain=list(KIND_COLORS.domain),
                                                  range=[charts.SHAPES["merchant_gpu"], charts.SHAPES["custom_asic"]])),
        tooltip=[alt.Tooltip("chip:N"), alt.Tooltip("utilization:Q", format=".0%"),
                 alt.Tooltip("usd_per_mtok:Q", format="$.3f", title="USD per million tokens")])
    return lines + dots


def breakeven(curve: pd.DataFrame, breakeven_tpy: float, program_tpy: float, volumes: pd.DataFrame,
              nre_text: str) -> alt.Chart:
    title = charts.title(
        f"A custom chip pays for itself above {fmt_tokens(breakeven_tpy)} tokens a year",
        [f"USD per million output tokens (log scale) against annual token volume (log scale);",
         f"the ASIC line includes its one-off cost ({nre_text}); gray rules: token volumes companies reported, annualized"])
    long = curve.melt("tokens_per_year", var_name="chip", value_name="usd_per_mtok")
    long["chip"] = long["chip"].map({"asic_usd_per_mtok": "Custom ASIC (hypothetical)",
                                     "gpu_usd_per_mtok": "Merchant GPU"})
    x = alt.X("tokens_per_year:Q", title="Tokens per year (log scale)", scale=alt.Scale(type="log"),
              axis=alt.Axis(format="~s"))
    lines = alt.Chart(long, title=title, width=WIDTH, height=320).mark_line(strokeWidth=2.5).encode(
        x=x, y=alt.Y("usd_per_mtok:Q", title="USD per million output tokens (log scale)", scale=alt.Scale(type="log")),
        color=alt.Color("chip:N", title=None, scale=KIND_COLORS),
        strokeDash=alt.StrokeDash("chip:N", title=None, scale=KIND_DASH),
        tooltip=[alt.Tooltip("chip:N"), alt.Tooltip("tokens_per_year:Q", format=".2s", title="Tokens per year"),
                 alt.Tooltip("usd_per_mtok:Q", format="$.3f", title="USD per million tokens")])
    marks = pd.DataFrame([
        {"tokens_per_year": breakeven_tpy, "label": "break-even", "y": 12},
        {"tokens_per_year": program_tpy, "label": "program volume", "y": 28},
    ])
    marks = marks[np.isfinite(marks["tokens_per_year"])]
    rules = alt.Chart(marks).mark_rule(color=charts.TEXT, strokeDash=[2, 2]).encode(
        x="tokens_per_year:Q", tooltip=[alt.Tooltip("label:N"), alt.Tooltip("tokens_per_year:Q", format=".2s")])
    labels = alt.Chart(marks).mark_text(align="left", dx=4, dy=-4, color=charts.TEXT, baseline="bottom").encode(
        x="tokens_per_year:Q", y=alt.Y("y:Q", scale=None), text="label:N")
    layers = [lines, rules, labels]
    if volumes is not None and not volumes.empty:
        lo, hi = curve["tokens_per_year"].min(), curve["tokens_per_year"].max()
        vol = volumes[(volumes["tokens_per_year"] >= lo) & (volumes["tokens_per_year"] <= hi)].copy()
        vol["label"] = vol["provider"] + " (" + vol["date"].dt.strftime("%Y-%m") + ")"
        layers.append(alt.Chart(vol).mark_rule(color=charts.MUTED, opacity=0.6).encode(
            x="tokens_per_year:Q",
            tooltip=[alt.Tooltip("provider:N"), alt.Tooltip("product:N"), alt.Tooltip("date:T", format="%Y-%m"),
                     alt.Tooltip("tokens_per_year:Q", format=".2s", title="Tokens per year (annualized)"),
                     alt.Tooltip("source_url:N", title="Source")]))
    return alt.layer(*layers)


def tornado(df: pd.DataFrame) -> alt.Chart:
    top = df.iloc[0]
    base = float(df["base"].iloc[0])
    title = charts.title(
        f"{top['input']} moves the cost most: {usd(min(top['cost_at_low'], top['cost_at_high']))} "
        f"to {usd(max(top['cost_at_low'], top['cost_at_high']))}",
        [f"USD per million output tokens on the merchant GPU with one input at the end of its plausible range, "
         f"the others at their defaults (center line: {usd(base)})"])
    long = pd.concat([
        df.assign(end="low end of range", cost=df["cost_at_low"], value=df["low_value"]),
        df.assign(end="high end of range", cost=df["cost_at_high"], value=df["high_value"]),
    ])
    order = list(df["input"])
    bars = alt.Chart(long, title=title, width=WIDTH - 80, height=24 * len(df)).mark_bar().encode(
        y=alt.Y("input:N", sort=order, title=None),
        x=alt.X("cost:Q", title="USD per million output tokens"),
        x2=alt.X2("base:Q"),
        color=alt.Color("end:N", title=None, scale=alt.Scale(domain=["low end of range", "high end of range"],
                                                             range=[charts.OKABE_ITO[5], charts.OKABE_ITO[3]])),
        tooltip=[alt.Tooltip("input:N", title="Input"), alt.Tooltip("end:N", title="End"),
                 alt.Tooltip("value:Q", title="Input value", format=",.3~g"), alt.Tooltip("unit:N", title="Unit"),
                 alt.Tooltip("cost:Q", title="USD per million tokens", format="$.3f")])
    rule = alt.Chart(pd.DataFrame({"base": [base]})).mark_rule(color=charts.TEXT).encode(x="base:Q")
    return bars + rule


def monte_carlo(samples: np.ndarray, pct: Mapping[str, float], draws: int, seed: int) -> alt.Chart:
    title = charts.title(
        f"Under the stated ranges, a GPU token costs {usd(pct['p10'])} to {usd(pct['p90'])} per million (P10-P90)",
        [f"Distribution of USD per million output tokens (log scale) over {fmt(draws)} seeded draws (seed {seed}); "
         f"rules: P10, P50, P90"])
    logs = np.log10(samples)
    edges = np.linspace(np.percentile(logs, 0.5), np.percentile(logs, 99.5), 41)
    counts, _ = np.histogram(logs, bins=edges)
    hist = pd.DataFrame({"lo": 10 ** edges[:-1], "hi": 10 ** edges[1:], "share": counts / len(samples)})
    bars = alt.Chart(hist, title=title, width=WIDTH, height=260).mark_bar(color=charts.OKABE_ITO[0], opacity=0.8).encode(
        x=alt.X("lo:Q", title="USD per million output tokens (log scale)",
                scale=alt.Scale(type="log", domain=[float(hist["lo"].min()), float(hist["hi"].max())], nice=False)),
        x2="hi:Q", y=alt.Y("share:Q", title="Share of draws", axis=alt.Axis(format="%")), y2=alt.datum(0),
        tooltip=[alt.Tooltip("lo:Q", format="$.3f", title="From"), alt.Tooltip("hi:Q", format="$.3f", title="To"),
                 alt.Tooltip("share:Q", format=".1%", title="Share of draws")])
    q = pd.DataFrame({"x": [pct["p10"], pct["p50"], pct["p90"]], "label": ["P10", "P50", "P90"]})
    rules = alt.Chart(q).mark_rule(color=charts.TEXT, strokeDash=[4, 2]).encode(
        x="x:Q", tooltip=[alt.Tooltip("label:N"), alt.Tooltip("x:Q", format="$.3f", title="USD per million tokens")])
    text = alt.Chart(q).mark_text(dy=-6, baseline="bottom", color=charts.TEXT).encode(
        x="x:Q", y=alt.value(0), text="label:N")
    return bars + rules + text


def price_trend(frontier: pd.DataFrame, decline: Any, benchmark: str, threshold: float) -> alt.Chart:
    title = charts.title(
        f"At fixed capability, the cheapest price fell {fmt(decline.per_year)}x per year "
        f"(90% CI {fmt(decline.low)}-{fmt(decline.high)}x)",
        [f"Output price in USD per million tokens (log scale) of models scoring at least {fmt(threshold)}% on "
         f"{benchmark}; line: log-linear fit to the new lows"])
    pts = frontier.copy()
    pts["status"] = np.where(pts["new_low"], "new cheapest", "other qualifying price")
    y = alt.Y("usd_per_mtok:Q", title="USD per million output tokens (log scale)", scale=alt.Scale(type="log"))
    dots = alt.Chart(pts, title=title, width=WIDTH, height=320).mark_point(filled=True, size=50).encode(
        x=alt.X("date:T", title="Date of the price"), y=y,
        color=alt.Color("status:N", title=None, scale=alt.Scale(domain=["new cheapest", "other qualifying price"],
                                                                range=[charts.OKABE_ITO[3], charts.MUTED])),
        tooltip=[alt.Tooltip("model:N"), alt.Tooltip("provider:N"), alt.Tooltip("date:T"),
                 alt.Tooltip("usd_per_mtok:Q", format="$.3f", title="USD per million output tokens"),
                 alt.Tooltip("score:Q", title=f"{benchmark} score")])
    t = pd.date_range(pts["date"].min(), pts["date"].max(), periods=50)
    years = (t - decline.t0).days / 365.25
    fit = pd.DataFrame({"date": t, "usd_per_mtok": 10 ** (decline.intercept_log10 + decline.slope_log10 * years)})
    line = alt.Chart(fit).mark_line(color=charts.TEXT, strokeDash=[5, 3]).encode(x="date:T", y="usd_per_mtok:Q")
    return dots + line


def market_check(hosts: pd.DataFrame, modeled: float, p10: float, p90: float, model_name: str,
                 ratio: float) -> alt.Chart:
    med = float(hosts["usd_per_mtok_with_prompt"].median())
    title = charts.title(
        f"Hosts charge a median {usd(med)} for {model_name}; the model says a GPU token costs {usd(modeled)}",
        [f"USD per million output tokens plus {fmt(ratio)} prompt tokens each, latest price per host; "
         f"band: modeled P10-P90, line: modeled default"])
    band = alt.Chart(pd.DataFrame({"lo": [p10], "hi": [p90]})).mark_rect(color=charts.OKABE_ITO[2], opacity=0.18).encode(
        x="lo:Q", x2="hi:Q")
    rule = alt.Chart(pd.DataFrame({"x": [modeled]})).mark_rule(color=charts.OKABE_ITO[2], strokeWidth=2).encode(x="x:Q")
    dots = alt.Chart(hosts, title=title, width=WIDTH - 80, height=22 * max(len(hosts), 3)).mark_point(
        filled=True, size=70, color=charts.TEXT).encode(
        y=alt.Y("provider:N", sort=list(hosts["provider"]), title=None),
        x=alt.X("usd_per_mtok_with_prompt:Q", title="USD per million output tokens (with prompt)"),
        tooltip=[alt.Tooltip("provider:N"), alt.Tooltip("date:T", title="Price seen"),
                 alt.Tooltip("input_usd_per_mtok:Q", format="$.3f", title="Input price"),
                 alt.Tooltip("output_usd_per_mtok:Q", format="$.3f", title="Output price"),
                 alt.Tooltip("usd_per_mtok_with_prompt:Q", format="$.3f", title="Per output token with prompt"),
                 alt.Tooltip("source_url:N", title="Source")])
    return alt.layer(band, rule, dots)


def slider(inp: Mapping[str, Any], *, readout_format: str = "$.3f", price_max: float | None = None) -> alt.LayerChart:
    """Cost per token over utilization, recomputed in the browser as the reader moves three sliders.

    The curve and the readout are computed by Vega from `model.cost_expression`, the package's own
    formula, so the page and the package agree (a test renders this chart and checks it).
    """
    price0 = float(inp["price_usd"])
    u = alt.param(name="utilization", value=float(inp["utilization"]),
                  bind=alt.binding_range(min=0.05, max=1.0, step=0.01, name="Utilization (share of hours) "))
    e = alt.param(name="electricity", value=float(inp["electricity_usd_per_kwh"]),
                  bind=alt.binding_range(min=0.02, max=0.30, step=0.005, name="Electricity (USD/kWh) "))
    p = alt.param(name="price", value=price0,
                  bind=alt.binding_range(min=0, max=price_max or round(price0 * 2.5, -3), step=500,
                                         name="Chip price (USD) "))
    grid = pd.DataFrame({"u": np.round(np.linspace(0.05, 1.0, 96), 4)})
    curve_expr = m.cost_expression(inp, price="price", utilization="datum.u", electricity="electricity")
    point_expr = m.cost_expression(inp, price="price", utilization="utilization", electricity="electricity")
    title = charts.title(
        "Move the sliders: the cost per token is recomputed in the page with the chapter's formula",
        ["USD per million output tokens (log scale) against utilization on the merchant GPU; other inputs at "
         "this page's parameters"])
    base = alt.Chart(grid, title=title, width=WIDTH, height=300)
    line = base.mark_line(strokeWidth=2.5, color="#117733").encode(
        x=alt.X("u:Q", title="Utilization (share of hours serving)", axis=alt.Axis(format="%")),
        y=alt.Y("cost:Q", title="USD per million output tokens (log scale)", scale=alt.Scale(type="log")),
        tooltip=[alt.Tooltip("u:Q", format=".0%", title="Utilization"),
                 alt.Tooltip("cost:Q", format="$.3f", title="USD per million tokens")],
    ).transform_calculate(cost=curve_expr).add_params(u, e, p)
    one = alt.Chart(pd.DataFrame({"k": [0]}))
    dot = one.mark_point(filled=True, size=120, color="#117733").encode(
        x="uu:Q", y="cost:Q").transform_calculate(uu="utilization", cost=point_expr)
    readout = one.mark_text(align="right", baseline="top", fontSize=15, fontWeight=600, color=charts.TEXT).encode(
        x=alt.value(WIDTH - 4), y=alt.value(4),
        text=alt.Text("label:N"),
    ).transform_calculate(cost=point_expr,
                          label=f"'At these settings: ' + format(datum.cost, '{readout_format}') + ' per million tokens'")
    return alt.layer(line, dot, readout)
