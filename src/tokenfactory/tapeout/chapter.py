"""The tape-out chapter in four calls: `load` the tables, `compute` every result the page shows,
`texts` for the sentence fragments that depend on them, `glue_values` for results.json.

Like for like throughout: a phase is measured only between programs that date both its ends, the
claim is compared with durations of the same phase, and generation cadences are measured separately
for merchant GPU families, custom ASIC families and one vendor's recent generations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from ..formatting import fmt
from . import model as m
from .params import Params


@dataclass(frozen=True)
class Inputs:
    programs: pd.DataFrame
    statements: pd.DataFrame
    accelerators: pd.DataFrame | None
    estimates: pd.DataFrame | None = None
    problems: dict[str, str] = field(default_factory=dict)


def load(loader: Callable[[str], pd.DataFrame], upstream: Any = None) -> Inputs:
    """chip_programs and asic_cycle_statements (required); accelerators is optional: a table that does
    not validate becomes a named problem shown on the page, and the chapter runs without it. `upstream`
    (other chapters' results) is accepted for the one signature every chapter shares; this chapter reads
    no other chapter, so it is not used."""
    from ..data.load import DataError

    problems: dict[str, str] = {}
    optional: dict[str, pd.DataFrame | None] = {}
    for name in ("accelerators", "published_estimates"):
        try:
            optional[name] = loader(name)
        except DataError as exc:
            optional[name], problems[name] = None, str(exc)
    return Inputs(loader("chip_programs"), loader("asic_cycle_statements"), optional["accelerators"],
                  optional["published_estimates"], problems)


def reference_rate(estimates: pd.DataFrame | None, estimate_id: str) -> dict:
    """A published price-performance trend as a growth per year with its interval: a doubling time
    of d years is 2 ** (1 / d) a year (the interval's ends swap: a shorter doubling is a faster rate)."""
    nan = {"rate": float("nan"), "low": float("nan"), "high": float("nan"), "interval": "interval", "window": "n/a"}
    if estimates is None:
        return nan
    row = estimates[estimates["estimate_id"] == estimate_id]
    if row.empty:
        return nan
    row = row.iloc[0]
    def conv(v: float) -> float:
        if v != v:
            return float("nan")
        return float(2 ** (1 / v)) if row["unit"] == "years to double" else float(v)
    lo, hi = conv(row["low"]), conv(row["high"])
    start, end = pd.to_datetime(row.get("window_start")), pd.to_datetime(row.get("window_end"))
    window = f"{start.year}–{end.year}" if pd.notna(start) and pd.notna(end) else "window not stated"
    return {"rate": conv(row["value"]), "low": min(lo, hi), "high": max(lo, hi),
            "interval": str(row["interval"]) if isinstance(row["interval"], str) else "interval", "window": window}


@dataclass(frozen=True)
class Result:
    p: Params
    wide: pd.DataFrame
    durations: pd.DataFrame
    bands: pd.DataFrame
    pair_durations: pd.DataFrame
    #: the one comparison population of the claim (dated programs and same-phase statements; see
    #: `model.comparison_durations`): every median, range, percentile and design budget of the page reads it
    comparison: pd.DataFrame
    references: pd.DataFrame
    full_cycle_refs: pd.DataFrame
    percentile: dict
    full_cycle_percentile: dict
    stated_vs_dated: pd.DataFrame
    gaps: pd.DataFrame
    recent: pd.DataFrame
    trend: dict
    gains: pd.DataFrame
    price_perf: pd.DataFrame
    tech: dict
    floor_months: float
    projection: pd.DataFrame
    summary: pd.DataFrame
    tied: pd.DataFrame
    budget: pd.DataFrame
    ai_design: pd.DataFrame
    as_of: str
    problems: dict
    numbers: dict
    #: tape-out to availability, each on the footing of its dated tape-out row (`model.tapeout_to_availability`)
    tapeout_to_ga: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: what each program's dated tape-out row shows (`model.tapeout_basis`)
    tapeout_bases: dict = field(default_factory=dict)
    #: the comparison durations of every segment (`comparison` keeps the chosen `comparison_segments`)
    comparison_all_segments: pd.DataFrame = field(default_factory=pd.DataFrame)


def _one(d: pd.DataFrame, program: str, col: str) -> float:
    row = d[d["program"] == program]
    return float(row[col].iloc[0]) if len(row) else float("nan")


def compute(p: Params, inputs: Inputs) -> Result:
    programs, statements, accelerators = inputs.programs, inputs.statements, inputs.accelerators
    progs = m.select_vendors(programs, p.vendors)
    wide = m.milestone_table(progs, accelerators if p.use_accelerator_dates else None)
    durs = m.all_durations(wide)
    bands = m.ecdf_by_pair(durs)
    segments = list(p.comparison_segments)
    seg_of = m.program_segments(progs)
    pair = m.durations(wide, p.start_milestone, p.end_milestone)
    # the chosen milestone pair's comparison, like for like by segment too
    pair = pair[pair["program"].map(seg_of).fillna(m.DEFAULT_SEGMENT).isin(segments)].reset_index(drop=True)
    refs_every = m.reference_statements(statements, p.reference_phases, exclude=[p.claim_statement])
    # like for like: only statements of the chosen segments compare with the claim (the others are counted aside)
    refs_all = refs_every[refs_every["segment"].isin(segments)].reset_index(drop=True)
    refs = m.distinct_statements(refs_all)
    pct = m.claim_percentile(p.claimed_months, pair, refs, exclude_program=p.claim_program)
    # the claim program's own dated design start to availability, against statements of that span
    d2a = m.durations(wide, "design_start", "availability")
    full = m.distinct_statements(m.reference_statements(statements, p.full_cycle_phases, exclude=[p.claim_statement]))
    claim_d2a_mid = _one(d2a, p.claim_program, "mid")
    empty = pair.iloc[0:0]
    fpct = m.claim_percentile(claim_d2a_mid, empty, full) if claim_d2a_mid == claim_d2a_mid else {
        "percentile": float("nan"), "percentile_low": float("nan"), "percentile_high": float("nan"), "n": len(full)}

    gaps = m.gaps_with_kind(m.generation_gaps(wide), wide)
    recent = m.recent_gaps(gaps, p.cadence_vendor, p.recent_generations)
    trend = m.cadence_trend(gaps)
    gains = m.efficiency_gains(wide, accelerators)
    pp = m.price_performance(accelerators)
    tech = m.technology_rate(pp)
    ref = reference_rate(inputs.estimates, p.reference_estimate)
    floor = m.min_feasible_cycle(p.fab_months, p.packaging_months, p.bringup_months)
    proj = m.projection(p.cycle_scenarios_months, p.gain_per_generation, p.horizon_years, floor)
    summ = m.projection_summary(p.cycle_scenarios_months, p.gain_per_generation, p.horizon_years, floor)
    tied = m.tied_projection(p.cycle_scenarios_months, tech["rate"], p.horizon_years) if tech["rate"] == tech["rate"] \
        else proj.iloc[0:0]
    d2t_all = m.durations(wide, "design_start", "tapeout")
    d2t_every = m.sourced_design_and_tapeout(wide, exclude_program=p.claim_program)
    d2t = d2t_every[d2t_every["program"].map(seg_of).fillna(m.DEFAULT_SEGMENT).isin(segments)].reset_index(drop=True)
    # the one comparison population: the dated programs (each on the footing its tape-out date allows: a date
    # at which silicon already existed already holds fabrication and packaging) and the same-phase statements, of
    # the chosen segments only (like for like: the claim is a datacenter accelerator); what the other segments
    # would add is counted and named, never mixed in
    silicon_floor = p.fab_months + p.packaging_months
    bases = m.tapeout_basis(progs)
    comp_every = m.comparison_durations(d2t_every, bases, m.distinct_statements(refs_every), p.fab_months,
                                        p.packaging_months, seg_of)
    comp = m.in_segments(comp_every, segments)
    left_out = m.left_out_by_segment(comp_every, segments)
    enough = len(comp) >= p.min_programs_typical
    if (p.start_milestone, p.end_milestone) == ("design_start", "tapeout"):
        # the claim's phase: its percentile among the same population, on the same footing
        design = pd.DataFrame({"program": comp["label"], "lo": comp["design_lo"], "hi": comp["design_hi"]})
        pct = m.claim_percentile(p.claimed_months, design, refs.iloc[0:0])
        pct.update(n_programs=int((comp["what"] == "dated program").sum()), n_statements=len(refs))
    spec_pct = m.claim_percentile(p.claimed_months + silicon_floor,
                                  pd.DataFrame({"program": comp["label"], "lo": comp["spec_lo"], "hi": comp["spec_hi"]}),
                                  refs.iloc[0:0])
    own_lo, own_hi = _one(d2t_all, p.claim_program, "lo"), _one(d2t_all, p.claim_program, "hi")
    target = wide.loc[wide["program"] == p.claim_program, "availability_target"]
    target = target.iloc[0] if len(target) else pd.NaT
    target_row = progs[(progs["program"] == p.claim_program) & (m.date_kinds(progs) == "target")
                       & progs["milestone"].isin(["first_deployment", "general_availability"])]
    target_prec = str(target_row.sort_values("date")["date_precision"].iloc[0]) if len(target_row) else "day"
    claim_acc = wide.loc[wide["program"] == p.claim_program, "accelerator"]
    if not len(target_row) and accelerators is not None and len(claim_acc) and "available_date_precision" in accelerators:
        # a target read from the accelerators table carries that table's precision
        prec = accelerators.loc[accelerators["accelerator"] == claim_acc.iloc[0], "available_date_precision"]
        target_prec = str(prec.iloc[0]) if len(prec) and isinstance(prec.iloc[0], str) else "day"
    design_med = float(comp["design_mid"].median()) if len(comp) else float("nan")
    design_min = float(comp["design_mid"].min()) if len(comp) else float("nan")
    design_max = float(comp["design_mid"].max()) if len(comp) else float("nan")
    # a typical design phase when the sample allows one, else the range of the few (shortest to longest)
    budget = m.design_budget(p.cycle_scenarios_months, floor, design_med if enough else design_min)
    budget_hi = m.design_budget(p.cycle_scenarios_months, floor, design_med if enough else design_max)
    budget["speedup_needed_hi"] = budget_hi["speedup_needed"]
    # targets that would otherwise set a generation gap: a censored availability in a family with another dated one
    dated_families = wide.dropna(subset=["availability_lo"]).groupby(["vendor", "family"]).size()
    censored = wide[wide["availability_lo"].isna() & wide["availability_target"].notna()
                    & np.array([k in dated_families.index for k in zip(wide["vendor"], wide["family"])], dtype=bool)]
    stated = m.statements_vs_dates(statements, durs)
    ai = statements[statements["phase"] == "ai_assisted_design"].reset_index(drop=True)
    work = m.workload_counts(accelerators)
    tpu = stated[stated["statement_id"] == p.reference_statement]
    t2a = m.tapeout_to_availability(wide, bases)
    a2a = m.durations(wide, "announced", "availability")
    merch, n_merch = m.median_gap(gaps, "merchant_gpu")
    asic, n_asic = m.median_gap(gaps, "custom_asic")
    allg, n_all = m.median_gap(gaps)
    as_of = str(max(programs["as_of"].max(), statements["as_of"].max()).date())
    feasible = budget[budget["feasible"]].sort_values("cycle_months")
    tape_rows = progs[(progs["milestone"] == "tapeout") & progs["program"].isin(d2t["program"])]
    inferred = (m.date_kinds(tape_rows) == "inference") | tape_rows["estimate"].fillna(False).astype(bool)
    numbers = {
        "n_tapeout_estimates": int(inferred.sum()),
        # durations of the claim's phase that the other segments would add (like for like, they are left out)
        "n_comparison_other_segments": int(left_out["n"].sum()) if len(left_out) else 0,
        "n_comparison_all_segments": len(comp_every),
        # the design phase of the comparison population (dated programs on their own footing, and statements)
        "median_design_to_tapeout_months": design_med,
        "comparison_design_min_months": design_min,
        "comparison_design_max_months": design_max,
        "comparison_spec_min_months": float(comp["spec_mid"].min()) if len(comp) else float("nan"),
        "comparison_spec_max_months": float(comp["spec_mid"].max()) if len(comp) else float("nan"),
        "enough_for_typical": float(enough),
        "n_silicon_exists": int((comp["basis"] == "silicon exists").sum()),
        "n_availability_targets": len(censored),
        "n_design_to_tapeout": len(d2t),
        "n_design_to_tapeout_all": len(d2t_all),
        # programs other than the claim's own with a sourced design start and a sourced tape-out (no target, no
        # partnership date)
        "programs_with_design_and_tapeout": len(d2t),
        "silicon_floor_months": silicon_floor,
        "claim_spec_to_silicon_months": p.claimed_months + silicon_floor,
        "spec_to_silicon_median_months": float(comp["spec_mid"].median()) if len(comp) else float("nan"),
        "spec_to_silicon_lo": float(comp["spec_lo"].median()) if len(comp) else float("nan"),
        "spec_to_silicon_hi": float(comp["spec_hi"].median()) if len(comp) else float("nan"),
        "spec_to_silicon_percentile": spec_pct["percentile"],
        "spec_to_silicon_percentile_low": spec_pct["percentile_low"],
        "spec_to_silicon_percentile_high": spec_pct["percentile_high"],
        "n_spec_to_silicon": spec_pct["n"],
        "claim_own_design_to_tapeout_lo": own_lo,
        "claim_own_design_to_tapeout_hi": own_hi,
        "claim_deployment_targeted": float(pd.notna(target)),
        "design_to_tapeout_lo": float(comp["design_lo"].median()) if len(comp) else float("nan"),
        "design_to_tapeout_hi": float(comp["design_hi"].median()) if len(comp) else float("nan"),
        "claim_dated_lo_months": _one(d2t_all, p.claim_program, "lo"),
        "claim_dated_hi_months": _one(d2t_all, p.claim_program, "hi"),
        "jalapeno_design_to_availability_months": claim_d2a_mid,
        "jalapeno_design_to_availability_lo": _one(d2a, p.claim_program, "lo"),
        "jalapeno_design_to_availability_hi": _one(d2a, p.claim_program, "hi"),
        "full_cycle_min_months": float(full["lo"].min()) if len(full) else float("nan"),
        "full_cycle_max_months": float(full.loc[np.isfinite(full["hi"]), "hi"].max()) if len(full) else float("nan"),
        "n_full_cycle_statements": len(full),
        "jalapeno_full_cycle_percentile": fpct["percentile"],
        # kept for the claims ledger (C9 context): the claim plus the manufacturing floor among the same statements
        "like_for_like_percentile": m.claim_percentile(p.claimed_months + floor, empty, full)["percentile"],
        "claim_plus_floor_months": p.claimed_months + floor,
        "tpu_v1_dated_lo_months": float(tpu["lo"].iloc[0]) if len(tpu) else float("nan"),
        "tpu_v1_stated_months": float(tpu["stated_months"].iloc[0]) if len(tpu) else float("nan"),
        "tpu_v1_dated_hi_months": float(tpu["hi"].iloc[0]) if len(tpu) else float("nan"),
        "nine_month_percentile": pct["percentile"],
        "nine_month_percentile_low": pct["percentile_low"],
        "nine_month_percentile_high": pct["percentile_high"],
        "n_comparison": pct["n"],
        "n_comparison_programs": pct["n_programs"],
        "n_comparison_statements": pct["n_statements"],
        "n_statements_listed": len(refs_all),
        "n_repeated_statements": len(refs_all) - len(refs),
        # published for the record; the page quotes a median only from min_programs_typical durations
        "median_tapeout_to_ga_months": m.median_mid(t2a),
        "n_tapeout_to_ga": len(t2a),
        "tapeout_to_ga_min_months": float(t2a["mid"].min()) if len(t2a) else float("nan"),
        "tapeout_to_ga_max_months": float(t2a["mid"].max()) if len(t2a) else float("nan"),
        "n_tapeout_to_ga_lower_bounds": int(t2a["lower_bound"].sum()),
        "median_announce_to_ga_months": m.median_mid(a2a),
        "n_announce_to_ga": len(a2a),
        "share_deployed_before_announced": float((a2a["hi"] <= 0).mean()) if len(a2a) else float("nan"),
        "median_generation_gap_months": allg,
        "n_generation_gaps": n_all,
        "n_families": int(gaps["family"].nunique()) if len(gaps) else 0,
        "median_merchant_generation_gap_months": merch,
        "n_merchant_gaps": n_merch,
        "median_asic_generation_gap_months": asic,
        "n_asic_gaps": n_asic,
        "nvidia_recent_generation_gap_months": float(recent["mid"].median()) if len(recent) else float("nan"),
        "n_recent_gaps": len(recent),
        "recent_gap_min_months": float(recent["mid"].min()) if len(recent) else float("nan"),
        "recent_gap_max_months": float(recent["mid"].max()) if len(recent) else float("nan"),
        "cadence_trend_months_per_year": trend["slope"],
        "cadence_trend_se": trend["se"],
        "technology_rate_per_year": tech["rate"],
        "technology_rate_low": tech["low"],
        "technology_rate_high": tech["high"],
        "n_price_performance": tech["n"],
        "reference_rate_per_year": ref["rate"],
        "reference_rate_low": ref["low"],
        "reference_rate_high": ref["high"],
        "gain_per_generation_at_recent_gap": m.gain_per_generation(tech["rate"], float(recent["mid"].median()))
        if len(recent) and tech["rate"] == tech["rate"] else float("nan"),
        "min_feasible_cycle_months": floor,
        "measured_gain_per_generation": float(gains["ratio_per_generation"].median()) if len(gains) else float("nan"),
        "n_measured_gains": len(gains),
        "shortest_stated_cadence_months": float(statements.loc[statements["phase"] == "generation_cadence",
                                                               "min_months"].min()),
        "fastest_feasible_cycle_months": float(feasible.iloc[0]["cycle_months"]) if len(feasible) else float("nan"),
        "fastest_feasible_design_budget": float(feasible.iloc[0]["design_budget_months"]) if len(feasible) else float("nan"),
        "fastest_feasible_speedup": float(feasible.iloc[0]["speedup_needed"]) if len(feasible) else float("nan"),
        "fastest_feasible_speedup_hi": float(feasible.iloc[0]["speedup_needed_hi"]) if len(feasible) else float("nan"),
        "n_ai_design_statements": len(ai),
        "n_programs": int(wide["program"].nunique()),
        "n_with_design_start": int(wide["design_start_lo"].notna().sum()),
        "n_with_tapeout": int(wide["tapeout_lo"].notna().sum()),
        "n_custom_asics": work["total"],
        "n_custom_inference": work["inference"],
        "n_custom_training": work["training"],
        "n_custom_both": work["both"],
        "n_custom_vendors_training": len(work["vendors_training"]),
        "claimed_months": p.claimed_months,
    }
    numbers.update(cadence_numbers(wide, accelerators, p))
    numbers["architecture_undated"] = str(numbers["architecture_undated"])
    numbers["comparison_segments"] = segments_text(segments)
    numbers["segments_left_out"] = left_out_text(left_out)
    numbers["claim_segment"] = seg_of.get(p.claim_program, "not in the data")
    numbers["custom_vendors_training"] = ", ".join(work["vendors_training"])
    numbers["claim_deployment_target"] = period_text(target, target_prec)
    numbers["availability_targets"] = ", ".join(sorted(censored["program"]))
    numbers["reference_interval"] = ref["interval"]
    numbers["reference_window"] = ref["window"]
    # who stated the reference program length, and when (the row's own columns, not typed in the prose)
    srow = statements[statements["statement_id"] == p.reference_statement]
    numbers["reference_statement_source"] = (
        f"{srow['speaker'].iloc[0]}, {pd.Timestamp(srow['as_of'].iloc[0]).year}" if len(srow) else "no such statement")
    numbers["reference_statement_program"] = m.STATEMENT_PROGRAMS.get(p.reference_statement, p.reference_statement)
    return Result(p=p, wide=wide, durations=durs, bands=bands, pair_durations=pair, comparison=comp, references=refs,
                  full_cycle_refs=full, percentile=pct, full_cycle_percentile=fpct, stated_vs_dated=stated, gaps=gaps,
                  recent=recent, trend=trend, gains=gains, price_perf=pp, tech=tech, floor_months=floor,
                  projection=proj, summary=summ, tied=tied, budget=budget, ai_design=ai, as_of=as_of,
                  problems=dict(inputs.problems), numbers=numbers, tapeout_to_ga=t2a, tapeout_bases=bases,
                  comparison_all_segments=comp_every)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def segments_text(segments: list[str]) -> str:
    """The chosen comparison segments in words: 'datacenter', 'datacenter and academic'."""
    from ..data.schemas import SEGMENTS

    if not segments:
        raise ValueError("segments: at least one segment is needed")
    if set(segments) >= set(SEGMENTS):
        return "every segment"
    return _and([str(s) for s in segments])


def segment_label(segments_phrase: str) -> str:
    """The segment as an adjective of 'comparison durations' ('datacenter'); none when every segment is chosen."""
    return "" if segments_phrase == "every segment" else segments_phrase


def left_out_text(left_out: pd.DataFrame) -> str:
    """What the segments left out would add to the comparison, each with its durations named
    (`model.left_out_by_segment`); that none would add any when every duration is of a chosen segment."""
    if not len(left_out):
        return "no duration of another segment is left out"
    parts = [f"the {seg} segment would add {fmt(n)} ({', '.join(labels)})"
             for seg, n, labels in zip(left_out["segment"], left_out["n"], left_out["labels"])]
    return _and(parts)


def period_text(date: Any, precision: str) -> str:
    """A date in the words its precision allows: '24 June 2026' (day), 'June 2026' (month), 'Q4 2026'
    (quarter), '2026' (year); empty when there is no date. One phrase for every page that names it."""
    if date is None or pd.isna(date):
        return ""
    d = pd.Timestamp(date)
    if precision == "quarter":
        return f"Q{(d.month - 1) // 3 + 1} {d.year}"
    if precision == "month":
        return d.strftime("%B %Y")
    if precision == "year":
        return str(d.year)
    return f"{d.day} {d.strftime('%B %Y')}"


# --- Texts: every sentence fragment that depends on a result --------------------------------------------------------

def claim_position_text(percentile: dict) -> str:
    """Where the claim sits among the comparison durations, in words. When it is below every
    comparison whatever the date precision, the degenerate range (0 to 0) is not quoted."""


    pct, low, high = percentile["percentile"], percentile["percentile_low"], percentile["percentile_high"]
    if pct != pct:
        return "has nothing to be compared with"
    if pct == 0 and high == 0:
        return "is shorter than every comparison duration"
    if low == high:
        return f"lies at percentile {fmt(pct)}"
    return f"lies at percentile {fmt(pct)} (range {fmt(low)} to {fmt(high)} from date precision)"


def dates_verdict(row: pd.Series | None) -> str:
    """What our dated interval says about a company's stated duration (a `statements_vs_dates` row)."""
    if row is None:
        return "cannot test"
    if not row["consistent"]:
        return "contradict"
    return "confirm" if row["confirms"] else "neither confirm nor contradict"


def repeated_text(references: pd.DataFrame) -> str:
    """The figures that several outlets state (after `distinct_statements`), in words; empty when
    none is repeated."""


    rep = references[references.get("n_sources", pd.Series(1, index=references.index)) > 1]
    parts = []
    for _, r in rep.iterrows():
        rng = f"{fmt(r['lo'])} to {fmt(r['hi'])} months" if np.isfinite(r["hi"]) else f"more than {fmt(r['lo'])} months"
        outlets = [o.strip() for o in str(r["organization"]).split(";")]
        who = ", ".join(outlets[:-1]) + " and " + outlets[-1] if len(outlets) > 1 else outlets[0]
        parts.append(f"{who} both state {rng}, so that figure counts once")
    return "; ".join(parts)


def typical_range() -> tuple[float, float]:
    """The article's "typical" program length, as the claims ledger reads it (one assumption, one place)."""
    from ..claims.params import Params as ClaimsParams

    cp = ClaimsParams()
    return cp.typical_cycle_min_months, cp.typical_cycle_max_months


def own_dates_word(lo: float, hi: float, claimed: float) -> str:
    """What the claim program's own dated design start to tape-out says of the claimed duration, by the
    ledger's own test (`claims.rules.own_dates_verdict`): 'confirm', 'contradict', 'neither confirm nor
    contradict', or 'cannot test' when a date is missing."""
    from ..claims.rules import own_dates_verdict

    if lo != lo or hi != hi:
        return "cannot test"
    return {True: "confirm", False: "contradict", None: "neither confirm nor contradict"}[own_dates_verdict(lo, hi, claimed)]


def own_dates_text(lo: float, hi: float, target: str) -> str:
    """The claim program's own dates in words: its dated design-start-to-tape-out interval, or that no
    source dates its design start; and its targeted deployment, censored."""
    if lo != lo or hi != hi:
        head = "no source dates the chip's own design start (a partnership or contract date is not one)"
    else:
        head = f"the chip's own dates allow {fmt(lo)} to {fmt(hi)} months from design start to tape-out"
    tail = (f", and its deployment, targeted for {target}, is an announced target, censored rather than counted as "
            "availability") if target else ""
    return head + tail


def comparison_word(a: float, b: float, tol: float = 0.0) -> str:
    """'shorter than', 'longer than' or 'as long as': a duration `a` against `b` (within `tol`)."""
    if a != a or b != b:
        return "not comparable with"
    if abs(a - b) <= tol:
        return "as long as"
    return "shorter than" if a < b else "longer than"


def range_position_text(value: float, lo: float, hi: float) -> str:
    """Where a duration lies against a published range: 'inside', 'below' or 'above' it."""
    if value != value or lo != lo:
        return "cannot be placed against"
    if value < lo:
        return "lies below"
    if hi == hi and value > hi:
        return "lies above"
    return "lies inside"


def sample_text(n: int, needed: int) -> str:
    """Whether a sample of comparison durations can say what is typical."""
    if n >= needed:
        return f"enough ({fmt(n)} durations) to speak of a typical duration"
    return f"too few ({fmt(n)} of the {fmt(needed)} a median would need) to say what is typical"


def _listing(comp: pd.DataFrame, col: str) -> str:
    """'A 9, B 18 and C 38 months': each duration (midpoint) with its program or statement, shortest first."""
    c = comp.sort_values(col, kind="stable")
    items = [f"{lab} {fmt(v)}" for lab, v in zip(c["label"], c[col])]
    body = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return body + " months"


def spread_text(comp: pd.DataFrame, footing: str, needed: int, typical: tuple[float, float] | None = None,
                segment: str = "") -> str:
    """The comparison durations on one footing ('spec' or 'design') in words. With at least `needed` of
    them, their median with its bounds from date precision (and, given `typical`, where it lies against
    that range); with fewer, no median: the range of the few, each with its program, and that they are too
    few to say what is typical. `segment` (e.g. 'datacenter') names the segment of the durations."""
    if footing not in ("spec", "design"):
        raise ValueError(f"footing: {footing!r} is not one of 'spec', 'design'")
    n = len(comp)
    what = f"{segment} comparison duration" if segment else "comparison duration"
    if n == 0:
        return f"no {what} is dated"
    mid = comp[f"{footing}_mid"]
    if n >= needed:
        med = float(mid.median())
        out = (f"the {fmt(n)} {what}s take a median {fmt(med)} months ({fmt(float(comp[f'{footing}_lo'].median()))} "
               f"to {fmt(float(comp[f'{footing}_hi'].median()))} from date precision)")
        if typical is not None:
            out += f", which {range_position_text(med, *typical)} that range"
        return out
    head = (f"the one {what} is {_listing(comp, f'{footing}_mid')}" if n == 1 else
            f"the {fmt(n)} {what}s run from {fmt(float(mid.min()))} to {fmt(float(mid.max()))} months "
            f"({_listing(comp, f'{footing}_mid')})")
    return head + f", {sample_text(n, needed)}"


def rank_text(claim: float, comp: pd.DataFrame, needed: int, percentile: dict) -> str:
    """Where the claim lies among the comparison durations of its phase: a percentile when there are enough
    of them; with fewer, how many are longer, as long (named) and shorter, which says no more than it counts."""
    n = len(comp)
    if n >= needed:
        return claim_position_text(percentile)
    if n == 0:
        return "has nothing to be compared with"
    mid = comp["design_mid"]
    longer, shorter = int((mid > claim).sum()), int((mid < claim).sum())
    same = comp.loc[mid == claim, "label"].tolist()
    if longer == n:
        return "the one is longer" if n == 1 else "both are longer" if n == 2 else f"all {fmt(n)} are longer"
    parts = []
    if longer:
        parts.append(f"{fmt(longer)} of the {fmt(n)} are longer")
    if same:
        parts.append(f"{fmt(len(same))} as long ({', '.join(same)})")
    if shorter:
        parts.append(f"{fmt(shorter)} shorter")
    return "; ".join(parts) if len(parts) < 2 else ", ".join(parts[:-1]) + " and " + parts[-1]


def tapeout_to_ga_text(t2a: pd.DataFrame, needed: int) -> str:
    """Tape-out to availability in words, on the footing of each dated tape-out (see
    `model.tapeout_to_availability`). With at least `needed` durations, their median; with fewer, no median: the
    range of the few, each with its program, and that they are too few (the rule of the comparison durations).
    Durations that start from wafers out or from silicon that already existed are named as lower bounds (and a
    median with any of them among its values is then a lower bound too)."""
    n = len(t2a)
    if n == 0:
        return "no program dates both its tape-out and its availability"
    c = t2a.assign(label=t2a["program"])
    if n >= needed:
        head = f"the median of the {fmt(n)} dated durations is {fmt(float(c['mid'].median()))} months"
    elif n == 1:
        head = f"the one dated duration is {_listing(c, 'mid')}, {sample_text(n, needed)}"
    else:
        head = (f"the {fmt(n)} dated durations run from {fmt(float(c['mid'].min()))} to {fmt(float(c['mid'].max()))} "
                f"months ({_listing(c, 'mid')}), {sample_text(n, needed)}")
    low = c[c["lower_bound"].astype(bool)]
    if not len(low):
        return head
    start = {"wafers out": "wafers out of the fab", "silicon exists": "silicon that already existed",
             "taped out": "a later statement that it had taped out"}
    what = "; ".join(f"{pr} from {start[b]}" for pr, b in zip(low["program"], low["basis"]))
    k = len(low)
    tail = (f"; {'all' if k == n else fmt(k)} of {'them' if k == n else 'those'} start from a date no earlier than the tape-out "
            f"({what}), so {'each is' if k > 1 else 'it is'} only a lower bound of tape-out to availability")
    if n >= needed:
        tail += ", and so is the median"
    return head + tail


def targets_text(names: str, n: int) -> str:
    """The availability dates left out because they are only announced targets, in words."""
    if n == 0:
        return "none of the availability dates counted is only an announced target"
    return (f"{fmt(n)} availability {'date that is' if n == 1 else 'dates that are'} only an announced target "
            f"({names}) {'is' if n == 1 else 'are'} left out, so {'it sets' if n == 1 else 'they set'} no generation gap")


def estimates_text(n_estimates: int, n: int) -> str:
    """How many of the dated tape-outs are estimates or upper bounds, in words."""
    if n == 0:
        return "no tape-out is dated"
    if n_estimates == n:
        return "every one of those tape-outs is an estimate or an upper bound"
    if n_estimates == 0:
        return "none of those tape-outs is an estimate"
    return f"{fmt(n_estimates)} of those {fmt(n)} tape-outs are estimates or upper bounds"


def ai_duration_text(ai: pd.DataFrame) -> str:
    """Whether any published AI-design claim states a duration (a design phase in months)."""
    k = int(ai["min_months"].notna().sum()) if len(ai) else 0
    if k == 0:
        return "None states a design-to-tape-out time for a whole program"
    return f"{fmt(k)} of them state a duration"


def trend_text(slope: float, se: float) -> str:
    """A within-family cadence trend in words: distinguishable from zero only beyond two standard errors."""
    if slope != slope or se != se:
        return "cannot be estimated from so few gaps"
    if abs(slope) > 2 * se:
        word = "shortening" if slope < 0 else "lengthening"
        return f"is {word} by {fmt(abs(slope))} months a year, more than two standard errors from zero"
    return f"of {slope:+.1f} months a year cannot be told apart from zero (standard error {fmt(se)})"


def budget_text(row: pd.Series | None, comp: pd.DataFrame, needed: int, segment: str = "") -> str:
    """What the fastest feasible cycle would need of the design phase, against the comparison population's
    design phase: its median when there are enough durations, else the shortest and longest of the few."""
    if row is None:
        return "no cycle in the scenarios is longer than the manufacturing floor"
    head = f"a {fmt(row['cycle_months'])}-month cycle leaves {fmt(row['design_budget_months'], unit='months')} for design"
    what = f"{segment} comparison durations" if segment else "comparison durations"
    if not len(comp):
        return head + "; no dated program says how long design takes today"
    if len(comp) >= needed:
        return (head + f", {fmt(row['speedup_needed'])} times less than the median design phase of the "
                f"{fmt(len(comp))} {what}, {fmt(float(comp['design_mid'].median()))} months")
    c = comp.sort_values("design_mid", kind="stable")
    lo, hi = c.iloc[0], c.iloc[-1]
    return (head + f", {fmt(row['speedup_needed'])} to {fmt(row['speedup_needed_hi'])} times less than the design "
            f"phases of the {fmt(len(comp))} {what} ({fmt(lo['design_mid'])} months, {lo['label']}, to "
            f"{fmt(hi['design_mid'])}, {hi['label']}; too few for a typical value)")


def texts(r: Result) -> dict[str, str]:
    """Every sentence fragment of the page that depends on a result (glued as `<key>_txt`)."""
    n, p = r.numbers, r.p
    stated = r.stated_vs_dated.set_index("statement_id")
    feasible = r.budget[r.budget["feasible"]].sort_values("cycle_months")
    return {
        "claim_position": rank_text(p.claimed_months, r.comparison, p.min_programs_typical, r.percentile),
        "design_summary": spread_text(r.comparison, "design", p.min_programs_typical,
                                      segment=segment_label(n["comparison_segments"])),
        "availability_targets": targets_text(n["availability_targets"], n["n_availability_targets"]),
        "tapeout_to_ga": tapeout_to_ga_text(r.tapeout_to_ga, p.min_programs_typical),
        "architecture_undated": n["architecture_undated"],
        "sample_verdict": sample_text(n["n_comparison"], p.min_programs_typical),
        "estimates_verdict": estimates_text(n["n_tapeout_estimates"], n["programs_with_design_and_tapeout"]),
        "claim_dates_verdict": own_dates_word(n["claim_own_design_to_tapeout_lo"], n["claim_own_design_to_tapeout_hi"],
                                              p.claimed_months),
        "own_dates": own_dates_text(n["claim_own_design_to_tapeout_lo"], n["claim_own_design_to_tapeout_hi"],
                                    n["claim_deployment_target"]),
        "typical_min_months": fmt(typical_range()[0]),
        "typical_max_months": fmt(typical_range()[1]),
        "tpu_v1_dates_verdict": dates_verdict(stated.loc[p.reference_statement] if p.reference_statement in stated.index
                                              else None),
        "repeated_figures": repeated_text(r.full_cycle_refs) or "no figure is repeated",
        "full_cycle_position": range_position_text(n["jalapeno_design_to_availability_months"],
                                                   n["full_cycle_min_months"], n["full_cycle_max_months"]),
        "recent_vs_merchant": comparison_word(n["nvidia_recent_generation_gap_months"],
                                              n["median_merchant_generation_gap_months"], tol=0.5),
        "asic_vs_merchant": comparison_word(n["median_asic_generation_gap_months"],
                                            n["median_merchant_generation_gap_months"], tol=0.5),
        "cadence_trend": trend_text(n["cadence_trend_months_per_year"], n["cadence_trend_se"]),
        "assumed_vs_tied": ("smaller than" if n["gain_per_generation_at_recent_gap"] < p.gain_per_generation else
                            "no smaller than") if n["gain_per_generation_at_recent_gap"] == n["gain_per_generation_at_recent_gap"]
        else "not comparable with",
        "design_budget": budget_text(feasible.iloc[0] if len(feasible) else None, r.comparison, p.min_programs_typical,
                                     segment_label(n["comparison_segments"])),
        "custom_vendors_training": n["custom_vendors_training"] or "none",
        "reference_interval": n["reference_interval"],
        "reference_window": n["reference_window"],
        "reference_statement_source": n["reference_statement_source"],
        "reference_statement_program": n["reference_statement_program"],
        "ai_duration_verdict": ai_duration_text(r.ai_design),
        "pair_label": m.PAIR_LABELS.get((p.start_milestone, p.end_milestone), f"{p.start_milestone} → {p.end_milestone}"),
        "rate_vs_reference": range_position_text(n["technology_rate_per_year"], n["reference_rate_low"],
                                                 n["reference_rate_high"]),
        "data_note": "; ".join(f"{k}: {v}" for k, v in r.problems.items()),
        "comparison_segments": n["comparison_segments"],
        "segments_left_out": n["segments_left_out"],
        "claim_segment": n["claim_segment"],
    }


_COUNTS = ("n_tapeout_estimates", "n_comparison_other_segments", "n_comparison_all_segments", "n_silicon_exists", "n_availability_targets", "enough_for_typical", "n_programs", "n_with_design_start", "n_with_tapeout", "n_design_to_tapeout", "n_design_to_tapeout_all",
           "programs_with_design_and_tapeout", "n_tapeout_to_ga", "n_tapeout_to_ga_lower_bounds", "n_architecture_gaps_spanning_undated", "n_announce_to_ga", "n_comparison",
           "n_comparison_programs", "n_comparison_statements", "n_generation_gaps", "n_families", "n_merchant_gaps",
           "n_asic_gaps", "n_recent_gaps", "n_measured_gains", "n_price_performance", "n_statements_listed",
           "n_repeated_statements", "n_full_cycle_statements", "n_custom_asics", "n_custom_inference",
           "n_custom_training", "n_custom_both", "n_custom_vendors_training", "n_ai_design_statements")


def glue_values(r: Result) -> dict[str, tuple[Any, dict[str, Any]]]:
    """Every number the page and results.json use: key -> (value, options for nb.glue)."""
    out: dict[str, tuple[Any, dict[str, Any]]] = {}
    for k, v in r.numbers.items():
        if isinstance(v, str):
            continue
        if k in _COUNTS:
            out[k] = (int(v), {"sig": 3})
        elif k == "share_deployed_before_announced":
            out[k] = (v, {"pct": True})
        elif k == "cadence_trend_months_per_year":
            out[k] = (v, {"text": f"{v:+.1f}" if v == v else "n/a"})
        else:
            out[k] = (v, {})
    p = r.p
    for k in ("fab_months", "packaging_months", "bringup_months", "gain_per_generation", "horizon_years",
              "min_programs_typical"):
        out[k] = (getattr(p, k), {})
    # a value, not only a display string: the flywheel reads it to name the merchant cadence
    out["cadence_vendor"] = (p.cadence_vendor, {"text": p.cadence_vendor})
    # phrases the claims ledger quotes (one phrase, computed once, glued on both pages)
    target = r.numbers["claim_deployment_target"]
    out["claim_deployment_target"] = (target, {"text": target or "no targeted date"})
    spec = spread_text(r.comparison, "spec", p.min_programs_typical, typical_range(),
                       segment=segment_label(r.numbers["comparison_segments"]))
    out["spec_to_silicon_summary"] = (spec, {"text": spec})
    # where the claim lies among the comparison durations: a percentile only from min_programs_typical of them, else
    # how many are longer and shorter (the ledger's C9 quotes this phrase below that size, never the percentile)
    pos = rank_text(p.claimed_months, r.comparison, p.min_programs_typical, r.percentile)
    out["claim_position_summary"] = (pos, {"text": pos})
    # the claim-level conclusion this page states, by the ledger's own rule (one book, one answer)
    for cid, v in claim_verdicts({k: val for k, (val, _) in out.items()}).items():
        out[f"claim_verdict_{cid.lower()}"] = (v.verdict, {"text": v.verdict})
    return out


def claim_verdicts(values: dict[str, Any]) -> dict[str, Any]:
    """The verdicts of the ledger's claims that this chapter tests (C9, C10, C12), computed by the claims
    ledger's own rules from this chapter's glued values: the page cannot state a conclusion the ledger
    contradicts. Glued as `claim_verdict_<id>`."""
    from ..claims import ledger, rules

    return {c.id: rules.chapter_verdict(c.id, "tapeout", values) for c in ledger.load().claims
            if c.chapter == "tapeout"}
# --- Architecture cadence (new designs apart from refreshes, one product line at a time) -----------------------------

#: The integrated program the flywheel's premises are tested against (claims C11).
INTEGRATED_VENDOR = "Google"


def cadence_numbers(wide: pd.DataFrame, accelerators: pd.DataFrame | None, p: Params) -> dict[str, float]:
    """The architecture cadence: NVIDIA's last `recent_generations` architecture gaps (H200 and B300
    are refreshes, not generations), Google's TPU gaps within one product line, merchant and custom
    families' medians, and the gains per architecture at inference precision (FP8 per watt) and in
    memory bandwidth."""
    ag = m.architecture_gaps(wide, accelerators)
    kinds = wide.dropna(subset=["kind"]).groupby("vendor")["kind"].first()
    ag = ag.assign(kind=ag["vendor"].map(kinds))
    gains = m.inference_gains(ag, accelerators)
    nv, n_nv = m.line_cadence(ag, p.cadence_vendor, p.recent_generations)
    tpu, n_tpu = m.line_cadence(ag, INTEGRATED_VENDOR)
    tpu_recent, n_tpu_recent = m.line_cadence(ag, INTEGRATED_VENDOR, p.recent_generations)
    merch = ag[ag["kind"] == "merchant_gpu"].dropna(subset=["mid"])
    asic = ag[ag["kind"] == "custom_asic"].dropna(subset=["mid"])
    nv_gains = gains[gains["vendor"] == p.cadence_vendor]
    nan = float("nan")
    spans = ag[ag["undated_between"].astype(str) != ""]
    undated = "; ".join(f"{a} to {b} spans {u}, which has no availability date"
                        for a, b, u in zip(spans["from_program"], spans["to_program"], spans["undated_between"]))
    return {
        "architecture_undated": undated or "no gap spans an architecture without an availability date",
        "n_architecture_gaps_spanning_undated": len(spans),
        "nvidia_architecture_gap_months": nv,
        "n_nvidia_architecture_gaps": n_nv,
        "nvidia_architecture_gap_min_months": float(ag.loc[ag["vendor"] == p.cadence_vendor, "mid"].tail(
            p.recent_generations).min()) if n_nv else nan,
        "nvidia_architecture_gap_max_months": float(ag.loc[ag["vendor"] == p.cadence_vendor, "mid"].tail(
            p.recent_generations).max()) if n_nv else nan,
        "tpu_architecture_gap_months": tpu,
        "n_tpu_architecture_gaps": n_tpu,
        "tpu_recent_architecture_gap_months": tpu_recent,
        "median_merchant_architecture_gap_months": float(merch["mid"].median()) if len(merch) else nan,
        "n_merchant_architecture_gaps": len(merch),
        "median_asic_architecture_gap_months": float(asic["mid"].median()) if len(asic) else nan,
        "n_asic_architecture_gaps": len(asic),
        "median_fp8_per_watt_gain": float(gains["fp8_per_watt_ratio"].median()) if gains["fp8_per_watt_ratio"].notna().any() else nan,
        "n_fp8_per_watt_gains": int(gains["fp8_per_watt_ratio"].notna().sum()),
        "median_bandwidth_gain": float(gains["bandwidth_ratio"].median()) if gains["bandwidth_ratio"].notna().any() else nan,
        "n_bandwidth_gains": int(gains["bandwidth_ratio"].notna().sum()),
        "nvidia_bandwidth_gain": float(nv_gains["bandwidth_ratio"].median()) if nv_gains["bandwidth_ratio"].notna().any() else nan,
    }


def architecture_table(r: Result, accelerators: pd.DataFrame | None) -> pd.DataFrame:
    """The architecture gaps within each product line (refreshes left out), with the gain each step
    brought at inference precision (dense FP8 per watt) and in memory bandwidth, for the page."""
    ag = m.architecture_gaps(r.wide, accelerators)
    gains = m.inference_gains(ag, accelerators)
    if ag.empty:
        return pd.DataFrame({"Line": []})
    g = ag.merge(gains[["from_program", "to_program", "fp8_per_watt_ratio", "bandwidth_ratio"]],
                 on=["from_program", "to_program"], how="left")

    def x(v: float) -> str:
        return "n/a" if v != v else f"×{fmt(v, sig=2)}"

    return pd.DataFrame({
        "Line": g["product_line"], "From": g["from_program"], "To": g["to_program"],
        "Months apart": [f"{fmt(a, sig=2)} ({fmt(lo, sig=2)} to {fmt(hi, sig=2)})"
                         for a, lo, hi in zip(g["mid"], g["lo"], g["hi"])],
        "FP8 TFLOPS per watt": g["fp8_per_watt_ratio"].map(x), "Memory bandwidth": g["bandwidth_ratio"].map(x),
        "Spans, undated": g["undated_between"].replace("", "—"),
    })
