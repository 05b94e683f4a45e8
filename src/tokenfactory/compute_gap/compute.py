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
    """log10(training FLOP) = a + b * year; `growth` = 10**b per year with its interval (`level`,
    two-sided, Student's t)."""

    growth: float
    low: float
    high: float
    n: int
    intercept: float
    slope: float


def compute_growth(tc: pd.DataFrame, frontier_only: bool, start: pd.Timestamp | None = None,
                   end: pd.Timestamp | None = None, level: float = 0.9) -> tuple[ComputeFit, pd.DataFrame]:
    """Least-squares growth of training compute per year, its two-sided interval at `level`, and the rows used."""
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
    t = stats.t.ppf((1 + level) / 2, len(d) - 2)
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


# --- the compute gap measured directly: largest open-weights run against the largest closed one -----

from ..units import DAYS_PER_MONTH  # noqa: E402  (one calendar: tokenfactory.units)


def classify_runs(tc: pd.DataFrame, models: pd.DataFrame | None, open_kinds: tuple[str, ...]) -> pd.DataFrame:
    """Training runs with their group ('open' or 'closed'), from the table's own `weights` column
    and, where that is empty or absent, from models.csv by exact model name. Runs of unknown
    access are left out."""
    d = tc[tc["training_compute_flop"].notna() & (tc["training_compute_flop"] > 0)].copy()
    weights = d["weights"] if "weights" in d else pd.Series(None, index=d.index, dtype=object)
    if models is not None and len(models) and "weights" in models:
        by_name = models.drop_duplicates("model").set_index("model")["weights"]
        weights = weights.where(weights.notna() & (weights.astype(str) != ""), d["model"].map(by_name))
    d["weights"] = weights
    d["group"] = None
    d.loc[d["weights"] == "closed", "group"] = "closed"
    d.loc[d["weights"].isin(open_kinds), "group"] = "open"
    d = d[d["group"].notna()]
    return d.sort_values("publication_date").reset_index(drop=True)


def running_max(runs: pd.DataFrame) -> pd.DataFrame:
    """The largest run to date of each group, as steps: one row per new record."""
    out = []
    for group, g in runs.groupby("group"):
        g = g.sort_values("publication_date")
        prev = g["training_compute_flop"].cummax().shift(1).fillna(0)
        rec = g[g["training_compute_flop"] > prev]
        out.append(rec[["publication_date", "model", "organization", "training_compute_flop"]].assign(group=group))
    cols = ["publication_date", "model", "organization", "training_compute_flop", "group"]
    return pd.concat(out, ignore_index=True)[cols] if out else pd.DataFrame(columns=cols)


def _lag_and_ratio(flop_o, date_o, inc_o, flop_c, date_c, inc_c, at) -> tuple[np.ndarray, np.ndarray]:
    """Per row of the inclusion masks (draws x runs): months since the closed side first had a run
    at least as large as the largest open run to date, and the ratio of the largest runs, at `at`."""
    ok_o = inc_o & (date_o <= at)[None, :]
    ok_c = inc_c & (date_c <= at)[None, :]
    m_o = np.where(ok_o, flop_o[None, :], -np.inf).max(axis=1)
    m_c = np.where(ok_c, flop_c[None, :], -np.inf).max(axis=1)
    reach = ok_c & (flop_c[None, :] >= m_o[:, None])
    far = np.datetime64("2262-01-01", "ns")
    first = np.where(reach, date_c[None, :], far).min(axis=1)
    days = (at - first).astype("timedelta64[D]").astype(float)
    lag = np.where(first == far, 0.0, np.clip(days, 0, None) / DAYS_PER_MONTH)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(np.isfinite(m_o) & np.isfinite(m_c), m_c / m_o, np.nan)
    lag = np.where(np.isfinite(m_o) & np.isfinite(m_c), lag, np.nan)
    return lag, ratio


@dataclass(frozen=True)
class ComputeGap:
    """The compute gap at `at`: `lag_months` since the closed side had a run as large as the
    largest open run; `ratio` of the largest closed run to the largest open run; bootstrap
    intervals over which runs are in the table."""

    at: pd.Timestamp | None
    lag_months: float
    ratio: float
    lag_low: float
    lag_high: float
    ratio_low: float
    ratio_high: float
    open_model: str | None
    closed_model: str | None
    open_flop: float
    closed_flop: float
    n_open: int
    n_closed: int
    draws: int


def compute_gap(runs: pd.DataFrame, at: pd.Timestamp | None, draws: int, seed: int, level: float = 0.9) -> ComputeGap:
    """The compute gap between closed and open runs at date `at` (default: the last run's date),
    with a seeded bootstrap that resamples the runs of each group with replacement: it says how
    much the gap depends on which runs the table holds (coverage), not how uncertain each run's
    FLOP estimate is."""
    nan = float("nan")
    o, c = runs[runs["group"] == "open"], runs[runs["group"] == "closed"]
    if o.empty or c.empty:
        return ComputeGap(at, nan, nan, nan, nan, nan, nan, None, None, nan, nan, len(o), len(c), 0)
    at = pd.Timestamp(at) if at is not None else runs["publication_date"].max()
    at64 = np.datetime64(at, "ns")
    fo, do = o["training_compute_flop"].to_numpy(float), o["publication_date"].to_numpy("datetime64[ns]")
    fc, dc = c["training_compute_flop"].to_numpy(float), c["publication_date"].to_numpy("datetime64[ns]")
    lag, ratio = _lag_and_ratio(fo, do, np.ones((1, len(o)), bool), fc, dc, np.ones((1, len(c)), bool), at64)
    rng = np.random.default_rng(seed)
    inc_o = np.zeros((draws, len(o)), bool)
    inc_c = np.zeros((draws, len(c)), bool)
    np.put_along_axis(inc_o, rng.integers(0, len(o), size=(draws, len(o))), True, axis=1)
    np.put_along_axis(inc_c, rng.integers(0, len(c), size=(draws, len(c))), True, axis=1)
    bl, br = _lag_and_ratio(fo, do, inc_o, fc, dc, inc_c, at64)
    q = [(1 - level) / 2, (1 + level) / 2]
    ll, lh = np.nanquantile(bl, q) if np.isfinite(bl).any() else (nan, nan)
    rl, rh = np.nanquantile(br, q) if np.isfinite(br).any() else (nan, nan)
    oo, cc = o[o["publication_date"] <= at], c[c["publication_date"] <= at]
    top_o = oo.loc[oo["training_compute_flop"].idxmax()] if len(oo) else None
    top_c = cc.loc[cc["training_compute_flop"].idxmax()] if len(cc) else None
    return ComputeGap(at, float(lag[0]), float(ratio[0]), float(ll), float(lh), float(rl), float(rh),
                      None if top_o is None else str(top_o["model"]), None if top_c is None else str(top_c["model"]),
                      nan if top_o is None else float(top_o["training_compute_flop"]),
                      nan if top_c is None else float(top_c["training_compute_flop"]), len(o), len(c), draws)


def compute_gap_series(runs: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, step_days: int = 30) -> pd.DataFrame:
    """The lag and the ratio at dates every `step_days` from `start` to `end` (for the chart and the
    time average)."""
    o, c = runs[runs["group"] == "open"], runs[runs["group"] == "closed"]
    cols = ["date", "lag_months", "ratio"]
    if o.empty or c.empty or end <= start:
        return pd.DataFrame(columns=cols)
    dates = pd.date_range(start, end, freq=f"{step_days}D")
    fo, do = o["training_compute_flop"].to_numpy(float), o["publication_date"].to_numpy("datetime64[ns]")
    fc, dc = c["training_compute_flop"].to_numpy(float), c["publication_date"].to_numpy("datetime64[ns]")
    rows = [_lag_and_ratio(fo, do, np.ones((1, len(o)), bool), fc, dc, np.ones((1, len(c)), bool),
                           np.datetime64(t, "ns")) for t in dates]
    out = pd.DataFrame({"date": dates, "lag_months": [r[0][0] for r in rows], "ratio": [r[1][0] for r in rows]})
    return out.dropna().reset_index(drop=True)


# --- capex: recent growth, one company apart, annual rows only ----------------------------------

def growth_since(total: pd.DataFrame, first_year: int) -> Growth:
    """`total_growth` on the complete fiscal years from `first_year` on."""
    if total.empty:
        return total_growth(total)
    return total_growth(total[total["fiscal_year"] >= first_year])


def company_series_growth(values: pd.DataFrame, companies: list[str], first_year: int | None = None) -> Growth:
    """Growth of the sum over `companies` (reported values only), from `first_year` if given."""
    v = values[values["company"].isin(companies)]
    t = capex_total(v, companies)
    if first_year is not None and len(t):
        t = t[t["fiscal_year"] >= first_year]
    return total_growth(t)


def capex_calendar_year(capex: pd.DataFrame, companies: list[str], year: int) -> pd.DataFrame:
    """Each company's spending in calendar `year` as far as reported: the quarters ending in that
    year (reported rows), and the latest guidance for the year (a midpoint where a range is given;
    a company whose fiscal year is not the calendar year counts only guidance stated for the
    calendar year, period 'CY'). One row per company: reported_usd_bn, quarters, guidance_usd_bn,
    guidance_as_of."""
    cols = ["company", "reported_usd_bn", "quarters", "last_quarter_end", "guidance_usd_bn", "guidance_as_of"]
    if capex.empty or "period" not in capex or "period_end" not in capex:
        return pd.DataFrame(columns=cols)
    c = capex[capex["company"].isin(companies)].copy()
    c["mid"] = c["capex_usd_bn"].fillna((c["capex_low_usd_bn"] + c["capex_high_usd_bn"]) / 2)
    q = c[c["period"].astype(str).str.startswith("Q") & (c["row_type"] == "reported")
          & (c["period_end"].dt.year == year) & c["mid"].notna()]
    g = c[(c["row_type"] == "guidance") & c["mid"].notna()]
    calendar_fy = c[(c["period"] == "FY")].groupby("company")["fiscal_year_end"].apply(
        lambda d: bool(((d.dt.month == 12) & (d.dt.day == 31)).all()))
    rows = []
    for comp in companies:
        qc = q[q["company"] == comp]
        gc = g[(g["company"] == comp) & (g["fiscal_year"] == year)]
        gc = gc[gc["period"] == "CY"] if not bool(calendar_fy.get(comp, True)) else gc[gc["period"].isin(["FY", "CY"])]
        gl = gc.sort_values("as_of").iloc[-1] if len(gc) else None
        rows.append((comp, float(qc["mid"].sum()) if len(qc) else float("nan"), len(qc),
                     qc["period_end"].max() if len(qc) else pd.NaT,
                     float(gl["mid"]) if gl is not None else float("nan"), gl["as_of"] if gl is not None else pd.NaT))
    return pd.DataFrame(rows, columns=cols)


# --- The compute gap robust to one lab ------------------------------------------------------------

def top_mean_ratio(runs: pd.DataFrame, at: pd.Timestamp, k: int = 3) -> float:
    """Mean training compute of the `k` largest closed runs to date over that of the `k` largest open
    runs to date (NaN when either side has fewer than `k`): less hostage to one run than the maxima."""
    r = runs[runs["publication_date"] <= at]
    c = r.loc[r["group"] == "closed", "training_compute_flop"].nlargest(k)
    o = r.loc[r["group"] == "open", "training_compute_flop"].nlargest(k)
    if len(c) < k or len(o) < k:
        return float("nan")
    return float(c.mean() / o.mean())


def max_ratio(runs: pd.DataFrame, at: pd.Timestamp) -> float:
    """Largest closed run to date over the largest open run to date (NaN when a side has none)."""
    r = runs[runs["publication_date"] <= at]
    c = r.loc[r["group"] == "closed", "training_compute_flop"]
    o = r.loc[r["group"] == "open", "training_compute_flop"]
    return float(c.max() / o.max()) if len(c) and len(o) else float("nan")


def leave_one_lab_out(runs: pd.DataFrame, at: pd.Timestamp, then: pd.Timestamp | None = None) -> pd.DataFrame:
    """For every lab that has a run in the table: the closed/open ratio of the largest runs at `at`
    with that lab's runs left out, and (when `then` is given) the same ratio at `then`, so that
    each row compares like with like. Runs without an organization stay in every row."""
    labs = sorted(runs["organization"].dropna().astype(str).unique())
    rows = []
    for lab in labs:
        r = runs[runs["organization"].astype(str) != lab]
        rows.append({"left_out": lab, "ratio": max_ratio(r, at),
                     "ratio_then": max_ratio(r, then) if then is not None else float("nan")})
    out = pd.DataFrame(rows, columns=["left_out", "ratio", "ratio_then"])
    out["change"] = out["ratio"] / out["ratio_then"]
    return out


# --- Compute owned (Epoch AI's chip-owner estimates) ------------------------------------------------

def owned_gap(owned: pd.DataFrame, apart: str, chips: str = "NVIDIA") -> pd.DataFrame:
    """Per complete quarter: the largest owner of `chips` and its compute over that of `apart` (the
    open-weights spender), as the medians' ratio and a conservative interval from the percentiles
    (largest p5 / apart p95 to largest p95 / apart p5: the two estimates' uncertainties taken as
    independent extremes, so the interval is wider than a joint one would be)."""
    cols = ["quarter_end", "leader", "leader_h100e", "apart_h100e", "ratio", "ratio_low", "ratio_high"]
    if owned is None or owned.empty:
        return pd.DataFrame(columns=cols)
    d = owned[(owned["chips"] == chips) & owned["complete"].astype(bool)]
    rows = []
    for q, g in d.groupby("quarter_end"):
        a = g[g["owner"] == apart]
        others = g[g["owner"] != apart]
        if a.empty or others.empty:
            continue
        lead = others.loc[others["h100e"].idxmax()]
        a = a.iloc[0]
        rows.append((q, lead["owner"], float(lead["h100e"]), float(a["h100e"]), float(lead["h100e"] / a["h100e"]),
                     float(lead["h100e_p5"] / a["h100e_p95"]), float(lead["h100e_p95"] / a["h100e_p5"])))
    return pd.DataFrame(rows, columns=cols).sort_values("quarter_end").reset_index(drop=True)


def owned_direction(gap: pd.DataFrame) -> bool | None:
    """Widening (True) if the last quarter's whole interval lies above the first quarter's, narrowing
    (False) if wholly below, undecided (None) if they overlap or there are fewer than two quarters."""
    if len(gap) < 2:
        return None
    first, last = gap.iloc[0], gap.iloc[-1]
    if last["ratio_low"] > first["ratio_high"]:
        return True
    if last["ratio_high"] < first["ratio_low"]:
        return False
    return None
