"""What hosts charge for an open model: the market check beside the modeled cost.

(The decline of prices at fixed capability lives in `price_trend`; published rates are data, in
data/published_rates.csv.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

def host_prices(prices: pd.DataFrame, model: str, input_tokens_per_output: float,
                hosts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each provider's latest price for `model`, per million output tokens with its prompt.

    Comparable with the modeled cost: a host serving one output token also prefills
    `input_tokens_per_output` prompt tokens, so its revenue per output token is
    output price + ratio x input price. `hardware` says what the host serves on, from
    data/api_hosts.csv (`serves_on`): "own custom chip" for a host with its own chips, "merchant GPU"
    for the others (a host without a row there included)."""
    rows = prices[(prices["model"] == model) & prices["output_usd_per_mtok"].notna()]
    rows = rows.sort_values("date").groupby("provider", as_index=False).tail(1).copy()
    rows["input_usd_per_mtok"] = rows["input_usd_per_mtok"].fillna(rows["output_usd_per_mtok"])
    rows["usd_per_mtok_with_prompt"] = rows["output_usd_per_mtok"] + input_tokens_per_output * rows["input_usd_per_mtok"]
    own = set() if hosts is None or hosts.empty else set(hosts.loc[hosts["serves_on"] == "own_chip", "provider"])
    rows["hardware"] = np.where(rows["provider"].isin(own), "own custom chip", "merchant GPU")
    return rows.sort_values("usd_per_mtok_with_prompt", ignore_index=True)
