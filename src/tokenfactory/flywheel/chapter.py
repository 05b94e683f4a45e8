"""The flywheel chapter in four calls: `load` the tables and upstream results, `compute` every
result the page shows, `texts` for the sentence fragments that depend on them, `glue_values` for
results.json.

Upstream: the technology rate, the merchant cadence and the manufacturing floor are the tape-out
chapter's results; the fleet life is the inference-tax chapter's depreciation period; the costs per
token come from the inference-tax chapter. Each is read by key, defensively: a key that is missing
(that chapter not run, or renamed) falls back to the same computation on the same data (tape-out) or
to a documented parameter (costs), and the page's table of inputs says which.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from ..formatting import fmt
from . import model
from .contract import CONTRACT
from .params import Params
from .. import units

PER_MONTH = units.PER_MONTH

#: Parameters varied in the sensitivity analysis, with a reader's label.
SENSITIVITY = {
    "nre_per_generation_usd_bn": "NRE per generation",
    "cost_gpu0_usd_per_mtok": "merchant cost per token",
    "cost_asic0_usd_per_mtok": "own-chip cost per token",
    "merchant_cycle_months": "merchant generation gap",
    "own_cycle_ratio": "own cycle at the start (× merchant)",
    "floor_months": "manufacturing floor",
    "technology_rate_per_year": "technology rate per year",
    "fleet_life_months": "fleet life",
    "first_chip_month": "month of the first own chip",
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
#: Units of the varied parameters, for axes and controls.
UNITS = {
    "nre_per_generation_usd_bn": "USD billions", "cost_gpu0_usd_per_mtok": "USD per million tokens",
    "cost_asic0_usd_per_mtok": "USD per million tokens", "merchant_cycle_months": "months",
    "own_cycle_ratio": "× merchant cadence", "floor_months": "months", "technology_rate_per_year": "× per year",
    "fleet_life_months": "months", "first_chip_month": "month", "user_growth_per_month": "per month (log)",
    "users_ceiling": "× today's users", "agent_token_growth_per_month": "per month (log)",
    "quality_growth_per_month": "per month (log)", "gain_data_quality": "elasticity", "gain_quality_users": "elasticity",
    "gain_quality_cycle": "elasticity", "gain_knowledge_chip": "elasticity", "pass_through": "fraction",
    "price_elasticity": "elasticity", "markup": "fraction of cost",
}
#: The tape-out chapter's result that each merchant_cadence choice reads.
CADENCE_KEYS = {"nvidia_architecture": "nvidia_architecture_gap_months",
                "nvidia_recent": "nvidia_recent_generation_gap_months",
                "merchant_families": "median_merchant_generation_gap_months",
                "all_families": "median_generation_gap_months"}


def monthly_volume(volumes: pd.DataFrame, provider: str) -> tuple[float, str, str]:
    """The provider's latest stated token volume, converted to tokens per month, with its product
    and date (the starting volume of the simulated lab)."""
    v = volumes[volumes["provider"] == provider].sort_values("date")
    if v.empty:
        raise ValueError(f"volume_provider: no token volume for {provider!r}")
    row = v.iloc[-1]
    return float(row["tokens"] * PER_MONTH[row["per"]]), str(row["product"]), str(row["date"].date())


def _get(upstream: Mapping[str, Any], chapter: str, key: str) -> float | None:
    """A positive finite number another chapter published, or None; a read the contract does not
    declare raises (see contract.py)."""
    value = CONTRACT.number(upstream, chapter, key)
    return value if value is not None and value > 0 else None


#: The inference_tax key this chapter prefers for the own chip: its cost per million output tokens once
#: the program exists, without the one-off program cost (NRE), which this model charges per generation.
ASIC_MARGINAL_KEY = "cost_per_mtok_asic_marginal_usd"


def asic_marginal_from_parity(asic_all_in: float, gpu: float, nre_at_parity: float, nre: float) -> float | None:
    """The ASIC's cost per token without its NRE share, derived from inference_tax's glued results.

    Why: inference_tax's `cost_per_mtok_asic_usd` spreads the program's one-off cost over its tokens;
    this model pays NRE per generation itself, so it needs the cost without it. In that chapter the
    NRE share n = NRE x CRF / P (P the program's tokens) and the NRE at parity NRE* = P x (gpu - m) / CRF
    with m = all-in - n, so NRE* / NRE = (gpu - m) / n, hence n = NRE x (gpu - all-in) / (NRE* - NRE).
    None when that does not determine n (NRE* <= NRE: the ASIC is not cheaper all in)."""
    if not (nre_at_parity > nre > 0) or gpu <= asic_all_in:
        return None
    share = nre * (gpu - asic_all_in) / (nre_at_parity - nre)
    m = asic_all_in - share
    return m if m > 0 else None


def _tax_default_nre() -> float:
    from ..inference_tax.params import Params as TaxParams

    return float(TaxParams.model_fields["asic_nre_usd"].default)


def volume_series(volumes: pd.DataFrame) -> pd.DataFrame:
    """Every stated volume as tokens per month, one row per statement, with a series label
    (provider, product) so that counts of different scopes are never joined into one line."""
    d = volumes.copy()
    d["tokens_per_month"] = d["tokens"] * d["per"].map(PER_MONTH)
    d["series"] = d["provider"] + ": " + d["product"]
    return d[["provider", "product", "series", "date", "tokens_per_month", "source_url", "as_of"]].sort_values(
        ["series", "date"]).reset_index(drop=True)


def observed_growth(volumes: pd.DataFrame, min_span_months: float = 12.0) -> pd.DataFrame:
    """Annual growth (× per year) of each series with at least two dated statements.

    Why: the model's volume growth is an assumption; the only dated evidence is companies' own
    (self-reported) statements. `fit_per_year` is a least-squares line through log volume over the
    whole series; `latest_per_year` annualizes the last interval, which shows whether growth is
    slowing. A rate per year is estimated only from series spanning at least `min_span_months`
    (`estimable`); shorter series keep their row with NaN rates, so the page can say they are not
    estimable. A series of one statement has no rate and is left out."""
    rows = []
    for series, g in volume_series(volumes).groupby("series"):
        g = g.drop_duplicates("date").sort_values("date")
        if len(g) < 2:
            continue
        years = (g["date"] - g["date"].iloc[0]).dt.days.to_numpy() / units.DAYS_PER_YEAR
        span = float(years[-1] * 12)
        ok = span >= min_span_months
        logv = np.log(g["tokens_per_month"].to_numpy())
        slope = np.polyfit(years, logv, 1)[0]
        latest = (logv[-1] - logv[-2]) / (years[-1] - years[-2])
        rows.append({"series": series, "provider": g["provider"].iloc[0], "n": len(g),
                     "first": g["date"].iloc[0], "last": g["date"].iloc[-1], "span_months": span,
                     "estimable": ok, "fit_per_year": float(np.exp(slope)) if ok else float("nan"),
                     "latest_per_year": float(np.exp(latest)) if ok else float("nan")})
    cols = ["series", "provider", "n", "first", "last", "span_months", "estimable", "fit_per_year", "latest_per_year"]
    return pd.DataFrame(rows, columns=cols).sort_values(
        ["estimable", "fit_per_year"], ascending=[False, False]).reset_index(drop=True)


def model_growth(sim: Mapping[str, np.ndarray], row: int = 0) -> dict[str, float]:
    """The model's token-volume growth (× per year) in its first year and averaged over the whole
    horizon, per strategy: the numbers to set beside the observed rates."""
    out = {}
    for s, name in (("m", "merchant"), ("i", "integrated")):
        v = sim[f"volume_{s}"][row]
        out[f"{name}_first_year"] = float(v[12] / v[0])
        out[f"{name}_average"] = float((v[-1] / v[0]) ** (12 / (len(v) - 1)))
        out[f"{name}_total"] = float(v[-1] / v[0])
    return out


def model_volume_path(sim: Mapping[str, np.ndarray], start: str, row: int = 0, months: int = 36) -> pd.DataFrame:
    """The integrated path's volume (tokens per month) placed on the calendar from the starting
    statement's date, for drawing beside the stated volumes."""
    v = sim["volume_i"][row][: months + 1]
    dates = pd.Timestamp(start) + pd.to_timedelta(np.arange(len(v)) * units.DAYS_PER_MONTH, unit="D")
    return pd.DataFrame({"date": dates, "tokens_per_month": v, "month": np.arange(len(v))})




# --- Inputs -------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Inputs:
    volumes: pd.DataFrame
    programs: pd.DataFrame | None
    statements: pd.DataFrame | None
    accelerators: pd.DataFrame | None
    upstream: Mapping[str, Any]
    problems: dict[str, str] = field(default_factory=dict)


def load(loader: Callable[[str], pd.DataFrame], upstream: Mapping[str, Any] | None = None) -> Inputs:
    """token_volumes (required) and the tape-out chapter's tables (used only when its results are
    missing); a table that does not validate becomes a named problem."""
    from ..data.load import DataError

    problems: dict[str, str] = {}
    tables: dict[str, pd.DataFrame | None] = {}
    for name in ("chip_programs", "asic_cycle_statements", "accelerators"):
        try:
            tables[name] = loader(name)
        except DataError as exc:
            tables[name], problems[name] = None, str(exc)
    return Inputs(volumes=loader("token_volumes"), programs=tables["chip_programs"],
                  statements=tables["asic_cycle_statements"], accelerators=tables["accelerators"],
                  upstream=dict(upstream or {}), problems=problems)


def tapeout_values(inputs: Inputs) -> tuple[dict[str, float], str]:
    """The tape-out chapter's results this chapter needs (technology rate, the three cadences, the
    floor): from its results when present, else computed by the tape-out package with its default
    parameters on the same tables (one owner either way). Returns the values and where they came from."""
    keys = ("technology_rate_per_year", "min_feasible_cycle_months", *CADENCE_KEYS.values())
    up = {k: _get(inputs.upstream, "tapeout", k) for k in keys}
    if all(v is not None for v in up.values()):
        return {k: float(v) for k, v in up.items()}, "tapeout chapter"
    from ..tapeout import chapter as tape
    from ..tapeout.params import Params as TapeParams

    if inputs.programs is None or inputs.statements is None:
        raise ValueError("the tape-out chapter's results are missing and its tables did not load")
    r = tape.compute(TapeParams(), tape.Inputs(programs=inputs.programs, statements=inputs.statements,
                                               accelerators=inputs.accelerators))
    return {k: float(r.numbers[k]) for k in keys}, "tape-out package on the same data (chapter not run)"


def fleet_life_months(upstream: Mapping[str, Any], fallback_months: float) -> tuple[float, str]:
    """The fleet's life: the inference-tax chapter's depreciation period (its result if glued, else this
    chapter's fallback parameter), in months."""
    got = _get(upstream, "inference_tax", "depreciation_years")
    if got is not None:
        return 12.0 * got, "inference_tax chapter (depreciation_years)"
    return float(fallback_months), "fallback parameter (fallback_fleet_life_months)"


def cadence_vendor(inputs: Inputs) -> str:
    """The vendor whose cadence the tape-out chapter measured (its `cadence_vendor` result, else its
    parameter's default: the same owner either way)."""
    got = CONTRACT.read(inputs.upstream, "tapeout", "cadence_vendor")
    if isinstance(got, str) and got.strip():
        return got
    from ..tapeout.params import Params as TapeParams

    return TapeParams().cadence_vendor


def resolve_inputs(p: Params, inputs: Inputs, volume0: float) -> tuple[dict[str, float], pd.DataFrame, dict]:
    """Model inputs: the chapter's parameters plus values read from other chapters, each with where it
    came from (a table shown on the page). Also returns the tape-out values used.

    Units: inference_tax prices a million *output* tokens (the prompts' cost included); stated
    volumes count tokens of every kind. Both costs are divided by (1 + input tokens per output
    token) so that cost x volume is in dollars."""
    upstream = inputs.upstream
    rows = []

    be_out, be_all = _get(upstream, "inference_tax", "breakeven_tokens_per_year"), _get(
        upstream, "inference_tax", "breakeven_total_tokens_per_year")
    if be_out is not None and be_all is not None and be_all >= be_out:
        io, io_src = be_all / be_out - 1, "inference_tax chapter (breakeven_total_tokens_per_year / breakeven_tokens_per_year − 1)"
    else:
        io, io_src = p.fallback_input_tokens_per_output, "fallback parameter (fallback_input_tokens_per_output)"
    per_all = 1.0 + io

    gpu_out = _get(upstream, "inference_tax", "cost_per_mtok_gpu_usd")
    gpu_src = "inference_tax chapter (cost_per_mtok_gpu_usd)" if gpu_out is not None else "fallback parameter (chapter not run)"
    if gpu_out is None:
        gpu_out = p.fallback_cost_per_mtok_gpu_usd
    tax_up = CONTRACT.read(upstream, "inference_tax", "tax_share_gpu")
    tax = float(tax_up) if isinstance(tax_up, (int, float)) and 0 <= float(tax_up) < 1 else p.fallback_tax_share_gpu

    # Own chip: marginal cost (no NRE: the model charges NRE per generation itself).
    asic_out, asic_src = _get(upstream, "inference_tax", ASIC_MARGINAL_KEY), f"inference_tax chapter ({ASIC_MARGINAL_KEY})"
    if asic_out is None:
        all_in = _get(upstream, "inference_tax", "cost_per_mtok_asic_usd")
        parity = _get(upstream, "inference_tax", "asic_nre_at_parity_usd")
        if all_in is not None and parity is not None:
            asic_out = asic_marginal_from_parity(all_in, gpu_out, parity, _tax_default_nre())
            asic_src = ("inference_tax chapter: cost_per_mtok_asic_usd minus its NRE share, derived from "
                        "asic_nre_at_parity_usd at that chapter's default asic_nre_usd")
    if asic_out is None:
        asic_out = gpu_out * (1 - tax)
        asic_src = "merchant cost × (1 − tax share): the merchant chip at cost, no NRE" + (
            " (tax share from inference_tax)" if tax_up is not None else " (fallback tax share)")
    rows += [
        {"input": "merchant cost per million output tokens (USD)", "value": gpu_out, "from": gpu_src},
        {"input": "own-chip cost per million output tokens, without NRE (USD)", "value": asic_out, "from": asic_src},
        {"input": "input tokens per output token", "value": io, "from": io_src},
        {"input": "merchant cost per million tokens of any kind (USD)", "value": gpu_out / per_all,
         "from": "merchant cost per output token ÷ (1 + input tokens per output token)"},
        {"input": "own-chip cost per million tokens of any kind, without NRE (USD)", "value": asic_out / per_all,
         "from": "own-chip cost per output token ÷ (1 + input tokens per output token)"},
        {"input": "vendor's share of the merchant cost (tax share)", "value": tax,
         "from": "inference_tax chapter (tax_share_gpu)" if tax_up is not None else "fallback parameter"},
    ]
    tape, tape_src = tapeout_values(inputs)
    life, life_src = fleet_life_months(upstream, p.fallback_fleet_life_months)
    cycle = tape[CADENCE_KEYS[p.merchant_cadence]]
    rows += [
        {"input": f"merchant generation gap, months ({cadence_name(p.merchant_cadence, cadence_vendor(inputs))} generations)", "value": cycle,
         "from": f"{tape_src} ({CADENCE_KEYS[p.merchant_cadence]})"},
        {"input": "technology rate, × per year (price-performance)", "value": tape["technology_rate_per_year"],
         "from": f"{tape_src} (technology_rate_per_year)"},
        {"input": "manufacturing floor of a cycle, months", "value": tape["min_feasible_cycle_months"],
         "from": f"{tape_src} (min_feasible_cycle_months)"},
        {"input": "fleet life, months", "value": life, "from": life_src},
    ]
    x = {
        "volume0_tokens": volume0, "cost_gpu0_usd_per_mtok": gpu_out / per_all,
        "cost_asic0_usd_per_mtok": asic_out / per_all, "merchant_cycle_months": cycle,
        "floor_months": tape["min_feasible_cycle_months"], "technology_rate_per_year": tape["technology_rate_per_year"],
        "fleet_life_months": life, "align_own_to_merchant": 0.0,
        **{k: float(getattr(p, k)) for k in model.INPUTS if hasattr(p, k)},
    }
    return x, pd.DataFrame(rows), tape


# --- Runs -----------------------------------------------------------------------------------------------------------------

def trajectories(sim: Mapping[str, np.ndarray], row: int = 0) -> pd.DataFrame:
    """One scenario's paths in long form (month, strategy, variable, value) for charts."""
    frames = []
    months = np.arange(1, sim["cum_m"].shape[1] + 1)
    for var in ("users", "quality", "volume", "cost", "frontier", "price", "cum", "cashflow", "knowledge"):
        for s, name in (("m", "merchant"), ("i", "integrated")):
            frames.append(pd.DataFrame({"month": months, "strategy": name, "variable": var,
                                        "value": sim[f"{var}_{s}"][row]}))
    return pd.concat(frames, ignore_index=True)


def sensitivity_bounds(x: Mapping[str, float], spread: float) -> dict[str, tuple[float, float]]:
    """Each varied parameter from (1 - spread) to (1 + spread) times its value; a rate per year varies
    its growth part (rate - 1) instead, so it never falls below one."""
    out = {}
    for k in SENSITIVITY:
        v = float(x[k])
        if k == "technology_rate_per_year":
            lo, hi = 1 + (v - 1) * (1 - spread), 1 + (v - 1) * (1 + spread)
        else:
            lo, hi = v * (1 - spread), v * (1 + spread)
        if k in _UPPER:
            hi = min(hi, _UPPER[k])
        if lo == hi:
            hi = lo + 0.01
        out[k] = (lo, hi)
    return out


def sensitivity(x: Mapping[str, float], p: Params, months: int) -> pd.DataFrame:
    """Morris elementary effects (SALib, seeded) of each parameter over its assumed range, on the
    year-5 lead relative to the merchant lab's revenue (scale-free: it decides who leads) and on the
    USD lead. Ranked by the relative lead's mu*. `attrs` holds the number of runs and the share of
    runs in which the integrated lab leads: a description of the assumed ranges, not a probability."""
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    bounds = sensitivity_bounds(x, p.sensitivity_range)
    names = list(SENSITIVITY)
    problem = {"num_vars": len(names), "names": names, "bounds": [list(bounds[k]) for k in names]}
    X = morris_sample.sample(problem, p.sensitivity_trajectories, num_levels=4, seed=p.seed)
    xs = dict(x)
    for j, k in enumerate(names):
        xs[k] = X[:, j]
    o = model.outcomes(model.simulate(xs, months), p.report_month)
    out = pd.DataFrame({"parameter": names, "label": [SENSITIVITY[k] for k in names],
                        "low": [bounds[k][0] for k in names], "high": [bounds[k][1] for k in names]})
    for tag, Y in (("rel", o["relative_lead"]), ("usd", o["advantage_usd_bn"])):
        res = morris_analyze.analyze(problem, X, Y, num_levels=4, seed=p.seed)
        out[f"mu_star_{tag}"], out[f"mu_{tag}"] = res["mu_star"], res["mu"]
        out[f"sigma_{tag}"], out[f"conf_{tag}"] = res["sigma"], res["mu_star_conf"]
    out["rank_usd"] = out["mu_star_usd"].rank(ascending=False, method="first").astype(int)
    out = out.sort_values("mu_star_rel", ascending=False).reset_index(drop=True)
    out.attrs["runs"] = int(len(X))
    out.attrs["share_ahead"] = float((o["advantage_usd_bn"] > 0).mean())
    return out


def lead_grid(x: Mapping[str, float], sens: pd.DataFrame, months: int, resolution: int, at: int) -> pd.DataFrame:
    """The year-5 lead over a grid of the two most influential parameters (by the Morris ranking),
    each across its assumed range, all else at its value: one vectorized run, precomputed so that the
    page can move through it with a live control."""
    a, b = sens["parameter"].iloc[0], sens["parameter"].iloc[1]
    va = np.linspace(sens["low"].iloc[0], sens["high"].iloc[0], resolution)
    vb = np.linspace(sens["low"].iloc[1], sens["high"].iloc[1], resolution)
    A, B = np.meshgrid(va, vb, indexing="ij")
    xs = dict(x)
    xs[a], xs[b] = A.ravel(), B.ravel()
    o = model.outcomes(model.simulate(xs, months), at)
    return pd.DataFrame({"a": A.ravel(), "b": B.ravel(), "b_index": np.tile(np.arange(resolution), resolution),
                         "relative_lead": o["relative_lead"], "advantage_usd_bn": o["advantage_usd_bn"],
                         "a_name": a, "b_name": b, "a_label": SENSITIVITY[a], "b_label": SENSITIVITY[b],
                         "a_default": float(x[a]), "b_default": float(x[b])})


def cycle_sweep(x: Mapping[str, float], months: int, lo: float, hi: float, at: int, step: float = 0.5) -> pd.DataFrame:
    """Year-5 lead (USD billions and relative) and crossover month as the merchant generation gap
    varies, all else at its value (one vectorized run)."""
    cycles = np.arange(lo, hi + step / 2, step)
    o = model.outcomes(model.simulate(dict(x, merchant_cycle_months=cycles), months), at)
    return pd.DataFrame({"merchant_cycle_months": cycles, "advantage_usd_bn": o["advantage_usd_bn"],
                         "relative_lead": o["relative_lead"], "crossover_month": o["crossover_month"]})


def cycle_threshold(sweep: pd.DataFrame) -> float:
    """The merchant generation gap above which the integrated lab leads at year 5 for every gap in the
    sweep: the largest gap at which it does not lead (NaN if it leads everywhere)."""
    behind = sweep.loc[sweep["advantage_usd_bn"] <= 0, "merchant_cycle_months"]
    return float(behind.max()) if len(behind) else float("nan")


def nre_table(p: Params, x: Mapping[str, float]) -> pd.DataFrame:
    """NRE per year at a few own cycles: the price of faster own generations."""
    rows = [("at the manufacturing floor", float(x["floor_months"])),
            ("at the merchant cadence", float(x["merchant_cycle_months"])),
            ("yearly", 12.0), ("every two years", 24.0)]
    cyc = np.array([c for _, c in rows])
    return pd.DataFrame({"own cycle": [n for n, _ in rows], "own cycle, months": cyc,
                         "NRE per year, USD bn": model.nre_per_year(p.nre_per_generation_usd_bn, cyc)})


# --- The chapter ----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    p: Params
    x: dict
    sources: pd.DataFrame
    tape: dict
    sim: dict
    traj: pd.DataFrame
    decomposition: dict
    sens: pd.DataFrame
    grid: pd.DataFrame
    sweep: pd.DataFrame
    nre: pd.DataFrame
    series: pd.DataFrame
    observed: pd.DataFrame
    volume_path: pd.DataFrame
    growth: dict
    volume_product: str
    volume_date: str
    as_of: str
    problems: dict
    numbers: dict


def compute(p: Params, inputs: Inputs) -> Result:
    volume0, product0, date0 = monthly_volume(inputs.volumes, p.volume_provider)
    x, sources, tape = resolve_inputs(p, inputs, volume0)
    months, at = p.horizon_months, p.report_month
    sim = model.simulate(x, months)
    o = {k: float(v[0]) for k, v in model.outcomes(sim, at).items()}
    dec = model.decomposition(x, months, at)
    sens = sensitivity(x, p, months)
    grid = lead_grid(x, sens, months, p.grid_resolution, at)
    sweep = cycle_sweep(x, months, p.sweep_min_months, p.sweep_max_months, at)
    growth = model_growth(sim)
    observed = observed_growth(inputs.volumes, p.min_growth_span_months)
    cadences = {k: tape[v] for k, v in CADENCE_KEYS.items()}
    at_all = model.outcomes(model.simulate(dict(x, merchant_cycle_months=cadences["all_families"]), months), at)
    numbers = {
        "crossover_month": o["crossover_month"],
        "cost_per_mtok_ratio_y5": o["cost_ratio"],
        "cumulative_advantage_y5_usd_bn": o["advantage_usd_bn"],
        "relative_lead_y5": o["relative_lead"],
        "lead_share_tax": dec["share_tax"],
        "lead_share_cycle": dec["share_cycle"],
        "lead_share_data": dec["share_data"],
        "lead_tax_usd_bn": dec["tax"], "lead_cycle_usd_bn": dec["cycle"], "lead_data_usd_bn": dec["data"],
        "share_of_runs_integrated_ahead": sens.attrs["share_ahead"],
        "morris_share_ahead": sens.attrs["share_ahead"],
        "sensitivity_runs": sens.attrs["runs"],
        "morris_runs": sens.attrs["runs"],
        "n_sensitivity_parameters": len(sens),
        "merchant_cycle_months": x["merchant_cycle_months"],
        "all_family_cycle_months": cadences["all_families"],
        "advantage_at_all_family_cycle_usd_bn": float(at_all["advantage_usd_bn"][0]),
        "crossover_at_all_family_cycle": float(at_all["crossover_month"][0]),
        "cycle_threshold_months": cycle_threshold(sweep),
        "technology_rate_per_year": x["technology_rate_per_year"],
        "gain_per_merchant_generation": x["technology_rate_per_year"] ** (x["merchant_cycle_months"] / 12),
        "floor_months": x["floor_months"],
        "fleet_life_months": x["fleet_life_months"],
        "own_cycle_start_months": float(sim["cycle_i"][0, 0]),
        "own_cycle_y5_months": float(sim["cycle_i"][0, at - 1]),
        "own_generations_y5": float(sim["gens_i"][0, at - 1]),
        "nre_per_year_start_usd_bn": float(sim["nre_i"][0, 0] * 12 / 1e9),
        "nre_per_year_y5_usd_bn": float(sim["nre_i"][0, at - 1] * 12 / 1e9),
        "asic_cost_ratio": x["cost_asic0_usd_per_mtok"] / x["cost_gpu0_usd_per_mtok"],
        "volume0_tokens": volume0,
        "model_growth_first_year": growth["integrated_first_year"],
        "model_growth_avg": growth["integrated_average"],
        "model_volume_total": growth["integrated_total"],
        "horizon_years": months / 12,
        "at_year": at / 12,
        "report_month": at,
        "sweep_min_months": p.sweep_min_months,
        "sweep_max_months": p.sweep_max_months,
        "own_cycle_ratio": p.own_cycle_ratio,
        "n_fallbacks": int(sources["from"].str.contains("fallback").sum()),
        "nre_per_generation_usd_bn": p.nre_per_generation_usd_bn,
        "pass_through": p.pass_through,
        "sensitivity_range": p.sensitivity_range,
        "grid_resolution": p.grid_resolution,
    }
    numbers["cadence_vendor"] = cadence_vendor(inputs)
    numbers["most_sensitive_parameter"] = str(sens["parameter"].iloc[0])
    as_of = str(inputs.volumes["as_of"].max().date()) if "as_of" in inputs.volumes else date0
    return Result(p=p, x=x, sources=sources, tape=tape, sim=sim, traj=trajectories(sim), decomposition=dec,
                  sens=sens, grid=grid, sweep=sweep, nre=nre_table(p, x), series=volume_series(inputs.volumes),
                  observed=observed, volume_path=model_volume_path(sim, date0), growth=growth,
                  volume_product=product0, volume_date=date0, as_of=as_of, problems=dict(inputs.problems),
                  numbers=numbers)


# --- Texts -----------------------------------------------------------------------------------------------------------------

def crossover_phrase(month: float) -> str:
    """When the integrated lab overtakes, in words."""
    return "never within the horizon" if month != month else f"from month {fmt(month)}"


def lead_word(advantage: float) -> str:
    return "ahead" if advantage > 0 else ("level" if advantage == 0 else "behind")


def largest_share(dec: Mapping[str, float]) -> str:
    """The source carrying the largest share of the lead (by absolute contribution)."""
    f = max(model.FACTORS, key=lambda k: abs(dec[k]))
    return model.FACTOR_LABELS[f]


def share_phrase(share: float) -> str:
    """'more than all of it' for a share above one, 'a negative share' below zero, else a percentage."""
    if share != share:
        return "no share (the lead is zero)"
    if share > 1:
        return f"more than all of it ({fmt(share, pct=True)})"
    if share < 0:
        return f"{fmt(share, pct=True)} (a net cost to the integrated lab)"
    return fmt(share, pct=True)


def rests_word(dec: Mapping[str, float]) -> str:
    """'mostly' when one source carries more than half of the lead, else 'most'."""
    top = max(abs(dec[f"share_{f}"]) for f in model.FACTORS) if dec["lead"] else float("nan")
    return "mostly" if top > 0.5 else "most"


def cycle_comment(share_cycle: float, merchant_cycle: float, floor: float, small: float = 0.1) -> str:
    """Why faster own cycles add little or much, from the share and the room between cadence and floor."""
    room = merchant_cycle - floor
    if share_cycle != share_cycle:
        return "With no lead, no source carries a share"
    if abs(share_cycle) < small:
        return (f"At the merchant cadence used here ({fmt(merchant_cycle)} months) the own cycle has "
                f"{fmt(max(room, 0), unit='months')} of room above the {fmt(floor)}-month manufacturing floor, so "
                "faster own cycles add little")
    return (f"Faster own cycles carry {fmt(share_cycle, pct=True)} of the lead: the merchant cadence "
            f"({fmt(merchant_cycle)} months) leaves {fmt(max(room, 0), unit='months')} of room above the floor")


def cadence_name(choice: str, vendor: str) -> str:
    """A merchant_cadence choice in words, with the vendor the tape-out chapter measured ("NVIDIA's recent")."""
    names = {"nvidia_architecture": f"{vendor}'s architecture", "nvidia_recent": f"{vendor}'s recent",
             "merchant_families": "merchant GPU families'", "all_families": "all families'"}
    if choice not in names:
        raise ValueError(f"merchant_cadence: {choice!r} is not one of {', '.join(names)}")
    return names[choice]


def runs_phrase(share: float) -> str:
    """The share of Morris runs in which the integrated lab leads, worded as a share of runs."""
    return f"{fmt(share, pct=True)} of the sensitivity runs over the assumed ranges"


def texts(r: Result) -> dict[str, str]:
    n, dec = r.numbers, r.decomposition
    top = r.sens.iloc[0]
    second = r.sens.iloc[1]
    rank_cycle = int(r.sens.index[r.sens["parameter"] == "merchant_cycle_months"][0]) + 1
    return {
        "crossover_phrase": crossover_phrase(n["crossover_month"]),
        "lead_word_y5": lead_word(n["cumulative_advantage_y5_usd_bn"]),
        "largest_source": largest_share(dec),
        "share_tax_phrase": share_phrase(n["lead_share_tax"]),
        "share_cycle_phrase": share_phrase(n["lead_share_cycle"]),
        "share_data_phrase": share_phrase(n["lead_share_data"]),
        "most_sensitive_label": str(top["label"]),
        "second_sensitive_label": str(second["label"]),
        "cycle_rank_rel": f"{rank_cycle}",
        "runs_phrase": runs_phrase(n["share_of_runs_integrated_ahead"]),
        "all_family_phrase": (f"{lead_word(n['advantage_at_all_family_cycle_usd_bn'])} by USD "
                              f"{fmt(abs(n['advantage_at_all_family_cycle_usd_bn']))} billion at year {fmt(r.p.report_month / 12)}, overtaking "
                              f"{crossover_phrase(n['crossover_at_all_family_cycle'])}"),
        "threshold_phrase": (f"at every merchant gap from {fmt(r.p.sweep_min_months)} to {fmt(r.p.sweep_max_months)} months"
                             if n["cycle_threshold_months"] != n["cycle_threshold_months"]
                             else f"only when merchant generations come more than {fmt(n['cycle_threshold_months'])} months apart"),
        "merchant_cadence_source": cadence_name(r.p.merchant_cadence, n["cadence_vendor"]),
        "rests_word": rests_word(dec),
        "cycle_comment": cycle_comment(n["lead_share_cycle"], n["merchant_cycle_months"], n["floor_months"]),
        "volume_provider": r.p.volume_provider,
        "volume_product": r.volume_product,
        "volume_date": r.volume_date,
        "cost_vs_merchant": "cheaper than" if n["cost_per_mtok_ratio_y5"] < 1 else "no cheaper than",
        "data_note": "; ".join(f"{k}: {v}" for k, v in r.problems.items()),
    }


_COUNTS = ("sensitivity_runs", "morris_runs", "n_sensitivity_parameters", "n_fallbacks", "grid_resolution", "own_generations_y5")
_PCT = ("lead_share_tax", "lead_share_cycle", "lead_share_data", "share_of_runs_integrated_ahead", "morris_share_ahead",
        "relative_lead_y5", "pass_through", "sensitivity_range")


def glue_values(r: Result) -> dict[str, tuple[Any, dict[str, Any]]]:
    out: dict[str, tuple[Any, dict[str, Any]]] = {}
    for k, v in r.numbers.items():
        if isinstance(v, str):
            out[k] = (v, {})
        elif k in _COUNTS:
            out[k] = (int(v), {"sig": 3})
        elif k in _PCT:
            out[k] = (v, {"pct": True})
        elif k == "volume0_tokens":
            out[k] = (v, {"unit": "tokens a month"})
        else:
            out[k] = (v, {})
    out["crossover_month"] = (None if r.numbers["crossover_month"] != r.numbers["crossover_month"]
                              else r.numbers["crossover_month"], {"text": crossover_phrase(r.numbers["crossover_month"])})
    return out
