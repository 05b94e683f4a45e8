"""The chapter's charts. Titles are built from the numbers they show (never typed)."""

from __future__ import annotations

from typing import Any, Mapping

import altair as alt
import numpy as np
import pandas as pd

from .. import charts
from ..formatting import fmt
from . import model as m

#: Plot widths chosen so that each chart, axis labels and legend included, stays within 660 px
#: (the page's column is about 700 px).
WIDTH = 560
WIDE_LABELS = 400   # charts with long category labels on the y axis
BENCHMARK_NAMES = {"mmlu": "MMLU", "gpqa_diamond": "GPQA Diamond"}
#: The merchant GPU modeled is NVIDIA's, so it takes NVIDIA's colour; the hypothetical ASIC belongs to no
#: company and is drawn in dark gray (and dashed), so it cannot be mistaken for an organization's colour.
KIND_COLORS = alt.Scale(domain=["Merchant GPU", "Custom ASIC (hypothetical)"],
                        range=[charts.org_color("NVIDIA"), charts.MUTED])
KIND_DASH = alt.Scale(domain=["Merchant GPU", "Custom ASIC (hypothetical)"], range=[[1, 0], [6, 3]])


#: Vega expression writing a token count in words (the axis of token volumes): 1e15 -> "1 quadrillion".
TOKENS_LABEL = ("datum.value >= 1e15 ? format(datum.value / 1e15, '~g') + ' quadrillion' : "
                "datum.value >= 1e12 ? format(datum.value / 1e12, '~g') + ' trillion' : "
                "format(datum.value / 1e9, '~g') + ' billion'")


def usd(x: float) -> str:
    return "$" + fmt(x, sig=2)


def decomposition(decomp: pd.DataFrame, tax_share: float, margin_text: str) -> alt.Chart:
    order = [m.COMPONENT_LABELS[c] for c in m.COMPONENTS]
    totals = decomp.groupby("chip")["usd_per_mtok"].sum()
    title = charts.title(
        f"The vendor's margin is {fmt(tax_share, pct=True)} of what a GPU token costs",
        ["USD per million output tokens, by component (modeled)",
         f"GPU total {usd(totals['Merchant GPU'])} with NVIDIA's company-wide gross margin {margin_text};",
         f"hypothetical ASIC total {usd(totals['Custom ASIC (hypothetical)'])}, every input an assumption"])
    return alt.Chart(decomp, title=title, width=WIDE_LABELS + 40, height=120).mark_bar().encode(
        y=alt.Y("chip:N", title=None, sort=["Merchant GPU", "Custom ASIC (hypothetical)"],
                axis=alt.Axis(labelLimit=170)),
        x=alt.X("usd_per_mtok:Q", title="USD per million output tokens", stack="zero"),
        color=alt.Color("component:N", title="Component", scale=charts.category_scale(order), sort=order,
                        legend=alt.Legend(columns=2, labelLimit=260)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("chip:N", title="Chip"), alt.Tooltip("component:N", title="Component"),
                 alt.Tooltip("usd_per_mtok:Q", title="USD per million tokens", format="$.3r"),
                 alt.Tooltip("share:Q", title="Share of total", format=".0%")],
    ).transform_calculate(order=f"indexof({order!r}, datum.component)")


def utilization(curves: pd.DataFrame, u_default: float) -> alt.Chart:
    gpu = curves[curves["chip"] == "Merchant GPU"].set_index("utilization")["usd_per_mtok"]
    lo_u, hi_u = 0.2, 0.8
    ratio = float(np.interp(lo_u, gpu.index, gpu.values) / np.interp(hi_u, gpu.index, gpu.values))
    title = charts.title(
        f"A GPU token costs {fmt(ratio)} times as much at {fmt(lo_u, pct=True)} utilization as at {fmt(hi_u, pct=True)}",
        ["USD per million output tokens (log scale) against the share of hours the chip serves",
         f"(modeled); dots: this page's utilization ({fmt(u_default, pct=True)})"])
    base = alt.Chart(curves, title=title, width=WIDTH, height=320)
    lines = base.mark_line(strokeWidth=2.5).encode(
        x=alt.X("utilization:Q", title="Utilization (share of hours serving)", axis=alt.Axis(format="%")),
        y=alt.Y("usd_per_mtok:Q", title="USD per million output tokens (log scale)", scale=alt.Scale(type="log")),
        color=alt.Color("chip:N", title=None, scale=KIND_COLORS),
        strokeDash=alt.StrokeDash("chip:N", title=None, scale=KIND_DASH),
        tooltip=[alt.Tooltip("chip:N", title="Chip"), alt.Tooltip("utilization:Q", format=".0%", title="Utilization"),
                 alt.Tooltip("usd_per_mtok:Q", format="$.3r", title="USD per million tokens")],
    )
    at = curves.loc[(curves["utilization"] - u_default).abs().groupby(curves["chip"]).idxmin()]
    dots = alt.Chart(at).mark_point(filled=True, size=80).encode(
        x="utilization:Q", y="usd_per_mtok:Q", color=alt.Color("chip:N", title=None, scale=KIND_COLORS),
        shape=alt.Shape("chip:N", title=None, scale=alt.Scale(domain=list(KIND_COLORS.domain),
                                                  range=[charts.SHAPES["merchant_gpu"], charts.SHAPES["custom_asic"]])),
        tooltip=[alt.Tooltip("chip:N"), alt.Tooltip("utilization:Q", format=".0%"),
                 alt.Tooltip("usd_per_mtok:Q", format="$.3r", title="USD per million tokens")])
    return lines + dots


def breakeven(curve: pd.DataFrame, breakeven_tpy: float, program_tpy: float, volumes: pd.DataFrame,
              nre_text: str, gpu_range: tuple[float, float] | None = None) -> alt.Chart:
    """ASIC all-in cost against annual volume, the GPU's flat cost, and companies' reported volumes.

    Reported volumes are drawn at their output-token equivalent (`output_tokens_per_year`), the unit
    of the break-even, and coloured by company with the book's palette. `gpu_range` (P10, P90 of the
    GPU's cost) is drawn as a band: where the ASIC curve crosses it is the break-even's spread from the
    GPU side alone (the ASIC's own inputs are held at their assumptions).
    """
    headline = (f"A custom chip pays for itself above {fmt(breakeven_tpy)} output tokens a year"
                if np.isfinite(breakeven_tpy) else "The hypothetical custom chip never pays for itself")
    title = charts.title(
        headline,
        ["USD per million output tokens (log scale) against output tokens a year (log scale). Dashed:",
         f"hypothetical ASIC, one-off cost ({nre_text}) included; green band: the GPU's modeled P10-P90;",
         "vertical lines: volumes companies reported (self-reported, all tokens, converted to output",
         "tokens at this page's input:output mix)"])
    long = curve.melt("tokens_per_year", var_name="chip", value_name="usd_per_mtok")
    long["chip"] = long["chip"].map({"asic_usd_per_mtok": "Custom ASIC (hypothetical)",
                                     "gpu_usd_per_mtok": "Merchant GPU"})
    lo, hi = float(curve["tokens_per_year"].min()), float(curve["tokens_per_year"].max())
    x = alt.X("tokens_per_year:Q", title="Output tokens per year (log scale)",
              scale=alt.Scale(type="log", domain=[lo, hi], nice=False),
              axis=alt.Axis(labelExpr=TOKENS_LABEL, values=[1e13, 1e14, 1e15, 1e16, 1e17], labelFlush=True))
    lines = alt.Chart(long, title=title, width=WIDTH, height=300).mark_line(strokeWidth=2.5).encode(
        x=x, y=alt.Y("usd_per_mtok:Q", title="USD per million output tokens (log scale)", scale=alt.Scale(type="log")),
        color=alt.Color("chip:N", title=None, scale=KIND_COLORS, legend=None),
        strokeDash=alt.StrokeDash("chip:N", title=None, scale=KIND_DASH, legend=None),
        tooltip=[alt.Tooltip("chip:N"), alt.Tooltip("tokens_per_year:Q", format=".2s", title="Output tokens per year"),
                 alt.Tooltip("usd_per_mtok:Q", format="$.3r", title="USD per million tokens")])
    marks = pd.DataFrame([
        {"tokens_per_year": breakeven_tpy, "label": f"break-even {fmt(breakeven_tpy)}", "y": 12},
        {"tokens_per_year": program_tpy, "label": f"modeled program {fmt(program_tpy)}", "y": 28},
    ])
    marks = marks[np.isfinite(marks["tokens_per_year"])]
    rules = alt.Chart(marks).mark_rule(color=charts.TEXT, strokeDash=[2, 2], strokeWidth=1.5).encode(
        x="tokens_per_year:Q", tooltip=[alt.Tooltip("label:N"), alt.Tooltip("tokens_per_year:Q", format=".2s")])
    labels = alt.Chart(marks).mark_text(align="left", dx=4, dy=-4, color=charts.TEXT, baseline="bottom").encode(
        x="tokens_per_year:Q", y=alt.Y("y:Q", scale=None), text="label:N")
    # the two lines are labelled directly (a legend would repeat the companies' colours)
    gpu_y = float(curve["gpu_usd_per_mtok"].iloc[-1])
    i = min(8, len(curve) - 1)
    names = pd.DataFrame([
        {"tokens_per_year": hi, "usd_per_mtok": gpu_y, "text": "Merchant GPU", "align": "right", "dy": -8,
         "chip": "Merchant GPU"},
        {"tokens_per_year": float(curve["tokens_per_year"].iloc[i]), "usd_per_mtok": float(curve["asic_usd_per_mtok"].iloc[i]),
         "text": "Hypothetical ASIC, one-off cost included", "align": "left", "dy": 0, "chip": "Custom ASIC (hypothetical)"},
    ])
    name_marks = [alt.Chart(names[names["align"] == a]).mark_text(align=a, dx=8 if a == "left" else 0, dy=dy,
                                                                    fontWeight=600).encode(
        x="tokens_per_year:Q", y="usd_per_mtok:Q", text="text:N",
        color=alt.Color("chip:N", scale=KIND_COLORS, legend=None)) for a, dy in (("right", -8), ("left", 0))]
    layers = [lines, *name_marks]
    if gpu_range is not None:
        layers.insert(0, alt.Chart(pd.DataFrame({"lo": [gpu_range[0]], "hi": [gpu_range[1]]})).mark_rect(
            color=charts.org_color("NVIDIA"), opacity=0.12).encode(
            y="lo:Q", y2="hi:Q",
            tooltip=[alt.Tooltip("lo:Q", format="$.2r", title="GPU cost P10 (USD per million)"),
                     alt.Tooltip("hi:Q", format="$.2r", title="GPU cost P90 (USD per million)")]))
    if volumes is not None and not volumes.empty:
        vol = volumes.rename(columns={"tokens_per_year": "reported_tokens_per_year"})
        vol = vol.assign(tokens_per_year=vol["output_tokens_per_year"])
        vol = vol[(vol["tokens_per_year"] >= lo) & (vol["tokens_per_year"] <= hi)].copy()
        vol["date_txt"] = vol["date"].dt.strftime("%Y-%m")
        layers.append(alt.Chart(vol).mark_rule(strokeWidth=1.5, opacity=0.75).encode(
            x="tokens_per_year:Q",
            color=alt.Color("provider:N", title="Reported by", scale=charts.org_scale(vol["provider"]),
                            legend=alt.Legend(columns=4, symbolType="stroke")),
            tooltip=[alt.Tooltip("provider:N", title="Company"), alt.Tooltip("product:N", title="Scope"),
                     alt.Tooltip("date_txt:N", title="Date"),
                     alt.Tooltip("reported_tokens_per_year:Q", format=".2s", title="Tokens a year, as reported (annualized)"),
                     alt.Tooltip("tokens_per_year:Q", format=".2s", title="Output-token equivalent a year"),
                     alt.Tooltip("source_url:N", title="Source (self-reported)")]))
    layers += [rules, labels]
    return alt.layer(*layers).resolve_scale(color="independent")


def tornado(df: pd.DataFrame) -> alt.Chart:
    top = df.iloc[0]
    base = float(df["base"].iloc[0])
    title = charts.title(
        f"{top['input']} moves the cost most: {usd(min(top['cost_at_low'], top['cost_at_high']))} "
        f"to {usd(max(top['cost_at_low'], top['cost_at_high']))}",
        ["USD per million output tokens on the merchant GPU (modeled), one input at an end of",
         f"its assumed plausible range, the others at their defaults (center line: {usd(base)})"])
    long = pd.concat([
        df.assign(end="low end of range", cost=df["cost_at_low"], value=df["low_value"]),
        df.assign(end="high end of range", cost=df["cost_at_high"], value=df["high_value"]),
    ])
    order = list(df["input"])
    bars = alt.Chart(long, title=title, width=WIDE_LABELS + 30, height=22 * len(df)).mark_bar().encode(
        y=alt.Y("input:N", sort=order, title=None, axis=alt.Axis(labelLimit=170)),
        x=alt.X("cost:Q", title="USD per million output tokens"),
        x2=alt.X2("base:Q"),
        color=alt.Color("end:N", title=None, scale=alt.Scale(domain=["low end of range", "high end of range"],
                                                             range=[charts.OKABE_ITO[5], charts.OKABE_ITO[3]])),
        tooltip=[alt.Tooltip("input:N", title="Input"), alt.Tooltip("end:N", title="End"),
                 alt.Tooltip("value:Q", title="Input value", format=",.3~g"), alt.Tooltip("unit:N", title="Unit"),
                 alt.Tooltip("cost:Q", title="USD per million tokens", format="$.3r")])
    rule = alt.Chart(pd.DataFrame({"base": [base]})).mark_rule(color=charts.TEXT).encode(x="base:Q")
    return bars + rule


def monte_carlo(samples: np.ndarray, pct: Mapping[str, float], draws: int, seed: int) -> alt.Chart:
    title = charts.title(
        f"A GPU token costs {usd(pct['p10'])} to {usd(pct['p90'])} per million (P10-P90)",
        [f"Modeled USD per million output tokens (log scale), {fmt(draws)} seeded draws (seed {seed}) of the",
         "inputs over their assumed ranges; dashed lines: P10, P50 (median), P90"])
    logs = np.log10(samples)
    edges = np.linspace(np.percentile(logs, 0.5), np.percentile(logs, 99.5), 41)
    counts, _ = np.histogram(logs, bins=edges)
    hist = pd.DataFrame({"lo": 10 ** edges[:-1], "hi": 10 ** edges[1:], "share": counts / len(samples)})
    bars = alt.Chart(hist, title=title, width=WIDTH, height=260).mark_bar(color=charts.OKABE_ITO[0], opacity=0.8).encode(
        x=alt.X("lo:Q", title="USD per million output tokens (log scale)",
                scale=alt.Scale(type="log", domain=[float(hist["lo"].min()), float(hist["hi"].max())], nice=False)),
        x2="hi:Q", y=alt.Y("share:Q", title="Share of draws", axis=alt.Axis(format="%")), y2=alt.datum(0),
        tooltip=[alt.Tooltip("lo:Q", format="$.3r", title="From"), alt.Tooltip("hi:Q", format="$.3r", title="To"),
                 alt.Tooltip("share:Q", format=".1%", title="Share of draws")])
    q = pd.DataFrame({"x": [pct["p10"], pct["p50"], pct["p90"]], "label": ["P10", "P50", "P90"]})
    rules = alt.Chart(q).mark_rule(color=charts.TEXT, strokeDash=[4, 2]).encode(
        x="x:Q", tooltip=[alt.Tooltip("label:N"), alt.Tooltip("x:Q", format="$.3r", title="USD per million tokens")])
    text = alt.Chart(q).mark_text(dy=-6, baseline="bottom", color=charts.TEXT).encode(
        x="x:Q", y=alt.value(0), text="label:N")
    return bars + rules + text


def market_check(hosts: pd.DataFrame, modeled: float, p10: float, p90: float, model_name: str,
                 ratio: float) -> alt.Chart:
    med = float(hosts["usd_per_mtok_with_prompt"].median())
    title = charts.title(
        f"Hosts charge a median {usd(med)} for {model_name}; modeled cost {usd(modeled)}",
        [f"Observed price, USD per million output tokens plus {fmt(ratio)} prompt tokens each, latest per host;",
         "green band: modeled cost P10-P90, green line: modeled cost at this page's defaults"])
    band = alt.Chart(pd.DataFrame({"lo": [p10], "hi": [p90]})).mark_rect(color=charts.OKABE_ITO[2], opacity=0.18).encode(
        x="lo:Q", x2="hi:Q")
    rule = alt.Chart(pd.DataFrame({"x": [modeled]})).mark_rule(color=charts.OKABE_ITO[2], strokeWidth=2).encode(x="x:Q")
    kinds = ["merchant GPU", "own custom chip"]
    dots = alt.Chart(hosts, title=title, width=WIDE_LABELS + 60, height=22 * max(len(hosts), 3)).mark_point(
        filled=True, size=80).encode(
        y=alt.Y("provider:N", sort=list(hosts["provider"]), title=None),
        color=alt.Color("provider:N", scale=charts.org_scale(hosts["provider"]), legend=None),
        shape=alt.Shape("hardware:N", title="Host serves on", scale=alt.Scale(
            domain=kinds, range=[charts.SHAPES["merchant_gpu"], charts.SHAPES["custom_asic"]])),
        x=alt.X("usd_per_mtok_with_prompt:Q", title="USD per million output tokens (with prompt)"),
        tooltip=[alt.Tooltip("provider:N", title="Host"), alt.Tooltip("hardware:N", title="Serves on"),
                 alt.Tooltip("date:T", title="Price seen"),
                 alt.Tooltip("input_usd_per_mtok:Q", format="$.3r", title="Input price (USD per million)"),
                 alt.Tooltip("output_usd_per_mtok:Q", format="$.3r", title="Output price (USD per million)"),
                 alt.Tooltip("usd_per_mtok_with_prompt:Q", format="$.3r",
                             title="USD per million output tokens with prompt"),
                 alt.Tooltip("source_url:N", title="Source")])
    return alt.layer(band, rule, dots)


# --------------------------------------------------------------------------------------------------
# Calibration, frontier, accelerators compared, and the live cost


def parity(table: pd.DataFrame, heldout_text: str, share_text: str) -> alt.LayerChart:
    """Model against measurement for every measured point, held-out prediction (each source scored by
    a fit on the others), with the ×2 band."""
    pts_all = table.dropna(subset=["modeled_heldout"])
    # one point per source, chip, model and precision: the median of its runs (a point per run, 460 of
    # them, made the page heavier than a phone should load; the errors in the title use every run)
    keys = [k for k in ("source", "accelerator", "model", "precision") if k in pts_all]
    df = (pts_all.groupby(keys, dropna=False).agg(measured=("measured", "median"),
                                                  modeled_heldout=("modeled_heldout", "median"),
                                                  runs=("measured", "size")).reset_index())
    lo = float(min(df["measured"].min(), df["modeled_heldout"].min()) / 1.5)
    hi = float(max(df["measured"].max(), df["modeled_heldout"].max()) * 1.5)
    band = pd.DataFrame({"x": np.geomspace(lo, hi, 20)})
    band["lo"], band["hi"] = band["x"] / 2, band["x"] * 2
    title = charts.title(f"Held out, the model misses measured throughput by a median {heldout_text}",
                         ["Output tokens/s per chip: modeled (each source predicted by a fit on the others) "
                          "against measured, log scales; one point per source, chip, model and precision (median of",
                          f"its runs); {share_text} of runs within ×2 (grey band)"])
    scale = alt.Scale(type="log", domain=[lo, hi])
    base = alt.Chart(band, title=title, width=WIDTH - 60, height=360)
    area = base.mark_area(opacity=0.25, color=charts.MUTED).encode(
        x=alt.X("x:Q", scale=scale, title="Measured output tokens/s per chip (log scale)"),
        y=alt.Y("lo:Q", scale=scale, title="Modeled output tokens/s per chip (log scale)"), y2="hi:Q")
    diag = base.mark_line(color=charts.MUTED, strokeDash=[4, 3]).encode(x="x:Q", y="x:Q")
    pts = alt.Chart(df).mark_point(filled=True, size=70, opacity=0.85).encode(
        x=alt.X("measured:Q", scale=scale), y=alt.Y("modeled_heldout:Q", scale=scale),
        color=alt.Color("accelerator:N", title="Accelerator", scale=charts.category_scale(sorted(df["accelerator"].unique())),
                        legend=alt.Legend(columns=2, labelLimit=200, orient="bottom")),
        shape=alt.Shape("source:N", title="Source", legend=alt.Legend(columns=2, labelLimit=220, orient="bottom")),
        tooltip=[alt.Tooltip("source:N", title="Source"),
                 alt.Tooltip("accelerator:N", title="Accelerator"), alt.Tooltip("model:N", title="Model"),
                 alt.Tooltip("precision:N", title="Precision"), alt.Tooltip("runs:Q", title="Runs"),
                 alt.Tooltip("measured:Q", title="Measured tokens/s per chip (median)", format=",.0f"),
                 alt.Tooltip("modeled_heldout:Q", title="Modeled, held out (median)", format=",.0f")])
    return alt.layer(area, diag, pts)


def throughput_frontier(front: pd.DataFrame, speed: float, tps: float, accelerator: str, model_name: str,
                        measured: pd.DataFrame | None = None, basis: str = "modeled") -> alt.LayerChart:
    df = front.dropna(subset=["output_tokens_per_s_per_chip"])
    title = charts.title(f"At {fmt(speed)} tokens/s per user, {accelerator} serves {fmt(tps)} output tokens/s per chip "
                         f"({basis})",
                         [f"Throughput per chip against speed per user, {model_name}: line, calibrated roofline;",
                          "dots, measured points of this chip, model, precision and workload"])
    line = alt.Chart(df, title=title, width=WIDTH, height=300).mark_line(color=charts.org_color("NVIDIA"), strokeWidth=2.5).encode(
        x=alt.X("target_tokens_per_s_per_user:Q", title="Output tokens/s per user (log scale)", scale=alt.Scale(type="log")),
        y=alt.Y("output_tokens_per_s_per_chip:Q", title="Output tokens/s per chip (log scale)", scale=alt.Scale(type="log")),
        tooltip=[alt.Tooltip("target_tokens_per_s_per_user:Q", title="Tokens/s per user", format=".3r"),
                 alt.Tooltip("output_tokens_per_s_per_chip:Q", title="Tokens/s per chip", format=",.0f"),
                 alt.Tooltip("chips_per_replica:Q", title="Chips per replica"),
                 alt.Tooltip("batch:Q", title="Sequences per replica", format=",.0f")])
    dot = alt.Chart(pd.DataFrame({"x": [speed], "y": [tps]})).mark_point(filled=True, size=140, color=charts.TEXT).encode(
        x="x:Q", y="y:Q")
    if measured is None or measured.empty:
        return alt.layer(line, dot)
    pts = alt.Chart(measured).mark_point(size=70, color=charts.org_color("NVIDIA"), filled=False, strokeWidth=2).encode(
        x="speed:Q", y="tps:Q",
        tooltip=[alt.Tooltip("source:N", title="Source"), alt.Tooltip("speed:Q", title="Tokens/s per user", format=".3r"),
                 alt.Tooltip("tps:Q", title="Tokens/s per chip", format=",.0f"), alt.Tooltip("point_id:N", title="Point")])
    return alt.layer(line, pts, dot)


def comparison(comp: pd.DataFrame, speed: float, pricing: str) -> alt.Chart:
    df = comp[comp["pricing"] == pricing].copy()
    if df.empty:
        df = comp.copy()
    best = df.sort_values("usd_per_mtok").groupby("model").head(1)
    lead = "; ".join(f"{r.accelerator} for {r.model}" for r in best.itertuples())
    title = charts.title(f"Cheapest per token in the model: {lead}",
                         [f"Modeled USD per million output tokens at {fmt(speed)} tokens/s per user ({pricing}), "
                          "log scale;", "every merchant GPU with the specs and a price in the data"])
    order = df.groupby("accelerator")["usd_per_mtok"].min().sort_values().index.tolist()
    return alt.Chart(df, title=title, width=WIDE_LABELS, height=alt.Step(22)).mark_point(filled=True, size=80).encode(
        y=alt.Y("accelerator:N", sort=order, title=None, axis=alt.Axis(labelLimit=200)),
        x=alt.X("usd_per_mtok:Q", title="USD per million output tokens (log scale)", scale=alt.Scale(type="log")),
        color=alt.Color("vendor:N", scale=charts.org_scale(sorted(df["vendor"].unique())), title="Vendor"),
        shape=alt.Shape("model:N", title="Model"),
        tooltip=[alt.Tooltip("accelerator:N", title="Accelerator"), alt.Tooltip("model:N", title="Model"),
                 alt.Tooltip("usd_per_mtok:Q", title="USD per million tokens", format="$.3r"),
                 alt.Tooltip("tokens_per_s_per_chip:Q", title="Tokens/s per chip", format=",.0f")])


def measured_costs(costs: pd.DataFrame, footing: str) -> alt.Chart:
    # one point per accelerator, model and source: its cheapest measured run (a strip of
    # every run, 850 of them, made the page heavier than a phone should load and hid nothing more)
    keys = [k for k in ("accelerator", "model", "source") if k in costs]
    df = costs.sort_values("usd_per_mtok").groupby(keys, as_index=False, dropna=False).head(1) if keys else costs.copy()
    title = charts.title("Measured throughput, priced at sourced rental rates",
                         ["USD per million output tokens = $ per chip-hour / (measured output tokens/s per chip x 3,600) "
                          "x 10^6, log scale;", "the cheapest run of each chip, model and source; "
                          f"the cheapest on the newest footing: {footing}"])
    return alt.Chart(df, title=title, width=WIDE_LABELS, height=alt.Step(22)).mark_point(filled=True, size=60).encode(
        y=alt.Y("accelerator:N", title=None, sort="x", axis=alt.Axis(labelLimit=200)),
        x=alt.X("usd_per_mtok:Q", title="USD per million output tokens (log scale)", scale=alt.Scale(type="log")),
        color=alt.Color("model:N", title="Model", legend=alt.Legend(columns=2, labelLimit=200, orient="bottom")),
        shape=alt.Shape("source:N", title="Source", legend=alt.Legend(columns=2, labelLimit=220, orient="bottom")),
        tooltip=[alt.Tooltip("point_id:N", title="Point"), alt.Tooltip("source:N"), alt.Tooltip("model:N"),
                 alt.Tooltip("scenario:N"), alt.Tooltip("usd_per_chip_hour:Q", format="$.2f", title="$/chip-hour"),
                 alt.Tooltip("output_tokens_per_s_per_chip:Q", format=",.0f", title="Tokens/s per chip"),
                 alt.Tooltip("usd_per_mtok:Q", format="$.3r", title="USD per million tokens")])


def live_cost(grid: pd.DataFrame, defaults: Mapping[str, Any], readout_format: str = ".2r") -> alt.LayerChart:
    """Cost per million output tokens against speed per user, recomputed in the page.

    `grid` holds, per accelerator and speed, the calibrated throughput and the accelerator's owned
    capital per chip (chip part, rest of server), power: everything the cost formula needs that the
    controls do not set. Controls: accelerator (select), speed per user, utilization, vendor margin.
    The readout and the title follow them; `defaults` sets their start (a reset button in the page
    restores them).
    """
    accs = sorted(grid["accelerator"].unique())
    acc = alt.param(name="acc", value=defaults["accelerator"],
                    bind=alt.binding_select(options=accs, name="Accelerator "))
    # the slider spans what the fastest chip serves (a slider's range cannot follow the chosen chip in
    # Vega-Lite); past the chosen chip's own fastest speed the chart says so and the readout holds there
    tops = (grid.groupby("accelerator")["max_speed"].max() if "max_speed" in grid
            else grid.groupby("accelerator")["speed"].max())
    lo_speed = float(np.floor(grid["speed"].min()))
    hi_speed = float(np.ceil(tops.max()))
    speed = alt.param(name="speed", value=float(defaults["speed"]),
                      bind=alt.binding_range(min=lo_speed, max=hi_speed, step=1,
                                             name="Speed per user (output tokens/s) "))
    u = alt.param(name="util", value=float(defaults["utilization"]),
                  bind=alt.binding_range(min=0.05, max=1.0, step=0.01, name="Utilization (share of hours) "))
    mg = alt.param(name="margin", value=round(float(defaults["margin"]), 3),
                   bind=alt.binding_range(min=0.0, max=0.95, step=0.01, name="Vendor margin (share of chip price) "))
    crf, hours = float(defaults["crf"]), m.HOURS_PER_YEAR
    cost = (f"((datum.capital * {crf} + datum.facility_per_year) / ({hours} * util) + datum.power_per_hour)"
            f" / (datum.tps * 3600) * 1e6")
    tax = f"(datum.chip_usd * margin * {crf} / ({hours} * util)) / (datum.tps * 3600) * 1e6"
    title = charts.live_title(
        ["acc + ': $' + format(readout_cost, '" + readout_format + "') + ' per million'",
         "'output tokens at ' + format(speed, '.0f') + ' tokens/s per user'"],
        "USD per million output tokens (log scale) against speed per user, owned chips; throughput measured "
        "where a measured frontier covers the speed, else the calibrated model; move the controls under the chart")
    base = alt.Chart(grid).transform_filter("datum.accelerator == acc")
    line = base.mark_line(strokeWidth=2.5, color=charts.org_color("NVIDIA")).encode(
        x=alt.X("speed:Q", title="Output tokens/s per user (log scale)", scale=alt.Scale(type="log", domain=[lo_speed, hi_speed])),
        y=alt.Y("cost:Q", title="USD per million output tokens (log scale)", scale=alt.Scale(type="log")),
        tooltip=[alt.Tooltip("speed:Q", title="Tokens/s per user", format=".3r"),
                 alt.Tooltip("cost:Q", title="USD per million tokens", format="$.3r")]
        + ([alt.Tooltip("basis:N", title="Throughput")] if "basis" in grid else []),
    ).transform_calculate(cost=cost)
    # the readout: the grid row nearest the chosen speed (the grid is dense enough for 2 significant figures)
    point = base.transform_calculate(cost=cost, tax=tax, d="abs(log(datum.speed) - log(speed))").transform_window(
        rank="rank()", sort=[alt.SortField("d")]).transform_filter("datum.rank == 1")
    dot = point.mark_point(filled=True, size=140, color=charts.TEXT).encode(x="speed:Q", y="cost:Q")
    note = alt.Chart(pd.DataFrame({"k": [0]})).mark_text(
        align="left", baseline="top", fontSize=13, fontWeight=600, color=charts.TEXT).encode(
        x=alt.value(6), y=alt.value(4), text="label:N").transform_calculate(
        label="'Margin ' + format(margin, '.0%') + ' = ' + format(readout_tax, '.0%') + ' of cost, '"
              " + 'use ' + format(util, '.0%')")
    top_expr = "0"
    for name, v in reversed(list(tops.items())):
        top_expr = f"(acc == {name!r} ? {float(v)} : {top_expr})"
    past = alt.Chart(pd.DataFrame({"k": [0]})).mark_text(
        align="left", baseline="top", fontSize=12, color=charts.MUTED).encode(
        x=alt.value(6), y=alt.value(22), text="label:N").transform_calculate(
        label=f"speed > {top_expr} ? acc + ' serves at most ' + format({top_expr}, '.0f') + "
              "' tokens/s per user (measured or modeled): the readout stays at that speed' : ''")
    layer = alt.layer(line.add_params(acc, speed, u, mg), dot, note, past).properties(title=title, width=WIDTH,
                                                                                      height=300)
    return _with_readout(layer, grid, cost, tax, crf)


def _with_readout(layer: alt.LayerChart, grid: pd.DataFrame, cost: str, tax: str, crf: float) -> alt.LayerChart:
    """Define the title's readout params as expressions over the grid (a lookup by accelerator and
    nearest speed, written out as a Vega expression so the title needs no data access)."""
    # per accelerator: arrays of speeds, throughputs and constants
    parts_cost, parts_tax = [], []
    for name, g in grid.groupby("accelerator"):
        g = g.sort_values("speed")
        sp = [round(float(x), 4) for x in g["speed"]]
        tp = [round(float(x), 3) for x in g["tps"]]
        row = g.iloc[0]
        tps_expr = f"{tp}[clamp(round(log(speed / {sp[0]}) / log({sp[-1]} / {sp[0]}) * {len(sp) - 1}), 0, {len(sp) - 1})]"
        c = (f"(({float(row['capital'])} * {crf} + {float(row['facility_per_year'])}) / ({m.HOURS_PER_YEAR} * util) + "
             f"{float(row['power_per_hour'])}) / ({tps_expr} * 3600) * 1e6")
        t = (f"(({float(row['chip_usd'])} * margin * {crf} / ({m.HOURS_PER_YEAR} * util)) / ({tps_expr} * 3600) * 1e6)"
             f" / ({c})")
        parts_cost.append((name, c))
        parts_tax.append((name, t))
    def chain(parts):
        expr = "0"
        for name, e in reversed(parts):
            expr = f"(acc == {name!r} ? {e} : {expr})"
        return expr
    return layer.add_params(alt.param(name="readout_cost", expr=chain(parts_cost)),
                            alt.param(name="readout_tax", expr=chain(parts_tax)))


# --------------------------------------------------------------------------------------------------
# One call per chart from the chapter's Result (the notebook passes only `r`)


def decomposition_r(r: Any) -> alt.Chart:
    return decomposition(r.decomposition(), r.gpu_cost_owned["tax_share"], f"{fmt(r.margin, pct=True)} ({r.margin_period})")


def utilization_r(r: Any) -> alt.Chart:
    from .analysis import utilization_curve
    curves = pd.concat([utilization_curve(r.gpu).assign(chip="Merchant GPU"),
                        utilization_curve(r.asic).assign(chip="Custom ASIC (hypothetical)")])
    return utilization(curves, r.p.utilization)


def breakeven_r(r: Any) -> alt.Chart:
    from .analysis import breakeven_curve
    curve = breakeven_curve(r.asic_reference_cost, r.asic_marginal_mtok, r.nre_annual_usd)
    return breakeven(curve, r.breakeven_tokens_per_year, r.program_tokens_per_year, r.volumes,
                     usd(r.p.asic_nre_usd), gpu_range=(r.mc["p10"], r.mc["p90"]))


def placeholder(text: str) -> alt.Chart:
    """A chart-sized note where the data for a chart are missing (the page still says why)."""
    return alt.Chart(pd.DataFrame({"t": [text]}), title=charts.title(text, "No data to draw"), width=WIDTH,
                     height=60).mark_text(color=charts.MUTED).encode(text="t:N")


def parity_r(r: Any) -> alt.Chart:
    c = r.calibration
    if c is None:
        return placeholder("The model is not checked against measurements: none are usable in the data")
    return parity(c.table, f"×{fmt(10 ** c.heldout_median_abs_log10_error)}", fmt(c.heldout_share_within_2x, pct=True))


def frontier_r(r: Any) -> alt.Chart:
    return throughput_frontier(r.frontier, r.p.tokens_per_second_per_user, r.serving["output_tokens_per_s_per_chip"],
                               r.p.accelerator, r.p.reference_model, r.extras["head"]["points"], r.extras["head"]["basis"])


def footings_table(r: Any) -> pd.DataFrame:
    """C4's footings, newest first, for the page's table."""
    f = r.extras["footings"]
    if f.empty:
        return pd.DataFrame({"Footing": ["none qualifies"]})
    return pd.DataFrame({
        "Model": f["model"], "Source": f["source"], "Scenario or speed": f["scenario"],
        "Date": pd.to_datetime(f["as_of"]).dt.date.astype(str), "Chips": f["n"],
        "USD per million output tokens (cheapest first)": f["accelerators"],
        "Vendor cheapest": f["claimant_cheapest"], "Most tokens per chip": f["fastest"],
        "Vendor most tokens per chip": f["claimant_fastest"]})


def variants_table(r: Any) -> pd.DataFrame:
    """Every structural variant: its throughput and cost (clipped to the measured floor and the ceiling),
    its worst miss of the measured frontier and whether it stays in the band."""
    dropped = r.extras.get("variants_dropped")
    v = pd.concat([r.extras["variants"], dropped], ignore_index=True) if dropped is not None and len(dropped) \
        else r.extras["variants"]
    miss = v["miss"] if "miss" in v else pd.Series(np.nan, index=v.index)
    kept = v["kept"] if "kept" in v else pd.Series(True, index=v.index)
    return pd.DataFrame({"Model structure": v["variant"],
                         "Tokens/s per chip": [fmt(x) for x in v["tokens_per_s_per_chip"]],
                         "USD per million output tokens": [usd(x) for x in v["usd_per_mtok"]],
                         "Miss of the measured frontier (median)": [f"×{fmt(x)}" if np.isfinite(x) else "unreached"
                                                                 for x in pd.to_numeric(miss)],
                         "In the band": ["yes" if k else "no (ruled out)" for k in kept]})


def breakeven_nre_r(r: Any) -> alt.Chart:
    """The ASIC's break-even volume against its program cost, one line per input:output mix, with the
    reference workload's volume."""
    g = r.extras["breakeven_grid"].copy()
    ref = r.extras["reference_volume"]
    flip = r.extras["flip_nre"]
    if g.empty:
        return placeholder("No break-even: the GPU's throughput at these settings is not known")
    g["mix_label"] = [f"{m:g} input : 1 output" for m in g["mix"]]
    head = (f"At the stated mix the break-even passes {ref['name']} at a program cost of {usd(flip)}"
            if flip is not None else "No reference workload in the data")
    title = charts.title(head, ["Break-even volume of the hypothetical ASIC (tokens a year, input and output) against "
                                "its one-off program cost,", "per input:output token mix; GPU measured where measured"])
    line = alt.Chart(g, title=title, width=WIDTH, height=300).mark_line(point=True).encode(
        x=alt.X("nre_usd:Q", title="Program cost, USD (log scale)", scale=alt.Scale(type="log")),
        y=alt.Y("breakeven_total_tokens_per_year:Q", title="Break-even tokens a year (log scale)",
                scale=alt.Scale(type="log")),
        color=alt.Color("mix_label:N", title="Token mix"),
        tooltip=[alt.Tooltip("mix_label:N", title="Mix"), alt.Tooltip("nre_usd:Q", title="Program cost", format="$.3s"),
                 alt.Tooltip("breakeven_total_tokens_per_year:Q", title="Break-even tokens/yr", format=".3s")])
    if ref["tokens_per_year"] is None:
        return line
    rule = alt.Chart(pd.DataFrame({"y": [ref["tokens_per_year"]], "t": [ref["name"]]})).mark_rule(
        strokeDash=[4, 3], color=charts.MUTED).encode(y="y:Q", tooltip=[alt.Tooltip("t:N", title="Reference")])
    return alt.layer(line, rule)


def comparison_r(r: Any) -> alt.Chart:
    return comparison(r.comparison, r.p.tokens_per_second_per_user, "ownership")


def measured_r(r: Any) -> alt.Chart:
    if r.measured_costs.empty:
        return placeholder("No measured point has a sourced price per chip-hour")
    cm = r.cheapest_measured
    footing = f"{cm['accelerator']} ({cm['model']}, {cm['source']}, {cm['scenario']})" if cm["accelerator"] else "none"
    return measured_costs(r.measured_costs, footing)


def market_r(r: Any) -> alt.Chart:
    if not len(r.hosts):
        return placeholder("No host prices for this model in the data")
    io = r.p.input_tokens / r.p.output_tokens
    return market_check(r.hosts, r.gpu_cost["total"], r.mc["p10"], r.mc["p90"], r.p.reference_model, io)


def price_r(r: Any) -> alt.Chart:
    """The headline threshold's qualifying prices (events, bounds) and the fitted decline (log scale)."""
    from . import price_trend as pt
    res, h = r.price.get("result"), r.price.get("headline")
    if res is None or h is None:
        return placeholder("No price trend: " + str(r.price.get("problem")))
    key = res.headline
    front, fit = res.frontiers[key], res.fits[key]
    if front is None or not len(front):
        return placeholder("No qualifying prices at this threshold")
    df = front.assign(kind_label=front["kind"].map({"event": "launch or price cut", "bound": "price seen on a dated page (upper bound)",
                                                     "undated": "undated listing (upper bound at the window's end)"}),
                      new_low=front["new_low"].map({True: "new low (fitted)", False: "not a new low"}))
    rate = f"×{fmt(h['per_year'])} cheaper per year" if np.isfinite(h["per_year"]) else "no rate (too few new lows)"
    title = charts.title(f"At {h['threshold_label']}: {rate}",
                         [f"Price of models reaching the threshold, USD per million tokens ({pt.BASIS_LABELS[h['basis']]}), "
                          "log scale;", "filled: launches and price cuts; hollow: prices seen on a page (upper bounds); "
                          "line: the fit"])
    pts = alt.Chart(df, title=title, width=WIDTH, height=300).mark_point(size=60, filled=True, strokeWidth=1.5).encode(
        x=alt.X("date:T", title="Date the price took effect (or was seen)", axis=alt.Axis(format="%Y")),
        y=alt.Y("usd_per_mtok:Q", title="USD per million tokens (log scale)", scale=alt.Scale(type="log")),
        color=alt.Color("provider:N", scale=charts.org_scale(sorted(df["provider"].unique())), title="Provider"),
        shape=alt.Shape("kind_label:N", title="Kind"),
        fillOpacity=alt.condition("datum.kind == 'event'", alt.value(1.0), alt.value(0.0)),
        tooltip=[alt.Tooltip("model:N", title="Model"), alt.Tooltip("provider:N", title="Provider"),
                 alt.Tooltip("date:T", title="Date"), alt.Tooltip("usd_per_mtok:Q", title="USD per million tokens", format="$.3r"),
                 alt.Tooltip("kind_label:N", title="Kind"), alt.Tooltip("new_low:N", title="Frontier")])
    layers = [pts]
    if fit is not None:
        grid = pd.DataFrame({"date": pd.date_range(df["date"].min(), df["date"].max(), periods=40)})
        grid["fit"] = fit.predict(grid["date"])
        layers.append(alt.Chart(grid).mark_line(color=charts.TEXT, strokeDash=[5, 3]).encode(x="date:T", y="fit:Q"))
    return alt.layer(*layers)


def price_rates_table(r: Any) -> pd.DataFrame:
    from . import price_trend as pt
    res = r.price.get("result")
    if res is None:
        return pd.DataFrame({"Note": [str(r.price.get("problem"))]})
    t = pt.rates_table(res)
    for c in ("× per year", "90% low", "90% high"):
        t[c] = t[c].map(lambda v: "" if not np.isfinite(v) else fmt(v))
    return t


def price_comparison_table(r: Any) -> pd.DataFrame:
    res = r.price.get("result")
    if res is None or res.comparison is None:
        return pd.DataFrame({"Note": ["No published rates in the data"]})
    c = res.comparison
    f = lambda v: "" if v is None or not np.isfinite(v) else fmt(v)  # noqa: E731
    return pd.DataFrame({
        "Source": c["source"], "What is measured": c["measure"],
        "Published × per year": [f(v) + (" (annualized)" if a else "") for v, a in zip(c["published_per_year"], c["annualized"])],
        "Ours, same footing": [f"{f(v)} ({f(lo)} to {f(hi)})" if np.isfinite(v) else ("no rate" if s else "no same footing")
                               for v, lo, hi, s in zip(c["our_per_year"], c["our_low"], c["our_high"], c["same_footing"])],
        "Intervals overlap": c["intervals_overlap"].map({True: "yes", False: "no"}),
    })


def monte_carlo_r(r: Any) -> alt.Chart:
    return monte_carlo(r.mc_total, r.mc, r.p.mc_draws, r.p.seed)


def tornado_r(r: Any) -> alt.Chart:
    return tornado(r.tornado)


def heldout_by_source(r: Any) -> pd.DataFrame:
    """Held-out misses per source and model kind: where the model transfers and where it does not."""
    c = r.calibration
    if c is None:
        return pd.DataFrame({"Source": ["no calibration"]})
    t = c.table
    rows = []
    for (src, kind), g in t.groupby(["source", "model_kind"]):
        e = g["heldout_abs_log10_error"]
        rows.append({"Source": src, "Model kind": kind, "Points": len(g),
                     "Median miss, held out": f"×{fmt(10 ** float(e.median()))}",
                     "Within ×2, held out": fmt(float((e <= np.log10(2)).mean()), pct=True),
                     "Median miss, in sample": f"×{fmt(10 ** float(g['abs_log10_error'].fillna(1.0).median()))}",
                     "Model / measured (median, held out)": fmt(float(np.nanmedian(g["modeled_heldout"] / g["measured"])))})
    return pd.DataFrame(rows)
