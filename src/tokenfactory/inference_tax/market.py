"""What hosts charge for an open model: the market check beside the modeled cost.

(The decline of prices at fixed capability lives in `price_trend`; published rates are data, in
data/published_rates.csv.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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


