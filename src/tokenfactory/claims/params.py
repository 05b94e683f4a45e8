"""Parameters of the claims ledger: the thresholds of the verdict rules and the evidence they read.

Each threshold reads a phrase of a claim ("within months", "far below the peak", "large enough")
as a number. They are interpretations, not facts: every basis says so, and a reader who reads a
claim differently can change the threshold and see which verdicts move (the page's "what would
flip each verdict" tables do it for the main alternatives). No data lives here: the reference
workload is read from data/token_volumes.csv, the vendor of an accelerator from
data/accelerators.csv, measured fleet use from data/utilization_evidence.csv.
"""

from __future__ import annotations

from pydantic import model_validator

from ..params_base import ChapterParams, param


def article_figure(claim_id: str, name: str) -> float:
    """A figure the article states, as recorded with its claim in data/claims.yaml (`figures`)."""
    from .ledger import load

    figures = load().by_id()[claim_id].figures
    if name not in figures:
        raise KeyError(f"data/claims.yaml: claim {claim_id} records no figure {name!r} (has: {', '.join(figures)})")
    return float(figures[name])


# Thresholds another chapter owns are read from its results, never declared again here: the rank test's
# level and required power (compute_gap.window_trend_alpha, window_power_target; C2), the fewest durations
# a typical duration needs (tapeout.min_programs_typical; C9), the month the flywheel's results are read at
# (flywheel.report_month; C11), the vendor whose claim of the cheapest tokens is tested and the fewest accelerators
# a footing must compare (inference_tax.claimant_vendor, inference_tax.min_accelerators_compared; C4: that chapter
# counts the footings, at that size, that the vendor leads).


class Params(ChapterParams):
    # --- C1, C2: the model gap -------------------------------------------------------------------
    catch_up_months_max: float = param(
        12.0, unit="months", gt=0, le=120,
        meaning="C1: longest open-model lag (averaged over capability levels, Epoch AI's footing) that still counts "
        "as 'catching up within months'",
        basis="Assumption: 'within months' read as less than a year")
    # --- C3: the compute gap ---------------------------------------------------------------------
    capex_growth_min: float = param(
        0.20, unit="fraction per year", ge=0, le=10,
        meaning="C3: growth of the leaders' capex per year (recent window) from which spending counts as pulling away",
        basis="Assumption: growth far above that of the economy")
    # --- C4 to C8: the inference tax -------------------------------------------------------------
    tax_share_material: float = param(
        0.25, unit="fraction of cost per token", gt=0, lt=1,
        meaning="C6: vendor-margin share of the GPU's cost per token from which the 'tax' counts as material",
        basis="Assumption: a quarter of the cost of every token")
    reference_provider: str = param(
        "OpenAI", unit="", choices_from=("token_volumes", "provider"),
        meaning="C7: provider whose latest stated token volume is the real workload the break-even is set against",
        basis="The article's subject is OpenAI's own chip; its API volume alone is a lower bound of its workload")
    reference_product: str = param(
        "API", unit="", choices_from=("token_volumes", "product"),
        meaning="C7: the product of that provider whose stated volume is used",
        basis="The only OpenAI volume stated as a rate (tokens per minute) in data/token_volumes.csv")
    min_companies_at_scale: int = param(
        2, unit="companies", ge=1, le=20,
        meaning="C7: fewest companies with custom chips whose stated volume exceeds the break-even for 'at scale' "
                "to be shown by programs that exist, not only by the model",
        basis="Assumption: more than one company, so that the finding is not one firm's circumstances")
    claim_subject: str = param(
        "OpenAI", unit="", choices_from=("chip_programs", "vendor"),
        meaning="C7: the company whose chip the claim is about (OpenAI's Jalapeño); never counted as evidence for the "
                "claim, deployed or not",
        basis="The article illustrates 'custom chips pay at scale' with OpenAI's own chip: counting it would make the "
              "claim's subject its own evidence")
    program_cost_low_usd: float = param(
        0.3e9, unit="USD", gt=0, le=1e11,
        meaning="C7: low end of the one-off program cost (design, masks, software) the break-even is read against",
        basis="Reuters (10 Feb 2025): industry experts put the design of one version of such a chip at 'as much as "
              "$500 million', with software and peripherals 'potentially doubling that amount' "
              "(https://machinedaily.ai/openais-secret-weapon-against-nvidia-dependence-takes-shape); the range is "
              "widened to $0.3B-$2B as an assumption (issue 21)")
    program_cost_high_usd: float = param(
        2.0e9, unit="USD", gt=0, le=1e11,
        meaning="C7: high end of that program cost",
        basis="As program_cost_low_usd (assumption: twice Reuters' doubled figure)")
    far_below_peak_max: float = param(
        0.5, unit="fraction of peak", gt=0, lt=1,
        meaning="C8: measured average use of a fleet, as a share of its peak, at or below which use counts as "
                "'far below the peak'",
        basis="Assumption: half the peak or less")
    min_operators: int = param(
        3, unit="operators", ge=1, le=50,
        meaning="C8: fewest operators with a measured fleet utilization from which 'often' can be judged",
        basis="Assumption: one or two operators' disclosures cannot show what is common")
    min_hardware_sources: int = param(
        2, unit="publishers", ge=1, le=50,
        meaning="C8, hardware reading: fewest publishers of measured serving runs (with a speed per user) from "
                "which a typical share of peak bandwidth and compute can be judged",
        basis="Assumption: one publisher's harness and settings could be unusually (in)efficient")
    # --- C9, C10: tape-out ------------------------------------------------------------------------
    typical_cycle_min_months: float = param(
        article_figure("C9", "typical_cycle_min_months"), unit="months", gt=0, le=120,
        meaning="C9: lower end of the 'typical' program length the article quotes",
        basis="The article's own range, recorded with claim C9 in data/claims.yaml (figures)")
    typical_cycle_max_months: float = param(
        article_figure("C9", "typical_cycle_max_months"), unit="months", gt=0, le=120,
        meaning="C9: upper end of the 'typical' program length the article quotes",
        basis="The article's own range, recorded with claim C9 in data/claims.yaml (figures)")
    exceptional_percentile: float = param(
        10.0, unit="percentile (0-100)", gt=0, lt=100,
        meaning="C9: percentile of the same phase in other programs at or below which nine months counts as exceptional",
        basis="Assumption: the fastest tenth of programs")
    short_cycle_months: float = param(
        article_figure("C10", "short_cycle_months"), unit="months", gt=0, le=60,
        meaning="C10: the longer of the two cycle times the article foresees",
        basis="The article's own figure, recorded with claim C10 in data/claims.yaml (figures)")
    shortest_cycle_months: float = param(
        article_figure("C10", "shortest_cycle_months"), unit="months", gt=0, le=60,
        meaning="C10: the shorter of the two cycle times the article foresees",
        basis="The article's own figure, recorded with claim C10 in data/claims.yaml (figures)")
    # --- C11: the flywheel ------------------------------------------------------------------------
    premise_tolerance: float = param(
        0.25, unit="fraction", gt=0, lt=1,
        meaning="C11: how far (as a share) a premise of the flywheel model may lie from what Google's TPU program "
                "shows and still count as consistent with it (the own-chip cycle against the TPU's architecture gap)",
        basis="Assumption: a quarter, about the spread of the TPU's own architecture gaps around their median")

    @model_validator(mode="after")
    def _check(self) -> "Params":
        if self.typical_cycle_min_months > self.typical_cycle_max_months:
            raise ValueError("typical_cycle_min_months: cannot exceed typical_cycle_max_months")
        if self.program_cost_low_usd > self.program_cost_high_usd:
            raise ValueError("program_cost_low_usd: cannot exceed program_cost_high_usd")
        if self.shortest_cycle_months > self.short_cycle_months:
            raise ValueError("shortest_cycle_months: cannot exceed short_cycle_months")
        return self
