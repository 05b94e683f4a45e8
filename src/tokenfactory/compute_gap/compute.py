"""The compute gap: capital spending, NVIDIA Data Center revenue, frontier training compute.

Why a year counts in the capex total only when every selected company has a figure for it: a total
that silently loses a company in some years would show a fall that is only a gap in the data.
Guidance is a company's own statement, not a filing, so it enters only when asked for and is
flagged on every row it touches. Microsoft's fiscal year ends in June; its fiscal years are
summed with the others' calendar years of the same number (stated in the chapter).

Why a log-linear fit for training compute: frontier training compute grows by a roughly constant
factor per year, so log10(FLOP) against date is close to a line whose slope gives the factor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .frontier import decimal_year


def capex_values(capex: pd.DataFrame, companies: list[str], include_guidance: bool,
                 start: pd.Timestamp | None = None, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """One value per company and fiscal year: reported where there is one, else (if asked) guidance.

    Only full-year rows count (`period == "FY"`; quarters and calendar-year statements are context),
    and of several guidance statements for one year the latest (`as_of`) is used.
    A guidance range without a midpoint takes the middle of its low and high ends.
    """
    c = capex[capex["company"].isin(companies)].copy()
    if "period" in c:
        c = c[c["period"] == "FY"]
    if not include_guidance:
        c = c[c["row_type"] == "reported"]
    mid = (c["capex_low_usd_bn"] + c["capex_high_usd_bn"]) / 2
    c["value"] = c["capex_usd_bn"].fillna(mid)
    c = c[c["value"].notna()]
    if start is not None:
        c = c[c["fiscal_year_end"] >= start]
    if end is not None:
        c = c[c["fiscal_year_end"] <= end + pd.DateOffset(years=1)]
    c["guidance"] = c["row_type"] == "guidance"
    order = ["company", "fiscal_year", "guidance"] + (["as_of"] if "as_of" in c else [])
    c = c.sort_values(order, ascending=[True, True, True] + [False] * (len(order) - 3))
    c = c.drop_duplicates(["company", "fiscal_year"], keep="first")
    return c[["company", "fiscal_year", "fiscal_year_end", "value", "guidance", "definition", "source_url",
              "estimate"]].reset_index(drop=True)


def capex_total(values: pd.DataFrame, companies: list[str]) -> pd.DataFrame:
    """The sum over companies per fiscal year, `complete` when every company has a figure."""
    if values.empty:
        return pd.DataFrame({"fiscal_year": pd.Series(dtype=int), "total": pd.Series(dtype=float),
                             "n_companies": pd.Series(dtype=int), "complete": pd.Series(dtype=bool),
                             "guidance": pd.Series(dtype=bool)})
    g = values.groupby("fiscal_year").agg(total=("value", "sum"), n_companies=("company", "nunique"),
                                          guidance=("guidance", "any"))
    g["complete"] = g["n_companies"] == len(set(companies))
    return g.reset_index()


def cagr(first: float, last: float, years: float) -> float:
    """Compound annual growth rate: (last / first) ** (1 / years) - 1 (a fraction per year)."""
    if years <= 0 or first <= 0 or last <= 0:
        return float("nan")
    return float((last / first) ** (1.0 / years) - 1.0)


@dataclass(frozen=True)
class Growth:
    first_year: int | None
    last_year: int | None
    first: float
    last: float
    rate: float  # CAGR, fraction per year
    guidance_in_last: bool = False


def total_growth(total: pd.DataFrame) -> Growth:
    """CAGR of the complete totals, from the first to the last complete fiscal year."""
    t = total[total["complete"].astype(bool)].sort_values("fiscal_year")
    if len(t) < 2:
        last = t.iloc[-1] if len(t) else None
        return Growth(None if last is None else int(last["fiscal_year"]), None if last is None else int(last["fiscal_year"]),
                      float("nan") if last is None else float(last["total"]),
                      float("nan") if last is None else float(last["total"]), float("nan"))
    a, b = t.iloc[0], t.iloc[-1]
    years = int(b["fiscal_year"]) - int(a["fiscal_year"])
    return Growth(int(a["fiscal_year"]), int(b["fiscal_year"]), float(a["total"]), float(b["total"]),
                  cagr(float(a["total"]), float(b["total"]), years), bool(b["guidance"]))


def company_growth(values: pd.DataFrame, first_year: int | None, last_year: int | None) -> pd.DataFrame:
    """Each company's capex in the first and last year of the total's CAGR, and its own CAGR over
    the same years, so the page can show who drives the total (one row per company, largest last
    value first). Empty when the total has no span."""
    cols = ["company", "first", "last", "cagr", "share_last"]
    if values.empty or first_year is None or last_year is None or last_year <= first_year:
        return pd.DataFrame(columns=cols)
    v = values.pivot_table(index="company", columns="fiscal_year", values="value", aggfunc="first")
    if first_year not in v or last_year not in v:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame({"first": v[first_year], "last": v[last_year]})
    out["cagr"] = [cagr(a, b, last_year - first_year) for a, b in zip(out["first"], out["last"])]
    out["share_last"] = out["last"] / out["last"].sum()
    return out.sort_values("last", ascending=False).reset_index(names="company")[cols]


def nvidia_data_center(nv: pd.DataFrame) -> pd.DataFrame:
    """NVIDIA Data Center revenue per fiscal year (USD bn): the fiscal-year row where there is one,
    else the sum of four reported quarters. NVIDIA's fiscal year N ends in late January of year N."""
    cols = ["fiscal_year", "period_end", "dc_usd_bn", "from_quarters"]
    if nv.empty:
        return pd.DataFrame({"fiscal_year": pd.Series(dtype=int), "period_end": pd.Series(dtype="datetime64[ns]"),
                             "dc_usd_bn": pd.Series(dtype=float), "from_quarters": pd.Series(dtype=bool)})
    fy = nv[(nv["period_type"] == "fiscal_year") & nv["data_center_revenue_usd_bn"].notna()]
    fy = fy[["fiscal_year", "period_end", "data_center_revenue_usd_bn"]].rename(
        columns={"data_center_revenue_usd_bn": "dc_usd_bn"}).assign(from_quarters=False)
    q = nv[(nv["period_type"] == "quarter") & nv["data_center_revenue_usd_bn"].notna()]
    qs = q.groupby("fiscal_year").agg(dc_usd_bn=("data_center_revenue_usd_bn", "sum"),
                                      n=("period", "count"), period_end=("period_end", "max")).reset_index()
    qs = qs[(qs["n"] == 4) & ~qs["fiscal_year"].isin(fy["fiscal_year"])].drop(columns="n")
    out = pd.concat([fy, qs.assign(from_quarters=True)], ignore_index=True)
    out["fiscal_year"] = out["fiscal_year"].astype(int)
    return out.sort_values("fiscal_year")[cols].reset_index(drop=True)


@dataclass(frozen=True)
class ComputeFit:
    """log10(training FLOP) = a + b * year; `growth` = 10**b per year with its 90 % interval."""

    growth: float
    low: float
    high: float
    n: int
    intercept: float
    slope: float


def compute_growth(tc: pd.DataFrame, frontier_only: bool, start: pd.Timestamp | None = None,
                   end: pd.Timestamp | None = None) -> tuple[ComputeFit, pd.DataFrame]:
    """Least-squares growth of training compute per year and the rows used."""
    d = tc[tc["training_compute_flop"].notna() & (tc["training_compute_flop"] > 0)].copy()
    if frontier_only and "frontier" in d:
        d = d[d["frontier"].fillna(False).astype(bool)]
    if start is not None:
        d = d[d["publication_date"] >= start]
    if end is not None:
        d = d[d["publication_date"] <= end]
    d = d.sort_values("publication_date").reset_index(drop=True)
    nan = float("nan")
    if len(d) < 3:
        return ComputeFit(nan, nan, nan, len(d), nan, nan), d
    x = decimal_year(d["publication_date"])
    y = np.log10(d["training_compute_flop"].to_numpy(float))
    if np.ptp(x) == 0:
        return ComputeFit(nan, nan, nan, len(d), nan, nan), d
    fit = stats.linregress(x, y)
    t = stats.t.ppf(0.95, len(d) - 2)
    return ComputeFit(10 ** fit.slope, 10 ** (fit.slope - t * fit.stderr), 10 ** (fit.slope + t * fit.stderr),
                      len(d), fit.intercept, fit.slope), d


def indexed(series: dict[str, pd.Series], base_year: int | None = None) -> pd.DataFrame:
    """Annual series (index = year) rescaled to 100 in a common base year.

    The base is `base_year` or the first year in which every series has a positive value. Long
    format: year, series, value, index.
    """
    frame = pd.DataFrame(series).sort_index()
    ok = frame[(frame > 0).all(axis=1)]
    if ok.empty:
        return pd.DataFrame(columns=["year", "series", "value", "index"])
    base = base_year if base_year is not None and base_year in ok.index else ok.index[0]
    idx = frame.div(frame.loc[base]).mul(100)
    long = frame.reset_index(names="year").melt("year", var_name="series", value_name="value")
    long["index"] = idx.reset_index(names="year").melt("year", var_name="series", value_name="index")["index"]
    long = long.dropna(subset=["value"])
    long = long[long["value"] > 0]
    return long.assign(base_year=base).reset_index(drop=True)
