"""Charts of the flywheel chapter; titles are built from the numbers they show."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .. import charts
from ..nb import fmt

WIDTH = 600
STRATEGIES = ["merchant", "integrated"]
_COLORS = charts.category_scale(STRATEGIES)
_DASH = alt.StrokeDash("strategy:N", title="Strategy", scale=alt.Scale(
    domain=STRATEGIES, range=[charts.DASHES["merchant"], charts.DASHES["integrated"]]))


def _crossover_text(month: float | None) -> str:
    return "never within the horizon" if month is None or month != month else f"month {fmt(month)}"


def cash_chart(traj: pd.DataFrame, crossover: float | None, adv_y5: float) -> alt.Chart:
    """Cumulative cash of both strategies (USD billions), with the crossover marked."""
    d = traj[traj["variable"] == "cum"].assign(value_bn=lambda f: f["value"] / 1e9)
    color = alt.Color("strategy:N", scale=_COLORS, title="Strategy")
    line = alt.Chart(d).mark_line(strokeWidth=2.5).encode(
        x=alt.X("month:Q", title="Months since the start of the simulation"),
        y=alt.Y("value_bn:Q", title="Cumulative cash, USD billions"), color=color, strokeDash=_DASH,
        tooltip=[alt.Tooltip("strategy:N"), alt.Tooltip("month:Q"),
                 alt.Tooltip("value_bn:Q", title="cumulative cash (USD bn)", format=",.2f")])
    layers = [line]
    y5 = pd.DataFrame({"month": [60], "t": ["year 5"]})
    layers.append(alt.Chart(y5).mark_rule(color=charts.MUTED, strokeDash=[2, 2]).encode(x="month:Q"))
    if crossover is not None and crossover == crossover:
        c = pd.DataFrame({"month": [crossover], "t": [f"integrated ahead from month {fmt(crossover)}"]})
        layers.append(alt.Chart(c).mark_rule(color=charts.TEXT).encode(x="month:Q", tooltip="t:N"))
        layers.append(alt.Chart(c).mark_text(align="left", dx=4, y=10, fontSize=11, color=charts.TEXT).encode(
            x="month:Q", text="t:N"))
    lead = "ahead" if adv_y5 > 0 else "behind"
    title = charts.title(
        f"Owning the loop pulls ahead {_crossover_text(crossover)}; {lead} by USD {fmt(abs(adv_y5))} billion at year 5",
        "Cumulative cash (revenue − cost of tokens − chip NRE) of each strategy, USD billions; one scenario, not a forecast")
    return alt.layer(*layers).properties(width=WIDTH, height=300, title=title)


def cost_chart(traj: pd.DataFrame, ratio_y5: float) -> alt.Chart:
    """Cost per million tokens of both strategies, log scale."""
    d = traj[traj["variable"] == "cost"]
    line = alt.Chart(d).mark_line(strokeWidth=2.5, interpolate="step-after").encode(
        x=alt.X("month:Q", title="Months since the start of the simulation"),
        y=alt.Y("value:Q", scale=alt.Scale(type="log"), title="Cost, USD per million tokens (log scale)"),
        color=alt.Color("strategy:N", scale=_COLORS, title="Strategy"), strokeDash=_DASH,
        tooltip=[alt.Tooltip("strategy:N"), alt.Tooltip("month:Q"),
                 alt.Tooltip("value:Q", title="USD per million tokens", format=".4f")])
    title = charts.title(f"At year 5 the integrated path's tokens cost {fmt(ratio_y5)}× the merchant path's",
                         "Cost per million tokens served, USD (log scale); steps are chip generations")
    return line.properties(width=WIDTH, height=260, title=title)


def stocks_chart(traj: pd.DataFrame) -> alt.Chart:
    """Small multiples of the loop's stocks and flows, as multiples of their starting value."""
    names = {"users": "users", "quality": "model quality", "volume": "token volume", "knowledge": "workload knowledge"}
    d = traj[traj["variable"].isin(list(names))].copy()
    d["start"] = d.groupby(["strategy", "variable"])["value"].transform("first")
    d["multiple"] = d["value"] / d["start"]
    d["panel"] = d["variable"].map(names)
    end = d[d["month"] == d["month"].max()]
    vol_end = end[end["variable"] == "volume"].set_index("strategy")["multiple"]
    chart = alt.Chart(d).mark_line(strokeWidth=2).encode(
        x=alt.X("month:Q", title="Month"),
        y=alt.Y("multiple:Q", scale=alt.Scale(type="log"), title="× starting value (log scale)"),
        color=alt.Color("strategy:N", scale=_COLORS, title="Strategy"), strokeDash=_DASH,
        tooltip=[alt.Tooltip("panel:N", title="stock"), alt.Tooltip("strategy:N"), alt.Tooltip("month:Q"),
                 alt.Tooltip("multiple:Q", title="× start", format=",.2f")],
    ).properties(width=270, height=150).facet(
        facet=alt.Facet("panel:N", title=None, sort=list(names.values())), columns=2)
    title = charts.title(
        f"Token volume grows ×{fmt(vol_end.get('integrated', np.nan))} on the integrated path, "
        f"×{fmt(vol_end.get('merchant', np.nan))} on the merchant path",
        "Stocks and flows of the loop, as multiples of their starting value (log scale)")
    return chart.properties(title=title).resolve_scale(y="independent")


def map_chart(grid: pd.DataFrame, default_nre: float, default_growth: float, at_default: str) -> alt.Chart:
    """Which strategy leads at year 5, over NRE per generation × exogenous volume growth."""
    g = grid.assign(growth_pct=grid["growth_per_month"] * 100,
                    crossover=grid["crossover_month"].map(lambda v: "never" if v != v else fmt(v)))
    r = int(round(np.sqrt(len(g))))
    step_x = float(np.diff(np.unique(g["nre_usd_bn"]))[0]) if r > 1 else 1.0
    step_y = float(np.diff(np.unique(g["growth_pct"]))[0]) if r > 1 else 1.0
    g["x2"], g["y2"] = g["nre_usd_bn"] + step_x, g["growth_pct"] + step_y
    share = float((g["winner"] == "integrated").mean())
    rect = alt.Chart(g).mark_rect().encode(
        x=alt.X("nre_usd_bn:Q", title="NRE per chip generation, USD billions"), x2="x2:Q",
        y=alt.Y("growth_pct:Q", title="Token-volume growth outside the loop, % per month"), y2="y2:Q",
        color=alt.Color("winner:N", title="Ahead at year 5", scale=_COLORS),
        opacity=alt.Opacity("abs_adv:Q", legend=None, scale=alt.Scale(type="sqrt", range=[0.35, 1])),
        tooltip=[alt.Tooltip("nre_usd_bn:Q", title="NRE (USD bn)", format=".2f"),
                 alt.Tooltip("growth_pct:Q", title="growth (% per month)", format=".1f"),
                 alt.Tooltip("advantage_usd_bn:Q", title="integrated − merchant at year 5 (USD bn)", format=",.1f"),
                 alt.Tooltip("crossover:N", title="crossover month")],
    ).transform_calculate(abs_adv="abs(datum.advantage_usd_bn)")
    pt = pd.DataFrame({"x": [default_nre], "y": [default_growth * 100], "t": ["default scenario"]})
    mark = alt.Chart(pt).mark_point(shape="cross", size=160, color=charts.TEXT, filled=True).encode(
        x="x:Q", y="y:Q", tooltip="t:N")
    label = alt.Chart(pt).mark_text(align="left", dx=8, dy=-8, color=charts.TEXT, fontSize=11).encode(
        x="x:Q", y="y:Q", text="t:N")
    title = charts.title(f"Integrated leads at year 5 in {fmt(share, pct=True)} of this map; at the defaults: {at_default}",
                         "Strategy ahead in cumulative cash after five years; shade: size of the lead; other "
                         "parameters at their values")
    return (rect + mark + label).properties(width=WIDTH - 60, height=320, title=title)


def sensitivity_chart(sens: pd.DataFrame, trajectories: int) -> alt.Chart:
    """Morris mu* (mean absolute elementary effect) with sigma, ranked."""
    d = sens.assign(lo=(sens["mu_star"] - sens["mu_star_conf"]).clip(lower=0),
                    hi=sens["mu_star"] + sens["mu_star_conf"])
    order = d["label"].tolist()
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=240))
    tip = [alt.Tooltip("label:N", title="parameter"), alt.Tooltip("parameter:N", title="name"),
           alt.Tooltip("mu_star:Q", title="mu* (USD bn)", format=",.1f"),
           alt.Tooltip("mu:Q", title="mu (signed, USD bn)", format=",.1f"),
           alt.Tooltip("sigma:Q", title="sigma (USD bn)", format=",.1f")]
    bars = alt.Chart(d).mark_bar(color=charts.OKABE_ITO[0]).encode(
        y=y, x=alt.X("mu_star:Q", title="Effect on the year-5 cash advantage, USD billions (Morris mu*)"), tooltip=tip)
    err = alt.Chart(d).mark_rule(color=charts.TEXT).encode(y=y, x="lo:Q", x2="hi:Q", tooltip=tip)
    top = d.iloc[0]
    title = charts.title(f"The outcome hinges most on {top['label']} (mu* USD {fmt(top['mu_star'])} billion)",
                         [f"Morris screening, {trajectories} trajectories, each parameter ±range around its value; "
                          "bar: mean absolute effect, line: 95% interval"])
    return (bars + err).properties(width=WIDTH - 160, height=max(220, 20 * len(d)), title=title)
