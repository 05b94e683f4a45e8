"""The cost of a token: a cost per chip-hour divided by the tokens a chip serves in that hour.

Throughput comes from `serving.py` (a calibrated roofline at a stated speed per user) and enters
here as `tokens_per_s`. Capital is counted once: the chip (what the chip vendor sells, the only part
its margin applies to), the rest of the server, and the network, each per chip. Paying by the hour
(`rental`) replaces all of it with a rental price paid for every hour, served or idle.

Every function takes numpy arrays (or floats) and broadcasts, so the same code serves the point
estimate, the tornado and a 100,000-draw Monte Carlo.

The in-page chart (figures.live_cost) writes the same formula as a Vega expression; a test renders it
with the Vega engine at several settings and checks it against `cost_per_mtok`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import units

#: The book's one year in hours (units.py; 365.25 days), read by the figures as m.HOURS_PER_YEAR.
HOURS_PER_YEAR = units.HOURS_PER_YEAR
COMPONENTS = ("chip_at_cost", "vendor_margin", "nre", "server_network", "power", "facility", "rental")
COMPONENT_LABELS = {
    "chip_at_cost": "Chip at maker's cost",
    "vendor_margin": "Vendor / partner margin (the tax)",
    "nre": "ASIC one-off program cost",
    "server_network": "Rest of server and network",
    "power": "Electricity",
    "facility": "Facility",
    "rental": "Rental (cloud price per chip-hour)",
}

#: Inputs of the cost model (all broadcastable numbers). Names are the keys of an input mapping.
INPUT_KEYS = (
    "tokens_per_s", "tdp_w", "price_usd", "vendor_margin", "nre_per_unit_usd", "server_network_usd",
    "rental_usd_per_hour", "utilization", "electricity_usd_per_kwh", "pue", "server_power_factor",
    "depreciation_years", "cost_of_capital", "facility_usd_per_kw_month",
)


# --------------------------------------------------------------------------------------------------
# Cost


def capital_recovery_factor(rate: Any, years: Any) -> np.ndarray:
    """Annual payment per dollar of capital repaid over `years` at `rate` (an annuity).

    Why an annuity rather than straight-line depreciation: capital tied up in chips has a cost, and
    the annuity spreads both the principal and that cost evenly over the chip's life. At rate 0 it is
    1/years.
    """
    r = np.asarray(rate, float)
    n = np.asarray(years, float)
    safe = np.where(r > 0, r, 1.0)
    crf = safe / (1.0 - (1.0 + safe) ** (-n))
    return np.where(r > 0, crf, 1.0 / n)


def _total_formula(price: Any, utilization: Any, electricity: Any, k: Mapping[str, Any]) -> Any:
    """USD per million output tokens (plain arithmetic: it broadcasts over numpy arrays).

    Capital (chip price + one-off cost per chip + server and network) is annualized with the capital
    recovery factor and, with the facility charge, spread over the hours the chip serves; electricity
    is paid only for those hours (idle draw is neglected). A rental price is paid for every hour of
    the year, served or not (reserved capacity). Divided by tokens per hour.
    """
    fixed_per_year = ((price + k["nre_per_unit_usd"] + k["server_network_usd"]) * k["crf"] + k["facility_per_year"]
                      + k["rental_usd_per_hour"] * HOURS_PER_YEAR)
    per_hour = fixed_per_year / (HOURS_PER_YEAR * utilization) + k["kw"] * k["pue"] * electricity
    return per_hour / k["tokens_per_hour"] * 1e6


def slider_constants(inp: Mapping[str, Any]) -> dict[str, float]:
    """The quantities the cost formula needs besides price, utilization and electricity."""
    kw = np.asarray(inp["tdp_w"], float) * np.asarray(inp["server_power_factor"], float) / 1000.0
    return {
        "crf": capital_recovery_factor(inp["cost_of_capital"], inp["depreciation_years"]),
        "facility_per_year": kw * np.asarray(inp["facility_usd_per_kw_month"], float) * 12.0,
        "kw": kw,
        "pue": np.asarray(inp["pue"], float),
        "nre_per_unit_usd": np.asarray(inp["nre_per_unit_usd"], float),
        "server_network_usd": np.asarray(inp["server_network_usd"], float),
        "rental_usd_per_hour": np.asarray(inp.get("rental_usd_per_hour", 0.0), float),
        "tokens_per_hour": np.asarray(inp["tokens_per_s"], float) * 3600.0,
    }


def cost_per_mtok(inp: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """USD per million output tokens, split into components that sum to `total`.

    `vendor_margin` is the part of the chip price that is the seller's gross margin (the "tax" for a
    merchant GPU; the design partner's margin for a custom ASIC); `chip_at_cost` is the rest.
    """
    k = slider_constants(inp)
    price = np.asarray(inp["price_usd"], float)
    margin = np.asarray(inp["vendor_margin"], float)
    u = np.asarray(inp["utilization"], float)
    per_token_hour = 1e6 / k["tokens_per_hour"]
    served = HOURS_PER_YEAR * u
    out = {
        "chip_at_cost": price * (1.0 - margin) * k["crf"] / served * per_token_hour,
        "vendor_margin": price * margin * k["crf"] / served * per_token_hour,
        "nre": k["nre_per_unit_usd"] * k["crf"] / served * per_token_hour,
        "server_network": k["server_network_usd"] * k["crf"] / served * per_token_hour,
        "power": k["kw"] * k["pue"] * np.asarray(inp["electricity_usd_per_kwh"], float) * per_token_hour,
        "facility": k["facility_per_year"] / served * per_token_hour,
        "rental": k["rental_usd_per_hour"] * HOURS_PER_YEAR / served * per_token_hour,
    }
    out["total"] = _total_formula(price, u, np.asarray(inp["electricity_usd_per_kwh"], float), k)
    out["tax_share"] = out["vendor_margin"] / out["total"]
    out["tokens_per_s"] = k["tokens_per_hour"] / 3600.0
    return out


# --------------------------------------------------------------------------------------------------
# Custom ASIC


def asic_inputs(gpu: Mapping[str, Any], *, unit_cost_usd: float, partner_margin: float, perf_ratio: float,
                power_w: float, nre_usd: float, volume_units: float, program_years: float) -> dict[str, Any]:
    """Inputs for the hypothetical ASIC: the reference GPU's, owned, with its own throughput (the GPU's
    times `perf_ratio`: peaks and bandwidth scaled together), power, price and one-off cost.

    The buyer pays unit cost / (1 - partner margin); the one-off program cost is spread over the
    program's chips after converting its recovery period (`program_years`) to the chips' own
    capital recovery, so that `nre` per million tokens equals NRE's annual charge divided by the
    program's annual tokens.
    """
    out = dict(gpu)
    # peaks and bandwidth scale together, so the calibrated throughput scales with them
    out["tokens_per_s"] = np.asarray(gpu["tokens_per_s"], float) * perf_ratio
    out["tdp_w"] = power_w
    out["rental_usd_per_hour"] = 0.0   # the program owns its chips
    out["server_network_usd"] = gpu["server_network_usd"]
    out["price_usd"] = unit_cost_usd / (1.0 - partner_margin)
    out["vendor_margin"] = partner_margin
    crf_chip = capital_recovery_factor(gpu["cost_of_capital"], gpu["depreciation_years"])
    crf_prog = capital_recovery_factor(gpu["cost_of_capital"], program_years)
    out["nre_per_unit_usd"] = nre_usd * crf_prog / crf_chip / volume_units
    return out


def asic_marginal_inputs(asic: Mapping[str, Any]) -> dict[str, Any]:
    """The ASIC's inputs without the one-off cost (the cost of one more token once the program exists)."""
    out = dict(asic)
    out["nre_per_unit_usd"] = 0.0
    return out


def nre_per_year(nre_usd: Any, cost_of_capital: Any, program_years: Any) -> np.ndarray:
    """Annual charge that recovers the one-off program cost over its life, with the cost of capital."""
    return np.asarray(nre_usd, float) * capital_recovery_factor(cost_of_capital, program_years)


def breakeven_tokens_per_year(gpu_cost_mtok: Any, asic_marginal_mtok: Any, nre_annual_usd: Any) -> np.ndarray:
    """Tokens per year at which a custom chip program costs as much as buying merchant GPUs.

    The program pays `nre_annual` a year plus `asic_marginal` per token; GPUs cost `gpu_cost` per
    token. Break-even volume V solves V x gpu = V x asic + NRE_annual. Infinite when the ASIC is
    not cheaper per token (it never pays for itself).
    """
    saving = (np.asarray(gpu_cost_mtok, float) - np.asarray(asic_marginal_mtok, float)) / 1e6
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.asarray(nre_annual_usd, float) / saving
    return np.where(saving > 0, v, np.inf)


def asic_cost_curve(volumes: Any, asic_marginal_mtok: float, nre_annual_usd: float) -> np.ndarray:
    """All-in ASIC USD per million tokens at a given annual token volume."""
    return asic_marginal_mtok + nre_annual_usd / np.asarray(volumes, float) * 1e6


# --------------------------------------------------------------------------------------------------
# Sensitivity


def utilization_elasticity(inp: Mapping[str, Any]) -> float:
    """Percent change of the total cost per token for one percentage point more utilization.

    Central difference of log cost (one-sided at the bound u = 1): a negative number, e.g. -2 means
    one more point of utilization makes each token 2% cheaper.
    """
    u = float(inp["utilization"])
    h = min(0.005, u / 2)
    hi, lo = min(u + h, 1.0), u - h

    def total(x: float) -> float:
        return float(cost_per_mtok({**inp, "utilization": x})["total"])

    return (np.log(total(hi)) - np.log(total(lo))) / (hi - lo) * 0.01 * 100.0


@dataclass(frozen=True)
class Range:
    """A plausible range for one input, used by the tornado and the Monte Carlo."""

    key: str
    label: str
    low: float
    high: float
    unit: str
    log: bool = False  # draw log-uniformly (for batch size)


def tornado(inp: Mapping[str, Any], ranges: list[Range]) -> pd.DataFrame:
    """Total cost with each input at its low and high value, the others at their defaults.

    Sorted by the swing, largest first (the order a tornado chart draws).
    """
    base = float(cost_per_mtok(inp)["total"])
    rows = []
    for r in ranges:
        lo = float(cost_per_mtok({**inp, r.key: r.low})["total"])
        hi = float(cost_per_mtok({**inp, r.key: r.high})["total"])
        rows.append({"input": r.label, "key": r.key, "low_value": r.low, "high_value": r.high, "unit": r.unit,
                     "cost_at_low": lo, "cost_at_high": hi, "base": base, "swing": abs(hi - lo)})
    return pd.DataFrame(rows).sort_values("swing", ascending=False, ignore_index=True)


def monte_carlo(inp: Mapping[str, Any], ranges: list[Range], draws: int, seed: int,
                clip: Mapping[str, tuple[float, float]] | None = None) -> dict[str, np.ndarray]:
    """Cost per token with every ranged input drawn at once (vectorized, seeded).

    Each input is drawn from a triangular distribution between its low and high with the mode at the
    default (log-triangular for inputs marked `log`): the default is the most likely value, the ends
    are plausible but rare. Inputs are drawn independently, which overstates the spread where they
    move together (a cheaper chip usually also has less bandwidth). `clip` bounds the draws of an input
    (key: (low, high); a NaN bound does not clip), e.g. a throughput the measurements rule out.
    """
    rng = np.random.default_rng(seed)
    sample = dict(inp)
    for r in ranges:
        mode = float(np.asarray(inp[r.key]).item())
        lo, hi = min(r.low, mode), max(r.high, mode)
        if r.log:
            x = np.exp(rng.triangular(np.log(lo), np.log(mode), np.log(hi), draws)) if hi > lo else np.full(draws, mode)
        else:
            x = rng.triangular(lo, mode, hi, draws) if hi > lo else np.full(draws, mode)
        lo_c, hi_c = (clip or {}).get(r.key, (np.nan, np.nan))
        if np.isfinite(lo_c):
            x = np.maximum(x, lo_c)
        if np.isfinite(hi_c):
            x = np.minimum(x, hi_c)
        sample[r.key] = x
    return cost_per_mtok(sample)


def percentiles(values: np.ndarray, qs: tuple[float, ...] = (10, 50, 90)) -> dict[str, float]:
    """P10/P50/P90 (keys 'p10', ...)."""
    return {f"p{int(q)}": float(np.percentile(values, q)) for q in qs}
