"""A monthly system-dynamics model of two strategies, integrated (own chips) and merchant (bought
chips), run side by side and vectorized over many parameter sets at once.

Why this shape: the flywheel (claim C11) is a loop: cheaper tokens -> lower prices -> more volume ->
more workload knowledge -> better models and better-fitted chips -> more users and cheaper tokens.
Each arrow is a named gain; at zero the arrow is cut. The model is deliberately small so that every
link can be read, tested, and varied in the map and the sensitivity analysis; it produces
conditional scenarios, not forecasts.

Stocks (per strategy): users U (index, 1 today, saturating at `users_ceiling`), model quality Q (index, 1 today), accumulated
workload knowledge K (tokens served, starting at a year of today's volume), own-chip generation
progress, cumulative cash. Flows per month: token volume V = U × tokens-per-user × (price / today's
price)^-elasticity; cash flow = V × (price - cost) - NRE. The merchant path's cost per token falls by
`gain_per_generation` at each merchant generation; the integrated path runs on merchant chips until
its first chip, then on its own chips (cost without the vendor's margin, improving at its own cadence,
which shortens as quality rises down to the physical floor) or on merchant chips if those are cheaper.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

#: The model's numeric inputs (each a scalar or an array over scenarios).
INPUTS = (
    "volume0_tokens", "cost_gpu0_usd_per_mtok", "cost_asic0_usd_per_mtok", "merchant_cycle_months", "floor_months",
    "user_growth_per_month", "agent_token_growth_per_month", "quality_growth_per_month", "gain_data_quality",
    "gain_quality_users", "gain_quality_cycle", "gain_knowledge_chip", "pass_through", "price_elasticity", "markup",
    "gain_per_generation", "first_chip_month", "nre_per_generation_usd_bn", "users_ceiling",
)
#: The loop's feedback gains: at zero, the two strategies differ only by the tax and the NRE.
LOOP_GAINS = ("gain_data_quality", "gain_quality_users", "gain_quality_cycle", "gain_knowledge_chip", "pass_through")
#: Months of today's volume already served (initial workload knowledge).
KNOWLEDGE_MONTHS0 = 12.0


def simulate(x: Mapping[str, float | np.ndarray], months: int) -> dict[str, np.ndarray]:
    """Run both strategies for `months` months for every scenario in `x` (arrays broadcast to a
    common length N). Returns arrays of shape (N, months), keys `<var>_m` (merchant) and `<var>_i`
    (integrated): users, quality, knowledge, volume (tokens per month), cost and price (USD per
    million tokens), cash flow and cumulative cash (USD); plus `cycle_i` (months) and `gens_i`."""
    n = max(np.size(np.asarray(v)) for v in x.values())
    a = {k: np.broadcast_to(np.asarray(x[k], float), (n,)).copy() for k in INPUTS}
    T = int(months)
    t_all = np.arange(T, dtype=float)
    # Merchant technology: generations at a fixed cadence.
    gens_m = np.floor(t_all[None, :] / a["merchant_cycle_months"][:, None] + 1e-9)
    cost_m = a["cost_gpu0_usd_per_mtok"][:, None] * a["gain_per_generation"][:, None] ** (-gens_m)
    price_m = cost_m * (1 + a["markup"][:, None])
    price0 = price_m[:, 0]
    tokens_per_user = a["volume0_tokens"][:, None] * np.exp(a["agent_token_growth_per_month"][:, None] * t_all[None, :])
    nre_month = a["nre_per_generation_usd_bn"] * 1e9 / a["merchant_cycle_months"]

    out = {k: np.empty((n, T)) for k in (
        "users_m", "users_i", "quality_m", "quality_i", "knowledge_m", "knowledge_i", "volume_m", "volume_i",
        "cost_i", "price_i", "cashflow_m", "cashflow_i", "cycle_i", "gens_i", "nre_i")}
    out["cost_m"], out["price_m"] = cost_m, price_m

    k0 = KNOWLEDGE_MONTHS0 * a["volume0_tokens"]
    # Users saturate at `users_ceiling` (× today): the log-odds of U / ceiling grow with the drivers,
    # which keeps U in (0, ceiling) and monotone in every gain.
    ceiling = np.maximum(a["users_ceiling"], 1.0 + 1e-9)
    L = {"m": 1.0 / (ceiling - 1.0), "i": 1.0 / (ceiling - 1.0)}
    U = {"m": np.ones(n), "i": np.ones(n)}
    Q = {"m": np.ones(n), "i": np.ones(n)}
    K = {"m": k0.copy(), "i": k0.copy()}
    progress = np.zeros(n)
    for t in range(T):
        # Integrated chips: cycle shortens as quality rises, never below the floor.
        cycle = np.maximum(a["floor_months"], a["merchant_cycle_months"] * Q["i"] ** (-a["gain_quality_cycle"]))
        own_live = t >= a["first_chip_month"]
        gens = np.where(own_live, 1 + np.floor(progress + 1e-9), 0)
        own_cost = (a["cost_asic0_usd_per_mtok"] * a["gain_per_generation"] ** (-np.maximum(gens - 1, 0))
                    * (K["i"] / k0) ** (-a["gain_knowledge_chip"]))
        cm = cost_m[:, t]
        ci = np.where(own_live, np.minimum(own_cost, cm), cm)
        pm = price_m[:, t]
        pi = pm - a["pass_through"] * (cm - ci)
        vol = {}
        for s, price in (("m", pm), ("i", pi)):
            vol[s] = U[s] * tokens_per_user[:, t] * (price / price0) ** (-a["price_elasticity"])
        out["cashflow_m"][:, t] = vol["m"] * (pm - cm) / 1e6
        out["cashflow_i"][:, t] = vol["i"] * (pi - ci) / 1e6 - nre_month
        out["cost_i"][:, t], out["price_i"][:, t] = ci, pi
        out["cycle_i"][:, t], out["gens_i"][:, t], out["nre_i"][:, t] = cycle, gens, nre_month
        for s in ("m", "i"):
            out[f"users_{s}"][:, t], out[f"quality_{s}"][:, t] = U[s], Q[s]
            out[f"knowledge_{s}"][:, t], out[f"volume_{s}"][:, t] = K[s], vol[s]
            k_new = K[s] + vol[s]
            q_new = Q[s] * np.exp(a["quality_growth_per_month"] + a["gain_data_quality"] * np.log(k_new / K[s]))
            L[s] = L[s] * np.exp(a["user_growth_per_month"] + a["gain_quality_users"] * np.log(q_new / Q[s]))
            U[s] = ceiling * L[s] / (1.0 + L[s])
            K[s], Q[s] = k_new, q_new
        progress = progress + np.where(own_live, 1.0 / cycle, 0.0)
    out["cum_m"] = np.cumsum(out["cashflow_m"], axis=1)
    out["cum_i"] = np.cumsum(out["cashflow_i"], axis=1)
    return out


def crossover_month(advantage: np.ndarray) -> np.ndarray:
    """Per scenario, the first month from which the integrated path's cumulative cash stays above
    the merchant's until the end of the simulation (months counted from 1); NaN when never."""
    adv = np.atleast_2d(advantage)
    ahead = adv > 0
    # stays ahead from t onwards: reverse cumulative AND
    stays = np.flip(np.logical_and.accumulate(np.flip(ahead, axis=1), axis=1), axis=1)
    any_ = stays.any(axis=1)
    first = np.argmax(stays, axis=1).astype(float) + 1
    return np.where(any_, first, np.nan)


def outcomes(sim: Mapping[str, np.ndarray], at_month: int = 60) -> dict[str, np.ndarray]:
    """The chapter's results per scenario: crossover month, integrated/merchant cost per token and
    cumulative cash advantage (USD billions) after `at_month` months."""
    i = at_month - 1
    adv = sim["cum_i"] - sim["cum_m"]
    return {
        "crossover_month": crossover_month(adv),
        "cost_ratio": sim["cost_i"][:, i] / sim["cost_m"][:, i],
        "advantage_usd_bn": adv[:, i] / 1e9,
    }
