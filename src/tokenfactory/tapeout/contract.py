"""What the tape-out chapter publishes for the flywheel (cadences, technology rate, the cycle floor),
the claims ledger (C9, C10) and the book's pages. It reads no other chapter. See `tokenfactory.contract`."""

from ..contract import Contract, Output

M = "months"

CONTRACT = Contract(
    chapter="tapeout",
    title="Tape-out timelines",
    reads_data=("chip_programs", "asic_cycle_statements", "accelerators", "published_estimates"),
    publishes=(
        Output("technology_rate_per_year", "× per year"),
        Output("min_feasible_cycle_months", M),
        Output("nvidia_recent_generation_gap_months", M),
        Output("nvidia_architecture_gap_months", M),
        Output("tpu_architecture_gap_months", M),
        Output("n_tpu_architecture_gaps", "gaps", "count"),
        Output("median_merchant_generation_gap_months", M),
        Output("median_generation_gap_months", M),
        Output("claimed_months", M),
        Output("jalapeno_design_to_availability_months", M),
        Output("jalapeno_design_to_availability_lo", M),
        Output("jalapeno_design_to_availability_hi", M),
        Output("jalapeno_full_cycle_percentile", "percentile (0-1)", "share"),
        Output("median_design_to_tapeout_months", M),
        Output("n_comparison", "programs", "count"),
        Output("n_full_cycle_statements", "statements", "count"),
        Output("nine_month_percentile", "percentile (0-1)", "share"),
        Output("nine_month_percentile_low", "percentile (0-1)", "share"),
        Output("nine_month_percentile_high", "percentile (0-1)", "share"),
        Output("programs_with_design_and_tapeout", "programs", "count"),
        # C9 like for like: spec to silicon (design start to tape-out plus the silicon floor)
        Output("claim_own_design_to_tapeout_lo", M),
        Output("claim_own_design_to_tapeout_hi", M),
        Output("spec_to_silicon_median_months", M),
        Output("spec_to_silicon_lo", M),
        Output("spec_to_silicon_hi", M),
        Output("claim_spec_to_silicon_months", M),
        Output("silicon_floor_months", M),
        # the sample size from which a duration counts as typical (claims C9 reads it, never a second copy)
        Output("min_programs_typical", "programs", "count"),
        Output("cadence_vendor", "", "text"),
        Output("claim_deployment_targeted", "1 if the deployment date is a target, else 0", "count"),
        # the targeted deployment as one phrase ("Q4 2026"), and the comparison durations on the spec-to-silicon
        # footing in words (a median only when there are enough of them): the ledger quotes both, never retypes them
        Output("claim_deployment_target", "", "text"),
        Output("spec_to_silicon_summary", "", "text"),
        Output("n_availability_targets", "programs", "count"),
        # below min_programs_typical comparison durations the ledger quotes their range and the count phrase, never a
        # median or a percentile (C9, C10)
        Output("comparison_design_min_months", M),
        Output("comparison_design_max_months", M),
        Output("comparison_spec_min_months", M),
        Output("comparison_spec_max_months", M),
        Output("claim_position_summary", "", "text"),
    ),
)
