"""Charts and tables for the price trend (`price_trend`): built from a `PriceTrendResult`, no new numbers.

- `frontier_chart`: the cheapest qualifying price over time for several thresholds (log scale), the
  new lows fitted (filled), the prices seen on a page (bounds, open), the fitted line, and the fitted
  rate written at the end of each line. The title states the headline rate.
- `rates_table`: the rate per threshold and price basis with its interval.
- `comparison_table`: published rates beside ours on the same footing where one exists.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .. import charts
from ..formatting import fmt
from . import price_trend as pt

WIDTH = 560


def _x(v: float) -> str:
    return "n/a" if v is None or not np.isfinite(v) else f"×{fmt(v)}"


def frontier_frame(result: pt.PriceTrendResult, basis: str = "blended_3_1", keys=None) -> pd.DataFrame:
    """Long frame of the frontiers to plot: one row per price of a qualifying model, with the
    threshold label and whether it is a fitted new low, another dated change, or a bound."""
    keys = keys or [k for k in result.frontiers if k[2] == basis and result.fits.get(k) is not None]
    rows = []
    for k in keys:
        f = result.frontiers[k].copy()
        if f.empty:
            continue
        fit = result.fits.get(k)
        f["threshold"] = result.labels[k]
        # a bound matters only where it is below the cheapest dated price so far (it pulls the line down)
        running = f["cheapest"].ffill()
        binding = (f["kind"] != "event") & (f["usd_per_mtok"] < running.fillna(np.inf))
        f["status"] = np.where(f["new_low"], "new low (fitted)",
                               np.where(binding, "price seen on a page, below the dated low (bound)", ""))
        f = f[f["status"] != ""]
        if fit is not None:
            f = f[f["date"] >= fit.t0]
        rows.append(f)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def fit_frame(result: pt.PriceTrendResult, basis: str = "blended_3_1", keys=None) -> pd.DataFrame:
    """Fitted lines between the first and last new low, with the rate label at the end. A fit is
    10^(a + b·years), a straight line on the chart's log axis: its two ends draw it exactly (50 points
    drew the same line and weighed 22 kB of the page)."""
    keys = keys or [k for k in result.frontiers if k[2] == basis and result.fits.get(k) is not None]
    out = []
    for k in keys:
        fit = result.fits.get(k)
        if fit is None:
            continue
        f = result.frontiers[k]
        lows = f[f["new_low"]]
        t = pd.date_range(lows["date"].min(), lows["date"].max(), periods=2)
        out.append(pd.DataFrame({"date": t, "usd_per_mtok": fit.predict(t), "threshold": result.labels[k],
                                 "rate": [""] * (len(t) - 1) + [f"{_x(fit.per_year)}/yr ({fmt(fit.low)} to {fmt(fit.high)})"]}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def frontier_chart(result: pt.PriceTrendResult, basis: str = "blended_3_1", keys=None) -> alt.LayerChart:
    """Cheapest price reaching each threshold over time (log scale) with fitted rates on the chart."""
    pts = frontier_frame(result, basis, keys)
    lines = fit_frame(result, basis, keys)
    h = pt.headline_row(result)
    title = charts.title(
        f"The price of {h['reference']}-level {pt.BENCHMARK_LABELS.get(h['benchmark'], h['benchmark'])} "
        f"performance fell {_x(h['per_year'])} a year",
        [f"{pt.BASIS_LABELS[basis].capitalize()}, USD per million tokens (log scale), of models at or above each threshold.",
         "Dots: new lows (launches and price cuts), fitted. Open squares: prices seen on a page below the dated low,",
         f"used as upper bounds. Dashed: the fit; rate per year with its {int(100 * (1 - result.alpha))}% interval in brackets."])
    domain = list(dict.fromkeys(pts["threshold"])) if len(pts) else []
    color = alt.Color("threshold:N", title="Threshold", scale=charts.category_scale(domain),
                      legend=alt.Legend(orient="bottom", columns=2, labelLimit=320))
    y = alt.Y("usd_per_mtok:Q", title="USD per million tokens (log scale)",
              scale=alt.Scale(type="log"))
    x = alt.X("date:T", title="Date the price took effect (bounds: date of the page)")
    tooltip = [alt.Tooltip("model:N"), alt.Tooltip("provider:N"), alt.Tooltip("date:T"), alt.Tooltip("status:N"),
               alt.Tooltip("usd_per_mtok:Q", format="$.3r", title="USD per million tokens"),
               alt.Tooltip("threshold:N")]
    base = alt.Chart(pts, title=title, width=WIDTH, height=320)
    fitted = base.transform_filter("datum.status == 'new low (fitted)'").mark_point(filled=True, size=60).encode(
        x=x, y=y, color=color, tooltip=tooltip)
    bounds = base.transform_filter("datum.status != 'new low (fitted)'").mark_point(
        filled=False, size=45, shape="square", opacity=0.8).encode(x=x, y=y, color=color, tooltip=tooltip)
    layers = [bounds, fitted]
    if len(lines):
        lc = alt.Chart(lines)
        layers.append(lc.mark_line(strokeDash=[5, 3]).encode(x="date:T", y="usd_per_mtok:Q", color=color))
        layers.append(lc.transform_filter("datum.rate != ''").mark_text(align="left", dx=6, fontSize=11).encode(
            x="date:T", y="usd_per_mtok:Q", text="rate:N", color=color))
    return alt.layer(*layers)


def rates_table(result: pt.PriceTrendResult, basis: str | None = None) -> pd.DataFrame:
    """The rates per threshold (one price basis or all), rounded for reading."""
    t = pt.rates_table(result, basis)
    for c in ("× per year", "90% low", "90% high"):
        t[c] = t[c].map(lambda v: fmt(v) if pd.notna(v) else "too few new lows")
    return t


def comparison_table(result: pt.PriceTrendResult) -> pd.DataFrame:
    """Published rates beside ours, on the same footing where one exists."""
    c = result.comparison
    if c is None:
        return pd.DataFrame()
    return pd.DataFrame({
        "Source": c["source"], "What is measured": c["measure"],
        "Published × per year": [fmt(v) + (" (annualized)" if a else "") for v, a in zip(c["published_per_year"], c["annualized"])],
        "Same footing here": c["our_threshold"].fillna("none in this book's data"),
        "Here × per year": c["our_per_year"].map(lambda v: fmt(v) if pd.notna(v) else ""),
        "Here 90% interval": [f"{fmt(lo)} to {fmt(hi)}" if pd.notna(lo) else "" for lo, hi in zip(c["our_low"], c["our_high"])],
    })


def pooled_table(result: pt.PriceTrendResult | None) -> pd.DataFrame:
    """Every threshold on the headline's price basis: its rate, new lows, months since the last new low,
    and whether it enters the pooled headline (see `price_trend.pooled`)."""
    if result is None:
        return pd.DataFrame({"Note": ["no price trend (missing tables)"]})
    t = pt.pooled_table(result)
    for c in ("× per year", "90% low", "90% high"):
        t[c] = t[c].map(lambda v: fmt(v) if pd.notna(v) else "too few new lows")
    t["Months since"] = t["Months since"].map(lambda v: fmt(v) if pd.notna(v) else "")
    t["Pooled"] = t["Pooled"].map({True: "yes", False: f"no (fewer than {pt.MIN_POOLED_LOWS} new lows)"})
    return t


def pooled_chart(result: pt.PriceTrendResult | None, min_lows: int = pt.MIN_POOLED_LOWS) -> alt.LayerChart | alt.Chart:
    """The frontiers of the thresholds pooled into the headline rate, each with its fitted line and rate;
    the title states the pooled rate (see `price_trend.pooled`)."""
    pool = pt.pooled(result, min_lows=min_lows) if result is not None else None
    if pool is None:
        return alt.Chart(pd.DataFrame({"t": ["No threshold has enough new lows to pool"]}), width=WIDTH,
                         height=60).mark_text().encode(text="t:N")
    rates = pool["rates"]
    keys = [(b, ref if isinstance(ref, str) and ref else f"{lvl:g}", pool["basis"])
            for b, ref, lvl in zip(rates["benchmark"], rates["reference"], rates["threshold"])]
    keys = [k for k in keys if k in result.frontiers]
    pts, lines = frontier_frame(result, pool["basis"], keys), fit_frame(result, pool["basis"], keys)
    title = charts.title(
        f"At fixed capability, prices fell {_x(pool['per_year'])} a year: the median of {pool['n_thresholds']} thresholds",
        [f"{pt.BASIS_LABELS[pool['basis']].capitalize()}, USD per million tokens (log scale), of models at or above each",
         f"threshold with at least {pool['min_lows']} new lows. Dots: new lows, fitted; open squares: prices seen on a page",
         "below the dated low (upper bounds). Dashed: each threshold's fit, its rate per year at the end."])
    domain = list(dict.fromkeys(pts["threshold"])) if len(pts) else []
    color = alt.Color("threshold:N", title="Threshold", scale=charts.category_scale(domain),
                      legend=alt.Legend(orient="bottom", columns=2, labelLimit=320))
    y = alt.Y("usd_per_mtok:Q", title="USD per million tokens (log scale)", scale=alt.Scale(type="log"))
    x = alt.X("date:T", title="Date the price took effect (bounds: date of the page)")
    tooltip = [alt.Tooltip("model:N"), alt.Tooltip("provider:N"), alt.Tooltip("date:T"), alt.Tooltip("status:N"),
               alt.Tooltip("usd_per_mtok:Q", format="$.3r", title="USD per million tokens"), alt.Tooltip("threshold:N")]
    base = alt.Chart(pts, title=title, width=WIDTH, height=320)
    layers = [base.transform_filter("datum.status != 'new low (fitted)'").mark_point(
                  filled=False, size=45, shape="square", opacity=0.8).encode(x=x, y=y, color=color, tooltip=tooltip),
              base.transform_filter("datum.status == 'new low (fitted)'").mark_point(filled=True, size=60).encode(
                  x=x, y=y, color=color, tooltip=tooltip)]
    if len(lines):
        lc = alt.Chart(lines)
        layers.append(lc.mark_line(strokeDash=[5, 3]).encode(x="date:T", y="usd_per_mtok:Q", color=color))
        layers.append(lc.transform_filter("datum.rate != ''").mark_text(align="left", dx=6, fontSize=11).encode(
            x="date:T", y="usd_per_mtok:Q", text="rate:N", color=color))
    return alt.layer(*layers)
