"""Market prices per token: the decline at fixed capability, and what hosts charge for an open model.

Method of the trend (Epoch AI's, simplified): keep the models whose best score on a benchmark is at
or above a threshold; at each dated price change (a launch or a price cut), the price of the
cheapest such model seen so far (a running minimum: a cheaper model stays available); fit
log10(price) against time on the dates where that minimum fell, and read the fitted slope as a
multiplier per year.

Rows with event "current" are prices *seen* on a page at some date, not the date the price was set:
they are kept as upper bounds (the price was at most this by that date) and never fitted. Rows whose
date is only the read date of an undated page (see data/api_prices.meta.yml, caveats) say nothing
about when the price changed and are marked apart.
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


#: Price events whose date is the date a price was set: the only ones the trend is fitted to.
FIT_EVENTS = ("launch", "price_cut")
#: What the notes of a row say when its date is only the day an undated page was read.
_UNDATED_NOTE = r"undated|no date|read date|no prices_checked"

#: How a price row enters the trend, in the chart's legend order.
KIND_CHANGE, KIND_SEEN, KIND_UNDATED = ("launch or price cut (fitted)", "price seen on a dated page (upper bound)",
                                        "undated listing (date = read date, not fitted)")


def price_kind(prices: pd.DataFrame) -> pd.Series:
    """Each row's kind: a dated price change (launch, price cut), a price seen on a dated page, or an
    undated listing whose date is only the read date (event "current", date = as_of, notes say so).

    A table without an `event` column is read as price changes only (small hand-made cases)."""
    if "event" not in prices:
        return pd.Series(KIND_CHANGE, index=prices.index)
    change = prices["event"].isin(FIT_EVENTS)
    undated = pd.Series(False, index=prices.index)
    if {"as_of", "notes"} <= set(prices.columns):
        undated = ((prices["event"] == "current") & (pd.to_datetime(prices["date"]) == pd.to_datetime(prices["as_of"]))
                   & prices["notes"].fillna("").str.contains(_UNDATED_NOTE, case=False, regex=True))
    return pd.Series(np.where(change, KIND_CHANGE, np.where(undated, KIND_UNDATED, KIND_SEEN)), index=prices.index)


def best_scores(scores: pd.DataFrame, benchmark: str) -> pd.Series:
    """Each model's best score on a percent benchmark (evaluators and dates differ; keep the best)."""
    s = scores[(scores["benchmark"] == benchmark) & (scores["score_unit"] == "percent")]
    return s.groupby("model")["score"].max()


def cheapest_at_capability(prices: pd.DataFrame, scores: pd.DataFrame, benchmark: str, threshold: float,
                           price_col: str = "output_usd_per_mtok") -> pd.DataFrame:
    """Dated prices of qualifying models and the running cheapest price.

    Returns one row per price observation of a qualifying model, with `kind` (see `price_kind`),
    `cheapest` (the running minimum over launches and price cuts up to that date; empty for other
    rows) and `new_low` (True where that minimum fell: the points fitted). Prices merely seen on a
    page, and undated listings, never set a new low: their date is not the date of a price change.
    """
    best = best_scores(scores, benchmark)
    ok = best[best >= threshold].index
    obs = prices[prices["model"].isin(ok) & prices[price_col].notna() & (prices[price_col] > 0)]
    obs = obs.assign(kind=price_kind(obs))
    obs = obs[["provider", "model", "date", "kind", price_col]].rename(columns={price_col: "usd_per_mtok"})
    obs = obs.sort_values(["date", "usd_per_mtok"], ignore_index=True)
    if obs.empty:
        return obs.assign(score=[], cheapest=[], new_low=[])
    obs["score"] = obs["model"].map(best)
    change = obs["kind"] == KIND_CHANGE
    obs["cheapest"] = obs["usd_per_mtok"].where(change).cummin().where(change)
    prev = obs["cheapest"].where(change).ffill().shift(1).fillna(np.inf)
    obs["new_low"] = change & (obs["usd_per_mtok"] == obs["cheapest"]) & (obs["cheapest"] < prev)
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

    @property
    def informative(self) -> bool:
        """True when the 90% interval excludes "no change" (×1 per year): the data show a decline."""
        return self.low > 1 or self.high < 1


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


#: A published, measured cost per token on the same chip and model, to anchor the model against.
#: Quoted, not computed here. Artificial Analysis's post on X gives no date in the stored copies
#: read for this book (it says MI355X and TPU v7 were "not yet widely available"); the page that
#: quotes it is cited alongside.
MEASURED_COST = {
    "source": "Artificial Analysis, Hardware Benchmarking (System Load Test), post on X quoted by Junyi's Lab",
    "url": "https://artificialanalysis.ai/benchmarks/hardware",
    "quoted_in": "https://www.junyi.dev/en/posts/tpu-tco/",
    "chip": "NVIDIA H100", "model": "Llama 3.3 70B", "engine": "vLLM",
    "usd_per_mtok_in_and_out": 1.06,
    "reference_speed_tok_s": 30.0,
    #: the same measurement on other vendors' chips (same model, engine and speed)
    "others_usd_per_mtok": {"AMD MI300X": 2.24, "Google TPU v6e": 5.13},
    "basis": "lowest on-demand rental price per GPU-hour across a reference set of clouds, divided by the "
             "system throughput reachable at 30 output tokens per second per query",
}


def cost_per_mtok_all_tokens(cost_per_mtok_output: float, input_tokens_per_output: float) -> float:
    """The modeled cost per million tokens counting input and output together.

    The model charges all chip time (prefill included) to output tokens; each output token comes
    with `input_tokens_per_output` prompt tokens, so a million output tokens carry
    (1 + ratio) million tokens in all."""
    return cost_per_mtok_output / (1.0 + input_tokens_per_output)


def anchor_ratio(anchor: dict, modeled_all_tokens: float) -> float:
    """A published measured cost (input and output together) over our modeled cost on the same
    footing: above 1, the measurement is dearer than the model."""
    return anchor["usd_per_mtok_in_and_out"] / modeled_all_tokens
