"""What the flywheel chapter reads (the inference tax's costs and fleet life, the tape-out chapter's
cadences and rates) and publishes for the claims ledger (C11). See `tokenfactory.contract`."""

from ..contract import Contract, Output

CONTRACT = Contract(
    chapter="flywheel",
    title="The vertical-integration flywheel",
    reads_data=("token_volumes", "chip_programs", "asic_cycle_statements", "accelerators"),
    publishes=(
        Output("cost_per_mtok_ratio_y5", "ratio (integrated / merchant)"),
        Output("crossover_month", "months"),
        Output("crossover_at_all_family_cycle", "months"),
        Output("lead_share_cycle", "fraction of the lead", "share"),
        Output("lead_share_data", "fraction of the lead", "share"),
        Output("lead_share_tax", "fraction of the lead", "share"),
        Output("morris_runs", "runs", "count"),
        Output("most_sensitive_parameter", "", "text"),
        Output("sensitivity_runs", "runs", "count"),
        Output("share_of_runs_integrated_ahead", "fraction of screening runs", "share"),
        Output("cumulative_advantage_y5_usd_bn", "USD billion"),
        Output("advantage_at_all_family_cycle_usd_bn", "USD billion"),
        Output("asic_cost_ratio", "ratio (own chip / merchant)"),
        Output("merchant_cycle_months", "months"),
        Output("own_cycle_start_months", "months"),
        # the month the results are read at (claims C11's horizon reads it, never a second copy)
        Output("report_month", "months"),
    ),
    reads={
        "inference_tax": ("depreciation_years", "breakeven_tokens_per_year", "breakeven_total_tokens_per_year",
                          "cost_per_mtok_gpu_usd", "tax_share_gpu", "cost_per_mtok_asic_marginal_usd",
                          "cost_per_mtok_asic_usd", "asic_nre_at_parity_usd"),
        "tapeout": ("technology_rate_per_year", "min_feasible_cycle_months", "nvidia_architecture_gap_months",
                    "nvidia_recent_generation_gap_months",
                    "median_merchant_generation_gap_months", "median_generation_gap_months", "cadence_vendor"),
    },
)
