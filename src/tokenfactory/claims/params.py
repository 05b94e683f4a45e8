"""Parameters of the claims ledger: the thresholds of the verdict rules.

Each threshold reads a phrase of a claim ("within months", "far below the peak", "large enough")
as a number. They are interpretations, not facts: every basis says so, and a reader who reads a
claim differently can change the threshold and see which verdicts move.
"""

from __future__ import annotations

from pydantic import model_validator

from ..params_base import ChapterParams, param

#: OpenAI's API volume stated at DevDay 2025 (data/token_volumes.csv), in tokens per minute, and the
#: minutes in a year: the product is the default reference workload below.
_OPENAI_API_TOKENS_PER_MINUTE = 6e9
_MINUTES_PER_YEAR = 60 * 24 * 365


class Params(ChapterParams):
    # --- C1, C2: the model gap -------------------------------------------------------------------
    catch_up_months_max: float = param(
        12.0, unit="months", gt=0, le=120,
        meaning="C1: longest open-model lag that still counts as 'catching up within months'",
        basis="Assumption: 'within months' read as less than a year")
    window_trend_alpha: float = param(
        0.10, unit="probability", gt=0, lt=1,
        meaning="C2: significance level below which a shortening of leadership windows counts as shown",
        basis="Assumption: a lenient conventional level, because a leaderboard gives only a few windows")
    # --- C3: the compute gap ---------------------------------------------------------------------
    capex_growth_min: float = param(
        0.20, unit="fraction per year", ge=0, le=10,
        meaning="C3: growth of the capex total per year from which spending counts as pulling away",
        basis="Assumption: growth far above that of the economy")
    compute_growth_min: float = param(
        2.0, unit="multiplier per year", ge=1, le=100,
        meaning="C3: growth of frontier training compute per year from which compute counts as pulling away",
        basis="Assumption: at least a doubling every year")
    # --- C4 to C8: the inference tax -------------------------------------------------------------
    tax_share_material: float = param(
        0.25, unit="fraction of cost per token", gt=0, lt=1,
        meaning="C6: vendor-margin share of the GPU's cost per token from which the 'tax' counts as material",
        basis="Assumption: a quarter of the cost of every token")
    reference_workload_tokens_per_year: float = param(
        _OPENAI_API_TOKENS_PER_MINUTE * _MINUTES_PER_YEAR, unit="tokens per year", gt=0, le=1e20,
        meaning="C7: a real workload against which the custom chip's break-even volume is set",
        basis="OpenAI's API alone, over 6 billion tokens per minute (Sam Altman at DevDay, 6 Oct 2025: "
              "https://techcrunch.com/2025/10/06/sam-altman-says-chatgpt-has-hit-800m-weekly-active-users/ ; "
              "data/token_volumes.csv), times the minutes of a year; a lower bound, since ChatGPT is excluded")
    utilization_elasticity_strong: float = param(
        1.5, unit="% of cost per point of utilization", gt=0, le=100,
        meaning="C8: size of the utilization elasticity (in the cost model, at its assumed utilization) from "
                "which under-use counts as a main driver of cost",
        basis="Assumption: ten more points of utilization would then cut the cost per token by about a seventh")
    # --- C9, C10: tape-out ------------------------------------------------------------------------
    typical_cycle_min_months: float = param(
        18.0, unit="months", gt=0, le=120,
        meaning="C9: lower end of the 'typical' program length the article quotes",
        basis="The article's own range (claim C9)")
    typical_cycle_max_months: float = param(
        36.0, unit="months", gt=0, le=120,
        meaning="C9: upper end of the 'typical' program length the article quotes",
        basis="The article's own range (claim C9)")
    min_programs_typical: int = param(
        3, unit="programs", ge=1, le=100,
        meaning="C9: fewest programs with a dated design start and tape-out from which a median counts as 'typical'",
        basis="Assumption: fewer than three dated programs cannot show what is typical")
    exceptional_percentile: float = param(
        10.0, unit="percentile (0-100)", gt=0, lt=100,
        meaning="C9: percentile of observed design-to-tape-out times at or below which nine months counts as exceptional",
        basis="Assumption: the fastest tenth of programs")
    short_cycle_months: float = param(
        6.0, unit="months", gt=0, le=60,
        meaning="C10: the longer of the two cycle times the article names",
        basis="The article's own figure (claim C10)")
    shortest_cycle_months: float = param(
        3.0, unit="months", gt=0, le=60,
        meaning="C10: the shorter of the two cycle times the article names",
        basis="The article's own figure (claim C10)")
    # --- C11: the flywheel ------------------------------------------------------------------------
    flywheel_horizon_months: float = param(
        60.0, unit="months", gt=0, le=240,
        meaning="C11: horizon within which the integrated strategy must overtake the merchant one",
        basis="Assumption: five years, the horizon of the flywheel chapter's year-5 results")
    flywheel_robust_share: float = param(
        0.9, unit="fraction of runs", gt=0, le=1,
        meaning="C11: share of the flywheel's sensitivity runs in which integration must lead at year 5 "
                "for the flywheel to count as holding generally, not only at the default parameters",
        basis="Assumption: a model result counts as robust when it holds in nine runs out of ten")

    @model_validator(mode="after")
    def _check(self) -> "Params":
        if self.typical_cycle_min_months > self.typical_cycle_max_months:
            raise ValueError("typical_cycle_min_months: cannot exceed typical_cycle_max_months")
        if self.shortest_cycle_months > self.short_cycle_months:
            raise ValueError("shortest_cycle_months: cannot exceed short_cycle_months")
        return self
