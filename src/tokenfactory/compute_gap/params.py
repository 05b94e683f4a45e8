"""Parameters of the chapter "The model gap and the compute gap" (claims C1 to C3).

Every choice a reader may want to question is here, with its unit, bounds and basis: which benchmark
measures the model gap, what counts as an open model, the date window, which companies make up the
capital-spending total and whether their guidance counts, the bootstrap, and the gap that counts as
"caught up".
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import model_validator

from ..params_base import ChapterParams, param

#: The benchmarks of data/benchmark_scores.csv (schema `benchmark` choices).
Benchmark = Literal["eci", "gpqa_diamond", "mmlu", "lmarena_elo"]


class Params(ChapterParams):
    benchmark: Benchmark = param(
        "eci", unit="",
        meaning="Benchmark on which the closed and open frontiers are compared (the charts offer the others too)",
        basis="Epoch AI's Capabilities Index (ECI) is the measure Epoch AI uses for its open/closed lag "
              "(https://epoch.ai/data-insights/open-weights-vs-closed-weights-models); it aggregates many "
              "benchmarks, so it saturates less than MMLU. lmarena_elo is compared within one snapshot only.")
    open_definition: Literal["open_and_restricted", "open_only"] = param(
        "open_and_restricted", unit="",
        meaning="What counts as an open model: downloadable weights under any licence, or only permissive licences",
        basis="Epoch AI counts models with downloadable weights as open whatever the licence "
              "(https://epoch.ai/blog/open-models-report); open_only drops e.g. Llama's community licence.")
    window_start: str = param(
        "2023-01-01", unit="date (YYYY-MM-DD)",
        meaning="First date of the window (model releases, leadership spells, training runs, fiscal-year ends)")
    window_end: str = param(
        "2026-12-31", unit="date (YYYY-MM-DD)",
        meaning="Last date of the window; also the date at which uncaught closed levels are censored "
                "(or the last data date, if earlier)")
    catch_up_tolerance: float = param(
        1.0, unit="benchmark points", ge=0, le=50,
        meaning="An open model has caught up with a closed level when it scores within this many points of it "
                "(percentage points, ECI points or Elo points, as the benchmark)",
        basis="assumption: about one point, the size of run-to-run noise on these benchmarks (GPQA Diamond has "
              "198 questions, so one question is half a point); raise it to treat near-misses as caught up.")
    leadership_start: str = param(
        "2024-06-29", unit="date (YYYY-MM-DD)",
        meaning="First start date of the leadership spells analysed (spells that began earlier are left out; "
                "the later of this and window_start applies)",
        basis="The caveats of data/leaderboard_leaders.meta.yml: before this date the LMArena history holds online Elo, "
              "noisy and sometimes frozen, so spells of that era may not match the leaderboard then displayed, and the "
              "data's notes advise using rows from this date on for lead durations. Set window_start for the whole history.")
    leaderboard: str = param(
        "lmarena_text", unit="",
        meaning="Leaderboard whose first places define the leadership windows",
        choices_from=("leaderboard_leaders", "leaderboard"))
    capex_companies: list[str] = param(
        ["Alphabet", "Amazon", "Meta", "Microsoft"], unit="",
        meaning="Companies whose capital expenditure is summed (a year counts only when all of them report it)",
        choices_from=("capex", "company"))
    include_guidance: bool = param(
        False, unit="true/false",
        meaning="Whether a company's own capex guidance (a statement, not a filing) fills years not yet reported")
    compute_frontier_only: bool = param(
        True, unit="true/false",
        meaning="Fit training-compute growth on Epoch AI's frontier models only (else on every model in the table)")
    compute_since_year: int = param(
        2018, unit="year", ge=2010, le=2025,
        meaning="First year of the training-compute fit (the fit runs to window_end)",
        basis="The first year of the window of Epoch AI's frontier growth rate, data/published_estimates.csv row "
              "epoch_compute_growth (window_start), so that the fit is comparable with it.")
    lag_average_start: str = param(
        "2023-01-01", unit="date (YYYY-MM-DD)",
        meaning="First date over which the backward-looking lag is averaged (the average runs to the benchmark's "
                "last data date)",
        basis="The start of the window of Epoch AI's average lag, data/published_estimates.csv row "
              "epoch_2025_lag_months (window_start); the same start keeps the two comparable.")
    capex_recent_start_year: int = param(
        2023, unit="year", ge=2015, le=2030,
        meaning="First fiscal year of the recent capex growth rate (shown beside the rate over the whole series)",
        basis="Assumption: the first fiscal year after ChatGPT's launch (data/models.csv dates OpenAI's GPT-3.5 "
              "release), when spending on AI data centers began to dominate these companies' capex.")
    open_weights_spender: str = param(
        "Meta", unit="",
        meaning="Company shown apart in the capex total: it publishes open weights, so its spending is on the "
                "open side of the model gap",
        choices_from=("capex", "company"))
    window_trend_reference: float = param(
        -0.5, unit="fraction per year", ge=-0.95, le=-0.05,
        meaning="Shortening of leadership windows the trend test should be able to detect (-0.5: windows half as "
                "long each year); below 80% power against it the test is called inconclusive",
        basis="assumption: halving every year is a large, plainly visible change; a test that cannot detect even "
              "that says nothing about the claim either way.")
    window_trend_alpha: float = param(
        0.05, unit="probability", gt=0, lt=0.5,
        meaning="Significance level of the rank test for shorter leadership windows (the test, its power and the "
                "claims ledger's C2 verdict all use this one level)",
        basis="Convention: the customary 5% level of a two-sided test")
    window_power_target: float = param(
        0.8, unit="probability", gt=0, lt=1,
        meaning="Power the window-trend test must reach against window_trend_reference to count a non-significant "
                "result as evidence against shortening (below it the test is inconclusive); also the power at which "
                "the smallest detectable shortening is read. The claims ledger's C2 reads it",
        basis="Convention: a test is usually designed to detect the effect it looks for four times out of five")
    power_simulations: int = param(
        400, unit="simulations", ge=100, le=5000,
        meaning="Simulated samples per trend size when computing the power of the window-trend test")
    bootstrap_draws: int = param(
        1000, unit="draws", ge=100, le=20000,
        meaning="Bootstrap resamples for the interval of the lag trend")
    interval_level: float = param(
        0.9, unit="probability", ge=0.5, le=0.99,
        meaning="Level of every two-sided interval the chapter computes: the bootstrap intervals of the lag trend "
                "and of the compute gap, and the regression intervals of compute growth and of leadership-window length",
        basis="Convention: the 90% level at which Epoch AI states its average lag (data/published_estimates.csv row "
              "epoch_2025_lag_avg_months, column interval), so that the chapter's intervals and Epoch AI's compare "
              "like with like")
    seed: int = param(20251124, unit="", ge=0, le=2**32 - 1, meaning="Seed of the bootstrap's random generator")

    @model_validator(mode="after")
    def _check_window(self) -> "Params":
        try:
            start = dt.date.fromisoformat(self.window_start)
        except ValueError:
            raise ValueError(f"window_start: {self.window_start!r} is not a date written YYYY-MM-DD") from None
        try:
            end = dt.date.fromisoformat(self.window_end)
        except ValueError:
            raise ValueError(f"window_end: {self.window_end!r} is not a date written YYYY-MM-DD") from None
        if end <= start:
            raise ValueError("window_end: must be after window_start")
        try:
            lead = dt.date.fromisoformat(self.leadership_start)
        except ValueError:
            raise ValueError(f"leadership_start: {self.leadership_start!r} is not a date written YYYY-MM-DD") from None
        if lead >= end:
            raise ValueError("leadership_start: must be before window_end")
        try:
            dt.date.fromisoformat(self.lag_average_start)
        except ValueError:
            raise ValueError(f"lag_average_start: {self.lag_average_start!r} is not a date written YYYY-MM-DD") from None
        if not self.capex_companies:
            raise ValueError("capex_companies: name at least one company")
        return self

    @property
    def open_kinds(self) -> tuple[str, ...]:
        """The `weights` values counted as open."""
        return ("open",) if self.open_definition == "open_only" else ("open", "open_restricted")
