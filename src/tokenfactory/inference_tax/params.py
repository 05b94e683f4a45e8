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
        basis="Estimate: 8 H100s at $25,000-30,000 each (Raymond James via Tae Kim) in a DGX H100 sold for about "
              "$270,000 (SemiAnalysis) is 0.74-0.89 of the server price; both figures as quoted in Epoch AI's "
              "training-cost-trends notebook (https://github.com/epoch-research/training-cost-trends)")
    server_usd_per_chip: float = param(
        6250.0, unit="USD per chip", meaning="Host server (CPUs, memory, chassis, NICs) per accelerator, for price "
                                             "rows that are the chip alone", ge=0, le=1e6,
        basis="Estimate: a DGX H100 at about $270,000 (SemiAnalysis) less 8 GPUs at $27,500 (midpoint of Raymond "
              "James's $25,000-30,000) leaves about $50,000 of host per 8 GPUs; as quoted in Epoch AI's "
              "training-cost-trends notebook (https://github.com/epoch-research/training-cost-trends)")
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
        basis="Artificial Analysis prices its hardware benchmark at 30 output tokens/s per query; InferenceX draws "
              "frontiers from about 10 to over 100")
    input_tokens: int = param(
        1024, unit="tokens", meaning="Prompt length per request", ge=1, le=1_000_000,
        basis="1k in / 1k out is the standard setting of InferenceX and Artificial Analysis")
    output_tokens: int = param(
        1024, unit="tokens", meaning="Completion length per request", ge=1, le=1_000_000,
        basis="1k in / 1k out, as above")
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
        basis="US industrial average of about 8 cents/kWh in 2023 (EIA, via Statista; EIA Electric Power Monthly "
              "table 5.6.B https://www.eia.gov/electricity/monthly/epm_table_grapher.php?t=epmt_5_06_b)")
    pue: float = param(
        1.3, unit="ratio", meaning="Power usage effectiveness: facility power per IT power", ge=1, le=3,
        basis="Between Uptime Institute's 2023 industry average of 1.58 "
              "(https://intelligence.uptimeinstitute.com/resource/large-data-centers-are-mostly-more-efficient-analysis-confirms) "
              "and the 1.1-1.2 of hyperscale sites; assumption")
    server_power_factor: float = param(
        1.5, unit="ratio", meaning="Server power (CPUs, NICs, fans, switches) per watt of chip TDP", ge=1, le=4,
        basis="A DGX H100 draws 6.5-8.5 kW typical and 10.2 kW at most for 8 GPUs of 700 W, i.e. 1.2-1.8x "
              "(https://www.supercluster.blog/p/6-ai-supercluster-nvidia-dgx-h100); assumption within that range")
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
        basis="GPQA Diamond at GPT-4's score is Epoch AI's headline footing (40x per year, March 2025)")
    price_threshold_model: str = param(
        "GPT-4", unit="", meaning="Model whose best score on the benchmark is the capability threshold",
        choices_from=("models", "model"), basis="GPT-4, as in Epoch AI's headline figure")
    price_basis: Literal["blended_3_1", "input", "output", "average"] = param(
        "blended_3_1", unit="", meaning="Which price is fitted: blended 3 input : 1 output, input, output, or the "
                                         "average of input and output (a16z's footing)",
        basis="3:1 blend, Epoch AI's and Artificial Analysis's footing")
    # --- uncertainty ---------------------------------------------------------------------------
    mc_draws: int = param(
        20_000, unit="draws", meaning="Monte Carlo draws", ge=100, le=1_000_000,
        basis="Enough for stable P10/P90 to two significant figures")
    seed: int = param(20250101, unit="", meaning="Random seed of the Monte Carlo", ge=0, le=2**32 - 1)

    @model_validator(mode="after")
    def _check(self) -> "Params":
        if self.vendor_margin_override is not None and self.vendor_margin_override >= 1:
            raise ValueError("vendor_margin_override: must be below 1")
        return self
