"""Parameters of the chapter "The inference tax: what a token costs".

Every default that is an assumption says so in its `basis`; defaults that rest on a public figure
cite the page. The hypothetical in-house inference ASIC is described only by parameters: nothing
here is a fact about any real chip.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from ..params_base import ChapterParams, param



class Params(ChapterParams):
    # --- the hardware --------------------------------------------------------------------------
    accelerator: str = param(
        "NVIDIA B200", unit="", meaning="Merchant GPU whose cost per token is modeled",
        choices_from=("accelerators", "accelerator"),
        basis="The current NVIDIA generation in volume service with measured serving data "
              "(data/serving_benchmarks.csv) and a price in data/accelerators.csv")
    chip_price_override_usd: float | None = param(
        None, unit="USD per chip", meaning="Chip price; empty = the accelerator's price_usd in the data",
        gt=0, le=1e6)
    vendor_margin_override: float | None = param(
        None, unit="fraction of the chip price",
        meaning="Chip vendor's gross margin on the chip; empty = NVIDIA's latest fiscal-year GAAP gross margin "
                "(company-wide) in the data",
        ge=0, lt=1)
    gpu_share_of_server_price: float = param(
        0.8, unit="fraction", meaning="Share of a server-per-chip price that is the GPU board (for price rows "
                                       "marked server_per_chip; the rest is host, memory, chassis)",
        gt=0, le=1,
        basis="Estimate within the range that two rows of data/vendor_margins.csv give: eight H100s at Raymond James's "
              "price range (row 'H100 SXM (GPU module)', price_usd_low to price_usd_high) as a share of SemiAnalysis's "
              "DGX H100 sale price (row 'DGX H100 (8-GPU server with its networking)', price_usd_low)")
    server_usd_per_chip: float = param(
        6250.0, unit="USD per chip", meaning="Host server (CPUs, memory, chassis, NICs) per accelerator, for price "
                                             "rows that are the chip alone", ge=0, le=1e6,
        basis="Estimate: SemiAnalysis's DGX H100 sale price as its text rounds it, to the nearest $10,000 (data/"
              "vendor_margins.csv row 'DGX H100 (8-GPU server with its networking)'), less eight H100s at the midpoint "
              "of Raymond James's price range (row 'H100 SXM (GPU module)'), divided by the eight GPUs")
    network_usd_per_chip: float = param(
        5000.0, unit="USD per chip", meaning="Scale-out network and storage per accelerator (charged once, whatever "
                                             "the price row)", ge=0, le=1e6,
        basis="Assumption: switches, optics and storage of a large inference cluster per accelerator")
    # --- the model served and the workload ---------------------------------------------------------
    reference_model: str = param(
        "Llama 3.3 70B", unit="", meaning="Open model served; its architecture (data/model_architectures.csv) sets "
                                          "weights, active parameters, KV cache and attention cost",
        choices_from=("model_architectures", "model"),
        basis="A dense 70B-class model many hosts sell (data/api_prices.csv) and benchmarks measure")
    moe_model: str = param(
        "DeepSeek-R1", unit="", meaning="Mixture-of-experts model for the second comparison across accelerators",
        choices_from=("model_architectures", "model"),
        basis="The open mixture-of-experts model that MLPerf and InferenceX measure")
    precision: Literal["fp8", "bf16", "fp4"] = param(
        "fp8", unit="", meaning="Weight precision (bytes per weight, matching peak FLOPS, KV-cache bytes)",
        basis="FP8 is the precision most measured points use for 70B-class models")
    tokens_per_second_per_user: float = param(
        30.0, unit="output tokens per second per user", meaning="Interactivity: the speed each user sees; cost is "
                                                                 "quoted at the most throughput that keeps it",
        gt=0, le=2000,
        basis="Assumption: a reading speed for chat, inside the range of speeds the measured frontiers of "
              "data/serving_benchmarks.csv cover (the chapter compares accelerators across that range as well)")
    input_tokens: int = param(
        1024, unit="tokens", meaning="Prompt length per request", ge=1, le=1_000_000,
        basis="The shortest fixed prompt/completion setting of the InferenceX rows of data/serving_benchmarks.csv "
              "(source 'SemiAnalysis InferenceX', input_tokens), so that the modeled cost sits on measured frontiers")
    output_tokens: int = param(
        1024, unit="tokens", meaning="Completion length per request", ge=1, le=1_000_000,
        basis="The completion length of the same InferenceX setting (output_tokens), as above")
    engine: Literal["vendor_best", "open"] = param(
        "vendor_best", unit="", meaning="Serving software whose fitted efficiency is used: each vendor's best "
                                        "measured engine (TensorRT-LLM on NVIDIA chips, open engines on others), "
                                        "or open engines (vLLM, SGLang) on every chip",
        basis="The measurements separate the two families (data/serving_benchmarks.csv); 'open' compares chips "
              "on the same software")
    memory_usable: float = param(
        0.9, unit="fraction of memory", meaning="Share of chip memory available to weights and KV cache",
        gt=0, le=1, basis="Assumption: the rest holds activations, buffers and the runtime")
    # --- paying for a chip-hour ----------------------------------------------------------------------
    pricing: Literal["ownership", "rental"] = param(
        "ownership", unit="", meaning="Own the chips (capital, power, facility) or rent them by the hour",
        basis="Ownership shows where the money goes; rental is what most buyers of capacity pay")
    rental_usd_per_chip_hour: float | None = param(
        None, unit="USD per chip-hour", meaning="Rental price; empty = the accelerator's price in data/rental_prices.csv "
                                                "at `rental_tier`", gt=0, le=1000)
    rental_tier: Literal["3yr", "1yr", "on_demand", "spot"] = param(
        "3yr", unit="", meaning="Rental term priced for every accelerator (data/rental_prices.csv, column term): 3-year, "
                                "1-year, on-demand or spot; one term for all, so that chips are compared on one footing "
                                "(a chip without a price at that term is left out of the measured comparison)",
        basis="SemiAnalysis InferenceX's 3-year rental tier, the one term published for every accelerator it measures")
    # --- operations ------------------------------------------------------------------------------
    utilization: float = param(
        0.5, unit="fraction of hours", meaning="Share of the year the chip serves traffic at the modeled throughput",
        gt=0, le=1, basis="Assumption: the article (C8) says compute is under-used; 0.5 sits between idle-heavy "
                          "enterprise fleets and busy API fleets")
    electricity_usd_per_kwh: float = param(
        0.08, unit="USD per kWh", meaning="Electricity price", gt=0, le=2,
        basis="The US industrial average price of data/published_estimates.csv row "
              "eia_2023_industrial_electricity_usd_per_kwh (EIA), to the cent")
    pue: float = param(
        1.3, unit="ratio", meaning="Power usage effectiveness: facility power per IT power", ge=1, le=3,
        basis="Assumption: below the industry average of data/published_estimates.csv row uptime_2023_pue (Uptime "
              "Institute), which older enterprise sites pull up; new AI halls are built to run more efficiently")
    server_power_factor: float = param(
        1.5, unit="ratio", meaning="Server power (CPUs, NICs, fans, switches) per watt of chip TDP", ge=1, le=4,
        basis="Assumption: a whole server's draw per watt of its GPUs' TDP (host CPUs, memory, NICs, fans, switches); "
              "no dated primary statement of a typical server draw was found to rest it on")
    depreciation_years: float = param(
        5.0, unit="years", meaning="Economic life over which hardware capital is recovered", gt=0, le=15,
        basis="Assumption: hyperscalers depreciate servers over five to six years")
    cost_of_capital: float = param(
        0.10, unit="per year", meaning="Annual cost of capital used to annualize hardware purchases", ge=0, le=0.5,
        basis="Assumption")
    facility_usd_per_kw_month: float = param(
        150.0, unit="USD per kW-month", meaning="Data-center space, cooling plant and power delivery per IT kW",
        ge=0, le=2000, basis="Assumption: wholesale colocation pricing level")
    # --- the hypothetical custom ASIC ------------------------------------------------------------
    asic_unit_cost_usd: float = param(
        8000.0, unit="USD per chip", meaning="Hypothetical ASIC: manufacturing cost per chip (die, HBM, packaging, test)",
        gt=0, le=1e6, basis="Assumption (hypothetical chip)")
    partner_margin: float = param(
        0.4, unit="fraction of the chip price", meaning="Design partner's gross margin on each ASIC", ge=0, lt=1,
        basis="Assumption (hypothetical chip): below a merchant GPU vendor's margin")
    asic_perf_ratio: float = param(
        0.8, unit="ratio", meaning="Hypothetical ASIC's peak FLOPS and bandwidth relative to the reference GPU",
        gt=0, le=10, basis="Assumption (hypothetical chip)")
    asic_reference_accelerator: str = param(
        "NVIDIA B200", unit="", meaning="GPU the hypothetical ASIC is compared with (its own time's GPU)",
        choices_from=("accelerators", "accelerator"),
        basis="The current NVIDIA generation: an ASIC taped out now competes with it, not with a 2022 chip")
    asic_power_w: float = param(
        600.0, unit="W", meaning="Hypothetical ASIC's power (TDP)", gt=0, le=5000,
        basis="Assumption (hypothetical chip)")
    asic_nre_usd: float = param(
        500e6, unit="USD", meaning="One-off program cost: design, masks, software, team", ge=0, le=1e11,
        basis="Assumption (hypothetical program)")
    asic_volume_units: int = param(
        200_000, unit="chips", meaning="Chips the ASIC program deploys", ge=1, le=100_000_000,
        basis="Assumption (hypothetical program)")
    asic_program_years: float = param(
        4.0, unit="years", meaning="Years over which the program's one-off cost is recovered", gt=0, le=20,
        basis="Assumption (hypothetical program)")
    breakeven_reference_provider: str = param(
        "OpenAI", unit="", meaning="Provider whose latest stated token volume the ASIC's break-even is set against "
                                   "(the program cost at which the two meet is reported)",
        choices_from=("token_volumes", "provider"),
        basis="The same reference workload as claim C7's first test (claims chapter)")
    breakeven_reference_product: str = param(
        "API", unit="", meaning="That provider's product whose stated volume is used",
        choices_from=("token_volumes", "product"), basis="As claim C7's first test")
    # --- market prices -------------------------------------------------------------------------
    price_benchmark: Literal["gpqa_diamond", "mmlu", "eci"] = param(
        "gpqa_diamond", unit="", meaning="Benchmark that fixes capability for the headline price decline",
        basis="Epoch AI's headline footing (data/published_rates.csv, its row on GPQA Diamond)")
    price_threshold_model: str = param(
        "GPT-4", unit="", meaning="Model whose best score on the benchmark is the capability threshold",
        choices_from=("models", "model"), basis="GPT-4, as in Epoch AI's headline figure")
    price_basis: Literal["blended_3_1", "input", "output", "average"] = param(
        "blended_3_1", unit="", meaning="Which price is fitted: blended 3 input : 1 output, input, output, or the "
                                         "average of input and output (a16z's footing)",
        basis="3:1 blend, Epoch AI's and Artificial Analysis's footing")
    # --- the claim tested (C4) -------------------------------------------------------------------
    claimant_vendor: str = param(
        "NVIDIA", unit="", choices_from=("accelerators", "vendor"),
        meaning="Chip vendor whose claim of the cheapest tokens (C4) is tested on every measured footing; the tax's "
                "vendor margin always comes from the financials table (data/nvidia_financials.csv), whichever vendor this is",
        basis="The article relays NVIDIA's claim (claim C4 in data/claims.yaml)")
    min_accelerators_compared: int = param(
        3, unit="accelerators", ge=2, le=50,
        meaning="C4: fewest priced accelerators a measured footing (one model, one source round, one scenario) must "
                "compare for its cheapest chip to be named; footings with fewer are left out of the count (the claims "
                "chapter reads this value, it declares none of its own)",
        basis="Assumption: a comparison of two chips cannot show which is cheapest among merchant rivals")
    # --- judgements the measured comparisons rest on ----------------------------------------------
    variant_max_miss: float = param(
        2.0, unit="× (model over measured, either way)", gt=1, le=100,
        meaning="A structural variant of the serving model whose miss against this chip's measured frontier (the "
                "median over its measured speeds) exceeds this factor is ruled out and leaves the uncertainty band",
        basis="Assumption: a factor of two, the same factor the calibration's second target counts held-out points "
              "within; the median, not the worst miss, because at the fastest measured speed every fit sits at its "
              "own speed limit, where its throughput collapses")
    anchor_model_size_factor: float = param(
        1.5, unit="× total parameters, either way", gt=1, le=10,
        meaning="An MLPerf result is set beside the modeled cost as its measured anchor only for a model of the same "
                "kind (dense or mixture-of-experts) whose total parameters are within this factor of the served model's",
        basis="Assumption: within half again the size either way a model loads the chip alike enough for its "
              "measured cost to be compared; wider, a 70B model would be set against a 405B one")
    breakeven_mixes: list[float] = param(
        [0.25, 1.0, 3.6, 8.0], unit="input tokens per output token",
        meaning="Token mixes over which the custom chip's break-even is drawn beside the stated workload's (each "
                "above 0 and at most 1,000)",
        basis="Assumption: from output-heavy (a quarter of a prompt token per output token) through InferenceX's "
              "1k/1k setting (1) and one mix between (3.6) to its 8k/1k long-input setting (8; data/serving_benchmarks.csv)")
    # --- fallbacks when the measurements cannot be used ------------------------------------------
    fallback_mbu: float = param(
        0.6, unit="fraction of peak memory bandwidth", gt=0, le=1,
        meaning="Memory-bandwidth use of the serving model when no measured point can be fitted (stated on the page)",
        basis="Assumption: a well-tuned decode step reads weights and KV cache at about this share of peak bandwidth")
    fallback_mfu: float = param(
        0.3, unit="fraction of peak compute", gt=0, le=1,
        meaning="Compute use of the serving model when no measured point can be fitted",
        basis="Assumption: prefill and large batches reach about this share of peak FLOPS")
    fallback_overhead_ms: float = param(
        5.0, unit="ms per decode step", ge=0, le=1000,
        meaning="Fixed time per decode step (scheduling, kernel launches, communication) when no point can be fitted",
        basis="Assumption")
    fallback_throughput_sigma_log10: float = param(
        0.15, unit="log10 of model / measured", gt=0, le=2,
        meaning="Error of a modeled throughput (one standard deviation) when the calibration gives no held-out error; "
                "the uncertainty band spans two of them each way",
        basis="Assumption: about a factor of 1.4 each way")
    # --- the calibration's targets ------------------------------------------------------------------
    calibration_target_median_miss: float = param(
        1.3, unit="× (model over measured, either way)", gt=1, le=10,
        meaning="Target of the serving model: the median held-out miss is at most this factor",
        basis="Assumption: the book's target for the serving model (issue 20)")
    calibration_target_share_within_2x: float = param(
        0.85, unit="fraction of held-out points", gt=0, le=1,
        meaning="Target of the serving model: at least this share of held-out points within a factor of two",
        basis="Assumption: the book's target for the serving model (issue 20)")
    # --- uncertainty ranges (Monte Carlo and tornado); each range is widened to hold the setting -----
    measured_throughput_spread: float = param(
        1.25, unit="× each way", gt=1, le=10,
        meaning="Spread assumed around a measured throughput (harness, software version, run to run)",
        basis="Assumption")
    utilization_low: float = param(
        0.2, unit="fraction of hours", gt=0, le=1, meaning="Low end of the utilization range",
        basis="Assumption: an idle-heavy enterprise fleet")
    utilization_high: float = param(
        0.9, unit="fraction of hours", gt=0, le=1, meaning="High end of the utilization range",
        basis="Assumption: a busy API fleet")
    depreciation_years_low: float = param(
        3.0, unit="years", gt=0, le=15, meaning="Low end of the depreciation-life range",
        basis="Assumption: chips retired after one or two newer generations")
    depreciation_years_high: float = param(
        7.0, unit="years", gt=0, le=15, meaning="High end of the depreciation-life range",
        basis="Assumption: chips kept in service well past their accounting life")
    cost_of_capital_low: float = param(
        0.05, unit="per year", ge=0, le=0.5, meaning="Low end of the cost-of-capital range", basis="Assumption")
    cost_of_capital_high: float = param(
        0.15, unit="per year", ge=0, le=0.5, meaning="High end of the cost-of-capital range", basis="Assumption")
    chip_price_low_factor: float = param(
        0.7, unit="× the chip price", gt=0, le=10, meaning="Low end of the chip-price range (discounts)",
        basis="Assumption")
    chip_price_high_factor: float = param(
        1.3, unit="× the chip price", gt=0, le=10, meaning="High end of the chip-price range (scarcity premiums)",
        basis="Assumption")
    server_network_low_factor: float = param(
        0.6, unit="× the server and network cost", gt=0, le=10,
        meaning="Low end of the range of the server and network cost per chip", basis="Assumption")
    server_network_high_factor: float = param(
        1.5, unit="× the server and network cost", gt=0, le=10,
        meaning="High end of the range of the server and network cost per chip", basis="Assumption")
    electricity_usd_per_kwh_low: float = param(
        0.04, unit="USD per kWh", gt=0, le=2, meaning="Low end of the electricity-price range",
        basis="Assumption: cheap long-term power contracts")
    electricity_usd_per_kwh_high: float = param(
        0.15, unit="USD per kWh", gt=0, le=2, meaning="High end of the electricity-price range",
        basis="Assumption: expensive grids")
    pue_low: float = param(
        1.1, unit="ratio", ge=1, le=3, meaning="Low end of the PUE range", basis="Assumption: the most efficient sites")
    pue_high: float = param(
        1.6, unit="ratio", ge=1, le=3, meaning="High end of the PUE range",
        basis="Assumption: about the industry average of data/published_estimates.csv row uptime_2023_pue")
    facility_usd_per_kw_month_low: float = param(
        100.0, unit="USD per kW-month", ge=0, le=2000, meaning="Low end of the facility-cost range",
        basis="Assumption")
    facility_usd_per_kw_month_high: float = param(
        250.0, unit="USD per kW-month", ge=0, le=2000, meaning="High end of the facility-cost range",
        basis="Assumption")
    rental_low_factor: float = param(
        0.6, unit="× the rental price", gt=0, le=10, meaning="Low end of the rental-price range",
        basis="Assumption: long commitments and discounts")
    rental_high_factor: float = param(
        1.5, unit="× the rental price", gt=0, le=10, meaning="High end of the rental-price range",
        basis="Assumption: on-demand and scarce capacity")
    # --- uncertainty ---------------------------------------------------------------------------
    mc_draws: int = param(
        20_000, unit="draws", meaning="Monte Carlo draws", ge=100, le=1_000_000,
        basis="Enough for stable P10/P90 to two significant figures")
    seed: int = param(20250101, unit="", meaning="Random seed of the Monte Carlo", ge=0, le=2**32 - 1)

    @model_validator(mode="after")
    def _check(self) -> "Params":
        if not self.breakeven_mixes:
            raise ValueError("breakeven_mixes: give at least one mix (input tokens per output token)")
        bad = [x for x in self.breakeven_mixes if not 0 < x <= 1000]
        if bad:
            raise ValueError(f"breakeven_mixes: {', '.join(f'{x:g}' for x in bad)} out of range; each mix must be "
                             "above 0 and at most 1000 input tokens per output token")
        if self.vendor_margin_override is not None and self.vendor_margin_override >= 1:
            raise ValueError("vendor_margin_override: must be below 1")
        for low, high in RANGE_PAIRS:
            if not getattr(self, low) < getattr(self, high):
                raise ValueError(f"{low} ({getattr(self, low):g}) must be below {high} ({getattr(self, high):g})")
        if not self.chip_price_low_factor <= 1 <= self.chip_price_high_factor:
            raise ValueError("chip_price_low_factor must be at most 1 and chip_price_high_factor at least 1 (the range "
                             "holds the price itself)")
        for low, high in (("server_network_low_factor", "server_network_high_factor"),
                          ("rental_low_factor", "rental_high_factor")):
            if not getattr(self, low) <= 1 <= getattr(self, high):
                raise ValueError(f"{low} must be at most 1 and {high} at least 1 (the range holds the value itself)")
        return self


#: The (low, high) parameter pairs of the uncertainty ranges: low must be below high.
RANGE_PAIRS = (("utilization_low", "utilization_high"), ("depreciation_years_low", "depreciation_years_high"),
               ("cost_of_capital_low", "cost_of_capital_high"), ("chip_price_low_factor", "chip_price_high_factor"),
               ("server_network_low_factor", "server_network_high_factor"),
               ("electricity_usd_per_kwh_low", "electricity_usd_per_kwh_high"), ("pue_low", "pue_high"),
               ("facility_usd_per_kw_month_low", "facility_usd_per_kw_month_high"),
               ("rental_low_factor", "rental_high_factor"))
