"""The flywheel chapter's computation: inputs from upstream chapters (or documented fallbacks), the
default run, the two-parameter map and the sensitivity analysis."""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
import pandas as pd

from . import model
from .params import Params

PER_MONTH = {"minute": 60 * 24 * 365.25 / 12, "day": 365.25 / 12, "week": 365.25 / 12 / 7, "month": 1.0,
             "year": 1 / 12}

#: Parameters varied in the sensitivity analysis, with a reader's label.
SENSITIVITY = {
    "nre_per_generation_usd_bn": "NRE per generation",
    "cost_gpu0_usd_per_mtok": "merchant cost per token",
    "cost_asic0_usd_per_mtok": "own-chip cost per token",
    "merchant_cycle_months": "merchant generation gap",
    "floor_months": "physical cycle floor",
    "first_chip_month": "month of the first own chip",
    "gain_per_generation": "gain per chip generation",
    "user_growth_per_month": "user growth",
    "users_ceiling": "user saturation ceiling",
    "agent_token_growth_per_month": "tokens-per-user growth (agents)",
    "quality_growth_per_month": "model-quality growth",
    "gain_data_quality": "gain: data -> quality",
    "gain_quality_users": "gain: quality -> users",
    "gain_quality_cycle": "gain: quality -> chip cycle",
    "gain_knowledge_chip": "gain: data -> chip cost",
    "pass_through": "pass-through of cost advantage",
    "price_elasticity": "price elasticity of demand",
    "markup": "markup over merchant cost",
}
_UPPER = {"pass_through": 1.0}


def monthly_volume(volumes: pd.DataFrame, provider: str) -> tuple[float, str, str]:
    """The provider's latest stated token volume, converted to tokens per month, with its product
    and date (the starting volume of the simulated lab)."""
    v = volumes[volumes["provider"] == provider].sort_values("date")
    if v.empty:
        raise ValueError(f"volume_provider: no token volume for {provider!r}")
    row = v.iloc[-1]
    return float(row["tokens"] * PER_MONTH[row["per"]]), str(row["product"]), str(row["date"].date())


def _get(upstream: Mapping[str, Any], chapter: str, key: str) -> float | None:
    value = (upstream.get(chapter) or {}).get(key)
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and value > 0 else None


def resolve_inputs(p: Params, upstream: Mapping[str, Any], volume0: float) -> tuple[dict[str, float], pd.DataFrame]:
    """Model inputs: chapter parameters plus values read from other chapters' results, each with
    where it came from (a table shown on the page)."""
    rows = []

    def pick(name: str, chapter: str, key: str, fallback: float, label: str) -> float:
        got = _get(upstream, chapter, key)
        rows.append({"input": label, "value": got if got is not None else fallback,
                     "from": f"{chapter} chapter ({key})" if got is not None else "fallback parameter (chapter not run)"})
        return got if got is not None else fallback

    gpu = pick("cost_gpu0_usd_per_mtok", "inference_tax", "cost_per_mtok_gpu_usd", p.fallback_cost_per_mtok_gpu_usd,
               "merchant cost per token (USD per million tokens)")
    asic_up = _get(upstream, "inference_tax", "cost_per_mtok_asic_usd")
    tax_up = (upstream.get("inference_tax") or {}).get("tax_share_gpu")
    tax = float(tax_up) if isinstance(tax_up, (int, float)) and 0 <= float(tax_up) < 1 else p.fallback_tax_share_gpu
    if asic_up is not None:
        asic, src = asic_up, "inference_tax chapter (cost_per_mtok_asic_usd)"
    else:
        asic, src = gpu * (1 - tax), "merchant cost × (1 − tax share)" + (
            " (tax share from inference_tax)" if tax_up is not None else " (fallback tax share)")
    rows.append({"input": "own-chip cost per token (USD per million tokens)", "value": asic, "from": src})
    rows.append({"input": "vendor's share of the merchant cost (tax share)", "value": tax,
                 "from": "inference_tax chapter (tax_share_gpu)" if tax_up is not None else "fallback parameter"})
    cycle = pick("merchant_cycle_months", "tapeout", "median_generation_gap_months", p.fallback_merchant_cycle_months,
                 "merchant generation gap (months)")
    floor = pick("floor_months", "tapeout", "min_feasible_cycle_months", p.fallback_floor_months,
                 "physical cycle floor (months)")
    x = {
        "volume0_tokens": volume0, "cost_gpu0_usd_per_mtok": gpu, "cost_asic0_usd_per_mtok": asic,
        "merchant_cycle_months": cycle, "floor_months": floor,
        **{k: float(getattr(p, k)) for k in model.INPUTS if hasattr(p, k)},
    }
    return x, pd.DataFrame(rows)


def trajectories(sim: Mapping[str, np.ndarray], row: int = 0) -> pd.DataFrame:
    """One scenario's paths in long form (month, strategy, variable, value) for charts."""
    frames = []
    months = np.arange(1, sim["cum_m"].shape[1] + 1)
    for var in ("users", "quality", "volume", "cost", "price", "cum", "cashflow", "knowledge"):
        for s, name in (("m", "merchant"), ("i", "integrated")):
            frames.append(pd.DataFrame({"month": months, "strategy": name, "variable": var,
                                        "value": sim[f"{var}_{s}"][row]}))
    return pd.concat(frames, ignore_index=True)


def grid_map(x: Mapping[str, float], p: Params, months: int) -> pd.DataFrame:
    """Winner after five years over NRE per generation × exogenous volume growth (users and tokens
    per user together, split as in the defaults). One vectorized run over the whole grid."""
    r = p.map_resolution
    nre = np.linspace(0.0, p.map_nre_max_usd_bn, r)
    growth = np.linspace(0.0, p.map_growth_max_per_month, r)
    N, G = np.meshgrid(nre, growth, indexing="xy")
    base_total = p.user_growth_per_month + p.agent_token_growth_per_month
    share_users = p.user_growth_per_month / base_total if base_total > 0 else 0.5
    xs = dict(x)
    xs["nre_per_generation_usd_bn"] = N.ravel()
    xs["user_growth_per_month"] = G.ravel() * share_users
    xs["agent_token_growth_per_month"] = G.ravel() * (1 - share_users)
    o = model.outcomes(model.simulate(xs, months))
    out = pd.DataFrame({"nre_usd_bn": N.ravel(), "growth_per_month": G.ravel(),
                        "advantage_usd_bn": o["advantage_usd_bn"], "crossover_month": o["crossover_month"]})
    out["winner"] = np.where(out["advantage_usd_bn"] > 0, "integrated", "merchant")
    return out


def sensitivity(x: Mapping[str, float], p: Params, months: int) -> pd.DataFrame:
    """Morris elementary effects (SALib, seeded) of each parameter on the five-year cumulative
    advantage (USD billions), each varied from (1 - r) to (1 + r) times its value. Ranked by mu*."""
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    names = list(SENSITIVITY)
    bounds = []
    for k in names:
        v = float(x[k])
        lo, hi = v * (1 - p.sensitivity_range), v * (1 + p.sensitivity_range)
        if k in _UPPER:
            hi = min(hi, _UPPER[k])
        if lo == hi:  # a zero default: vary upwards a little so the effect is defined
            hi = lo + 0.01
        bounds.append([lo, hi])
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    X = morris_sample.sample(problem, p.sensitivity_trajectories, num_levels=4, seed=p.seed)
    xs = dict(x)
    for j, k in enumerate(names):
        xs[k] = X[:, j]
    Y = model.outcomes(model.simulate(xs, months))["advantage_usd_bn"]
    res = morris_analyze.analyze(problem, X, Y, num_levels=4, seed=p.seed)
    out = pd.DataFrame({"parameter": names, "label": [SENSITIVITY[k] for k in names], "mu_star": res["mu_star"],
                        "mu": res["mu"], "sigma": res["sigma"], "mu_star_conf": res["mu_star_conf"]})
    return out.sort_values("mu_star", ascending=False).reset_index(drop=True)


def param_name(model_input: str) -> str:
    """The chapter parameter a model input comes from (costs and cycles come from other chapters)."""
    return {"cost_gpu0_usd_per_mtok": "fallback_cost_per_mtok_gpu_usd (inference_tax: cost_per_mtok_gpu_usd)",
            "cost_asic0_usd_per_mtok": "inference_tax: cost_per_mtok_asic_usd",
            "merchant_cycle_months": "fallback_merchant_cycle_months (tapeout: median_generation_gap_months)",
            "floor_months": "fallback_floor_months (tapeout: min_feasible_cycle_months)"}.get(model_input, model_input)
