"""Charts of the flywheel chapter; titles are built from the numbers they show.

Every chart fits the page's column (about 660 px including axes and legends). Strategies are told
apart by dash as well as color; organizations take the book's fixed colors (charts.org_scale)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .. import charts
from ..formatting import fmt

WIDTH = 540
STRATEGIES = ["merchant", "integrated"]
MODEL_SOURCE = "flywheel model (tokenfactory.flywheel.model), this page's parameters"
_COLORS = charts.category_scale(STRATEGIES)
_DASH = alt.StrokeDash("strategy:N", title="Strategy", scale=alt.Scale(
    domain=STRATEGIES, range=[charts.DASHES["merchant"], charts.DASHES["integrated"]]))
_MONTH = alt.X("month:Q", title="Months since the start of the simulation", scale=alt.Scale(nice=False))


def _src(d: pd.DataFrame) -> pd.DataFrame:
    return d.assign(source=MODEL_SOURCE)


def _crossover_text(month: float | None) -> str:
    return "never within the horizon" if month is None or month != month else f"from month {fmt(month)}"


def cash_chart(traj: pd.DataFrame, crossover: float | None, adv_y5: float, rel_y5: float,
               at_month: float) -> alt.Chart:
    """Cumulative cash of both strategies (USD billions), with the crossover and the month the results
    are read at (the parameter report_month) marked.
    The level scales with the starting volume; the title leads with the scale-free relative lead."""
    d = _src(traj[traj["variable"] == "cum"].assign(value_bn=lambda f: f["value"] / 1e9))
    color = alt.Color("strategy:N", scale=_COLORS, title="Strategy")
    line = alt.Chart(d).mark_line(strokeWidth=2.5).encode(
        x=_MONTH, y=alt.Y("value_bn:Q", title="Cumulative cash, USD billions"), color=color, strokeDash=_DASH,
        tooltip=[alt.Tooltip("strategy:N"), alt.Tooltip("month:Q", title="month"),
                 alt.Tooltip("value_bn:Q", title="cumulative cash (USD bn)", format=",.1f"),
                 alt.Tooltip("source:N")])
    year = f"year {fmt(at_month / 12)}"
    marks = [{"month": float(at_month), "t": year, "dy": 24}]
    if crossover is not None and crossover == crossover:
        marks.insert(0, {"month": float(crossover), "t": f"crossover: month {fmt(crossover)}", "dy": 10})
    m = pd.DataFrame(marks)
    rules = alt.Chart(m).mark_rule(color=charts.MUTED, strokeDash=[3, 3]).encode(x="month:Q", tooltip="t:N")
    labels = [alt.Chart(m.iloc[[i]]).mark_text(align="right", dx=-4, y=int(dy), fontSize=11, color=charts.TEXT)
              .encode(x="month:Q", text="t:N") for i, dy in enumerate(m["dy"])]
    lead = "ahead" if adv_y5 > 0 else "behind"
    title = charts.title(
        f"Owning the loop pulls ahead {_crossover_text(crossover)}; {fmt(abs(rel_y5), pct=True)} {lead} at {year}",
        ["Cumulative cash (revenue − fleet cost − chip NRE) of each strategy, USD billions; the lead in % is",
         "of the merchant lab's cumulative revenue.",
         f"Gap at {year} USD {fmt(abs(adv_y5))} billion; levels scale with the starting volume: read the shape,"
         " not the level."])
    return alt.layer(line, rules, *labels).properties(width=WIDTH, height=280, title=title)


def cost_chart(traj: pd.DataFrame, ratio_y5: float, at_month: float) -> alt.Chart:
    """Fleet cost per million tokens served of both strategies (every vintage in service), log scale."""
    d = _src(traj[traj["variable"] == "cost"])
    line = alt.Chart(d).mark_line(strokeWidth=2.5, interpolate="step-after").encode(
        x=_MONTH, y=alt.Y("value:Q", scale=alt.Scale(type="log"), title="USD per million tokens (log scale)"),
        color=alt.Color("strategy:N", scale=_COLORS, title="Strategy"), strokeDash=_DASH,
        tooltip=[alt.Tooltip("strategy:N"), alt.Tooltip("month:Q", title="month"),
                 alt.Tooltip("value:Q", title="cost (USD per million tokens)", format=".3f"), alt.Tooltip("source:N")])
    year = f"year {fmt(at_month / 12)}"
    y5 = alt.Chart(pd.DataFrame({"month": [float(at_month)]})).mark_rule(color=charts.MUTED, strokeDash=[3, 3]).encode(
        x="month:Q")
    title = charts.title(f"At {year} the integrated lab's tokens cost {fmt(ratio_y5)}× the merchant lab's",
                         ["Fleet cost per million tokens served, USD (log scale): every vintage in service keeps",
                          f"its purchase cost until retired; dotted line: {year}"])
    return alt.layer(line, y5).properties(width=WIDTH, height=240, title=title)


def growth_chart(series: pd.DataFrame, rates: pd.DataFrame, path: pd.DataFrame, model_rate: float) -> alt.Chart:
    """Stated token volumes (tokens per month, log scale) by provider and scope, with each
    series' fitted rate written at its end, and the model's volume path from its starting
    statement: the calibration check of the growth assumptions."""
    s = series.assign(label=series["series"].str.slice(0, 60))
    orgs = sorted(s["provider"].unique())
    color = alt.Color("provider:N", scale=charts.org_scale(orgs), title="Provider (self-reported)",
                      legend=alt.Legend(columns=3, labelLimit=200))
    x = alt.X("date:T", title="Date the count refers to", axis=alt.Axis(format="%Y", tickCount="year"))
    y = alt.Y("tokens_per_month:Q", scale=alt.Scale(type="log"), title="Tokens per month (log scale)",
              axis=alt.Axis(values=[1e12, 1e13, 1e14, 1e15, 1e16], labelExpr=(
                  "datum.value >= 1e15 ? format(datum.value / 1e15, '~g') + ' quadrillion' : "
                  "format(datum.value / 1e12, '~g') + ' trillion'")))
    tip = [alt.Tooltip("label:N", title="series"), alt.Tooltip("date:T", title="date", format="%b %Y"),
           alt.Tooltip("tokens_per_month:Q", title="tokens per month", format=".2s"),
           alt.Tooltip("source_url:N", title="source")]
    lines = alt.Chart(s).mark_line(strokeWidth=1.5).encode(x=x, y=y, color=color, detail="series:N")
    pts = alt.Chart(s).mark_point(filled=True, size=55).encode(x=x, y=y, color=color, tooltip=tip)
    ends = s.sort_values("date").groupby("series").tail(1).merge(rates, on=["series", "provider"])
    ends = ends.assign(t=ends["fit_per_year"].map(lambda v: f"×{fmt(v)}/yr" if v == v else "span too short: no rate"))
    rate_txt = alt.Chart(ends).mark_text(align="left", dx=7, dy=-2, fontSize=11, fontWeight=600).encode(
        x=x, y=y, text="t:N", color=alt.Color("provider:N", scale=charts.org_scale(orgs), legend=None))
    p = path.assign(label="model, integrated path", source=MODEL_SOURCE)
    model_line = alt.Chart(p).mark_line(color=charts.MUTED, strokeDash=[6, 3], strokeWidth=2).encode(
        x=x, y=y, tooltip=[alt.Tooltip("label:N", title="series"), alt.Tooltip("date:T", format="%b %Y"),
                           alt.Tooltip("tokens_per_month:Q", title="tokens per month", format=".2s"),
                           alt.Tooltip("source:N")])
    last = p.iloc[[-1]].assign(t=f"model: ×{fmt(model_rate)}/yr")
    model_txt = alt.Chart(last).mark_text(align="right", dx=-4, dy=-10, fontSize=11, color=charts.MUTED,
                                          fontWeight=600).encode(x=x, y=y, text="t:N")
    est = rates["fit_per_year"].dropna()
    if len(est) == 0:
        head = "No stated series is long enough for a yearly rate"
    elif len(est) == 1 or est.min() == est.max():
        head = f"The one long-enough stated series grew ×{fmt(est.iloc[0])} per year"
    else:
        head = f"Stated volumes grew ×{fmt(est.min())} to ×{fmt(est.max())} per year"
    title = charts.title(
        f"{head}; the model grows ×{fmt(model_rate)}",
        ["Tokens per month as stated by each provider (scopes differ: never add them up), log scale;",
         "labels: fitted growth where statements span long enough; dashed: the model's first three years"])
    return alt.layer(lines, pts, rate_txt, model_line, model_txt).properties(width=WIDTH, height=300, title=title)


def stocks_chart(traj: pd.DataFrame, total_growth: float, rate: float) -> alt.Chart:
    """Small multiples of the loop's stocks and flows, as multiples of their starting value."""
    names = {"users": "users", "quality": "model quality", "volume": "token volume", "knowledge": "workload knowledge"}
    d = traj[traj["variable"].isin(list(names))].copy()
    d["start"] = d.groupby(["strategy", "variable"])["value"].transform("first")
    d["multiple"] = d["value"] / d["start"]
    d["panel"] = d["variable"].map(names)
    d = _src(d)
    chart = alt.Chart(d).mark_line(strokeWidth=2).encode(
        x=alt.X("month:Q", title="Month", scale=alt.Scale(nice=False)),
        y=alt.Y("multiple:Q", scale=alt.Scale(type="log"), title="× starting value (log scale)"),
        color=alt.Color("strategy:N", scale=_COLORS, title="Strategy"), strokeDash=_DASH,
        tooltip=[alt.Tooltip("panel:N", title="stock"), alt.Tooltip("strategy:N"), alt.Tooltip("month:Q"),
                 alt.Tooltip("multiple:Q", title="× start", format=",.2f"), alt.Tooltip("source:N")],
    ).properties(width=245, height=140).facet(
        facet=alt.Facet("panel:N", title=None, sort=list(names.values())), columns=2)
    title = charts.title(
        f"Token volume grows ×{fmt(rate)} per year on the integrated path, ×{fmt(total_growth)} in all",
        ["Stocks and flows of the loop, as multiples of their starting value (log scale);",
         "each panel has its own scale"])
    return chart.properties(title=title).resolve_scale(y="independent")


def cycle_chart(sweep: pd.DataFrame, measured: float, threshold: float, lead_at_measured: float,
                annual: float = 12.0) -> alt.Chart:
    """Year-5 relative lead as the merchant generation gap varies: where the verdict flips.
    `lead_at_measured` is the default run's relative lead (the page's headline number), written in
    the subtitle so that chart and prose show one number, not an interpolation of the sweep."""
    d = _src(sweep.assign(lead_pct=sweep["relative_lead"] * 100,
                          crossover=sweep["crossover_month"].map(lambda v: "never" if v != v else fmt(v))))
    x = alt.X("merchant_cycle_months:Q", title="Months between merchant chip generations",
              scale=alt.Scale(nice=False))
    y = alt.Y("lead_pct:Q", title="Integrated lead at year 5, % of merchant revenue")
    line = alt.Chart(d).mark_line(strokeWidth=2.5, color=_COLORS.range[1], interpolate="step-after").encode(
        x=x, y=y, tooltip=[alt.Tooltip("merchant_cycle_months:Q", title="merchant gap (months)", format=".2f"),
                           alt.Tooltip("lead_pct:Q", title="lead at year 5 (%)", format=".1f"),
                           alt.Tooltip("advantage_usd_bn:Q", title="lead at year 5 (USD bn)", format=",.1f"),
                           alt.Tooltip("crossover:N", title="crossover month"), alt.Tooltip("source:N")])
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color=charts.TEXT).encode(y="y:Q")
    marks = pd.DataFrame({"m": [measured, annual], "t": [f"used: {fmt(measured)} months", "yearly cadence"],
                          "dy": [12, 26], "align": ["left", "left"], "dx": [4, 4]})
    if threshold == threshold:
        marks = pd.concat([marks, pd.DataFrame({"m": [threshold], "t": [f"flip: {fmt(threshold)} months"], "dy": [12],
                                                "align": ["right"], "dx": [-4]})])
    rules = alt.Chart(marks).mark_rule(color=charts.MUTED, strokeDash=[3, 3]).encode(x="m:Q", tooltip="t:N")
    labels = [alt.Chart(marks.iloc[[i]]).mark_text(align=row.align, dx=int(row.dx), y=int(row.dy), fontSize=11,
                                                   color=charts.TEXT).encode(x="m:Q", text="t:N")
              for i, row in enumerate(marks.itertuples())]
    at = float(lead_at_measured)
    title = charts.title(
        f"Integration leads only if merchant chips arrive more than {fmt(threshold)} months apart"
        if threshold == threshold else "Integration leads at every merchant generation gap tried",
        ["Integrated lead at year 5 as % of the merchant lab's cumulative revenue;",
         f"{fmt(at, pct=True)} at the cadence used (tape-out chapter); everything else at",
         "this page's values"])
    return alt.layer(line, zero, rules, *labels).properties(width=WIDTH, height=260, title=title)


def sensitivity_chart(sens: pd.DataFrame, trajectories: int, spread: float = 0.5) -> alt.Chart:
    """Morris mu* on the relative lead (what decides the verdict) beside mu* on the USD lead
    (what sets its size), same parameter order, 95% intervals as rules."""
    order = sens["label"].tolist()
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=200))
    tip = [alt.Tooltip("label:N", title="parameter"), alt.Tooltip("parameter:N", title="name"),
           alt.Tooltip("mu_star_rel:Q", title="mu* on relative lead (points of %)", format=".1f"),
           alt.Tooltip("mu_star_usd:Q", title="mu* on USD lead (USD bn)", format=",.0f"),
           alt.Tooltip("rank_usd:Q", title="rank on USD lead"), alt.Tooltip("source:N")]
    d = _src(sens.assign(
        rel=sens["mu_star_rel"] * 100, rel_lo=((sens["mu_star_rel"] - sens["conf_rel"]) * 100).clip(lower=0),
        rel_hi=(sens["mu_star_rel"] + sens["conf_rel"]) * 100, usd=sens["mu_star_usd"],
        usd_lo=(sens["mu_star_usd"] - sens["conf_usd"]).clip(lower=0), usd_hi=sens["mu_star_usd"] + sens["conf_usd"]))
    d["mu_star_rel"] = d["rel"]

    def panel(v: str, title: str, color: str, axis: bool) -> alt.LayerChart:
        yy = y if axis else alt.Y("label:N", sort=order, title=None, axis=None)
        bars = alt.Chart(d).mark_bar(color=color).encode(y=yy, x=alt.X(f"{v}:Q", title=title), tooltip=tip)
        err = alt.Chart(d).mark_rule(color=charts.TEXT).encode(y=yy, x=f"{v}_lo:Q", x2=f"{v}_hi:Q", tooltip=tip)
        return (bars + err).properties(width=150, height=18 * len(d))

    top, top_usd = sens.iloc[0], sens.sort_values("mu_star_usd", ascending=False).iloc[0]
    title = charts.title(
        f"Who wins depends most on the {top['label']}",
        [f"Morris screening ({trajectories} trajectories, each parameter ±{fmt(spread, pct=True)} around its value): mean",
         "absolute effect on the year-5 lead. Left: % of merchant revenue (scale-free, decides the sign);",
         f"right: USD billions (scale-dependent; led by the {top_usd['label']}). Lines: 95% intervals"])
    return alt.hconcat(panel("rel", "Effect on lead, percentage points", charts.OKABE_ITO[0], True),
                       panel("usd", "Effect on lead, USD billions", charts.OKABE_ITO[5], False),
                       spacing=8).properties(title=title)


# --- Page-level wrappers: each takes the chapter's Result --------------------------------------------------------------

def cash_figure(r) -> alt.Chart:
    n = r.numbers
    return cash_chart(r.traj, n["crossover_month"], n["cumulative_advantage_y5_usd_bn"], n["relative_lead_y5"],
                      r.p.report_month)


def cost_figure(r) -> alt.Chart:
    return cost_chart(r.traj, r.numbers["cost_per_mtok_ratio_y5"], r.p.report_month)


def stocks_figure(r) -> alt.Chart:
    return stocks_chart(r.traj, r.growth["integrated_total"], r.growth["integrated_average"])


def growth_figure(r) -> alt.Chart:
    return growth_chart(r.series, r.observed, r.volume_path, r.growth["integrated_average"])


def cycle_figure(r) -> alt.Chart:
    n = r.numbers
    return cycle_chart(r.sweep, n["merchant_cycle_months"], n["cycle_threshold_months"], n["relative_lead_y5"])


def sensitivity_figure(r) -> alt.Chart:
    return sensitivity_chart(r.sens, r.p.sensitivity_trajectories, r.p.sensitivity_range)


def decomposition_chart(r) -> alt.Chart:
    """The year-5 lead split into its three sources (Shapley contributions, USD billions and shares)."""
    from .model import FACTOR_LABELS, FACTORS

    dec = r.decomposition
    d = _src(pd.DataFrame({"source_of_lead": [FACTOR_LABELS[f] for f in FACTORS],
                           "usd_bn": [dec[f] for f in FACTORS], "share": [dec[f"share_{f}"] for f in FACTORS]}))
    d["label"] = d["share"].map(lambda v: fmt(v, pct=True))
    order = d["source_of_lead"].tolist()
    y = alt.Y("source_of_lead:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    bars = alt.Chart(d).mark_bar(color=_COLORS.range[1]).encode(
        y=y, x=alt.X("usd_bn:Q", title="Contribution to the year-5 lead, USD billions"),
        tooltip=[alt.Tooltip("source_of_lead:N", title="source"), alt.Tooltip("usd_bn:Q", title="USD bn", format=",.2f"),
                 alt.Tooltip("label:N", title="share of the lead"), alt.Tooltip("source:N")])
    text = alt.Chart(d).mark_text(align="left", dx=4, color=charts.TEXT, fontSize=11).encode(
        y=y, x=alt.X("usd_bn:Q"), text="label:N")
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=charts.TEXT).encode(x="x:Q")
    top = d.loc[d["usd_bn"].abs().idxmax()]
    title = charts.title(
        f"{fmt(top['share'], pct=True)} of the lead: {top['source_of_lead']}",
        [f"Year-5 lead of USD {fmt(dec['lead'])} billion split by Shapley values over",
         "the eight on/off combinations of its three sources (all off is a tie);",
         "shares sum to one"])
    return alt.layer(bars, zero, text).properties(width=WIDTH - 180, height=110, title=title)


def grid_slider_chart(r) -> alt.Chart:
    """The precomputed grid over the two most influential parameters, drawn as the year-5 lead against
    the first, with a live control (a select over the grid's values of the second) that redraws the
    line and the title in the page. It starts at this page's setting."""
    from .chapter import UNITS

    g = _src(r.grid.assign(lead_pct=r.grid["relative_lead"] * 100))
    a_label, b_label = g["a_label"].iloc[0], g["b_label"].iloc[0]
    a_name, b_name = g["a_name"].iloc[0], g["b_name"].iloc[0]
    bvals = np.sort(g["b"].unique())
    step = float(bvals[1] - bvals[0]) if len(bvals) > 1 else 1.0
    default_b = float(bvals[int(np.argmin(np.abs(bvals - g["b_default"].iloc[0])))])
    pick = charts.control("b_value", default_b, label=b_label, unit=UNITS.get(b_name, ""),
                          options=[float(v) for v in bvals], labels=[fmt(v, sig=3) for v in bvals])
    x = alt.X("a:Q", title=f"{a_label}" + (f", {UNITS[a_name]}" if UNITS.get(a_name) else ""),
              scale=alt.Scale(nice=False), axis=alt.Axis(format=".3~g", tickCount=6))
    y = alt.Y("lead_pct:Q", title="Integrated lead at year 5, % of merchant revenue")
    tip = [alt.Tooltip("a:Q", title=a_label, format=".3g"), alt.Tooltip("b:Q", title=b_label, format=".3g"),
           alt.Tooltip("lead_pct:Q", title="lead (%)", format=".1f"),
           alt.Tooltip("advantage_usd_bn:Q", title="lead (USD bn)", format=",.1f"), alt.Tooltip("source:N")]
    base = alt.Chart(g).transform_filter(f"abs(datum.b - b_value) < {step / 2}")
    line = base.mark_line(point=True, strokeWidth=2.5, color=_COLORS.range[1]).encode(x=x, y=y, tooltip=tip)
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color=charts.MUTED).encode(y="y:Q")
    default = alt.Chart(pd.DataFrame({"x": [float(g["a_default"].iloc[0])]})).mark_rule(
        color=charts.MUTED, strokeDash=[3, 3]).encode(x="x:Q")
    title = charts.live_title(
        [f"'The year-5 lead along the {a_label}'", f"'at {b_label} ' + format(b_value, '.3~g')"],
        [f"% of the merchant lab's revenue, from a precomputed {len(bvals)}×{len(bvals)} grid of the two most",
         "influential parameters (Morris ranking) over their assumed ranges; dashed: this page's value"])
    return alt.layer(line, zero, default).add_params(pick).properties(width=WIDTH - 60, height=260, title=title)


def grid_checks(r, n: int = 3) -> list[dict]:
    """What the live chart must show at a few settings of its control (for the browser test): the
    title's value, formatted as the chart formats it."""
    g = r.grid
    b_label = g["b_label"].iloc[0]
    vals = np.sort(g["b"].unique())
    picks = [vals[0], vals[len(vals) // 2], vals[-1]][:n]
    return [{"set": {"b_value": float(v)}, "expect": [f"at {b_label} {float(v):.3g}"]} for v in picks]


def sources_table(r) -> pd.DataFrame:
    s = r.sources
    return pd.DataFrame({"input": s["input"], "value": s["value"].map(lambda v: fmt(v, sig=3)), "from": s["from"]})


def nre_frame(r) -> pd.DataFrame:
    t = r.nre
    return pd.DataFrame({"own cycle": t["own cycle"], "months": t["own cycle, months"].map(fmt),
                         "NRE per year, USD bn": t["NRE per year, USD bn"].map(fmt)})


def data_note(r) -> str:
    if not r.problems:
        return ""
    return ("> **Data note.** Some tables did not pass validation when this page was built:\n>\n> "
            + "\n> ".join(f"`{k}`: {v}" for k, v in r.problems.items()))
