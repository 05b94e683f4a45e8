"""Parameters of the chapter "The vertical-integration flywheel".

Every link of the loop is a named parameter with a unit. The technology rate, the cadences and the
manufacturing floor belong to the tape-out chapter and the fleet life to the inference-tax chapter:
this chapter reads them from those chapters' results (or, run alone, computes them with the tape-out
package on the same data), and never declares them. The costs per token come from the inference-tax
chapter; the `fallback_*` values below are used only when that chapter's results are missing, and
the page says which were used.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from ..params_base import ChapterParams, param

_TAPEOUT = "this book's tape-out chapter with its default parameters"


class Params(ChapterParams):
    horizon_months: int = param(96, unit="months", meaning="Length of the simulation", ge=13, le=240)
    report_month: int = param(
        60, unit="months", ge=12, le=239,
        meaning="Month at which the results are read (the '_y5' results: lead, cost ratio, own cycle); also the horizon "
        "within which the claims ledger's C11 asks the integrated strategy to overtake (it reads this result)",
        basis="Assumption: five years, the fleet life of the inference_tax chapter's default depreciation and about "
        "two merchant generations; long enough for a first own chip to enter service (first_chip_month)")
    sweep_min_months: float = param(
        4.0, unit="months", gt=0, le=60,
        meaning="Shortest merchant generation gap in the sweep of the lead against the merchant cadence",
        basis="Assumption: shorter than any merchant generation gap in data/chip_programs.csv")
    sweep_max_months: float = param(
        30.0, unit="months", gt=0, le=120,
        meaning="Longest merchant generation gap in that sweep",
        basis="Assumption: longer than any recent merchant generation gap in data/chip_programs.csv")
    volume_provider: str = param(
        "OpenAI", unit="", meaning="Provider whose latest stated token volume sets the starting volume",
        choices_from=("token_volumes", "provider"))
    user_growth_per_month: float = param(
        0.02, unit="per month (log)", meaning="Growth of users independent of the loop", ge=-0.1, le=0.3,
        basis="Assumption (about ×1.3 per year); far below the growth of Google's stated monthly tokens in "
        "data/token_volumes.csv (the page's observed-growth table computes it), which cannot persist")
    users_ceiling: float = param(
        10.0, unit="× today's users", meaning="Market saturation: users cannot exceed this multiple of today's",
        gt=1, le=1000, basis="Assumption (users follow a logistic curve towards this ceiling)")
    agent_token_growth_per_month: float = param(
        0.03, unit="per month (log)", meaning="Growth of tokens per user as agents multiply use", ge=0, le=0.3,
        basis="Assumption (about ×1.4 per year), the article's claim C6 that agents multiply token use")
    quality_growth_per_month: float = param(
        0.02, unit="per month (log)", meaning="Growth of the model-quality index independent of the loop", ge=0,
        le=0.2, basis="Assumption; an index (1 = today), not a benchmark")
    gain_data_quality: float = param(
        0.1, unit="elasticity", meaning="Model quality gained per doubling of accumulated workload knowledge "
        "(as an elasticity)", ge=0, le=1, basis="Assumption (loop link: workload data -> better models)")
    gain_quality_users: float = param(
        0.5, unit="elasticity", meaning="Users gained per unit change in log model quality", ge=0, le=3,
        basis="Assumption (loop link: better models -> more users)")
    gain_quality_cycle: float = param(
        0.3, unit="elasticity", meaning="Shortening of the integrated chip cycle as model quality rises (models "
        "help design chips, claim C10), down to the physical floor", ge=0, le=3,
        basis="Assumption (loop link: better models -> faster chip design)")
    gain_knowledge_chip: float = param(
        0.05, unit="elasticity", meaning="Cost per token saved by own chips per unit change in log workload "
        "knowledge (chips fitted to the workload)", ge=0, le=1,
        basis="Assumption (loop link: workload data -> next chip)")
    pass_through: float = param(
        0.5, unit="fraction", meaning="Share of the integrated cost advantage passed on in lower prices", ge=0, le=1,
        basis="Assumption (loop link: cheaper tokens -> lower price -> more demand)")
    price_elasticity: float = param(
        1.2, unit="elasticity", meaning="Token demand response to price (volume ∝ price^-elasticity)", ge=0, le=3,
        basis="Assumption; demand for inference has grown faster than prices fell (the inference_tax chapter "
        "discusses prices), consistent with an elasticity above one")
    markup: float = param(
        1.0, unit="fraction of cost", meaning="Market price over the merchant-chip cost per token", ge=0, le=10,
        basis="Assumption (price = cost × (1 + markup) for a lab serving on merchant chips)")
    merchant_cadence: Literal["nvidia_architecture", "nvidia_recent", "merchant_families", "all_families"] = param(
        "nvidia_architecture", unit="", meaning="Which of the tape-out chapter's cadence measurements sets the months "
        "between merchant generations: NVIDIA's new architectures (the median of its last architecture gaps, "
        "refreshes such as H200 and B300 left out), NVIDIA's recent products (refreshes counted as generations), "
        "every merchant GPU family, or every family including custom ASICs",
        basis="The merchant lab buys the current merchant generation, today NVIDIA's; a refresh adds memory, not a "
        "new design, so the architecture cadence is the like-for-like clock (tape-out chapter, architecture "
        "cadence); the all-family median is the named scenario all_family_cadence")
    own_cycle_ratio: float = param(
        1.0, unit="× merchant cadence", meaning="The integrated lab's own chip cycle at the start, as a multiple of "
        "the merchant cadence; it then shortens with model quality (gain_quality_cycle), never below the "
        "manufacturing floor", gt=0.2, le=5,
        basis="Assumption: a new chip team starts at the pace of the vendor it replaces. The tape-out chapter's data "
        "do not make custom ASIC families slower on the footing the flywheel uses: between new architectures "
        "(refreshes left out) the custom families' median gap is shorter than the merchant GPU families', and "
        "Google's TPU line is close to NVIDIA's; counted by product (refreshes as generations) the custom families "
        "are the slower. A ratio of 1 takes neither reading's side")
    first_chip_month: int = param(
        18, unit="months", meaning="Month the integrated path's first own chip enters service (merchant chips "
        "until then)", ge=0, le=60,
        basis="Assumption: a self-reported design-to-tape-out (the tape-out chapter's claimed_months) plus its floor "
        "of fabrication, packaging and bring-up, rounded up; no source dates Jalapeño's own design start, and its "
        "'end of 2026' deployment is an announced target (the tape-out chapter censors it), so 18 is an "
        "assumption that favours the integrated lab")
    nre_per_generation_usd_bn: float = param(
        0.5, unit="USD billions", meaning="Non-recurring engineering per own chip generation (design team, IP, "
        "masks, tape-out), spent over that generation's cycle: shorter own cycles cost more per year", ge=0, le=20,
        basis="Assumption; published statements of the size of NRE and tape-out costs are in "
        "data/asic_cycle_statements.csv (aidatacenterguide_18_36_months, reuters_tapeout_six_months)")
    fallback_cost_per_mtok_gpu_usd: float = param(
        0.5, unit="USD per million output tokens", meaning="Cost per output token (prompts included) on merchant "
        "GPUs, when the inference_tax chapter's result is not available", gt=0, le=100,
        basis="Assumption used only when the notebook runs alone; the book uses inference_tax's "
        "cost_per_mtok_gpu_usd")
    fallback_tax_share_gpu: float = param(
        0.5, unit="fraction", meaning="Share of the merchant cost per token that is the vendor's margin, when "
        "inference_tax is not available (own-chip cost = GPU cost × (1 - share))", ge=0, lt=1,
        basis="Assumption used only when the notebook runs alone: below NVIDIA's gross margin of recent fiscal years "
        "(data/nvidia_financials.csv, gross_margin), since chips are only part of the cost of a token")
    fallback_fleet_life_months: float = param(
        60.0, unit="months", gt=0, le=240,
        meaning="Fleet life (months over which chips are depreciated and replaced), when the inference_tax chapter's "
        "depreciation_years is not available",
        basis="Assumption used only when the notebook runs alone: five years; the book uses inference_tax's "
        "depreciation_years")
    fallback_input_tokens_per_output: float = param(
        3.0, unit="ratio", meaning="Prompt (input) tokens per output token, used to turn the inference_tax chapter's "
        "cost per million output tokens into a cost per million tokens of any kind (the unit of stated volumes), "
        "when inference_tax's break-even keys are not available", ge=0, le=100,
        basis="The inference_tax chapter's default input_tokens_per_output")
    min_growth_span_months: float = param(
        12.0, unit="months", meaning="Shortest span of dated statements from which a yearly growth rate is "
        "estimated; shorter series are shown as not estimable", gt=0, le=120,
        basis="Assumption: a rate per year extrapolated from a few months mostly measures launches and noise")
    grid_resolution: int = param(
        9, unit="values per axis", meaning="Values of each of the two most influential parameters in the "
        "precomputed grid behind the page's live control", ge=3, le=25)
    sensitivity_trajectories: int = param(
        60, unit="trajectories", meaning="Morris trajectories of the sensitivity analysis", ge=4, le=1000)
    sensitivity_range: float = param(
        0.5, unit="fraction", meaning="Each parameter varied from (1 - r) to (1 + r) times its value in the "
        "sensitivity analysis", gt=0, lt=1)
    seed: int = param(20260624, unit="", meaning="Random seed of the sensitivity analysis", ge=0)

    @model_validator(mode="after")
    def _chip_before_end(self) -> "Params":
        if self.first_chip_month >= self.horizon_months:
            raise ValueError("first_chip_month: must be before the end of the simulation (horizon_months)")
        if self.report_month > self.horizon_months:
            raise ValueError("report_month: must be within the simulation (at most horizon_months)")
        if self.sweep_min_months >= self.sweep_max_months:
            raise ValueError("sweep_min_months: must be below sweep_max_months")
        return self
