"""A monthly model of two labs, one buying merchant chips and one integrated (own chips), run side by
side and vectorized over many parameter sets at once.

Why this shape: the flywheel (claim C11) is a loop: cheaper tokens -> lower prices -> more volume ->
more workload knowledge -> better models and better-fitted chips -> more users and cheaper tokens.
Each arrow is a named gain; at zero the arrow is cut. The model obeys the tape-out chapter's account
of chip cycles:

- Technology advances at one rate per year (`technology_rate_per_year`, measured in the tape-out
  chapter on buyers' price-performance, so the vendor's repricing is inside it). A chip released at
  month s embodies the technology of month s: its cost per token is today's cost / rate ** (s / 12).
  A generation of length L therefore gains rate ** (L / 12): halving the cycle does not double the
  yearly gain; it only keeps the fleet closer to the frontier.
- Merchant generations arrive every `merchant_cycle_months` (the tape-out chapter's measurement).
  The integrated lab's own generations arrive every own cycle, which starts at `own_cycle_ratio` x
  the merchant cycle and shortens as its model quality rises (AI-assisted design, claim C10), never
  below the manufacturing floor.
- Non-recurring engineering (NRE) is paid per own generation, spread over that generation's cycle:
  NRE per year = 12 x NRE / own cycle, so faster own cycles cost more per year.
- Fleet vintages: capacity bought in month s keeps the cost per token of month s's chip for its whole
  life (`fleet_life_months`), used or idle; a new generation adds capacity, it does not reprice the
  old. Both labs start with the same fleet, bought evenly over the past life at past prices.

Stocks per lab: users U (logistic towards `users_ceiling` x today), model quality Q (index, 1 today),
workload knowledge K (tokens served), fleet vintages, cumulative cash. Outputs are conditional
scenarios, not forecasts.
"""

from __future__ import annotations

from itertools import combinations
from math import factorial
from typing import Mapping

import numpy as np

#: The model's numeric inputs (each a scalar or an array over scenarios).
INPUTS = (
    "volume0_tokens", "cost_gpu0_usd_per_mtok", "cost_asic0_usd_per_mtok", "merchant_cycle_months",
    "own_cycle_ratio", "floor_months", "technology_rate_per_year", "fleet_life_months", "align_own_to_merchant",
    "user_growth_per_month", "agent_token_growth_per_month", "quality_growth_per_month", "gain_data_quality",
    "gain_quality_users", "gain_quality_cycle", "gain_knowledge_chip", "pass_through", "price_elasticity", "markup",
    "first_chip_month", "nre_per_generation_usd_bn", "users_ceiling",
)
#: The loop's feedback gains.
LOOP_GAINS = ("gain_data_quality", "gain_quality_users", "gain_quality_cycle", "gain_knowledge_chip", "pass_through")
#: Months of today's volume already served (initial workload knowledge).
KNOWLEDGE_MONTHS0 = 12.0

#: The three sources of the integrated lead, and what switching each off means (see `factor_off`).
FACTORS = ("tax", "cycle", "data")
FACTOR_LABELS = {"tax": "vendor margin saved, net of NRE", "cycle": "faster own chip cycles",
                 "data": "workload data -> models and chips"}


def _arrays(x: Mapping[str, float | np.ndarray]) -> tuple[int, dict[str, np.ndarray]]:
    n = max(np.size(np.asarray(v)) for v in x.values())
    return n, {k: np.broadcast_to(np.asarray(x[k], float), (n,)).copy() for k in INPUTS}


def simulate(x: Mapping[str, float | np.ndarray], months: int) -> dict[str, np.ndarray]:
    """Run both labs for `months` months for every scenario in `x` (arrays broadcast to a common
    length N). Returns arrays of shape (N, months): `<var>_m` (merchant) and `<var>_i` (integrated) for
    users, quality, knowledge, volume (tokens per month), frontier (USD per million tokens of newly
    bought capacity), cost (fleet cost per million tokens served), price, revenue, fleet cost, cash
    flow and cumulative cash (USD); `capex_<s>`, `dep_<s>`, `book_<s>` (fleet accounts, USD);
    `cycle_i`, `gens_i`, `own_live_i`, `nre_i` (USD per month); and `book0` (N,), the starting
    fleet's book value."""
    n, a = _arrays(x)
    T = int(months)
    life = np.maximum(np.round(a["fleet_life_months"]).astype(int), 1)
    L = int(life.max())
    rate = a["technology_rate_per_year"]
    lm = a["merchant_cycle_months"]
    align = a["align_own_to_merchant"] > 0.5
    t_all = np.arange(T, dtype=float)

    # Merchant frontier: the generation released at floor(t / Lm) x Lm embodies that month's technology.
    rel_m = np.floor(t_all[None, :] / lm[:, None] + 1e-9) * lm[:, None]
    front_m = a["cost_gpu0_usd_per_mtok"][:, None] * rate[:, None] ** (-rel_m / 12.0)
    price_m = front_m * (1 + a["markup"][:, None])
    price0 = price_m[:, 0]
    tokens_per_user = a["volume0_tokens"][:, None] * np.exp(a["agent_token_growth_per_month"][:, None] * t_all[None, :])

    names = ("users", "quality", "knowledge", "volume", "frontier", "cost", "price", "revenue", "fleet_cost",
             "cashflow", "capex", "dep", "book")
    out = {f"{v}_{s}": np.zeros((n, T)) for v in names for s in ("m", "i")}
    for k in ("cycle_i", "gens_i", "own_live_i", "nre_i"):
        out[k] = np.zeros((n, T))
    out["frontier_m"], out["price_m"] = front_m, price_m

    # Starting fleet (both labs): today's volume, bought evenly over the past life at past prices.
    # Vintage arrays are indexed by purchase month + L (so months -L .. T-1 fit).
    idx = np.arange(-L, T)
    cap = {s: np.zeros((n, T + L)) for s in ("m", "i")}
    unit = {s: np.zeros((n, T + L)) for s in ("m", "i")}
    past = (idx[None, :] < 0) & (idx[None, :] >= -life[:, None] + 1)
    past_unit = a["cost_gpu0_usd_per_mtok"][:, None] * rate[:, None] ** (-idx[None, :] / 12.0)
    for s in ("m", "i"):
        # vintages at months -(life-1) .. 0 carry today's volume between them (month 0 is bought below)
        cap[s][:, :L] = np.where(past[:, :L], a["volume0_tokens"][:, None] / life[:, None], 0.0)
        unit[s][:, :L] = np.where(past[:, :L], past_unit[:, :L], 0.0)
    # book value of the starting fleet at month 0, before any purchase: each past vintage's remaining life
    age0 = -idx[None, :L]                                    # age in months at t = 0 (>= 1)
    remaining = np.clip(life[:, None] - age0, 0, None)
    book0 = (cap["m"][:, :L] * unit["m"][:, :L] * remaining).sum(1) / 1e6
    out["book0"] = book0
    book = {"m": book0.copy(), "i": book0.copy()}

    k0 = KNOWLEDGE_MONTHS0 * a["volume0_tokens"]
    ceiling = np.maximum(a["users_ceiling"], 1.0 + 1e-9)
    Lg = {"m": 1.0 / (ceiling - 1.0), "i": 1.0 / (ceiling - 1.0)}
    U = {"m": np.ones(n), "i": np.ones(n)}
    Q = {"m": np.ones(n), "i": np.ones(n)}
    K = {"m": k0.copy(), "i": k0.copy()}
    progress = np.zeros(n)
    own_rel = np.full(n, np.nan)
    gens = np.zeros(n)
    first_aligned = np.ceil(a["first_chip_month"] / lm - 1e-9) * lm
    for t in range(T):
        cycle = np.where(align, lm, np.maximum(a["floor_months"],
                                               lm * a["own_cycle_ratio"] * Q["i"] ** (-a["gain_quality_cycle"])))
        if t > 0:
            progress = progress + np.where(live_prev, 1.0 / cycle, 0.0)
        live = np.where(align, t >= first_aligned - 1e-9, t >= a["first_chip_month"] - 1e-9)
        new_gens = np.where(live, 1 + np.floor(progress + 1e-9), 0)
        released = live & (new_gens > gens)
        # aligned: own generations are released with the merchant's; otherwise at their own pace
        own_rel = np.where(align & live, rel_m[:, t], np.where(released, float(t), own_rel))
        gens = new_gens
        live_prev = live
        own_front = np.where(live, a["cost_asic0_usd_per_mtok"] * rate ** (-np.nan_to_num(own_rel) / 12.0)
                             * (K["i"] / k0) ** (-a["gain_knowledge_chip"]), np.inf)
        fm = front_m[:, t]
        fi = np.minimum(own_front, fm)
        pm = price_m[:, t]
        pi = pm - a["pass_through"] * (fm - fi)
        nre = a["nre_per_generation_usd_bn"] * 1e9 / cycle
        for s, price, front in (("m", pm, fm), ("i", pi, fi)):
            vol = U[s] * tokens_per_user[:, t] * (price / price0) ** (-a["price_elasticity"])
            j = t + L
            # capacity still in service: vintages bought in the last `life` months (this one excluded)
            lo = j - life
            c = cap[s]
            alive = _window_sum(c, lo + 1, j)
            buy = np.maximum(vol - alive, 0.0)
            c[:, j] = buy
            unit[s][:, j] = front
            fleet = _window_sum(c * unit[s], lo + 1, j + 1) / 1e6
            capex = buy * front * life / 1e6
            book[s] = book[s] + capex - fleet
            rev = vol * price / 1e6
            out[f"volume_{s}"][:, t], out[f"frontier_{s}"][:, t], out[f"price_{s}"][:, t] = vol, front, price
            out[f"cost_{s}"][:, t] = fleet * 1e6 / np.maximum(vol, 1e-300)
            out[f"revenue_{s}"][:, t], out[f"fleet_cost_{s}"][:, t] = rev, fleet
            out[f"capex_{s}"][:, t], out[f"dep_{s}"][:, t], out[f"book_{s}"][:, t] = capex, fleet, book[s]
            out[f"cashflow_{s}"][:, t] = rev - fleet - (nre if s == "i" else 0.0)
            out[f"users_{s}"][:, t], out[f"quality_{s}"][:, t], out[f"knowledge_{s}"][:, t] = U[s], Q[s], K[s]
            k_new = K[s] + vol
            q_new = Q[s] * np.exp(a["quality_growth_per_month"] + a["gain_data_quality"] * np.log(k_new / K[s]))
            Lg[s] = Lg[s] * np.exp(a["user_growth_per_month"] + a["gain_quality_users"] * np.log(q_new / Q[s]))
            U[s] = ceiling * Lg[s] / (1.0 + Lg[s])
            K[s], Q[s] = k_new, q_new
        out["cycle_i"][:, t], out["gens_i"][:, t], out["own_live_i"][:, t], out["nre_i"][:, t] = cycle, gens, live, nre
    out["cum_m"] = np.cumsum(out["cashflow_m"], axis=1)
    out["cum_i"] = np.cumsum(out["cashflow_i"], axis=1)
    return out


def _window_sum(arr: np.ndarray, lo: np.ndarray, hi: int) -> np.ndarray:
    """Row-wise sum of arr[r, lo[r]:hi] (lo varies by row, hi is shared)."""
    cs = np.concatenate([np.zeros((arr.shape[0], 1)), np.cumsum(arr, axis=1)], axis=1)
    lo = np.clip(lo, 0, hi)
    return cs[:, hi] - cs[np.arange(arr.shape[0]), lo]


def crossover_month(advantage: np.ndarray) -> np.ndarray:
    """Per scenario, the first month from which the integrated lab's cumulative cash stays above the
    merchant's until the end of the simulation (months counted from 1); NaN when never."""
    adv = np.atleast_2d(advantage)
    ahead = adv > 0
    stays = np.flip(np.logical_and.accumulate(np.flip(ahead, axis=1), axis=1), axis=1)
    any_ = stays.any(axis=1)
    first = np.argmax(stays, axis=1).astype(float) + 1
    return np.where(any_, first, np.nan)


def outcomes(sim: Mapping[str, np.ndarray], at_month: int = 60) -> dict[str, np.ndarray]:
    """The chapter's results per scenario: crossover month; integrated over merchant fleet cost per
    token served, cumulative cash advantage (USD billions) and that advantage as a share of the
    merchant lab's cumulative revenue, all after `at_month` months."""
    i = at_month - 1
    adv = sim["cum_i"] - sim["cum_m"]
    rev = np.cumsum(sim["revenue_m"], axis=1)[:, i]
    return {
        "crossover_month": crossover_month(adv),
        "cost_ratio": sim["cost_i"][:, i] / sim["cost_m"][:, i],
        "advantage_usd_bn": adv[:, i] / 1e9,
        "relative_lead": adv[:, i] / rev,
    }


def nre_per_year(nre_per_generation_usd_bn: float, cycle_months: np.ndarray | float) -> np.ndarray:
    """USD billions of NRE a year when a generation costing `nre_per_generation_usd_bn` is taped out
    every `cycle_months`."""
    return nre_per_generation_usd_bn * 12.0 / np.asarray(cycle_months, float)


def factor_off(x: Mapping[str, float | np.ndarray], factor: str) -> dict[str, float | np.ndarray]:
    """`x` with one source of the integrated lead switched off:

    - tax: the own chip costs what a merchant chip of the same date costs, and no NRE is paid;
    - cycle: own generations are released on the merchant's dates (same cadence, same technology);
    - data: workload knowledge improves neither models nor chips.
    With all three off the two labs are identical (a tie)."""
    y = dict(x)
    if factor == "tax":
        y["cost_asic0_usd_per_mtok"] = x["cost_gpu0_usd_per_mtok"]
        y["nre_per_generation_usd_bn"] = 0.0
    elif factor == "cycle":
        y["align_own_to_merchant"] = 1.0
    elif factor == "data":
        y["gain_data_quality"] = 0.0
        y["gain_knowledge_chip"] = 0.0
    else:
        raise ValueError(f"unknown factor {factor!r}")
    return y


def decomposition(x: Mapping[str, float], months: int, at_month: int = 60) -> dict[str, float]:
    """The year-`at_month` cash lead split into its three sources by Shapley values over the 2^3
    on/off combinations (one vectorized run): each source's average marginal contribution over the
    orders in which the sources could be switched on. The contributions add up to the whole lead
    exactly (all off is a tie), so the shares sum to one; a share is negative when that source
    costs the integrated lab money. Returns `lead` (USD billions), `<factor>` contributions and
    `share_<factor>` (NaN shares when the lead is zero)."""
    subsets = [frozenset(c) for r in range(len(FACTORS) + 1) for c in combinations(FACTORS, r)]
    variants = []
    for on in subsets:
        y = dict(x)
        for f in FACTORS:
            if f not in on:
                y = factor_off(y, f)
        variants.append(y)
    stacked = {k: np.array([float(np.asarray(v[k]).ravel()[0]) for v in variants]) for k in INPUTS}
    lead = outcomes(simulate(stacked, months), at_month)["advantage_usd_bn"]
    value = dict(zip(subsets, lead))
    n = len(FACTORS)
    res: dict[str, float] = {"lead": float(value[frozenset(FACTORS)]), "all_off": float(value[frozenset()])}
    for f in FACTORS:
        phi = 0.0
        for s in subsets:
            if f in s:
                continue
            w = factorial(len(s)) * factorial(n - len(s) - 1) / factorial(n)
            phi += w * (value[s | {f}] - value[s])
        res[f] = float(phi)
    total = sum(res[f] for f in FACTORS)
    for f in FACTORS:
        res[f"share_{f}"] = res[f] / total if total != 0 else float("nan")
    return res
