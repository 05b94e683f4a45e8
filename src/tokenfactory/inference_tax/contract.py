"""What the inference-tax chapter publishes for the flywheel (costs, break-even, the fleet's life),
the claims ledger (C4, C6, C7, C8) and the book's pages. It reads no other chapter.
See `tokenfactory.contract`."""

from ..contract import Contract, Output

MTOK = "USD per million output tokens"

CONTRACT = Contract(
    chapter="inference_tax",
    title="The inference tax: what a token costs",
    reads_data=("accelerators", "nvidia_financials", "api_prices", "models", "benchmark_scores", "token_volumes",
               "model_architectures", "serving_benchmarks", "rental_prices", "vendor_margins",
               "utilization_evidence", "published_rates", "api_hosts"),
    publishes=(
        Output("accelerator", "", "text"),
        Output("model", "", "text"),
        Output("asic_reference_accelerator", "", "text"),
        Output("depreciation_years", "years"),
        # the vendor whose claim of the cheapest tokens C4 tests (claims reads it, never a second copy)
        Output("claimant_vendor", "", "text"),
        Output("cost_per_mtok_gpu_usd", MTOK),
        Output("cost_per_mtok_asic_usd", MTOK),
        Output("cost_per_mtok_asic_marginal_usd", MTOK),
        Output("cost_per_mtok_asic_reference_usd", MTOK),
        Output("asic_nre_at_parity_usd", "USD"),
        Output("asic_nre_usd", "USD (one-off program cost)"),
        Output("asic_nre_per_year_usd", "USD per year"),
        Output("breakeven_tokens_per_year", "output tokens per year"),
        Output("breakeven_total_tokens_per_year", "tokens per year"),
        Output("cheapest_accelerator_measured", "", "text"),
        Output("cheapest_accelerator_model", "", "text"),
        Output("cheapest_measured_n", "accelerators", "count"),
        Output("fixed_cost_share", "fraction", "share"),
        Output("mc_p10_usd", MTOK),
        Output("mc_p90_usd", MTOK),
        Output("price_decline_per_year", "× per year"),
        Output("tax_share_gpu", "fraction of the chip's cost per token", "share"),
        Output("tax_share_gpu_low", "fraction of the chip's cost per token", "share"),
        Output("tax_share_gpu_high", "fraction of the chip's cost per token", "share"),
        Output("utilization_elasticity", "% per percentage point"),
        # C4 on every qualifying footing (measured frontiers, analysis.py)
        Output("c4_footings", "footings", "count"),
        # the fewest priced accelerators a footing compares (this chapter's parameter; claims reads it, never a copy)
        Output("min_accelerators_compared", "accelerators", "count"),
        Output("c4_footings_claimant_cheapest", "footings", "count"),
        Output("c4_footings_claimant_fastest", "footings", "count"),
        Output("c4_newest_fastest", "", "text"),
        # C8, hardware use against peak, from measured runs (hardware_use.py)
        Output("c8_hardware_use_median", "fraction of peak (the busier of bandwidth and compute)", "share"),
        Output("c8_hardware_use_low", "fraction of peak", "share"),
        Output("c8_hardware_use_high", "fraction of peak", "share"),
        Output("c8_bandwidth_use_median", "fraction of peak memory bandwidth", "share"),
        Output("c8_compute_use_median", "fraction of peak compute", "share"),
        Output("c8_hardware_points", "measured points", "count"),
        Output("c8_hardware_sources", "publishers", "count"),
    ),
)
