"""Chip-program timelines: milestones as intervals, durations between them, generation cadence,
and what faster cycles would compound to.

Inputs are the typed tables from `tokenfactory.data.load` (chip_programs, asic_cycle_statements,
accelerators). The chapter never fills a missing date by guessing: a program without both
milestones of a pair simply has no duration for that pair, and every summary states its sample.
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from .intervals import duration_interval, earliest, ecdf, percentile_of, period_end
from ..units import DAYS_PER_YEAR

MILESTONES = ("design_start", "tapeout", "announced", "first_deployment", "general_availability")
#: "availability" is derived: the earliest of first deployment and general availability (and, where
#: chip_programs has neither, the accelerators table's available_date).
PAIRS = (
    ("design_start", "tapeout"),
    ("tapeout", "availability"),
    ("announced", "availability"),
    ("design_start", "availability"),
)
PAIR_LABELS = {
    ("design_start", "tapeout"): "design start → tape-out",
    ("tapeout", "availability"): "tape-out → availability",
    ("announced", "availability"): "announcement → availability",
    ("design_start", "availability"): "design start → availability",
}
PHASE_LABELS = {
    "design_to_tapeout": "design → tape-out",
    "design_to_deployment": "design → deployment",
    "tapeout_to_deployment": "tape-out → deployment",
    "generation_cadence": "generation cadence",
    "full_cycle": "full cycle (spec → silicon/production)",
    "wafer_fabrication": "wafer fabrication",
    "packaging_and_test": "packaging and test",
}


def select_vendors(programs: pd.DataFrame, vendors: Sequence[str]) -> pd.DataFrame:
    """Rows of the chosen vendors (an empty selection keeps every vendor)."""
    return programs if not vendors else programs[programs["vendor"].isin(list(vendors))]


#: Date kinds that count as having happened (chip_programs.date_kind): a target never does.
HAPPENED = ("event", "inference")


def date_kinds(programs: pd.DataFrame) -> pd.Series:
    """Each row's date kind; a table without the column (older data, synthetic tests) holds events."""
    if "date_kind" not in programs:
        return pd.Series("event", index=programs.index)
    return programs["date_kind"].fillna("event").astype(str)


def targets(programs: pd.DataFrame) -> pd.DataFrame:
    """The rows whose date is an announced target: censored (not yet happened) in every test."""
    return programs[date_kinds(programs) == "target"]


def milestone_table(programs: pd.DataFrame, accelerators: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per program; for each milestone `<m>_lo` and `<m>_hi` (the interval of dates the
    source allows), `<m>_self` (self-reported), `<m>_kind` (event or inference), plus the derived
    `availability_lo/hi`.

    A target date (an announced future date, `date_kind` target) is censored: it never fills a
    milestone. `availability_target` keeps the earliest targeted deployment or availability of a
    program that has no dated one, for display only. Where chip_programs has no deployment or
    availability row, the accelerators table's `available_date` ("generally available or first
    deployed") fills it when the program names its accelerator, unless chip_programs records that
    date as a target, or the date lies after the accelerators row's own statement date (`as_of`): a date
    announced before it could happen is a target (`accelerator_targets`), censored like any other and
    kept in `availability_target` (its table in `availability_target_source`). The source of the
    availability date is kept in `availability_source`.
    """
    kinds = date_kinds(programs)
    p = programs[kinds != "target"].copy()
    p["date_kind"] = kinds[kinds != "target"]
    tg = programs[kinds == "target"]
    p["lo"] = pd.to_datetime(p["date"]).values
    p["hi"] = period_end(p["date"], p["date_precision"]).values
    info_cols = ["program", "vendor", "family", "generation", "accelerator", "kind"]
    info = programs.groupby("program", sort=False)[info_cols[1:]].first().reset_index()
    wide = info.copy()
    for m in MILESTONES:
        sub = p[p["milestone"] == m].drop_duplicates("program").set_index("program")
        wide[f"{m}_lo"] = pd.to_datetime(wide["program"].map(sub["lo"].to_dict()))
        wide[f"{m}_hi"] = pd.to_datetime(wide["program"].map(sub["hi"].to_dict()))
        wide[f"{m}_prec"] = wide["program"].map(sub["date_precision"])
        wide[f"{m}_self"] = wide["program"].map(sub["self_reported"]).astype("boolean")
        wide[f"{m}_kind"] = wide["program"].map(sub["date_kind"])
    wide["acc_lo"] = pd.NaT
    wide["acc_hi"] = pd.NaT
    wide["acc_target"] = False
    if accelerators is not None and len(accelerators):
        acc = accelerators.dropna(subset=["available_date"]).drop_duplicates("accelerator").set_index("accelerator")
        wide["acc_lo"] = pd.to_datetime(wide["accelerator"].map(acc["available_date"]))
        acc_hi = pd.Series(period_end(acc["available_date"], acc["available_date_precision"]).values, index=acc.index)
        wide["acc_hi"] = pd.to_datetime(wide["accelerator"].map(acc_hi))
        wide["acc_target"] = wide["accelerator"].map(accelerator_targets(accelerators)).astype("boolean").fillna(False)
    own_lo, own_hi = earliest([(wide["first_deployment_lo"], wide["first_deployment_hi"]),
                               (wide["general_availability_lo"], wide["general_availability_hi"])])
    dep_targets = tg[tg["milestone"].isin(["first_deployment", "general_availability"])]
    first_target = (pd.to_datetime(dep_targets["date"]).groupby(dep_targets["program"]).min().to_dict()
                    if len(dep_targets) else {})
    wide["availability_target"] = pd.to_datetime(wide["program"].map(first_target).astype("datetime64[ns]"))
    wide["availability_target_source"] = np.where(wide["availability_target"].notna(), "chip_programs", None)
    # an accelerators date later than the statement that gives it is a target too: censored, shown only
    acc_target = own_lo.isna() & wide["acc_lo"].notna() & wide["acc_target"].astype(bool) \
        & wide["availability_target"].isna()
    wide.loc[acc_target, "availability_target"] = wide.loc[acc_target, "acc_lo"]
    wide.loc[acc_target, "availability_target_source"] = "accelerators"
    use_acc = own_lo.isna() & wide["acc_lo"].notna() & wide["availability_target"].isna()
    wide["availability_lo"] = own_lo.where(~use_acc, wide["acc_lo"])
    wide["availability_hi"] = own_hi.where(~use_acc, wide["acc_hi"])
    wide["availability_source"] = np.where(use_acc, "accelerators", np.where(own_lo.notna(), "chip_programs", None))
    fd_self = wide["first_deployment_self"].fillna(False)
    ga_self = wide["general_availability_self"].fillna(False)
    wide["availability_self"] = (fd_self | ga_self).astype(bool)
    return wide


def durations(wide: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Duration intervals (months) from `start` to `end` for every program that has both."""
    have = wide[f"{start}_lo"].notna() & wide[f"{end}_lo"].notna()
    w = wide[have].reset_index(drop=True)
    d = duration_interval(w[f"{start}_lo"], w[f"{start}_hi"], w[f"{end}_lo"], w[f"{end}_hi"],
                          clip=start != "announced")
    self_rep = w[f"{start}_self"].fillna(False).astype(bool) | w[f"{end}_self"].fillna(False).astype(bool)
    out = pd.concat([w[["program", "vendor", "family", "kind"]], d], axis=1)
    out["self_reported"] = self_rep.values
    out["pair"] = PAIR_LABELS.get((start, end), f"{start} → {end}")
    return out


def all_durations(wide: pd.DataFrame, pairs: Iterable[tuple[str, str]] = PAIRS) -> pd.DataFrame:
    """`durations` for every standard pair, stacked."""
    frames = [durations(wide, s, e) for s, e in pairs]
    return pd.concat(frames, ignore_index=True)


def median_mid(d: pd.DataFrame) -> float:
    """Median of the duration midpoints (NaN with no durations)."""
    return float(d["mid"].median()) if len(d) else float("nan")


def median_bounds(d: pd.DataFrame) -> tuple[float, float]:
    """The median's own bounds: median of the lower bounds and of the upper bounds."""
    if not len(d):
        return float("nan"), float("nan")
    return float(d["lo"].median()), float(d["hi"].median())


def reference_statements(statements: pd.DataFrame, phases: Sequence[str], exclude: Sequence[str] = ()) -> pd.DataFrame:
    """Published cycle-length statements of the chosen phases as intervals (months).

    A statement with only a minimum ("longer than 18 months") is open-ended: hi = inf, and its
    midpoint is its minimum (the least it can be).
    """
    s = statements[statements["phase"].isin(list(phases)) & ~statements["statement_id"].isin(list(exclude))]
    s = s.dropna(subset=["min_months"]).reset_index(drop=True)
    lo = s["min_months"].astype(float)
    hi = s["max_months"].astype(float).fillna(np.inf)
    mid = np.where(np.isfinite(hi), (lo + hi) / 2, lo)
    return pd.DataFrame({"statement_id": s["statement_id"], "organization": s["organization"],
                         "speaker": s["speaker"], "phase": s["phase"], "lo": lo, "hi": hi, "mid": mid,
                         "statement": s["statement"], "source_url": s["source_url"],
                         "segment": segments_of(s).to_numpy()})


def claim_percentile(claim_months: float, program_durations: pd.DataFrame, references: pd.DataFrame,
                     exclude_program: str | None = None) -> dict:
    """Percentile of the claimed duration among the comparison durations (programs of the chosen
    pair, without the claiming program itself, plus published statements). Returns the point
    percentile, its bounds from date precision, and the sample size."""
    progs = program_durations
    if exclude_program:
        progs = progs[progs["program"] != exclude_program]
    lo = np.concatenate([progs["lo"].to_numpy(float), references["lo"].to_numpy(float)])
    hi = np.concatenate([progs["hi"].to_numpy(float), references["hi"].to_numpy(float)])
    point, low, high = percentile_of(claim_months, lo, hi)
    return {"percentile": point, "percentile_low": low, "percentile_high": high, "n": int(len(lo)),
            "n_programs": int(len(progs)), "n_statements": int(len(references))}


def ecdf_by_pair(d: pd.DataFrame, grid: np.ndarray | None = None) -> pd.DataFrame:
    """ECDF bands (see `intervals.ecdf`) for each pair, long format."""
    if grid is None:
        top = float(np.nanmax(d["hi"])) if len(d) else 48.0
        bottom = float(np.nanmin(d["lo"])) if len(d) else 0.0
        grid = np.linspace(min(0.0, math.floor(bottom / 6) * 6), max(48.0, math.ceil(top / 6) * 6), 241)
    frames = []
    for pair, g in d.groupby("pair", sort=False):
        e = ecdf(g["lo"].to_numpy(), g["hi"].to_numpy(), grid)
        e["pair"] = pair
        e["n"] = len(g)
        frames.append(e)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["x", "f_low", "f_mid", "f_high", "pair", "n"])


def generation_gaps(wide: pd.DataFrame, milestone: str = "availability") -> pd.DataFrame:
    """Months between successive generations' `milestone` within each family (vendor + family).

    Several programs of one generation (TPU v5e and v5p) count once, at the earliest date. A
    generation without the milestone is skipped, so a gap can span two generation numbers; it is
    then divided by the number of generations it spans, and `span` says so.
    """
    w = wide.dropna(subset=[f"{milestone}_lo", "generation"]).copy()
    w["generation"] = w["generation"].astype(int)
    g = (w.groupby(["vendor", "family", "generation"], as_index=False)
           .agg(lo=(f"{milestone}_lo", "min"), hi=(f"{milestone}_hi", "min"), program=("program", "first"))
           .sort_values(["vendor", "family", "generation"]))
    rows = []
    for (vendor, family), f in g.groupby(["vendor", "family"], sort=True):
        f = f.reset_index(drop=True)
        for i in range(1, len(f)):
            prev, cur = f.iloc[i - 1], f.iloc[i]
            d = duration_interval(pd.Series([prev["lo"]]), pd.Series([prev["hi"]]),
                                  pd.Series([cur["lo"]]), pd.Series([cur["hi"]])).iloc[0]
            span = int(cur["generation"] - prev["generation"])
            rows.append({"vendor": vendor, "family": family, "from_program": prev["program"],
                         "to_program": cur["program"], "span": span,
                         "date": cur["lo"] + (cur["hi"] - cur["lo"]) / 2,
                         "lo": d["lo"] / span, "hi": d["hi"] / span, "mid": d["mid"] / span})
    return pd.DataFrame(rows, columns=["vendor", "family", "from_program", "to_program", "span", "date",
                                       "lo", "hi", "mid"])


def cadence_trend(gaps: pd.DataFrame) -> dict:
    """Is the cadence shortening? Slope of the gap (midpoint, months) on the calendar year of the
    later generation, within families (each family's means removed, so that a vendor with long
    gaps does not pass for a trend). Returns slope in months per year, its standard error, n and
    the number of families; NaN when fewer than three gaps."""
    g = gaps.dropna(subset=["mid"])
    n = len(g)
    if n < 3:
        return {"slope": float("nan"), "se": float("nan"), "n": n, "families": int(g["family"].nunique())}
    year = g["date"].dt.year + (g["date"].dt.day_of_year - 1) / DAYS_PER_YEAR
    x = year - year.groupby(g["family"]).transform("mean")
    y = g["mid"] - g["mid"].groupby(g["family"]).transform("mean")
    sxx = float((x**2).sum())
    k = int(g["family"].nunique())
    if sxx == 0:
        return {"slope": float("nan"), "se": float("nan"), "n": n, "families": k}
    slope = float((x * y).sum() / sxx)
    dof = max(n - k - 1, 1)
    resid = y - slope * x
    se = float(math.sqrt((resid**2).sum() / dof / sxx))
    return {"slope": slope, "se": se, "n": n, "families": k}


def min_feasible_cycle(fab_months: float, packaging_months: float, bringup_months: float) -> float:
    """Shortest cycle in which each generation can learn from the previous one's silicon: the
    wafers must be made, packaged, brought up and qualified before the next design is final.
    Overlapping programs can ship more often than this, but then a chip cannot learn from its
    predecessor's silicon."""
    return float(fab_months + packaging_months + bringup_months)


def projection(cycles: Sequence[float], gain_per_generation: float, horizon_years: float,
               floor_months: float, step_months: float = 1.0) -> pd.DataFrame:
    """Cumulative performance per watt after t months for each cycle time, if every generation
    brings `gain_per_generation` whatever the cycle: gain ** floor(t / cycle).

    This is the article's implicit assumption (gains per generation do not shrink with shorter
    cycles); it is an upper bound, labelled so, and `feasible` marks cycles at or above the floor.
    """
    t = np.arange(0, horizon_years * 12 + step_months / 2, step_months)
    cyc = np.asarray(list(cycles), float)
    gens = np.floor(t[None, :] / cyc[:, None] + 1e-9)
    eff = gain_per_generation ** gens
    out = pd.DataFrame({
        "cycle_months": np.repeat(cyc, len(t)),
        "months": np.tile(t, len(cyc)),
        "generations": gens.ravel(),
        "efficiency": eff.ravel(),
    })
    out["years"] = out["months"] / 12
    out["feasible"] = out["cycle_months"] >= floor_months - 1e-9
    return out


def projection_summary(cycles: Sequence[float], gain_per_generation: float, horizon_years: float,
                       floor_months: float) -> pd.DataFrame:
    """One row per cycle: generations within the horizon, cumulative gain, implied annual rate."""
    cyc = np.asarray(list(cycles), float)
    gens = np.floor(horizon_years * 12 / cyc + 1e-9)
    return pd.DataFrame({
        "cycle_months": cyc,
        "generations": gens,
        "cumulative_gain": gain_per_generation ** gens,
        "annual_rate": gain_per_generation ** (12 / cyc),
        "feasible": cyc >= floor_months - 1e-9,
    })


def efficiency_gains(wide: pd.DataFrame, accelerators: pd.DataFrame | None) -> pd.DataFrame:
    """Measured performance per watt from one generation to the next, within families: dense BF16
    TFLOPS per watt of TDP (vendors' datasheet figures), as a ratio per generation (geometric, when
    a gap spans several generation numbers). Empty when the accelerators table is unavailable."""
    cols = ["vendor", "family", "from_program", "to_program", "ratio_per_generation"]
    if accelerators is None or not len(accelerators):
        return pd.DataFrame(columns=cols)
    acc = accelerators.drop_duplicates("accelerator").set_index("accelerator")
    eff = acc["bf16_dense_tflops"] / acc["tdp_w"]
    w = wide.dropna(subset=["accelerator", "generation"]).copy()
    w["eff"] = w["accelerator"].map(eff)
    w = w.dropna(subset=["eff"])
    w = w[np.isfinite(w["eff"]) & (w["eff"] > 0)]
    w["generation"] = w["generation"].astype(int)
    w = w.sort_values(["vendor", "family", "generation", "eff"]).drop_duplicates(
        ["vendor", "family", "generation"], keep="last")
    rows = []
    for (vendor, family), f in w.groupby(["vendor", "family"]):
        f = f.reset_index(drop=True)
        for i in range(1, len(f)):
            span = int(f.loc[i, "generation"] - f.loc[i - 1, "generation"])
            ratio = (f.loc[i, "eff"] / f.loc[i - 1, "eff"]) ** (1 / span)
            rows.append({"vendor": vendor, "family": family, "from_program": f.loc[i - 1, "program"],
                         "to_program": f.loc[i, "program"], "ratio_per_generation": float(ratio)})
    return pd.DataFrame(rows, columns=cols)


def distinct_statements(references: pd.DataFrame) -> pd.DataFrame:
    """Published statements counted by distinct figure: statements of the same phase that state the
    same range (same minimum, same maximum) count once.

    Why: commentary repeats figures. Two pages that both say "18 to 36 months" without naming a
    source are one unsourced figure quoted twice, not two observations; counting them twice would
    make the comparison group look larger and more settled than it is. The kept row is the first
    in the table; `organization` lists every outlet that stated the figure, `statement_ids` their
    ids and `n_sources` how many there were."""
    if not len(references):
        return references.assign(n_sources=pd.Series(dtype=int), statement_ids=pd.Series(dtype=str))
    r = references.reset_index(drop=True).copy()
    r["_hi_key"] = r["hi"].where(np.isfinite(r["hi"]), -1.0)
    # a figure repeated within one segment counts once; the same figure in two segments stays two (kept apart)
    key = ["phase", "lo", "_hi_key"] + (["segment"] if "segment" in r else [])
    agg = r.groupby(key, sort=False).agg(organization=("organization", lambda s: "; ".join(dict.fromkeys(s.fillna("")))),
                                         statement_ids=("statement_id", lambda s: "; ".join(s)),
                                         n_sources=("statement_id", "size")).reset_index()
    first = r.drop_duplicates(key).drop(columns=["organization"])
    out = first.merge(agg, on=key, how="left").drop(columns=["_hi_key"])
    return out.reset_index(drop=True)


#: Statements that describe one program of chip_programs, and the milestone pair of our dated
#: interval that corresponds to the statement's phase (the statements table has no program column).
STATEMENT_PROGRAMS = {"openai_jalapeno_9_months": "OpenAI Jalapeño", "tpu_v1_15_months": "Google TPU v1",
                      "celerity_9_months": "Celerity"}
PHASE_PAIRS = {"design_to_tapeout": PAIR_LABELS[("design_start", "tapeout")],
               "design_to_deployment": PAIR_LABELS[("design_start", "availability")]}


def statements_vs_dates(statements: pd.DataFrame, program_durations: pd.DataFrame,
                        links: dict[str, str] = STATEMENT_PROGRAMS) -> pd.DataFrame:
    """A company's stated duration next to the interval our dates for the same program allow.

    A program dated only to the year gives a wide interval; the statement is then neither confirmed
    nor contradicted (`consistent`: the stated value lies inside our interval; `confirms`: our
    interval is narrow enough to pin it, within a month either side)."""
    rows = []
    for sid, program in links.items():
        s = statements[statements["statement_id"] == sid]
        if s.empty or pd.isna(s.iloc[0]["min_months"]):
            continue
        s = s.iloc[0]
        pair = PHASE_PAIRS.get(s["phase"])
        d = program_durations[(program_durations["program"] == program) & (program_durations["pair"] == pair)]
        if d.empty:
            continue
        d = d.iloc[0]
        stated = float(s["min_months"])
        rows.append({"statement_id": sid, "program": program, "pair": pair, "stated_months": stated,
                     "lo": float(d["lo"]), "mid": float(d["mid"]), "hi": float(d["hi"]),
                     "consistent": bool(d["lo"] <= stated <= d["hi"]),
                     "confirms": bool(d["lo"] <= stated <= d["hi"] and d["hi"] - d["lo"] <= 2.0)})
    return pd.DataFrame(rows, columns=["statement_id", "program", "pair", "stated_months", "lo", "mid", "hi",
                                       "consistent", "confirms"])


def workload_counts(accelerators: pd.DataFrame | None, kind: str = "custom_asic") -> dict:
    """How many accelerators of `kind` the accelerators table lists per stated workload
    (inference, training, both), and which vendors have at least one that trains."""
    out = {"inference": 0, "training": 0, "both": 0, "total": 0, "vendors_training": []}
    if accelerators is None or not len(accelerators):
        return out
    a = accelerators[accelerators["kind"] == kind].drop_duplicates("accelerator")
    counts = a["workload"].value_counts()
    for w in ("inference", "training", "both"):
        out[w] = int(counts.get(w, 0))
    out["total"] = int(len(a))
    out["vendors_training"] = sorted(a.loc[a["workload"].isin(["training", "both"]), "vendor"].dropna().unique())
    return out


# --- Cadence by population, the shared technology rate, and what a fast cycle would need ---------------------------

#: Populations whose generation gaps are measured separately (like for like: a merchant GPU family and a
#: hyperscaler's custom ASIC family answer to different clocks).
POPULATIONS = {"merchant_gpu": "merchant GPU families", "custom_asic": "custom ASIC families",
               "startup": "start-up families"}


def gaps_with_kind(gaps: pd.DataFrame, wide: pd.DataFrame) -> pd.DataFrame:
    """The generation gaps with each family's kind (merchant_gpu, custom_asic, startup) attached."""
    kinds = wide.dropna(subset=["kind"]).groupby(["vendor", "family"])["kind"].first()
    key = list(zip(gaps["vendor"], gaps["family"]))
    return gaps.assign(kind=[kinds.get(k) for k in key])


def median_gap(gaps: pd.DataFrame, kind: str | None = None) -> tuple[float, int]:
    """Median generation gap (midpoints, months) of one population (all when `kind` is None) and its n."""
    g = gaps if kind is None else gaps[gaps["kind"] == kind]
    g = g.dropna(subset=["mid"])
    return (float(g["mid"].median()) if len(g) else float("nan")), int(len(g))


def recent_gaps(gaps: pd.DataFrame, vendor: str, n: int = 3) -> pd.DataFrame:
    """The vendor's last `n` generation gaps (by the later generation's date), oldest first."""
    g = gaps[gaps["vendor"] == vendor].dropna(subset=["mid"]).sort_values("date")
    return g.tail(n).reset_index(drop=True)


def price_performance(accelerators: pd.DataFrame | None, kinds: Sequence[str] = ("merchant_gpu",),
                      bases: Sequence[str] = ("chip",)) -> pd.DataFrame:
    """Dense BF16 TFLOPS per USD of chip price for the accelerators of `kinds` that have both, dated by
    availability (announcement when availability is missing), as decimal years.

    Like for like: only prices of the chip alone (`price_basis` in `bases`); a server price divided by
    its chips also pays for CPUs, memory and networking and would bend the trend. Rows without a stated
    basis are left out."""
    cols = ["accelerator", "vendor", "date", "year", "tflops_per_usd", "price_estimate"]
    if accelerators is None or not len(accelerators):
        return pd.DataFrame(columns=cols)
    a = accelerators[accelerators["kind"].isin(list(kinds))].drop_duplicates("accelerator").copy()
    if "price_basis" in a:
        a = a[a["price_basis"].isin(list(bases))]
    a["date"] = pd.to_datetime(a["available_date"]).fillna(pd.to_datetime(a["announced_date"]))
    a = a.dropna(subset=["date", "price_usd", "bf16_dense_tflops"])
    a = a[(a["price_usd"] > 0) & (a["bf16_dense_tflops"] > 0)]
    a["year"] = a["date"].dt.year + (a["date"].dt.day_of_year - 1) / DAYS_PER_YEAR
    a["tflops_per_usd"] = a["bf16_dense_tflops"] / a["price_usd"]
    return a[cols].sort_values("date").reset_index(drop=True)


def technology_rate(pp: pd.DataFrame) -> dict:
    """Growth of price-performance per year (× per year): exp of the least-squares slope of
    log(TFLOPS per USD) on the calendar year, with the factor's bounds at ±1 standard error and n.

    Why price-performance and not performance per watt: a buyer's cost per token follows what a
    dollar of chip buys, so the vendor's repricing of each generation is inside the rate. This is the
    one technology rate of the book: the flywheel reads it from this chapter's results."""
    n = len(pp)
    if n < 3 or pp["year"].nunique() < 2:
        return {"rate": float("nan"), "low": float("nan"), "high": float("nan"), "n": n}
    x = pp["year"].to_numpy(float)
    y = np.log(pp["tflops_per_usd"].to_numpy(float))
    xm = x - x.mean()
    slope = float((xm * (y - y.mean())).sum() / (xm**2).sum())
    resid = y - y.mean() - slope * xm
    se = float(math.sqrt((resid**2).sum() / max(n - 2, 1) / (xm**2).sum()))
    return {"rate": math.exp(slope), "low": math.exp(slope - se), "high": math.exp(slope + se), "n": n,
            "first": float(x.min()), "last": float(x.max())}


def gain_per_generation(rate_per_year: float, cycle_months: float) -> float:
    """The gain one generation of length L brings when technology advances at a fixed rate per year:
    rate ** (L / 12). A shorter cycle brings a smaller step; the yearly gain stays the rate."""
    return float(rate_per_year ** (cycle_months / 12.0))


def tied_projection(cycles: Sequence[float], rate_per_year: float, horizon_years: float,
                    step_months: float = 1.0) -> pd.DataFrame:
    """Cumulative gain after t months for each cycle when each generation brings rate ** (L / 12):
    (rate ** (L / 12)) ** floor(t / L). Every cycle tracks the same yearly rate; a shorter cycle
    only follows it in smaller, more frequent steps."""
    t = np.arange(0, horizon_years * 12 + step_months / 2, step_months)
    cyc = np.asarray(list(cycles), float)
    gens = np.floor(t[None, :] / cyc[:, None] + 1e-9)
    eff = (rate_per_year ** (cyc[:, None] / 12.0)) ** gens
    return pd.DataFrame({"cycle_months": np.repeat(cyc, len(t)), "months": np.tile(t, len(cyc)),
                         "generations": gens.ravel(), "efficiency": eff.ravel(),
                         "years": np.tile(t, len(cyc)) / 12})


def design_budget(cycles: Sequence[float], floor_months: float, dated_design_months: float) -> pd.DataFrame:
    """What a cycle of L months would need of the design phase, if each chip is to learn from its
    predecessor's silicon: the design must fit in L − floor months (the floor bounds manufacturing, not
    design), i.e. be `speedup` times shorter than the dated design-to-tape-out median. NaN budget
    (infeasible) when the floor alone exceeds L."""
    cyc = np.asarray(list(cycles), float)
    budget = cyc - floor_months
    ok = budget > 0
    speed = np.where(ok, dated_design_months / np.where(ok, budget, 1.0), np.nan)
    return pd.DataFrame({"cycle_months": cyc, "design_budget_months": np.where(ok, budget, np.nan),
                         "speedup_needed": speed, "feasible": ok})


# --- Spec to silicon: the phase the article's "18 to 36 months" describes ----------------------------

def with_floor(d: pd.DataFrame, floor_months: float) -> pd.DataFrame:
    """Durations shifted by a fixed floor (design start to tape-out + the months from tape-out to
    first packaged silicon = spec to silicon); lo, hi and mid all move by the floor."""
    out = d.copy()
    for c in ("lo", "hi", "mid"):
        if c in out:
            out[c] = out[c].astype(float) + float(floor_months)
    return out


def sourced_design_and_tapeout(wide: pd.DataFrame, exclude_program: str | None = None) -> pd.DataFrame:
    """Design start to tape-out for the programs that date both with a source (an event or an
    inference with its basis; a target never counts, and a partnership date is not a design start),
    leaving out `exclude_program` (the claim's own)."""
    d = durations(wide, "design_start", "tapeout")
    if exclude_program:
        d = d[d["program"] != exclude_program]
    return d.reset_index(drop=True)

# --- Architecture cadence: new designs apart from refreshes, one product line at a time ------------------------------

def _with_lines(wide: pd.DataFrame, accelerators: pd.DataFrame | None) -> pd.DataFrame:
    """Every program with its accelerator's `generation_kind` and `product_line` attached (see
    `architecture_table`), dated or not."""
    w = wide.copy()
    if accelerators is not None and len(accelerators) and {"generation_kind", "product_line"} <= set(accelerators):
        acc = accelerators.drop_duplicates("accelerator").set_index("accelerator")
        w["generation_kind"] = w["accelerator"].map(acc["generation_kind"])
        w["product_line"] = w["accelerator"].map(acc["product_line"])
    else:
        w["generation_kind"], w["product_line"] = None, None
    w["generation_kind"] = w["generation_kind"].astype(object).fillna("architecture")
    w["product_line"] = w["product_line"].astype(object).fillna(w["family"].astype(object))
    return w


def architecture_table(wide: pd.DataFrame, accelerators: pd.DataFrame | None) -> pd.DataFrame:
    """One row per program with an availability date, its accelerator's `generation_kind`
    (architecture or refresh) and `product_line` attached. A program without an accelerators row
    (or without the columns) keeps kind 'architecture' and its family as its line."""
    return _with_lines(wide, accelerators).dropna(subset=["availability_lo"])


def architecture_gaps(wide: pd.DataFrame, accelerators: pd.DataFrame | None) -> pd.DataFrame:
    """Months between successive new architectures within each product line (refreshes skipped:
    an H200 or a B300 is not a generation). Several programs of one architecture in one line count
    once, at the earliest availability. Columns as `generation_gaps` plus `product_line` and `undated_between`.

    A gap is measured between dated architectures only. When an architecture of the same line lies between the
    two (a generation number in between) but has no availability date, the gap spans it: it is then two
    generations read as one, and `undated_between` names the programs it spans (empty when none), so that the
    page can say so instead of passing the long gap for one generation."""
    every = _with_lines(wide, accelerators)
    every = every[every["generation_kind"] == "architecture"]
    undated = every[every["availability_lo"].isna()].dropna(subset=["generation"])
    w = every.dropna(subset=["availability_lo"])
    cols = ["vendor", "family", "product_line", "from_program", "to_program", "from_accelerator", "to_accelerator",
            "date", "lo", "hi", "mid", "undated_between"]
    rows = []
    for (vendor, family, line), f in w.groupby(["vendor", "family", "product_line"], sort=True):
        f = f.sort_values("availability_lo").drop_duplicates("generation", keep="first").reset_index(drop=True)
        for i in range(1, len(f)):
            prev, cur = f.iloc[i - 1], f.iloc[i]
            d = duration_interval(pd.Series([prev["availability_lo"]]), pd.Series([prev["availability_hi"]]),
                                  pd.Series([cur["availability_lo"]]), pd.Series([cur["availability_hi"]])).iloc[0]
            gens = sorted((prev["generation"], cur["generation"]))
            skipped = undated[(undated["vendor"] == vendor) & (undated["family"] == family)
                              & (undated["product_line"] == line) & (undated["generation"] > gens[0])
                              & (undated["generation"] < gens[1])]
            rows.append({"vendor": vendor, "family": family, "product_line": line, "from_program": prev["program"],
                         "to_program": cur["program"], "from_accelerator": prev["accelerator"],
                         "to_accelerator": cur["accelerator"],
                         "date": cur["availability_lo"] + (cur["availability_hi"] - cur["availability_lo"]) / 2,
                         "lo": d["lo"], "hi": d["hi"], "mid": d["mid"],
                         "undated_between": ", ".join(skipped.sort_values("generation")["program"].astype(str))})
    return pd.DataFrame(rows, columns=cols)


def inference_gains(gaps: pd.DataFrame, accelerators: pd.DataFrame | None) -> pd.DataFrame:
    """For each architecture step: the ratio of dense FP8 TFLOPS per watt (inference precision) and of
    memory bandwidth (what decoding is bound by) from the earlier architecture to the later one, as
    the datasheets state them; NaN where a figure is missing (FP4 peaks are not in the table)."""
    cols = ["vendor", "product_line", "from_program", "to_program", "fp8_per_watt_ratio", "bandwidth_ratio"]
    if accelerators is None or not len(accelerators) or not len(gaps):
        return pd.DataFrame(columns=cols)
    acc = accelerators.drop_duplicates("accelerator").set_index("accelerator")
    fp8w = acc["fp8_dense_tflops"] / acc["tdp_w"]
    bw = acc["memory_bandwidth_tb_s"]
    g = gaps.copy()
    g["fp8_per_watt_ratio"] = g["to_accelerator"].map(fp8w).values / g["from_accelerator"].map(fp8w).values
    g["bandwidth_ratio"] = g["to_accelerator"].map(bw).values / g["from_accelerator"].map(bw).values
    return g[cols].reset_index(drop=True)


def line_cadence(gaps: pd.DataFrame, vendor: str, n: int | None = None) -> tuple[float, int]:
    """Median architecture gap (months, midpoints) of one vendor's lines, over its last `n` gaps by
    date (all when None), and how many gaps it rests on."""
    g = gaps[gaps["vendor"] == vendor].dropna(subset=["mid"]).sort_values("date")
    if n is not None:
        g = g.tail(n)
    return (float(g["mid"].median()) if len(g) else float("nan")), int(len(g))


# --- What a dated tape-out means: a tape-out, wafers out of the fab, or silicon that already exists ----------------

#: What a tape-out row's date is, read from the controlled start of its `date_basis` (chip_programs): the
#: tape-out itself ("taped out:"), finished wafers ("wafers out:", fabrication done, packaging not), or
#: packaged silicon that already existed ("silicon exists:", e.g. a chip "in testing"). An event without
#: a basis is the tape-out itself.
TAPEOUT_BASES = ("taped out", "wafers out", "silicon exists")


def tapeout_basis(programs: pd.DataFrame) -> dict[str, str]:
    """For each program with a (non-target) tape-out row: what its date means, one of TAPEOUT_BASES.

    Raises ValueError naming the program when an inferred tape-out row's `date_basis` does not start with
    one of the allowed bases (the date's meaning decides how much manufacturing it already includes)."""
    kinds = date_kinds(programs)
    rows = programs[(programs["milestone"] == "tapeout") & (kinds != "target")]
    out: dict[str, str] = {}
    for i, r in rows.iterrows():
        raw = r.get("date_basis") if "date_basis" in rows else None
        basis = str(raw).strip().lower() if isinstance(raw, str) and raw.strip() else ""
        found = next((b for b in TAPEOUT_BASES if basis.startswith(b + ":")), None)
        if found is None:
            if kinds[i] == "event" and not basis:
                found = "taped out"
            else:
                raise ValueError(
                    f"chip_programs: the tape-out row of {r['program']!r} has date_basis {raw!r}; it must start with "
                    f"one of {', '.join(repr(b + ':') for b in TAPEOUT_BASES)} (what the dated statement shows)")
        out.setdefault(r["program"], found)
    return out


def months_to_silicon(basis: str, fab_months: float, packaging_months: float) -> float:
    """Months from a dated tape-out row to first packaged silicon: fabrication and packaging after a tape-out,
    packaging alone after wafers out of the fab, nothing when silicon already existed."""
    return {"taped out": fab_months + packaging_months, "wafers out": packaging_months,
            "silicon exists": 0.0}[basis]


def spec_to_silicon(d2t: pd.DataFrame, bases: dict[str, str], fab_months: float,
                    packaging_months: float) -> pd.DataFrame:
    """Spec to silicon (the phase the article's "18 to 36 months" describes) and design start to tape-out on
    one footing, for each program of `d2t` (design start to its dated tape-out row, months).

    Why per row: a tape-out date needs the fabrication and packaging floor added to reach first silicon; a
    date read from a statement that silicon already existed ("in testing", "first chip from manufacturing")
    already contains them, so adding the floor again would count fabrication twice. Such a date bounds the
    tape-out from above: the dated interval, read as design start to tape-out, is an upper bound (the chip
    was taped out at least the floor earlier), while spec to silicon is the dated interval itself (also an
    upper bound: silicon may have existed before the statement). Design start to tape-out on the same
    footing is then spec to silicon minus the floor (clipped at zero), for every row alike, so that
    `spec = design + floor` holds row by row and a median of one is the median of the other shifted by
    the floor. Columns added: basis, to_silicon (months added), spec_lo/hi/mid, design_lo/hi/mid."""
    floor = float(fab_months + packaging_months)
    out = d2t.copy()
    out["basis"] = [bases.get(p, "taped out") for p in out["program"]]
    out["to_silicon"] = [months_to_silicon(b, fab_months, packaging_months) for b in out["basis"]]
    for c in ("lo", "hi", "mid"):
        out[f"spec_{c}"] = out[c].astype(float) + out["to_silicon"]
        out[f"design_{c}"] = (out[f"spec_{c}"] - floor).clip(lower=0.0)
    out["design_mid"] = (out["design_lo"] + out["design_hi"]) / 2
    out["spec_mid"] = (out["spec_lo"] + out["spec_hi"]) / 2
    return out


def tapeout_to_availability(wide: pd.DataFrame, bases: dict[str, str]) -> pd.DataFrame:
    """Tape-out to availability for every program that dates both, on the footing its tape-out row allows
    (see `tapeout_basis`): `basis` says what the start date shows, and `lower_bound` is True when that date may
    be later than the tape-out itself: wafers out of the fab, silicon that already existed, or a tape-out read
    from a later statement that it had happened (an inferred date, `tapeout_kind` inference, bounds the
    tape-out from above). Such a duration may start after the tape-out, so the true tape-out to availability
    is at least as long: it is a lower bound. Columns of `durations` plus basis and lower_bound."""
    d = durations(wide, "tapeout", "availability")
    d["basis"] = [bases.get(p, "taped out") for p in d["program"]]
    kind = wide.set_index("program")["tapeout_kind"] if "tapeout_kind" in wide else pd.Series(dtype=object)
    inferred = d["program"].map(kind).astype(object).eq("inference").to_numpy()
    d["lower_bound"] = (d["basis"] != "taped out").to_numpy() | inferred
    return d


#: Segment of a row in a table without the column (older data, synthetic tests): the claim's own segment.
DEFAULT_SEGMENT = "datacenter"


def segments_of(frame: pd.DataFrame) -> pd.Series:
    """Each row's segment (chip_programs or asic_cycle_statements `segment`); a table without the column (older
    data, synthetic tests) is read as datacenter, the segment of the claim."""
    if "segment" not in frame:
        return pd.Series(DEFAULT_SEGMENT, index=frame.index, dtype=object)
    return frame["segment"].fillna(DEFAULT_SEGMENT).astype(str)


def program_segments(programs: pd.DataFrame) -> dict[str, str]:
    """Each program's segment (its first row's; the segment is a property of the program, the same on each row)."""
    seg = segments_of(programs)
    return dict(zip(programs["program"].iloc[::-1], seg.iloc[::-1]))


def check_segments(segments: Sequence[str], allowed: Sequence[str]) -> list[str]:
    """The chosen segments, checked: at least one, each one of `allowed`. Raises ValueError naming the bad value."""
    chosen = list(segments)
    if not chosen:
        raise ValueError(f"comparison_segments: choose at least one of {', '.join(allowed)}")
    bad = [s for s in chosen if s not in allowed]
    if bad:
        raise ValueError(f"comparison_segments: {', '.join(map(repr, bad))} not allowed; allowed: {', '.join(allowed)}")
    return chosen


def in_segments(comp: pd.DataFrame, segments: Sequence[str]) -> pd.DataFrame:
    """The comparison durations (`comparison_durations`) of the chosen segments, like for like with the claim."""
    return comp[comp["segment"].isin(list(segments))].reset_index(drop=True)


def left_out_by_segment(comp: pd.DataFrame, segments: Sequence[str]) -> pd.DataFrame:
    """For each segment not chosen: how many comparison durations it would add, and their labels (shortest design
    phase first). Columns segment, n, labels; sorted by segment name."""
    out = comp[~comp["segment"].isin(list(segments))]
    rows = [{"segment": seg, "n": len(g), "labels": list(g.sort_values("design_mid", kind="stable")["label"])}
            for seg, g in out.groupby("segment", sort=True)]
    return pd.DataFrame(rows, columns=["segment", "n", "labels"])


def comparison_durations(d2t: pd.DataFrame, bases: dict[str, str], references: pd.DataFrame,
                         fab_months: float, packaging_months: float,
                         program_segment: dict[str, str] | None = None) -> pd.DataFrame:
    """The one comparison population of the claim: the dated programs other than the claim's own (design
    start to tape-out, each on its own footing, see `spec_to_silicon`) and the published statements of the
    same phase (a stated design-to-tape-out time is a tape-out: it gets the floor). One row each: label,
    what (dated program or statement), basis, self_reported, design_lo/hi/mid and spec_lo/hi/mid, sorted by
    the design midpoint. `segment` is each row's market: the program's (`program_segment`, by program name) or the
    statement's own column (a row without one is datacenter, see `segments_of`); `in_segments` keeps the chosen."""
    cols = ["label", "what", "basis", "self_reported", "design_lo", "design_hi", "design_mid", "spec_lo", "spec_hi",
            "spec_mid", "statement", "segment"]
    program_segment = program_segment or {}
    floor = float(fab_months + packaging_months)
    s = spec_to_silicon(d2t, bases, fab_months, packaging_months)
    progs = pd.DataFrame({"label": s["program"], "what": "dated program", "basis": s["basis"],
                          "self_reported": s["self_reported"].astype(bool),
                          **{f"design_{c}": s[f"design_{c}"] for c in ("lo", "hi", "mid")},
                          **{f"spec_{c}": s[f"spec_{c}"] for c in ("lo", "hi", "mid")},
                          "statement": np.where(s["self_reported"], "dates self-reported", "dates public"),
                          "segment": [program_segment.get(pr, DEFAULT_SEGMENT) for pr in s["program"]]})
    r = references
    names = [STATEMENT_PROGRAMS.get(sid) or str(org or "").split(";")[0].strip()
             for sid, org in zip(r["statement_id"], r["organization"])]
    refs = pd.DataFrame({"label": [f"{x} as stated" for x in names], "what": "published statement",
                         "basis": "taped out", "self_reported": True,
                         "design_lo": r["lo"].astype(float), "design_hi": r["hi"].astype(float),
                         "design_mid": r["mid"].astype(float), "spec_lo": r["lo"].astype(float) + floor,
                         "spec_hi": r["hi"].astype(float) + floor, "spec_mid": r["mid"].astype(float) + floor,
                         "statement": r["statement"].astype(str), "segment": segments_of(r).to_numpy()})
    frames = [f for f in (progs, refs) if len(f)]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols].sort_values("design_mid", kind="stable").reset_index(drop=True)


# --- Targets in the accelerators table: an availability date later than the statement that gives it -----------------

def accelerator_targets(accelerators: pd.DataFrame | None) -> pd.Series:
    """For each accelerator (index: accelerator), True when its `available_date` is a target: the first day the
    date allows lies after the row's own statement date (`as_of`), so the source announced it before it could
    have happened. The accelerators table has no date_kind column; this is how its targets are told apart."""
    if accelerators is None or not len(accelerators) or "as_of" not in accelerators:
        return pd.Series(dtype=bool)
    a = accelerators.dropna(subset=["available_date"]).drop_duplicates("accelerator").set_index("accelerator")
    return pd.to_datetime(a["available_date"]) > pd.to_datetime(a["as_of"])
