"""The flywheel chapter's computation: inputs from upstream chapters (or documented fallbacks), the
default run, the two-parameter map and the sensitivity analysis."""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..nb import fmt
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


def resolve_inputs(p: Params, upstream: Mapping[str, Any], volume0: float) -> tuple[dict[str, float], pd.DataFrame]:
    """Model inputs: chapter parameters plus values read from other chapters' results, each with
    where it came from (a table shown on the page).

    Units: inference_tax prices a million *output* tokens (the prompts' cost included); stated
    volumes count tokens of every kind. Both costs are divided by (1 + input tokens per output
    token) so that cost x volume is in dollars; the ratio comes from inference_tax's two break-even
    keys (total over output tokens) or the fallback parameter."""
    rows = []
    tax_res = upstream.get("inference_tax") or {}

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
    tax_up = tax_res.get("tax_share_gpu")
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

    def pick(chapter: str, key: str, fallback: float, label: str) -> float:
        got = _get(upstream, chapter, key)
        rows.append({"input": label, "value": got if got is not None else fallback,
                     "from": f"{chapter} chapter ({key})" if got is not None else "fallback parameter (chapter not run)"})
        return got if got is not None else fallback

    cycle = pick("tapeout", "median_generation_gap_months", p.fallback_merchant_cycle_months,
                 "merchant generation gap (months)")
    floor = pick("tapeout", "min_feasible_cycle_months", p.fallback_floor_months, "physical cycle floor (months)")
    x = {
        "volume0_tokens": volume0, "cost_gpu0_usd_per_mtok": gpu_out / per_all,
        "cost_asic0_usd_per_mtok": asic_out / per_all, "merchant_cycle_months": cycle, "floor_months": floor,
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
    """Morris elementary effects (SALib, seeded) of each parameter, each varied from (1 - r) to
    (1 + r) times its value, on two outcomes at year 5: the relative lead (integrated over merchant
    cumulative cash, minus one) and the USD lead.

    Why both: the USD lead scales with the size of the token market, so parameters that only make
    the market bigger (faster merchant cost declines, faster growth) rank high on it without
    changing who wins; the relative lead isolates what decides the verdict. Ranked by the relative
    lead's mu*. `attrs` holds the number of runs and the share in which the integrated lab leads."""
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
    sim = model.simulate(xs, months)
    o = model.outcomes(sim)
    out = pd.DataFrame({"parameter": names, "label": [SENSITIVITY[k] for k in names]})
    for tag, Y in (("rel", relative_lead(sim)), ("usd", o["advantage_usd_bn"])):
        res = morris_analyze.analyze(problem, X, Y, num_levels=4, seed=p.seed)
        out[f"mu_star_{tag}"], out[f"mu_{tag}"] = res["mu_star"], res["mu"]
        out[f"sigma_{tag}"], out[f"conf_{tag}"] = res["sigma"], res["mu_star_conf"]
    out["rank_usd"] = out["mu_star_usd"].rank(ascending=False, method="first").astype(int)
    out = out.sort_values("mu_star_rel", ascending=False).reset_index(drop=True)
    out.attrs["runs"] = int(len(X))
    out.attrs["share_ahead"] = float((o["advantage_usd_bn"] > 0).mean())
    return out


def param_name(model_input: str) -> str:
    """The chapter parameter a model input comes from (costs and cycles come from other chapters)."""
    return {"cost_gpu0_usd_per_mtok": "fallback_cost_per_mtok_gpu_usd (inference_tax: cost_per_mtok_gpu_usd)",
            "cost_asic0_usd_per_mtok": f"inference_tax: {ASIC_MARGINAL_KEY} (or all-in cost minus NRE share)",
            "merchant_cycle_months": "fallback_merchant_cycle_months (tapeout: median_generation_gap_months)",
            "floor_months": "fallback_floor_months (tapeout: min_feasible_cycle_months)"}.get(model_input, model_input)


# --- Calibration against stated token volumes, and what is robust ------------------------------------------------

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
        years = (g["date"] - g["date"].iloc[0]).dt.days.to_numpy() / 365.25
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
    dates = pd.Timestamp(start) + pd.to_timedelta(np.arange(len(v)) * 365.25 / 12, unit="D")
    return pd.DataFrame({"date": dates, "tokens_per_month": v, "month": np.arange(len(v))})


def relative_lead(sim: Mapping[str, np.ndarray], at_month: int = 60) -> np.ndarray:
    """Integrated over merchant cumulative cash minus one, after `at_month` months.

    Why: the USD lead is proportional to the starting volume and compounds the growth
    assumptions; this ratio does not depend on the starting volume except through the fixed NRE,
    so it is the number to compare across scenarios."""
    i = at_month - 1
    m = sim["cum_m"][:, i]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(m > 0, sim["cum_i"][:, i] / m - 1, np.nan)


def robustness(x: Mapping[str, float], months: int, cycle_months: float = 12.0) -> pd.DataFrame:
    """The default run against variants that change the scale (starting volume, growth outside
    the loop) or the merchant cadence: which outputs move (USD levels) and which barely do (sign,
    relative lead)."""
    gu, ga = float(x["user_growth_per_month"]), float(x["agent_token_growth_per_month"])
    variants = [
        ("defaults", {}),
        ("starting volume ÷10", {"volume0_tokens": x["volume0_tokens"] / 10}),
        ("starting volume ×10", {"volume0_tokens": x["volume0_tokens"] * 10}),
        ("no growth outside the loop", {"user_growth_per_month": 0.0, "agent_token_growth_per_month": 0.0}),
        ("half the growth outside the loop", {"user_growth_per_month": gu / 2, "agent_token_growth_per_month": ga / 2}),
        (f"merchant generations every {fmt(cycle_months)} months", {"merchant_cycle_months": cycle_months}),
    ]
    rows = []
    for name, over in variants:
        s = model.simulate(dict(x, **over), months)
        o = model.outcomes(s)
        rows.append({"variant": name, "crossover_month": float(o["crossover_month"][0]),
                     "advantage_usd_bn": float(o["advantage_usd_bn"][0]),
                     "relative_lead": float(relative_lead(s)[0]),
                     "volume_multiple": float(s["volume_i"][0, -1] / s["volume_i"][0, 0]),
                     "merchant_cash_usd_bn": float(s["cum_m"][0, -1] / 1e9)})
    return pd.DataFrame(rows)


def loop_contribution(x: Mapping[str, float], months: int, at_month: int = 60) -> pd.DataFrame:
    """How much of the year-5 lead the feedback gains account for, with the growth outside the loop
    (users, tokens per user, model quality) left as it is.

    Rows: the default run; all five feedback gains at zero at once; and each gain alone at zero
    (the others at their values). `share_of_lead` is the part of the default USD lead that
    disappears (1 - lead / default lead); `relative_lead` is the scale-free lead. Why: the growth
    outside the loop makes every dollar figure larger for both labs; only turning off the gains
    measures what the loop itself adds."""

    variants = [("defaults", {}), ("all feedback gains at zero", {k: 0.0 for k in model.LOOP_GAINS})]
    variants += [(f"only {SENSITIVITY[k]} at zero", {k: 0.0}) for k in model.LOOP_GAINS]
    rows = []
    for name, over in variants:
        s = model.simulate(dict(x, **over), months)
        rows.append({"variant": name, "advantage_usd_bn": float(model.outcomes(s, at_month)["advantage_usd_bn"][0]),
                     "relative_lead": float(relative_lead(s, at_month)[0])})
    out = pd.DataFrame(rows)
    base = out.loc[0, "advantage_usd_bn"]
    out["share_of_lead"] = 1 - out["advantage_usd_bn"] / base if base > 0 else np.nan
    return out


def cycle_sweep(x: Mapping[str, float], months: int, lo: float, hi: float, step: float = 0.5) -> pd.DataFrame:
    """Year-5 lead (USD billions and relative) and crossover month as the merchant generation gap
    varies, all else at its value (one vectorized run)."""
    cycles = np.arange(lo, hi + step / 2, step)
    s = model.simulate(dict(x, merchant_cycle_months=cycles), months)
    o = model.outcomes(s)
    return pd.DataFrame({"merchant_cycle_months": cycles, "advantage_usd_bn": o["advantage_usd_bn"],
                         "relative_lead": relative_lead(s), "crossover_month": o["crossover_month"]})


def cycle_threshold(sweep: pd.DataFrame) -> float:
    """The merchant generation gap above which the integrated lab leads at year 5 for every gap in
    the sweep: the largest gap at which it does not lead (NaN if it leads everywhere, the sweep's
    upper end if nowhere). Read conservatively because the lead jumps at generation boundaries."""
    behind = sweep.loc[sweep["advantage_usd_bn"] <= 0, "merchant_cycle_months"]
    return float(behind.max()) if len(behind) else float("nan")


def breakeven_volume_factor(x: Mapping[str, float], months: int, lo: float = 1e-4, hi: float = 10.0,
                            n: int = 161) -> float:
    """Smallest multiple of the starting volume at which the integrated lab leads at year 5 (log
    grid; NaN if it never leads within the grid): the scale at which a chip program pays (C7)."""
    f = np.geomspace(lo, hi, n)
    adv = model.outcomes(model.simulate(dict(x, volume0_tokens=x["volume0_tokens"] * f), months))["advantage_usd_bn"]
    ahead = adv > 0
    if not ahead.any():
        return float("nan")
    # first index from which it stays ahead
    stays = np.flip(np.logical_and.accumulate(np.flip(ahead)))
    return float(f[int(np.argmax(stays))])


def asic_cost_threshold(x: Mapping[str, float], months: int, lo: float = 0.3, hi: float = 1.5,
                        step: float = 0.005) -> float:
    """Own-chip cost per token, as a fraction of the merchant cost, at and above which the
    integrated lab no longer leads at year 5 (NaN if it leads over the whole range): how much
    cheaper an own chip must be, the input the verdict is most sensitive to."""
    ratios = np.arange(lo, hi + step / 2, step)
    adv = model.outcomes(model.simulate(
        dict(x, cost_asic0_usd_per_mtok=x["cost_gpu0_usd_per_mtok"] * ratios), months))["advantage_usd_bn"]
    behind = ratios[adv <= 0]
    return float(behind.min()) if len(behind) else float("nan")


def mean_tokens_per_year(x: Mapping[str, float], months: int, volume_factor: float = 1.0,
                         through_month: int = 60) -> float:
    """Mean yearly token volume (tokens of any kind) of the integrated lab over its first
    `through_month` months, started at `volume_factor` × the starting volume: the number to set
    beside inference_tax's break-even, which is a constant yearly volume."""
    s = model.simulate(dict(x, volume0_tokens=x["volume0_tokens"] * volume_factor), months)
    return float(s["volume_i"][0, :through_month].mean() * 12)
