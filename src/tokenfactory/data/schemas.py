"""The schema of every table in data/: columns, units, types, allowed values, keys, date order.

Why pandera (not frictionless): the chapters work on pandas frames, and pandera validates the very
frame they use, lazily, returning every failing row with its column, value and rule in one pass.
The column specs below are also the source of the Data appendix (meanings and units), so the page
and the checks cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .checks import DATE_BASES, DENIED_SOURCE_DOMAINS

PRECISIONS = ("day", "month", "quarter", "year")

#: The market a chip program (or a statement of a program length) belongs to: like for like, the tape-out chapter
#: compares a claim only with durations of the segments it names (`tapeout` parameter `comparison_segments`).
#: datacenter = accelerators for servers and clouds; automotive = in-vehicle chips; academic = university research
#: chips; edge = devices and embedded inference; general = an industry-wide characterisation that names no segment.
SEGMENTS = ("datacenter", "automotive", "academic", "edge", "general")
SEGMENT_MEANING = ("Market of the chip: datacenter (servers and clouds), automotive (in-vehicle), academic (university "
                   "research chip), edge (devices, embedded), general (an industry-wide characterisation naming none); "
                   "from the row's sources, else what the program's own name and company make plain (see notes, meta)")


@dataclass(frozen=True)
class Col:
    name: str
    kind: str  # text | url | date | precision | bool | number | int
    meaning: str
    unit: str = ""
    required: bool = False
    choices: tuple[str, ...] | None = None
    ge: float | None = None
    le: float | None = None


def date_basis_col(of: str, allowed: Iterable[str] | None = None) -> Col:
    """The `date_basis` column of a table: what the column `of` is (one of DATE_BASES, or a subset)."""
    choices = tuple(allowed) if allowed is not None else tuple(DATE_BASES)
    unknown = [c for c in choices if c not in DATE_BASES]
    if unknown:
        raise ValueError(f"unknown date basis {unknown} (allowed: {', '.join(DATE_BASES)})")
    meaning = f"What `{of}` is: " + "; ".join(f"{c} = {DATE_BASES[c]}" for c in choices)
    return Col("date_basis", "text", meaning, required=True, choices=choices)


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: tuple[Col, ...]
    #: pairs (earlier, later) of date columns that must be in order when both are present
    date_order: tuple[tuple[str, str], ...] = ()
    #: (column, table, column): values must exist in another table
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    extra_checks: tuple[str, ...] = field(default=())
    #: rules on the date basis (see checks.date_basis_problems)
    basis_rules: tuple[str, ...] = ()
    #: columns whose values name a series that must carry one definition (named in the meta file)
    series: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _common(estimate: bool = True, basis: Col | None = None) -> tuple[Col, ...]:
    cols = [
        Col("source_url", "url", "Page(s) that state the figures; several separated by ' ; '", required=True),
        Col("as_of", "date", "Date at which the source states the figures (publication or snapshot)", required=True),
    ]
    if basis is not None:
        cols.append(basis)
    if estimate:
        cols.append(Col("estimate", "bool", "True when a figure in the row is an estimate (basis in notes)", required=True))
    cols.append(Col("notes", "text", "Caveats, definitions, what could not be verified"))
    return tuple(cols)


def _dated(name: str, meaning: str, required: bool = False) -> tuple[Col, Col]:
    return (
        Col(name, "date", meaning + " (first day of the period when less precise)", required=required),
        Col(f"{name}_precision", "precision", f"Precision of {name}", choices=PRECISIONS, required=required),
    )



# --- Events, targets and inferences (chip_programs, asic_cycle_statements) ------------------------
#: What a date (or a stated duration) is: an event a primary or reputable source states happened; a
#: target (an announced future date: censored in every test, never an event); an inference from
#: other facts (its basis in `date_basis`).
DATE_KINDS = ("event", "target", "inference")

#: Domains of AI-written wikis: not sources (a row citing one fails validation).
#: The AI-written wikis of the general deny list (checks.DENIED_SOURCE_DOMAINS), one list for every table.
AI_WIKI_DOMAINS = tuple(d for d, why in DENIED_SOURCE_DOMAINS.items() if "AI-written" in why)


def ai_wiki_urls(source_url: str | None) -> list[str]:
    """The URLs of `source_url` (several separated by ' ; ') that point to an AI-written wiki."""
    if not source_url:
        return []
    out = []
    for url in str(source_url).split(" ; "):
        host = url.strip().split("://", 1)[-1].split("/", 1)[0].lower()
        if any(host == d or host.endswith("." + d) for d in AI_WIKI_DOMAINS):
            out.append(url.strip())
    return out


def _date_kind_cols(what: str = "date") -> tuple[Col, Col]:
    return (
        Col("date_kind", "text", f"What the {what} is: event (a source states it happened), target (an announced "
            "future date, censored in every test) or inference (derived; basis in date_basis)", required=True,
            choices=DATE_KINDS),
        Col("date_basis", "text", "For an inference, how it is derived; for a target, when and by whom it was announced "
            "(required for both)"),
    )

TABLES: dict[str, Table] = {}


def _add(table: Table) -> None:
    TABLES[table.name] = table


_add(Table(
    "accelerators", key=("accelerator",),
    columns=(
        Col("accelerator", "text", "Chip name as marketed (key)", required=True),
        Col("vendor", "text", "Company that sells or deploys the chip", required=True),
        Col("family", "text", "Product line (e.g. TPU, Instinct, Trainium)"),
        Col("design_partner", "text", "Who co-designed it: in-house, Broadcom, Marvell, ..."),
        Col("kind", "text", "Merchant GPU, custom ASIC or startup chip", required=True,
            choices=("merchant_gpu", "custom_asic", "startup")),
        Col("workload", "text", "What it is built for", choices=("training", "inference", "both")),
        *_dated("announced_date", "Date announced"),
        *_dated("available_date", "Date generally available or first deployed"),
        Col("process_node", "text", "Process node (e.g. N4, 3 nm class); the foundry goes in `foundry`"),
        Col("foundry", "text", "Who manufactures the die (TSMC, Samsung, Intel, ...)"),
        Col("bf16_dense_tflops", "number", "Peak dense BF16 throughput", "TFLOPS", ge=0, le=1e6),
        Col("fp8_dense_tflops", "number", "Peak dense FP8 throughput", "TFLOPS", ge=0, le=1e6),
        Col("fp4_dense_tflops", "number", "Peak dense FP4 throughput as the vendor states it (source in notes)",
            "TFLOPS", ge=0, le=1e6),
        Col("memory_gb", "number", "Off-chip memory (HBM, GDDR, LPDDR) per chip, in decimal GB (GiB x 1.0737)",
            "GB", ge=0, le=1e5),
        Col("memory_bandwidth_tb_s", "number", "Off-chip memory bandwidth per chip", "TB/s", ge=0, le=1e5),
        Col("sram_gb", "number", "On-chip SRAM per chip (wafer-scale and SRAM-only parts; empty when not "
            "stated)", "GB", ge=0, le=1e5),
        Col("sram_bandwidth_tb_s", "number", "On-chip SRAM bandwidth per chip", "TB/s", ge=0, le=1e6),
        Col("tdp_w", "number", "Thermal design power per chip", "W", ge=0, le=1e5),
        Col("price_usd", "number", "Price per chip (list, or estimate: see price_estimate)", "USD", ge=0, le=1e8),
        Col("price_estimate", "bool", "True when price_usd is an estimate"),
        Col("price_source_url", "url", "Page that states the price"),
        Col("price_basis", "text", "What price_usd prices: the chip alone, or a server (or larger system) price "
            "divided by its chips", choices=("chip", "server_per_chip", "system_per_chip")),
        Col("server_capex_usd_per_chip", "number", "Capital cost of the server around the chip (with its networking "
            "where the source includes it), per chip, where a source gives it; never a price that already "
            "includes the chip", "USD", ge=0, le=1e8),
        *_common(basis=date_basis_col("as_of", ("statement", "page_date", "undated_earliest", "scraped"))),
        Col("generation_kind", "text", "A new architecture (a new core design: Volta, Ampere, Hopper, Blackwell, "
            "Rubin; each TPU version) or a refresh of an earlier one (more or faster memory, higher clocks: H200, "
            "B300, MI325X)", choices=("architecture", "refresh")),
        Col("product_line", "text", "The product line within a family whose generations succeed each other "
            "(TPU performance: v2, v3, v4, v5p, TPU7x, 8t; TPU efficiency: v5e, v6e, 8i)"),
    ),
    date_order=(("announced_date", "available_date"),),
    extra_checks=("node_not_foundry", "server_capex_not_chip_price"),
))

_add(Table(
    "chip_programs", key=("program", "milestone"),
    columns=(
        Col("program", "text", "Chip generation (e.g. Google TPU v4)", required=True),
        Col("vendor", "text", "Company running the program", required=True),
        Col("family", "text", "Product line"),
        Col("generation", "int", "Generation number within the family (1 = first)", ge=1, le=50),
        Col("accelerator", "text", "Matching key in accelerators.csv, if any"),
        Col("kind", "text", "Merchant GPU, custom ASIC or startup chip",
            choices=("merchant_gpu", "custom_asic", "startup")),
        Col("segment", "text", SEGMENT_MEANING, required=True, choices=SEGMENTS),
        Col("milestone", "text", "Which milestone (partnership_start: a partnership or contract with a design "
            "house, never read as the chip's own design start)", required=True,
            choices=("design_start", "tapeout", "announced", "first_deployment", "general_availability",
                     "partnership_start")),
        *_dated("date", "Date of the milestone", required=True),
        Col("self_reported", "bool", "True when only the company itself states the date", required=True),
        *_date_kind_cols(),
        *_common(),
    ),
    extra_checks=("date_kind_basis",),
))

_add(Table(
    "asic_cycle_statements", key=("statement_id",),
    columns=(
        Col("statement_id", "text", "Identifier (key)", required=True),
        Col("speaker", "text", "Who said it"),
        Col("organization", "text", "Their organization"),
        Col("statement", "text", "The statement, quoted or closely paraphrased", required=True),
        Col("phase", "text", "Which part of the cycle", choices=(
            "design_to_tapeout", "design_to_deployment", "tapeout_to_deployment", "generation_cadence", "full_cycle",
            "ai_assisted_design", "wafer_fabrication", "packaging_and_test")),
        Col("segment", "text", SEGMENT_MEANING, required=True, choices=SEGMENTS),
        Col("min_months", "number", "Shortest duration stated", "months", ge=0, le=240),
        Col("max_months", "number", "Longest duration stated", "months", ge=0, le=240),
        *_date_kind_cols("duration"),
        *_common(estimate=False),
    ),
    extra_checks=("date_kind_basis",),
))

_add(Table(
    "models", key=("model",),
    columns=(
        Col("model", "text", "Model name as marketed (key used by other tables)", required=True),
        Col("organization", "text", "Developer", required=True),
        *_dated("release_date", "Public release date", required=True),
        Col("weights", "text", "closed; open (permissive licence); open_restricted (restrictive licence)",
            required=True, choices=("closed", "open", "open_restricted")),
        Col("total_params_b", "number", "Total parameters, where published", "billions", ge=0, le=1e5),
        Col("active_params_b", "number", "Parameters active per token (mixture-of-experts), where published",
            "billions", ge=0, le=1e5),
        *_common(basis=date_basis_col("as_of", ("statement", "page_date", "undated_earliest", "scraped"))),
    ),
))

_add(Table(
    "benchmark_scores", key=("model", "benchmark", "as_of", "evaluator"),
    columns=(
        Col("model", "text", "Model (key in models.csv)", required=True),
        Col("benchmark", "text", "Benchmark; lmarena_elo is the rating LMArena's leaderboard displayed, "
            "lmarena_elo_online its online Elo (2023-2024 pickles), a different estimator kept apart",
            required=True, choices=("mmlu", "gpqa_diamond", "lmarena_elo", "lmarena_elo_online", "eci")),
        Col("score", "number", "Score (unit in score_unit)", required=True, ge=-1000, le=5000),
        Col("score_unit", "text", "Unit of the score", required=True, choices=("percent", "elo", "index")),
        Col("evaluator", "text", "Who ran the evaluation"),
        *_common(estimate=False, basis=date_basis_col("as_of", ("statement", "page_date", "undated_earliest", "scraped"))),
    ),
    foreign_keys=(("model", "models", "model"),),
    extra_checks=("percent_in_range",),
))

_add(Table(
    "leaderboard_leaders", key=("leaderboard", "start_date"),
    columns=(
        Col("leaderboard", "text", "Leaderboard", required=True),
        Col("model", "text", "Model in first place", required=True),
        Col("organization", "text", "Its developer", required=True),
        Col("start_date", "date", "First snapshot with the model in first place", required=True),
        Col("end_date", "date", "First snapshot with another leader (empty: still leading at as_of)"),
        *_common(estimate=False, basis=date_basis_col("start_date, end_date and as_of", ("statement", "scraped"))),
    ),
    date_order=(("start_date", "end_date"),),
))

_add(Table(
    "training_compute", key=("model",),
    columns=(
        Col("model", "text", "Model (Epoch AI's name)", required=True),
        Col("organization", "text", "Developer"),
        Col("publication_date", "date", "Publication or release date", required=True),
        Col("training_compute_flop", "number", "Training compute", "FLOP", required=True, ge=1e10, le=1e30),
        Col("frontier", "bool", "Among the frontier models at release"),
        Col("weights", "text", "closed; open (permissive licence); open_restricted (restrictive or non-commercial "
            "licence), from Epoch AI's 'Model accessibility'; empty where Epoch does not state it",
            choices=("closed", "open", "open_restricted")),
        *_common(basis=date_basis_col("as_of", ("statement", "page_date", "undated_earliest", "scraped"))),
    ),
))

_add(Table(
    "api_prices", key=("provider", "model", "date"),
    columns=(
        Col("provider", "text", "Who sells the API", required=True),
        Col("model", "text", "Model (as in models.csv)", required=True),
        *_dated("date", "Date the price took effect or was seen", required=True),
        Col("event", "text", "launch, price_cut, or current (seen on a dated page)", required=True,
            choices=("launch", "price_cut", "current")),
        date_basis_col("date", ("event", "page_date", "undated_earliest", "scraped")),
        Col("input_usd_per_mtok", "number", "Price of input tokens", "USD per million tokens", ge=0, le=10000),
        Col("output_usd_per_mtok", "number", "Price of output tokens", "USD per million tokens", ge=0, le=10000),
        Col("cached_input_usd_per_mtok", "number", "Price of cached input tokens", "USD per million tokens",
            ge=0, le=10000),
        Col("retired_date", "date", "Day the provider retired (shut down) the model, from its deprecation page; "
            "empty while offered or unknown. No `current` price may be dated on or after it"),
        *_common(),
    ),
    basis_rules=("events_stated_at_the_time",),
))

_add(Table(
    "published_rates", key=("source", "measure"),
    columns=(
        Col("source", "text", "Who published the rate (Epoch AI, a16z, Stanford AI Index)", required=True),
        Col("measure", "text", "What is measured, in the publisher's terms", required=True),
        Col("benchmark", "text", "Benchmark of the capability threshold (empty when several)",
            choices=("mmlu", "gpqa_diamond", "eci", "lmarena_elo", "several")),
        Col("reference_model", "text", "Model whose score sets the threshold, when the publisher names one"),
        Col("threshold_score", "number", "Threshold score, when stated", "benchmark units", ge=0, le=5000),
        Col("price_basis", "text", "How input and output prices are combined", required=True,
            choices=("blended_3_1", "input_output_average", "unspecified")),
        Col("rate_per_year", "number", "Stated decline: price multiplier per year (10 = tenfold cheaper a year)",
            "x per year", ge=0, le=1e7),
        Col("rate_low", "number", "Low end of the stated interval", "x per year", ge=0, le=1e9),
        Col("rate_high", "number", "High end of the stated interval", "x per year", ge=0, le=1e9),
        Col("total_factor", "number", "Stated total decline over the period (280 = 280 times cheaper)", "x",
            ge=0, le=1e9),
        Col("period_start", "date", "First date of the period the rate covers"),
        Col("period_end", "date", "Last date of the period the rate covers"),
        *_common(estimate=False),
    ),
    date_order=(("period_start", "period_end"),),
))

_add(Table(
    # One row per company x fiscal year x period x row type x statement date: full years and fiscal
    # quarters sit in one table (`period`), and each guidance update is its own dated row (`as_of`), so
    # a raise is kept beside the figure it replaced. Full-year totals read only `period == "FY"`.
    "capex", key=("company", "fiscal_year", "period", "row_type", "as_of"),
    columns=(
        Col("company", "text", "Company", required=True),
        Col("fiscal_year", "int", "Fiscal year (named by the year it ends in)", required=True, ge=2000, le=2035),
        Col("fiscal_year_end", "date", "Last day of the fiscal year", required=True),
        Col("period", "text", "FY (full fiscal year), Q1-Q4 (fiscal quarter of fiscal_year), or CY (the calendar "
            "year named by fiscal_year, for a company whose fiscal year ends elsewhere)", required=True,
            choices=("FY", "Q1", "Q2", "Q3", "Q4", "CY")),
        Col("period_end", "date", "Last day of the period the figure covers", required=True),
        Col("row_type", "text", "reported, or guidance stated by the company", required=True,
            choices=("reported", "guidance")),
        Col("capex_usd_bn", "number", "Capital expenditure (midpoint for a guidance range)", "USD billions",
            ge=0, le=2000),
        Col("capex_low_usd_bn", "number", "Low end of a guidance range", "USD billions", ge=0, le=2000),
        Col("capex_high_usd_bn", "number", "High end of a guidance range", "USD billions", ge=0, le=2000),
        Col("definition", "text", "What the figure is (finance leases in or out): one per company and row "
            "type, named in capex.meta.yml series_definitions", required=True),
        *_common(basis=date_basis_col("as_of", ("statement", "page_date", "scraped"))),
    ),
    basis_rules=("statement_after_period", "estimate_unless_statement"),
    series=("company", "row_type"),
))

_add(Table(
    "compute_owned", key=("owner", "chips", "quarter_end"),
    columns=(
        Col("owner", "text", "Company that owns the chips", required=True),
        Col("chips", "text", "Whose chips: NVIDIA GPUs, or Google's TPUs", required=True,
            choices=("NVIDIA", "Google TPU")),
        Col("quarter_end", "date", "Last day of the calendar quarter up to which the compute is counted", required=True),
        Col("cumulative_since", "date", "First day from which purchases are counted", required=True),
        Col("h100e", "number", "Cumulative compute bought since cumulative_since, median", "H100-equivalents",
            required=True, ge=0, le=1e9),
        Col("h100e_p5", "number", "5th percentile of the same", "H100-equivalents", ge=0, le=1e9),
        Col("h100e_p95", "number", "95th percentile of the same", "H100-equivalents", ge=0, le=1e9),
        Col("units", "number", "Cumulative chips, median (TPU rows)", "chips", ge=0, le=1e9),
        Col("units_p5", "number", "5th percentile of the chips", "chips", ge=0, le=1e9),
        Col("units_p95", "number", "95th percentile of the chips", "chips", ge=0, le=1e9),
        Col("complete", "bool", "False when the source marks the quarter as incomplete", required=True),
        *_common(),
    ),
))

_add(Table(
    "nvidia_financials", key=("period",),
    columns=(
        Col("period", "text", "FY2024 or FY2025Q3", required=True),
        Col("period_type", "text", "fiscal_year or quarter", required=True, choices=("fiscal_year", "quarter")),
        Col("fiscal_year", "int", "NVIDIA fiscal year (ends late January)", required=True, ge=2000, le=2035),
        Col("period_end", "date", "Last day of the period", required=True),
        Col("data_center_revenue_usd_bn", "number", "Data Center segment revenue", "USD billions", ge=0, le=2000),
        Col("total_revenue_usd_bn", "number", "Total revenue", "USD billions", ge=0, le=2000),
        Col("gross_margin", "number", "Gross margin (GAAP unless noted)", "fraction", ge=0, le=1),
        *_common(basis=date_basis_col("as_of", ("statement", "page_date", "scraped"))),
    ),
    basis_rules=("statement_after_period", "estimate_unless_statement"),
))

_add(Table(
    "token_volumes", key=("provider", "product", "date"),
    columns=(
        Col("provider", "text", "Company", required=True),
        Col("product", "text", "Product or scope of the count", required=True),
        *_dated("date", "Date of the statement or period", required=True),
        Col("tokens", "number", "Tokens processed, as stated", "tokens per `per`", required=True, ge=0, le=1e20),
        Col("per", "text", "Period of the count", required=True, choices=("minute", "day", "week", "month", "year")),
        Col("quote", "text", "The statement"),
        *_common(estimate=False),
    ),
))

_add(Table(
    "compute_spend", key=("company", "year", "category"),
    columns=(
        Col("company", "text", "Company", required=True),
        Col("year", "int", "Calendar year", required=True, ge=2015, le=2035),
        Col("category", "text", "What the spend is for", required=True,
            choices=("inference", "training", "research", "total")),
        Col("spend_usd_bn", "number", "Compute spend", "USD billions", required=True, ge=0, le=2000),
        *_common(),
    ),
))

_add(Table(
    "model_architectures", key=("model",),
    columns=(
        Col("model", "text", "Model (as in models.csv)", required=True),
        Col("attention", "text", "Attention kind: grouped-query (gqa) or multi-head latent (mla)", required=True,
            choices=("gqa", "mla")),
        Col("layers", "int", "Transformer layers", required=True, ge=1, le=1000),
        Col("attention_heads", "int", "Query heads per layer (tensor parallelism divides them)", required=True,
            ge=1, le=1024),
        Col("kv_heads", "int", "Key/value heads per layer (gqa)", ge=1, le=1024),
        Col("head_dim", "int", "Dimension of one key/value head (gqa)", ge=1, le=1024),
        Col("kv_latent_dim", "int", "Values cached per token per layer (mla: latent + rotary dims)", ge=1, le=100000),
        Col("sliding_window_tokens", "int", "Window of sliding-window attention layers", "tokens", ge=1, le=10_000_000),
        Col("sliding_layer_share", "number", "Share of layers with sliding-window attention", "fraction", ge=0, le=1),
        Col("total_params_b", "number", "Total parameters (all experts)", "billions", required=True, ge=0, le=100000),
        Col("active_params_b", "number", "Parameters active per token", "billions", required=True, ge=0, le=100000),
        *_common(),
    ),
    foreign_keys=(("model", "models", "model"),),
))

_add(Table(
    "serving_benchmarks", key=("point_id",),
    columns=(
        Col("point_id", "text", "Identifier of the measured point (key): source, hardware, model, scenario, load",
            required=True),
        Col("source", "text", "Who published the measurement (MLPerf Inference v5.0, DeepSeek, NVIDIA, ...)",
            required=True),
        Col("source_kind", "text", "audited (MLPerf), third_party, vendor (chip maker), operator (runs the service)",
            required=True, choices=("audited", "third_party", "vendor", "operator")),
        Col("hardware", "text", "System as described by the source (e.g. 8x H200 SXM, GB200 NVL72)", required=True),
        Col("accelerator", "text", "Key in accelerators.csv (empty when the chip has no row there, e.g. H800)"),
        Col("chips", "int", "Accelerators in the measured system (per-chip figures divide by this)", required=True,
            ge=1, le=100000),
        Col("model", "text", "Key in models.csv", required=True),
        Col("precision", "text", "Weight/compute precision (FP8, FP4, BF16, ...) where stated"),
        Col("engine", "text", "Serving software (TensorRT-LLM, vLLM, SGLang, ...) where stated"),
        Col("scenario", "text", "offline (no latency bound), server / interactive (latency-bounded, MLPerf), "
            "concurrency (fixed concurrent requests), prefill / decode (one phase of a disaggregated deployment, "
            "benchmarked), production_* (a live service)", required=True,
            choices=("offline", "server", "interactive", "concurrency", "prefill", "decode",
                     "production_prefill", "production_decode", "production_fleet")),
        Col("input_tokens", "number", "Input (prompt) tokens per request (fixed, or the mean/median stated: see notes)",
            "tokens", ge=0, le=1e7),
        Col("output_tokens", "number", "Output tokens per request (fixed, or the mean stated: see notes)", "tokens",
            ge=0, le=1e7),
        Col("concurrency", "number", "Concurrent requests held by the load generator", "requests", ge=0, le=1e7),
        Col("output_tokens_per_s_per_chip", "number", "Generated tokens per second, whole system divided by chips",
            "tokens/s per chip", ge=0, le=1e7),
        Col("total_tokens_per_s_per_chip", "number",
            "Input plus output tokens per second per chip, where the source states (or counts) input tokens",
            "tokens/s per chip", ge=0, le=1e8),
        Col("tokens_per_s_per_user", "number", "Output speed seen by one request (interactivity)",
            "tokens/s per request", ge=0, le=1e5),
        Col("ttft_ms", "number", "Time to first token as reported (percentile in notes)", "ms", ge=0, le=1e7),
        Col("tpot_ms", "number", "Time per output token / inter-token latency as reported (percentile in notes)",
            "ms", ge=0, le=1e6),
        Col("tpot_bound_ms", "number", "The benchmark's bound on time per output token (MLPerf server and interactive "
            "scenarios, p99), as stated in notes: a speed per user the run had to reach", "ms", ge=0, le=100000),
        Col("usd_per_chip_hour", "number", "Chip-hour price the source itself uses for this point", "USD per chip-hour",
            ge=0, le=1000),
        *_common(),
    ),
    foreign_keys=(("accelerator", "accelerators", "accelerator"), ("model", "models", "model")),
    extra_checks=("total_at_least_output",),
))

_add(Table(
    "rental_prices", key=("accelerator", "provider", "tier", "as_of"),
    columns=(
        Col("accelerator", "text", "Key in accelerators.csv", required=True),
        Col("provider", "text", "Cloud or analyst that states the price (AWS, Lambda, SemiAnalysis InferenceX, ...)",
            required=True),
        Col("tier", "text", "Price tier as the source names it (on_demand, owning_hyperscaler, rental_3yr, ...)",
            required=True),
        Col("usd_per_chip_hour", "number", "Price per accelerator-hour (instance price divided by its chips)",
            "USD per chip-hour", required=True, ge=0, le=1000),
        Col("commitment", "text", "Contract length or ownership basis (none, 1 year, 3 years, owned)"),
        Col("term", "text", "The tier in common words: spot, on_demand, 1yr, 3yr (rented), owned (an owner's cost), "
            "or mixed (a median or midpoint across tiers or providers whose terms are not stated)", required=True,
            choices=("spot", "on_demand", "1yr", "3yr", "owned", "mixed")),
        *_common(),
    ),
    foreign_keys=(("accelerator", "accelerators", "accelerator"),),
))

_add(Table(
    "vendor_margins", key=("vendor", "product", "source_url"),
    columns=(
        Col("vendor", "text", "Chip vendor", required=True),
        Col("product", "text", "Product the margin is estimated for (e.g. H100 SXM)", required=True),
        Col("accelerator", "text", "Key in accelerators.csv of the chip the product is (empty for a server)"),
        Col("cogs_usd_low", "number", "Low end of the stated manufacturing cost per unit", "USD", ge=0, le=1e7),
        Col("cogs_usd", "number", "Central stated manufacturing cost per unit (per GPU for a multi-GPU product)",
            "USD", ge=0, le=1e7),
        Col("cogs_usd_high", "number", "High end of the stated manufacturing cost per unit", "USD", ge=0, le=1e7),
        Col("price_usd_low", "number", "Low end of the selling price the source sets against the cost", "USD", ge=0,
            le=1e8),
        Col("price_usd_high", "number", "High end of that selling price", "USD", ge=0, le=1e8),
        Col("gross_margin_low", "number", "Low end of the product-level gross margin", "fraction", ge=0, le=1),
        Col("gross_margin_high", "number", "High end of the product-level gross margin", "fraction", ge=0, le=1),
        Col("basis", "text", "How the source gets it (teardown cost of goods vs price, ...)", required=True),
        *_common(),
    ),
    extra_checks=("low_at_most_high",),
))

_add(Table(
    "utilization_evidence", key=("evidence_id",),
    columns=(
        Col("evidence_id", "text", "Identifier (key)", required=True),
        Col("operator", "text", "Who runs the fleet", required=True),
        Col("fleet", "text", "What the measure covers", required=True),
        Col("metric", "text", "What is divided by what", required=True),
        Col("value", "number", "The measured share", "fraction", required=True, ge=0, le=1),
        Col("numerator", "number", "The stated numerator (units in metric)"),
        Col("denominator", "number", "The stated denominator (units in metric)"),
        Col("period_start", "date", "First day measured"),
        Col("period_end", "date", "Last day measured"),
        Col("self_reported", "bool", "True when only the operator states it", required=True),
        *_common(),
    ),
))

_add(Table(
    "api_hosts", key=("provider",),
    columns=(
        Col("provider", "text", "Who sells the API (as in api_prices.csv)", required=True),
        Col("serves_on", "text", "What the provider serves its API on: its own chips (own_chip), or merchant GPUs "
            "it rents or buys (merchant_gpu); a provider without a row is read as merchant_gpu", required=True,
            choices=("own_chip", "merchant_gpu")),
        Col("chip", "text", "The chip family, for own_chip (e.g. Groq LPU)"),
        *_common(estimate=False),
    ),
))

_add(Table(
    "published_estimates", key=("estimate_id",),
    columns=(
        Col("estimate_id", "text", "Short name the chapters use for the estimate (key)", required=True),
        Col("publisher", "text", "Who published it", required=True),
        Col("what", "text", "What is estimated, on which measure and population", required=True),
        Col("value", "number", "The published central value", "see `unit`", required=True),
        Col("low", "number", "Low end of the published interval (empty when none)", "see `unit`"),
        Col("high", "number", "High end of the published interval (empty when none)", "see `unit`"),
        Col("interval", "text", "What the interval is (e.g. 90% confidence interval)"),
        Col("unit", "text", "Unit of value, low and high", required=True,
            choices=("months", "ECI points", "x per year", "fraction", "years to double", "USD per kWh", "ratio")),
        Col("window_start", "date", "First date of the data the estimate covers"),
        Col("window_end", "date", "Last date of the data the estimate covers"),
        *_common(),
    ),
    date_order=(("window_start", "window_end"),),
))
