"""Parameters of the chapter "Tape-out timelines"."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from ..params_base import ChapterParams, param

Milestone = Literal["design_start", "tapeout", "announced", "availability"]
#: the segments of data/chip_programs.csv and data/asic_cycle_statements.csv (tokenfactory.data.schemas.SEGMENTS)
Segment = Literal["datacenter", "automotive", "academic", "edge", "general"]
Phase = Literal["design_to_tapeout", "design_to_deployment", "tapeout_to_deployment", "generation_cadence",
                "full_cycle"]
_ORDER = {"design_start": 0, "tapeout": 1, "announced": 2, "availability": 3}


class Params(ChapterParams):
    start_milestone: Milestone = param(
        "design_start", unit="", meaning="Start of the milestone pair the claimed duration is compared with")
    end_milestone: Milestone = param(
        "tapeout", unit="", meaning="End of that milestone pair ('availability' = first deployment or general "
        "availability, whichever is earlier)")
    vendors: list[str] = param(
        [], unit="", meaning="Vendors whose programs are used (empty list = every vendor in the data)",
        choices_from=("chip_programs", "vendor"))
    claimed_months: float = param(
        9.0, unit="months", meaning="The claimed design-to-tape-out time being tested", gt=0, le=120,
        basis="OpenAI's self-reported nine months for Jalapeño (data/asic_cycle_statements.csv, "
        "openai_jalapeno_9_months; https://futurumgroup.com/?p=91730)")
    claim_program: str = param(
        "OpenAI Jalapeño", unit="", meaning="Program the claim is about, left out of its own comparison group")
    claim_statement: str = param(
        "openai_jalapeno_9_months", unit="", meaning="Statement holding the claim, left out of the comparison group")
    reference_phases: list[Phase] = param(
        ["design_to_tapeout"], unit="",
        meaning="Phases of the published cycle statements added to the comparison group (like for like: the "
        "claim's own phase only)")
    comparison_segments: list[Segment] = param(
        ["datacenter"], unit="",
        meaning="Segments (the chip's market: datacenter, automotive, academic, edge, general) whose dated programs "
        "and same-phase statements make the claim's comparison population; the page counts and names what the "
        "others would add",
        basis="Like for like: the claim is a datacenter accelerator (OpenAI's Jalapeño, with Broadcom; segment in "
        "data/chip_programs.csv)")
    full_cycle_phases: list[Phase] = param(
        ["design_to_deployment", "full_cycle"], unit="",
        meaning="Phases of the published statements that the claim program's dated design-start-to-availability "
        "time is compared with (the same span: specification to chips in service)")
    min_programs_typical: int = param(
        5, unit="programs", ge=1, le=100,
        meaning="Fewest durations of the same phase from which the chapter (and the claims ledger's C9, which reads "
        "it) speaks of a typical duration or reads a percentile of the claim",
        basis="Assumption: a median or a tenth percentile of fewer than five durations moves with any one program")
    reference_statement: str = param(
        "tpu_v1_15_months", unit="", meaning="Published statement of a whole program's length whose own dated "
        "milestones the page sets beside it (a self-reported figure checked against the dates)",
        choices_from=("asic_cycle_statements", "statement_id"),
        basis="Google's TPU v1 statement (Jouppi et al.) is the one published program length whose program is dated "
        "in data/chip_programs.csv besides the claim's own")
    cadence_vendor: str = param(
        "NVIDIA", unit="", meaning="Merchant vendor whose recent generation gaps set the merchant cadence that "
        "the flywheel reads", choices_from=("chip_programs", "vendor"))
    reference_estimate: str = param(
        "epoch_2022_gpu_price_performance_ml", unit="", meaning="Published price-performance trend the measured "
        "technology rate is checked against", choices_from=("published_estimates", "estimate_id"))
    recent_generations: int = param(
        3, unit="gaps", meaning="How many of that vendor's latest generation gaps the recent cadence is the "
        "median of", ge=1, le=10)
    use_accelerator_dates: bool = param(
        True, unit="", meaning="Fill a missing availability date from accelerators.csv (available_date)")
    cycle_scenarios_months: list[float] = param(
        [24.0, 18.0, 12.0, 9.0, 6.0, 3.0], unit="months", meaning="Cycle times projected")
    gain_per_generation: float = param(
        1.5, unit="× per generation", meaning="The article's implicit assumption: the same gain at every "
        "generation whatever its length (shown as an upper bound beside the measured technology rate)", gt=1,
        le=10, basis="Assumption, set near the vendors' own generation-to-generation claims; the chapter "
        "compares it with the dense-BF16-TFLOPS-per-watt ratios measured in data/accelerators.csv")
    horizon_years: float = param(6.0, unit="years", meaning="Horizon of the projection", gt=0, le=20)
    fab_months: float = param(
        4.0, unit="months", meaning="Wafer fabrication time at a leading-edge node (tape-out to finished wafers)",
        ge=0, le=24,
        basis="Set within the range of data/asic_cycle_statements.csv, renesas_wafer_fab_16_18_weeks (read "
        "second-hand); reuters_tapeout_six_months (same table) puts tape-out to returned chips at about six months")
    packaging_months: float = param(
        2.0, unit="months", meaning="Advanced packaging, assembly and test of the first parts", ge=0, le=24,
        basis="Set within the range of data/asic_cycle_statements.csv, renesas_packaging_test_8_10_weeks (read "
        "second-hand); CoWoS-class packages may take longer. Excludes capacity queues: CoWoS booking lead times "
        "are not process time (https://siliconanalysts.com/analysis/cowos-lead-times-ai-bottleneck-2026)")
    bringup_months: float = param(
        2.0, unit="months", meaning="Bring-up and qualification of first silicon before deployment", ge=0, le=24,
        basis="Assumption (not a sourced figure): reliability qualification (high-temperature operating life tests) "
        "and bring-up take weeks to a few months; Google reports bring-up from first tested silicon in days for "
        "TPU v1 (self-reported, data/asic_cycle_statements.csv, tpu_v1_22_days_silicon_to_production)")

    @model_validator(mode="after")
    def _pair_in_order(self) -> "Params":
        if _ORDER[self.start_milestone] >= _ORDER[self.end_milestone]:
            raise ValueError("end_milestone: must come after start_milestone "
                             "(order: design_start, tapeout, announced, availability)")
        if not self.comparison_segments:
            raise ValueError("comparison_segments: choose at least one of datacenter, automotive, academic, edge, "
                             "general")
        if not self.cycle_scenarios_months or any(c <= 0 for c in self.cycle_scenarios_months):
            raise ValueError("cycle_scenarios_months: give at least one positive cycle time")
        return self
