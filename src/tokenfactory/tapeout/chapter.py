"""The chapter's computation in one call, so the notebook only loads, calls, charts and glues."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import analysis as a
from .params import Params


def load_inputs() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None, str | None]:
    """chip_programs and asic_cycle_statements (required), accelerators (optional: only fills
    missing availability dates and measures efficiency gains). If accelerators fails validation
    the chapter still runs without it and returns the problem text to show on the page."""
    from ..data import load
    from ..data.load import DataError

    programs = load("chip_programs")
    statements = load("asic_cycle_statements")
    try:
        accelerators, problem = load("accelerators"), None
    except DataError as exc:  # data still being collected: say so on the page instead of failing
        accelerators, problem = None, str(exc)
    return programs, statements, accelerators, problem


@dataclass
class Result:
    wide: pd.DataFrame
    durations: pd.DataFrame
    bands: pd.DataFrame
    pair_durations: pd.DataFrame
    references: pd.DataFrame
    percentile: dict
    stated_vs_dated: pd.DataFrame
    like_for_like: dict
    gaps: pd.DataFrame
    trend: dict
    gains: pd.DataFrame
    floor_months: float
    projection: pd.DataFrame
    summary: pd.DataFrame
    numbers: dict = field(default_factory=dict)


def compute(p: Params, programs: pd.DataFrame, statements: pd.DataFrame,
            accelerators: pd.DataFrame | None) -> Result:
    progs = a.select_vendors(programs, p.vendors)
    acc = accelerators if p.use_accelerator_dates else None
    wide = a.milestone_table(progs, acc)
    durs = a.all_durations(wide)
    bands = a.ecdf_by_pair(durs)
    pair = a.durations(wide, p.start_milestone, p.end_milestone)
    refs_all = a.reference_statements(statements, p.reference_phases, exclude=[p.claim_statement])
    # a figure repeated by several outlets counts once (see distinct_statements)
    refs = a.distinct_statements(refs_all)
    pct = a.claim_percentile(p.claimed_months, pair, refs, exclude_program=p.claim_program)
    gaps = a.generation_gaps(wide)
    trend = a.cadence_trend(gaps)
    gains = a.efficiency_gains(wide, accelerators)
    floor = a.min_feasible_cycle(p.fab_months, p.packaging_months, p.bringup_months)
    proj = a.projection(p.cycle_scenarios_months, p.gain_per_generation, p.horizon_years, floor)
    summ = a.projection_summary(p.cycle_scenarios_months, p.gain_per_generation, p.horizon_years, floor)
    d2t_all = a.durations(wide, "design_start", "tapeout")
    # the typical duration is measured without the claim's own program, as the comparison is
    d2t = d2t_all[d2t_all["program"] != p.claim_program]
    claim_d2t = d2t_all[d2t_all["program"] == p.claim_program]
    stated = a.statements_vs_dates(statements, durs)
    # like for like: the claim plus the physical floor (a design-to-deployment time) against the
    # statements that cover design to deployment or a full cycle
    longer = refs[refs["phase"].isin(["design_to_deployment", "full_cycle"])]
    empty = pair.iloc[0:0]
    lfl = a.claim_percentile(p.claimed_months + floor, empty, longer)
    work = a.workload_counts(accelerators)
    tpu = stated[stated["statement_id"] == "tpu_v1_15_months"]
    t2a = a.durations(wide, "tapeout", "availability")
    a2a = a.durations(wide, "announced", "availability")
    fastest = summ.sort_values("cycle_months").iloc[0]
    feasible = summ[summ["feasible"]].sort_values("cycle_months")
    full = refs[refs["phase"] == "full_cycle"]
    numbers = {
        "median_design_to_tapeout_months": a.median_mid(d2t),
        "n_design_to_tapeout": len(d2t),
        "n_design_to_tapeout_all": len(d2t_all),
        "claim_dated_lo_months": float(claim_d2t["lo"].iloc[0]) if len(claim_d2t) else float("nan"),
        "claim_dated_hi_months": float(claim_d2t["hi"].iloc[0]) if len(claim_d2t) else float("nan"),
        "claim_dated_mid_months": float(claim_d2t["mid"].iloc[0]) if len(claim_d2t) else float("nan"),
        "tpu_v1_dated_lo_months": float(tpu["lo"].iloc[0]) if len(tpu) else float("nan"),
        "tpu_v1_dated_hi_months": float(tpu["hi"].iloc[0]) if len(tpu) else float("nan"),
        "tpu_v1_dated_mid_months": float(tpu["mid"].iloc[0]) if len(tpu) else float("nan"),
        "claim_plus_floor_months": p.claimed_months + floor,
        "like_for_like_percentile": lfl["percentile"],
        "like_for_like_percentile_low": lfl["percentile_low"],
        "like_for_like_percentile_high": lfl["percentile_high"],
        "n_like_for_like": lfl["n"],
        "n_statements_listed": len(refs_all),
        "n_repeated_statements": len(refs_all) - len(refs),
        "n_custom_asics": work["total"],
        "n_custom_inference": work["inference"],
        "n_custom_training": work["training"],
        "n_custom_both": work["both"],
        "n_custom_vendors_training": len(work["vendors_training"]),
        "design_to_tapeout_lo": a.median_bounds(d2t)[0],
        "design_to_tapeout_hi": a.median_bounds(d2t)[1],
        "median_tapeout_to_ga_months": a.median_mid(t2a),
        "n_tapeout_to_ga": len(t2a),
        "median_announce_to_ga_months": a.median_mid(a2a),
        "n_announce_to_ga": len(a2a),
        "share_deployed_before_announced": float((a2a["hi"] <= 0).mean()) if len(a2a) else float("nan"),
        "nine_month_percentile": pct["percentile"],
        "nine_month_percentile_low": pct["percentile_low"],
        "nine_month_percentile_high": pct["percentile_high"],
        "n_comparison": pct["n"],
        "n_comparison_programs": pct["n_programs"],
        "n_comparison_statements": pct["n_statements"],
        "median_reference_months": float(np.median(refs["mid"])) if len(refs) else float("nan"),
        "full_cycle_min_months": float(full["lo"].min()) if len(full) else float("nan"),
        "full_cycle_max_months": float(full.loc[np.isfinite(full["hi"]), "hi"].max()) if len(full) else float("nan"),
        "design_to_deployment_ref_months": float(refs.loc[refs["phase"] == "design_to_deployment", "mid"].min())
        if (refs["phase"] == "design_to_deployment").any() else float("nan"),
        "shortest_stated_cadence_months": float(statements.loc[statements["phase"] == "generation_cadence",
                                                               "min_months"].min()),
        "median_generation_gap_months": float(gaps["mid"].median()) if len(gaps) else float("nan"),
        "n_generation_gaps": len(gaps),
        "n_families": int(gaps["family"].nunique()) if len(gaps) else 0,
        "cadence_trend_months_per_year": trend["slope"],
        "cadence_trend_se": trend["se"],
        "min_feasible_cycle_months": floor,
        "measured_gain_per_generation": float(gains["ratio_per_generation"].median()) if len(gains) else float("nan"),
        "n_measured_gains": len(gains),
        "fastest_cycle_months": float(fastest["cycle_months"]),
        "fastest_cycle_gain": float(fastest["cumulative_gain"]),
        "fastest_cycle_annual_rate": float(fastest["annual_rate"]),
        "fastest_feasible_cycle_months": float(feasible.iloc[0]["cycle_months"]) if len(feasible) else float("nan"),
        "fastest_feasible_gain": float(feasible.iloc[0]["cumulative_gain"]) if len(feasible) else float("nan"),
        "shortest_comparison_months": a.shortest_comparison(pair, refs, exclude_program=p.claim_program),
        "slowest_cycle_months": float(summ["cycle_months"].max()),
        "break_even_gain": a.break_even_gain(p.gain_per_generation, float(summ["cycle_months"].max()),
                                             float(feasible.iloc[0]["cycle_months"])) if len(feasible) else float("nan"),
        "n_programs": int(wide["program"].nunique()),
        "n_with_design_start": int(wide["design_start_lo"].notna().sum()),
        "n_with_tapeout": int(wide["tapeout_lo"].notna().sum()),
    }
    numbers["custom_vendors_training"] = ", ".join(work["vendors_training"])
    return Result(wide, durs, bands, pair, refs, pct, stated, lfl, gaps, trend, gains, floor, proj, summ, numbers)
