"""Parameters of the chapter "The inference tax: what a token costs".

Every default that is an assumption says so in its `basis`; defaults that rest on a public figure
cite the page. The hypothetical in-house inference ASIC is described only by parameters: nothing
here is a fact about any real chip.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from ..params_base import ChapterParams, param

_LLAMA_CFG = ("https://huggingface.co/meta-llama/Llama-3.3-70B-Instruct/blob/main/config.json "
              "(80 layers, 8 KV heads of dimension 8192/64 = 128; restated in oumi-ai/oumi "
              "configs/recipes/llama3_3/README.md)")


class Params(ChapterParams):
    # --- the hardware --------------------------------------------------------------------------
    accelerator: str = param(
        "NVIDIA H100 SXM", unit="", meaning="Merchant GPU whose cost per token is modeled",
        choices_from=("accelerators", "accelerator"),
        basis="The most widely deployed merchant inference GPU with a price, peak FLOPS, bandwidth, memory "
              "and power in data/accelerators.csv")
    chip_price_override_usd: float | None = param(
        None, unit="USD per chip", meaning="Chip price; empty = the accelerator's price_usd in the data",
        gt=0, le=1e6)
    vendor_margin_override: float | None = param(
        None, unit="fraction of the chip price",
        meaning="Chip vendor's gross margin; empty = NVIDIA's latest fiscal-year GAAP gross margin in the data",
        ge=0, lt=1)
    # --- the reference model -------------------------------------------------------------------
    reference_model: str = param(
        "Llama 3.3 70B", unit="", meaning="Open model served (its hosts' prices are the market check)",
        choices_from=("models", "model"),
        basis="An open model many hosts sell (data/api_prices.csv), so modeled cost can be set beside prices")
    total_params_b: float = param(
        70.0, unit="billion parameters", meaning="Total parameters of the reference model (all experts)",
        gt=0, le=10000, basis="data/models.csv (Llama 3.3 70B: 70 billion)")
    active_params_b: float = param(
        70.0, unit="billion parameters", meaning="Parameters active per token (less than total for mixture-of-experts)",
        gt=0, le=10000, basis="Dense model: every parameter is active")
    precision: Literal["fp8", "bf16"] = param(
        "fp8", unit="", meaning="Weight precision (1 or 2 bytes per weight) and the matching peak FLOPS",
        basis="Assumption: FP8 weights are common in production serving of 70B-class models")
    kv_kib_per_token: float = param(
        320.0, unit="KiB per token", meaning="KV-cache bytes per token of context (all layers, K and V)",
        gt=0, le=100000,
        basis="80 layers x 8 KV heads x 128 dims x 2 (K, V) x 2 bytes (BF16) = 327,680 B; " + _LLAMA_CFG)
    # --- the workload ----------------------------------------------------------------------------
    context_tokens: int = param(
        4096, unit="tokens", meaning="Average context held in the KV cache per sequence during decode",
        ge=1, le=2_000_000, basis="Assumption: a chat-length context")
    batch_size: int = param(
        64, unit="sequences", meaning="Sequences decoded together per model replica",
        ge=1, le=4096, basis="Assumption: a typical continuous-batching size for a 70B model")
    input_tokens_per_output: float = param(
        3.0, unit="input tokens per output token", meaning="Prefill/decode mix: prompt tokens processed per token generated",
        ge=0, le=1000,
        basis="Assumption, mirroring the 3:1 input:output blend used by price trackers such as Epoch AI")
    mfu: float = param(
        0.4, unit="fraction of peak FLOPS", meaning="Achieved model FLOPS utilization (MFU)",
        gt=0, le=1, basis="Assumption: 30-50% is the range commonly reported for large-model serving")
    mbu: float = param(
        0.7, unit="fraction of peak bandwidth", meaning="Achieved memory-bandwidth utilization (MBU) in decode",
        gt=0, le=1, basis="Assumption: well-tuned decode kernels reach 60-80% of peak HBM bandwidth")
    memory_usable: float = param(
        0.9, unit="fraction of memory", meaning="Share of chip memory available to weights and KV cache",
        gt=0, le=1, basis="Assumption: the rest holds activations, buffers and the runtime")
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
    server_network_usd_per_chip: float = param(
        15000.0, unit="USD per chip", meaning="Server, network and storage capital per accelerator", ge=0, le=1e6,
        basis="Assumption: host CPUs, memory, NICs and a share of the scale-out network for an 8-GPU server")
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
        0.8, unit="ratio", meaning="Hypothetical ASIC's peak FLOPS and bandwidth relative to the GPU", gt=0, le=10,
        basis="Assumption (hypothetical chip)")
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
    # --- market prices -------------------------------------------------------------------------
    benchmark: Literal["mmlu", "gpqa_diamond"] = param(
        "mmlu", unit="", meaning="Benchmark that fixes capability for the price trend",
        basis="MMLU, as in a16z's LLMflation analysis")
    capability_threshold: float = param(
        70.0, unit="percent", meaning="Minimum benchmark score a model needs to count in the price trend",
        ge=0, le=100, basis="Assumption: a level that models priced across the whole period exceed")
    # --- uncertainty ---------------------------------------------------------------------------
    mc_draws: int = param(
        20_000, unit="draws", meaning="Monte Carlo draws", ge=100, le=1_000_000,
        basis="Enough for stable P10/P90 to two significant figures")
    seed: int = param(20250101, unit="", meaning="Random seed of the Monte Carlo", ge=0, le=2**32 - 1)

    @model_validator(mode="after")
    def _check(self) -> "Params":
        if self.active_params_b > self.total_params_b:
            raise ValueError("active_params_b: cannot exceed total_params_b")
        return self
