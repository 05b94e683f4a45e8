"""Market prices per token: the decline at fixed capability, and what hosts charge for an open model.

Method of the trend (Epoch AI's, simplified): keep the models whose best score on a benchmark is at
or above a threshold; at each dated price observation, the price of the cheapest such model seen so
far (a running minimum: a cheaper model stays available); fit log10(price) against time on the
dates where that minimum fell, and read the fitted slope as a multiplier per year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

#: Published rates of decline at fixed capability, quoted with their sources (not our numbers).
PUBLISHED_DECLINES = pd.DataFrame([
    {"source": "Epoch AI, 'LLM inference prices have fallen rapidly but unequally across tasks' (2025-03-12)",
     "measure": "Price to reach a fixed benchmark score, across six benchmarks and several thresholds",
     "stated_rate": "×9 to ×900 per year, depending on the milestone",
     "url": "https://epoch.ai/data-insights/llm-inference-price-trends"},
    {"source": "Epoch AI, same data insight",
     "measure": "Price to reach GPT-4's score on PhD-level science questions (GPQA Diamond)",
     "stated_rate": "×40 per year",
     "url": "https://epoch.ai/data-insights/llm-inference-price-trends"},
    {"source": "a16z (Guido Appenzeller), 'Welcome to LLMflation' (2024-11-12)",
     "measure": "Cheapest model with MMLU of at least 42, average of input and output prices",
     "stated_rate": "×10 per year (×1,000 in three years)",
     "url": "https://a16z.com/llmflation-llm-inference-cost"},
])


def published_table() -> pd.DataFrame:
    """`PUBLISHED_DECLINES` with reader-facing column names, for the chapter's table."""
    return PUBLISHED_DECLINES.rename(columns={"source": "Source", "measure": "What is measured",
                                              "stated_rate": "Stated rate", "url": "Link"})


def best_scores(scores: pd.DataFrame, benchmark: str) -> pd.Series:
    """Each model's best score on a percent benchmark (evaluators and dates differ; keep the best)."""
    s = scores[(scores["benchmark"] == benchmark) & (scores["score_unit"] == "percent")]
    return s.groupby("model")["score"].max()


def cheapest_at_capability(prices: pd.DataFrame, scores: pd.DataFrame, benchmark: str, threshold: float,
                           price_col: str = "output_usd_per_mtok") -> pd.DataFrame:
    """Dated prices of qualifying models and the running cheapest price.

    Returns one row per dated price observation of a qualifying model, with `cheapest` (the running
    minimum up to that date) and `new_low` (True where the running minimum fell: the points fitted).
    """
    best = best_scores(scores, benchmark)
    ok = best[best >= threshold].index
    obs = prices[prices["model"].isin(ok) & prices[price_col].notna() & (prices[price_col] > 0)]
    obs = obs[["provider", "model", "date", price_col]].rename(columns={price_col: "usd_per_mtok"})
    obs = obs.sort_values(["date", "usd_per_mtok"], ignore_index=True)
    if obs.empty:
        return obs.assign(score=[], cheapest=[], new_low=[])
    obs["score"] = obs["model"].map(best)
    obs["cheapest"] = obs["usd_per_mtok"].cummin()
    prev = obs["cheapest"].shift(1, fill_value=np.inf)
    obs["new_low"] = (obs["usd_per_mtok"] == obs["cheapest"]) & (obs["cheapest"] < prev)
    return obs


@dataclass(frozen=True)
class Decline:
    """Fitted decline: price multiplier per year (10 = tenfold cheaper each year) with a 90% interval."""

    per_year: float
    low: float
    high: float
    n_points: int
    slope_log10: float
    intercept_log10: float
    t0: pd.Timestamp


def years_since(dates: pd.Series, t0: pd.Timestamp) -> np.ndarray:
    return ((pd.to_datetime(dates) - t0).dt.days / 365.25).to_numpy(float)


def fit_decline(frontier: pd.DataFrame, alpha: float = 0.10) -> Decline | None:
    """OLS of log10(cheapest price) on years, on the new-low points; None with fewer than 3 points."""
    pts = frontier[frontier["new_low"]] if "new_low" in frontier else frontier
    if len(pts) < 3:
        return None
    t0 = pd.Timestamp(pts["date"].min())
    x = years_since(pts["date"], t0)
    y = np.log10(pts["cheapest"].to_numpy(float))
    fit = sm.OLS(y, sm.add_constant(x)).fit()
    lo, hi = fit.conf_int(alpha=alpha)[1]
    slope = float(fit.params[1])
    # a steeper (more negative) slope is a faster decline: the interval's ends swap
    return Decline(per_year=10 ** -slope, low=10 ** -hi, high=10 ** -lo, n_points=len(pts),
                   slope_log10=slope, intercept_log10=float(fit.params[0]), t0=t0)


#: Hosts that serve on their own (non-GPU) silicon, with the chip's name. Everyone else in the price
#: table rents or buys merchant GPUs. Used to tell the two apart by shape on the market chart.
CUSTOM_SILICON_HOSTS = {"Groq": "Groq LPU", "Cerebras": "Cerebras WSE", "SambaNova": "SambaNova RDU"}


def host_prices(prices: pd.DataFrame, model: str, input_tokens_per_output: float) -> pd.DataFrame:
    """Each provider's latest price for `model`, per million output tokens with its prompt.

    Comparable with the modeled cost: a host serving one output token also prefills
    `input_tokens_per_output` prompt tokens, so its revenue per output token is
    output price + ratio x input price.
    """
    rows = prices[(prices["model"] == model) & prices["output_usd_per_mtok"].notna()]
    rows = rows.sort_values("date").groupby("provider", as_index=False).tail(1).copy()
    rows["input_usd_per_mtok"] = rows["input_usd_per_mtok"].fillna(rows["output_usd_per_mtok"])
    rows["usd_per_mtok_with_prompt"] = rows["output_usd_per_mtok"] + input_tokens_per_output * rows["input_usd_per_mtok"]
    rows["hardware"] = np.where(rows["provider"].isin(list(CUSTOM_SILICON_HOSTS)), "own custom chip", "merchant GPU")
    return rows.sort_values("usd_per_mtok_with_prompt", ignore_index=True)
