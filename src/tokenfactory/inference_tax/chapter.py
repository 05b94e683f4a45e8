"""The chapter "The inference tax" in four calls: `load`, `compute`, `texts`, `glue_values`.

The notebook loads, calls, charts and glues; everything the page says that depends on a result is
produced here (numbers in `glue_values`, comparative words in `texts`), so that no judgement is typed
in prose and every one changes when the data or a parameter does.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from ..formatting import fmt
from . import analysis, calibration as cal, market, model as m, price_trend as pt, serving as sv
from .params import Params

REQUIRED_TABLES = ("accelerators", "nvidia_financials", "model_architectures")
OPTIONAL_TABLES = ("serving_benchmarks", "rental_prices", "vendor_margins", "api_prices", "token_volumes",
                   "benchmark_scores", "models", "utilization_evidence", "published_rates", "api_hosts")


class InputError(ValueError):
    """A parameter asks for something the data cannot give (named in the message)."""


@dataclass(frozen=True)
class Inputs:
    tables: dict[str, pd.DataFrame]
    problems: dict[str, str]

    def get(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)


def load(loader: Callable[[str], pd.DataFrame], upstream: Mapping[str, Any] | None = None) -> Inputs:
    """Every table the chapter reads. Required ones raise; optional ones that are missing or fail
    their checks become a named problem shown on the page, and the section that needs them says so.
    The chapter reads nothing from other chapters: `upstream` (the one signature of every chapter) is ignored."""
    tables, problems = {}, {}
    for name in REQUIRED_TABLES:
        tables[name] = loader(name)
    for name in OPTIONAL_TABLES:
        try:
            tables[name] = loader(name)
        except Exception as exc:  # noqa: BLE001 - any failure of an optional table is reported, not fatal
            problems[name] = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return Inputs(tables, problems)


# --------------------------------------------------------------------------------------------------
# Capital: what each price row is


def price_basis(row: pd.Series) -> str:
    """`chip` or `server_per_chip`. The column `price_basis` says it where present; older rows whose
    notes describe a server price divided by eight are read as server prices."""
    basis = row.get("price_basis")
    if isinstance(basis, str) and basis:
        return "server_per_chip" if basis.startswith(("server", "system")) else "chip"
    notes = str(row.get("notes") or "").lower()
    return "server_per_chip" if ("server" in notes and "/ 8" in notes) else "chip"


def capital_split(price: float, basis: str, p: Params) -> dict[str, float]:
    """Split capital per chip into the part the chip vendor sells and the rest of the server.

    A chip-alone price gets the host server added (`server_usd_per_chip`); a server-per-chip price
    already holds it, so only its GPU share is the chip and nothing is added. The network is added
    once in both cases."""
    if basis == "server_per_chip":
        chip = price * p.gpu_share_of_server_price
        server = price - chip
    else:
        chip, server = price, p.server_usd_per_chip
    return {"chip_usd": chip, "server_usd": server, "network_usd": p.network_usd_per_chip}


def vendor_margin(p: Params, financials: pd.DataFrame) -> tuple[float, str]:
    if p.vendor_margin_override is not None:
        return p.vendor_margin_override, "override"
    return analysis.vendor_margin_from_data(financials)


def product_margin(margins: pd.DataFrame | None, accelerator: str | None = None, chip_usd: float | None = None,
                   vendor: str | None = None) -> tuple[float | None, str]:
    """The product-level margin that sets the high end of the tax, with its basis; None when the table has none.

    The modeled chip's own rows come first: with a sourced manufacturing cost (`cogs_usd`, the median
    over its rows) and the chip's price in this book (`chip_usd`, the part of the price the vendor
    sells), the margin is 1 - cost / price, cost and price on the book's own footing; without a price,
    the highest margin its rows state. Only when the chip has no row of its own does the vendor's
    highest product estimate stand in, and the basis says so (another product's margin); without a vendor
    (None) nothing stands in."""
    if margins is None or margins.empty:
        return None, "no product-level estimate in data/vendor_margins.csv"
    hi = pd.to_numeric(margins["gross_margin_high"], errors="coerce").fillna(
        pd.to_numeric(margins["gross_margin_low"], errors="coerce"))
    if accelerator is not None and "accelerator" in margins:
        own = margins[margins["accelerator"] == accelerator]
        cogs = pd.to_numeric(own.get("cogs_usd"), errors="coerce").dropna() if len(own) else pd.Series(dtype=float)
        if len(cogs) and chip_usd is not None and np.isfinite(chip_usd) and chip_usd > 0:
            cost = float(cogs.median())
            if cost >= chip_usd:
                raise InputError(f"vendor_margins: the sourced cost of {accelerator} (${fmt(cost)}) is not below its "
                                 f"price in this book (${fmt(chip_usd)}); check data/accelerators.csv")
            n = len(cogs)
            return 1 - cost / chip_usd, (f"the {accelerator}'s own manufacturing cost, about ${fmt(cost)} "
                                         f"({'median of ' + str(n) + ' analyst estimates' if n > 1 else 'an analyst estimate'}), "
                                         f"against its ${fmt(chip_usd)} chip price here, from data/vendor_margins.csv")
        if hi.loc[own.index].notna().any():
            i = hi.loc[own.index].idxmax()
            return float(hi.loc[i]), f"{margins.loc[i, 'product']}, an analyst's estimate for this chip (data/vendor_margins.csv)"
    rows = margins[(margins["vendor"] == vendor) & hi.notna()]
    if rows.empty:
        return None, "no product-level estimate in data/vendor_margins.csv"
    i = hi.loc[rows.index].idxmax()
    other = f", not the {accelerator}: no estimate for it" if accelerator is not None else ""
    return float(hi.loc[i]), f"{margins.loc[i, 'product']}, an analyst's estimate{other} (data/vendor_margins.csv)"


def is_rental(rental: pd.DataFrame) -> pd.Series:
    """Rows that are prices a renter pays (not an owner's total cost of ownership)."""
    return ~rental["commitment"].fillna("").str.startswith("owned")


#: Rental terms a renter can choose, in the page's words (data/rental_prices.csv, column `term`).
RENTAL_TERMS = {"3yr": "3-year", "1yr": "1-year", "on_demand": "on-demand", "spot": "spot"}


def _at_term(rental: pd.DataFrame, tier: str) -> pd.Series:
    """Rows at a rental term (`term` column: spot, on_demand, 1yr, 3yr); a source's own tier name
    (`tier` column, e.g. rental_3yr) is accepted too."""
    if "term" in rental and tier in RENTAL_TERMS:
        return rental["term"] == tier
    return rental["tier"] == tier


def rental_price(rental: pd.DataFrame | None, accelerator: str, tier: str = "3yr") -> tuple[float | None, str]:
    """The accelerator's rental price at one term, with who states it; None (and why) when no source
    prices this chip at that term. Several providers at the term: the median of each one's latest
    price. No other term stands in: comparing chips on different terms would not be one footing."""
    if rental is None or rental.empty:
        return None, "no rental prices in the data"
    if tier not in RENTAL_TERMS and tier not in set(rental["tier"]):
        raise InputError(f"rental_tier: {tier!r} is not a rental term (one of {', '.join(RENTAL_TERMS)})")
    rows = rental[(rental["accelerator"] == accelerator) & rental["usd_per_chip_hour"].notna() & is_rental(rental)
                  & _at_term(rental, tier)]
    label = RENTAL_TERMS.get(tier, tier)
    if rows.empty:
        return None, f"no {label} rental price for {accelerator} in data/rental_prices.csv"
    latest = rows.sort_values("as_of").groupby("provider").tail(1)
    price = float(latest["usd_per_chip_hour"].median())
    who = (f"the {label} rate of {latest['provider'].iloc[0]}" if len(latest) == 1 else
           f"the median {label} rate of {len(latest)} providers")
    return price, who


def rental_tier_words(rental: pd.DataFrame | None, accelerators, tier: str, own_priced=()) -> str:
    """What the measured comparison is priced at, in words true to the data: one provider's tier for
    every chip, or per-chip medians, and what happens to chips without a price at that term (priced at
    the rate their own source states, for those in `own_priced`, else left out; see `measured_costs`)."""
    accs = [a for a in dict.fromkeys(accelerators) if isinstance(a, str)]
    label = RENTAL_TERMS.get(tier, tier)
    found = {a: rental_price(rental, a, tier) for a in accs}
    priced = {a: v for a, v in found.items() if v[0] is not None}
    if not priced:
        return f"no {label} rental price for any of these chips"
    whos = {w for _, w in priced.values()}
    one = len(whos) == 1 and not next(iter(whos)).startswith("the median")
    body = next(iter(whos)) if one else f"{label} rental rates (per chip, the median across the providers that state one)"
    missing = [a for a in accs if a not in priced]
    if not missing:
        return body + (" for every chip" if one else "")
    own = [a for a in missing if a in set(own_priced)]
    out = [a for a in missing if a not in set(own)]
    names = lambda xs: ", ".join(xs) if len(xs) <= 3 else f"{len(xs)} chips"  # noqa: E731
    parts = []
    if own:
        parts.append(f"{names(own)} at the rate {'its' if len(own) == 1 else 'their'} benchmark's source states, "
                     "a different footing")
    if out:
        parts.append(f"{names(out)} left out, with no {label} price")
    return f"{body} ({len(priced)} of the {len(accs)} measured chips; " + "; ".join(parts) + ")"


def owner_tco(rental: pd.DataFrame | None, accelerator: str) -> tuple[float | None, str]:
    """A published owner's cost per chip-hour (InferenceX's hyperscaler TCO tier), to check ours against."""
    if rental is None or rental.empty:
        return None, "none"
    rows = rental[(rental["accelerator"] == accelerator) & (rental["tier"] == "owning_hyperscaler")]
    if rows.empty:
        return None, "none"
    return float(rows["usd_per_chip_hour"].iloc[0]), str(rows["provider"].iloc[0])


# --------------------------------------------------------------------------------------------------
# Serving throughput


def architecture(inputs: Inputs, model_name: str) -> sv.Architecture:
    arch = inputs.tables["model_architectures"]
    rows = arch[arch["model"] == model_name]
    if rows.empty:
        raise InputError(f"reference_model: {model_name!r} has no row in data/model_architectures.csv "
                         f"(models with one: {', '.join(arch['model'])})")
    try:
        return sv.Architecture.from_row(rows.iloc[0])
    except sv.ArchitectureError as exc:
        raise InputError(str(exc)) from exc


def accelerator_row(inputs: Inputs, name: str) -> pd.Series:
    acc = inputs.tables["accelerators"]
    rows = acc[acc["accelerator"] == name]
    if rows.empty:
        raise InputError(f"accelerator: {name!r} is not in data/accelerators.csv")
    row = rows.iloc[0]
    missing = [c for c in ("memory_bandwidth_tb_s", "memory_gb", "tdp_w") if pd.isna(row.get(c))]
    if pd.isna(row.get("fp8_dense_tflops")) and pd.isna(row.get("bf16_dense_tflops")):
        missing.append("dense TFLOPS")
    if missing:
        raise InputError(f"accelerator {name!r}: data/accelerators.csv lacks {', '.join(missing)}")
    return row


def throughput(arch: sv.Architecture, acc_row: pd.Series, p: Params, eff: sv.Efficiency,
               speed: float | None) -> dict[str, float]:
    hw = cal.hardware(acc_row, p.precision)
    wl = sv.Workload(float(p.input_tokens), float(p.output_tokens), p.precision)
    return sv.best_at_interactivity(arch, hw, wl, eff, speed)


def throughput_at(arch: sv.Architecture, acc_row: pd.Series, p: Params, eff: sv.Efficiency, speed: float,
                  bench: pd.DataFrame | None, input_tokens: float | None = None,
                  output_tokens: float | None = None) -> dict[str, Any]:
    """Throughput per chip at `speed`, measured first: the measured frontier of this accelerator, model,
    precision and workload interpolated at the speed where one covers it, else the calibrated model.

    Returns the throughput used (`tps`), its `basis` ("measured" or "modeled"), both readings
    (`measured`, `modeled`: NaN where there is none), the model's configuration (`serving`), the
    measured points and frontier, the interpolation's `status` and the model's fastest speed."""
    i = float(p.input_tokens if input_tokens is None else input_tokens)
    o = float(p.output_tokens if output_tokens is None else output_tokens)
    hw = cal.hardware(acc_row, p.precision)
    wl = sv.Workload(i, o, p.precision)
    modeled = sv.best_at_interactivity(arch, hw, wl, eff, speed)
    pts = analysis.measured_points(bench, str(acc_row["accelerator"]), arch.model, p.precision, i, o)
    front = analysis.measured_frontier(pts)
    interp = analysis.interpolate_frontier(front, speed)
    measured = interp["tps"]
    basis = "measured" if np.isfinite(measured) else "modeled"
    tps = measured if basis == "measured" else modeled["output_tokens_per_s_per_chip"]
    # slower than every measurement: the chip serves at least what it was measured serving faster, so a
    # modeled headline below that is raised to it ("modeled, bounded by measurement")
    floor = analysis.measured_floor(front, speed)
    bounded = False
    if basis == "modeled" and interp["status"] == "below" and np.isfinite(floor) and not (np.isfinite(tps) and tps >= floor):
        tps, bounded = floor, True
    return {"tps": tps, "basis": basis, "bounded": bounded,
            "measured": measured, "modeled": modeled["output_tokens_per_s_per_chip"], "serving": modeled,
            "points": pts, "frontier": front, "status": interp["status"], "measured_low": interp["low"],
            "measured_high": interp["high"], "model_max_speed": sv.max_speed(arch, hw, wl, eff),
            "floor": analysis.measured_floor(front, speed, strict=True), "ceiling": sv.ceiling_at(arch, hw, wl, speed)}


# --------------------------------------------------------------------------------------------------
# The result


@dataclass(frozen=True)
class Result:
    p: Params
    calibration: cal.Calibration | None
    efficiency: sv.Efficiency
    efficiencies: dict
    efficiency_source: str
    serving: dict[str, float]
    frontier: pd.DataFrame
    gpu: dict[str, Any]
    gpu_cost: dict[str, float]
    gpu_cost_owned: dict[str, float]
    margin: float
    margin_period: str
    margin_high: float | None
    margin_high_basis: str
    tax_low: float
    tax_high: float | None
    rental_usd: float | None
    rental_basis: str
    asic: dict[str, Any]
    asic_cost: dict[str, float]
    asic_marginal_mtok: float
    asic_reference_cost: float
    nre_annual_usd: float
    breakeven_tokens_per_year: float
    program_tokens_per_year: float
    elasticity: float
    fixed_share: float
    tornado: pd.DataFrame
    mc_total: np.ndarray
    mc: dict[str, float]
    throughput_sigma_log10: float
    comparison: pd.DataFrame
    measured_costs: pd.DataFrame
    cheapest_measured: dict[str, Any]
    cheapest_model: dict[str, Any]
    hosts: pd.DataFrame
    volumes: pd.DataFrame
    per_company: pd.DataFrame
    utilization_evidence: pd.DataFrame
    price: dict[str, Any]
    problems: dict[str, str]
    data_as_of: str
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def cost_all_tokens(self) -> float:
        return self.gpu_cost["total"] * self.p.output_tokens / (self.p.input_tokens + self.p.output_tokens)

    def decomposition(self) -> pd.DataFrame:
        """Long frame: chip kind, component, USD per million output tokens, share (owned chips)."""
        rows = []
        for kind, cost in (("Merchant GPU", self.gpu_cost_owned), ("Custom ASIC (hypothetical)", self.asic_cost)):
            for comp in m.COMPONENTS:
                if comp == "rental" or (kind == "Merchant GPU" and comp == "nre"):
                    continue
                rows.append({"chip": kind, "component": m.COMPONENT_LABELS[comp], "key": comp,
                             "usd_per_mtok": cost[comp], "share": cost[comp] / cost["total"]})
        return pd.DataFrame(rows)


def _scalars(d: dict[str, Any]) -> dict[str, float]:
    return {k: float(np.asarray(v).item()) for k, v in d.items()}


def cost_inputs(p: Params, inputs: Inputs, acc_row: pd.Series, tokens_per_s: float, margin: float,
                pricing: str) -> tuple[dict[str, Any], float | None, str]:
    """The cost model's inputs for one accelerator, owned or rented."""
    price = p.chip_price_override_usd if p.chip_price_override_usd is not None else acc_row.get("price_usd")
    basis = "chip" if p.chip_price_override_usd is not None else price_basis(acc_row)
    rent, rent_basis = (p.rental_usd_per_chip_hour, "parameter") if p.rental_usd_per_chip_hour is not None else \
        rental_price(inputs.get("rental_prices"), str(acc_row["accelerator"]), p.rental_tier)
    if pricing == "ownership" and (price is None or pd.isna(price)):
        raise InputError(f"accelerator {acc_row['accelerator']!r}: no price in data/accelerators.csv; "
                         "set chip_price_override_usd or pricing=rental")
    if pricing == "rental" and rent is None:
        raise InputError(f"accelerator {acc_row['accelerator']!r}: {rent_basis}; set rental_usd_per_chip_hour "
                         "or pricing=ownership")
    split = capital_split(float(price), basis, p) if price is not None and not pd.isna(price) else \
        {"chip_usd": 0.0, "server_usd": 0.0, "network_usd": 0.0}
    owned = pricing == "ownership"
    inp = {
        "tokens_per_s": tokens_per_s,
        "tdp_w": float(acc_row["tdp_w"]),
        "price_usd": split["chip_usd"] if owned else 0.0,
        "vendor_margin": margin,
        "nre_per_unit_usd": 0.0,
        "server_network_usd": split["server_usd"] + split["network_usd"] if owned else 0.0,
        "rental_usd_per_hour": 0.0 if owned else float(rent),
        "utilization": p.utilization,
        "electricity_usd_per_kwh": p.electricity_usd_per_kwh if owned else 0.0,
        "pue": p.pue,
        "server_power_factor": p.server_power_factor,
        "depreciation_years": p.depreciation_years,
        "cost_of_capital": p.cost_of_capital,
        "facility_usd_per_kw_month": p.facility_usd_per_kw_month if owned else 0.0,
    }
    return inp, rent, rent_basis


def uncertainty_ranges(p: Params, gpu: dict[str, Any], sigma_log10: float, basis: str = "modeled",
                       variants: np.ndarray | None = None,
                       clip: tuple[float, float] = (float("nan"), float("nan"))) -> list[m.Range]:
    """Plausible ranges (assumptions, listed in the Method). A modeled throughput varies by the
    calibration's held-out error (±2 sigma of log10(model/measured)) widened to contain every
    structural variant of the model; a measured one by the parameter measured_throughput_spread. The
    other ranges are parameters (`*_low`/`*_high`, or factors of the value), each widened to hold the
    page's setting. Either throughput range is then clipped to
    `clip` (at least the measured throughput at the slowest measured speed above the stated one, at
    most the roofline and memory ceiling; NaN does not clip)."""
    tps = float(gpu["tokens_per_s"])
    if basis == "measured":
        spread = p.measured_throughput_spread
        lo, hi, label = tps / spread, tps * spread, "Throughput per chip (measured, assumed spread)"
    else:
        k = 10 ** (2 * sigma_log10)
        v = np.asarray([] if variants is None else variants, float)
        v = v[np.isfinite(v)]
        lo = min([tps / k, *v]) if v.size else tps / k
        hi = max([tps * k, *v]) if v.size else tps * k
        label = "Throughput per chip (model error and structure)"
    lo, hi = clip_between(lo, *clip), clip_between(hi, *clip)
    ranges = [
        m.Range("tokens_per_s", label, lo, hi, "tokens/s", log=True),
        m.Range("utilization", "Utilization", *_holding(p, "utilization"), "fraction"),
        m.Range("depreciation_years", "Depreciation life", *_holding(p, "depreciation_years"), "years"),
        m.Range("cost_of_capital", "Cost of capital", *_holding(p, "cost_of_capital"), "per year"),
    ]
    if gpu["price_usd"] > 0:
        ranges += [
            m.Range("price_usd", "Chip price", gpu["price_usd"] * p.chip_price_low_factor,
                    gpu["price_usd"] * p.chip_price_high_factor, "USD"),
            m.Range("server_network_usd", "Server and network cost",
                    gpu["server_network_usd"] * p.server_network_low_factor,
                    gpu["server_network_usd"] * p.server_network_high_factor, "USD per chip"),
            m.Range("electricity_usd_per_kwh", "Electricity price", *_holding(p, "electricity_usd_per_kwh"), "USD/kWh"),
            m.Range("pue", "PUE", *_holding(p, "pue"), "ratio"),
            m.Range("facility_usd_per_kw_month", "Facility cost", *_holding(p, "facility_usd_per_kw_month"),
                    "USD per kW-month"),
        ]
    if gpu.get("rental_usd_per_hour", 0) > 0:
        r = gpu["rental_usd_per_hour"]
        ranges.append(m.Range("rental_usd_per_hour", "Rental price", r * p.rental_low_factor, r * p.rental_high_factor,
                              "USD per chip-hour"))
    return ranges


def _holding(p: Params, name: str) -> tuple[float, float]:
    """The range of parameter `name` (its `<name>_low` and `<name>_high` parameters), widened to hold the
    page's own setting."""
    now = float(getattr(p, name))
    return min(float(getattr(p, f"{name}_low")), now), max(float(getattr(p, f"{name}_high")), now)


def clip_between(x: float, low: float, high: float) -> float:
    """x clipped to [low, high]; a NaN bound does not clip."""
    if np.isfinite(low):
        x = max(x, low)
    if np.isfinite(high):
        x = min(x, high)
    return x


def engine_family(vendor: object, engine: str) -> str:
    """The engine family a chip is modeled with: the best engines measured on it (TensorRT-LLM on
    NVIDIA's, InferenceX's best available on every vendor's), or the open engines on every chip."""
    return cal.TRT if engine == "vendor_best" else cal.OPEN


def efficiency_for(effs: dict[str, sv.Efficiency], vendor: object, engine: str,
                   arch: sv.Architecture | None = None) -> sv.Efficiency:
    """The fitted efficiency a chip is modeled with: its vendor's engine family (or open engines), for
    the model's kind (dense or MoE) where that has a fit of its own."""
    return cal.efficiency_for(effs, engine_family(vendor, engine), None if arch is None else cal.model_kind(arch))


def modelable_gpus(inputs: Inputs):
    """(name, row) of every merchant GPU whose specs the serving model needs are in the data."""
    acc = inputs.tables["accelerators"]
    for name in acc.loc[acc["kind"] == "merchant_gpu", "accelerator"]:
        try:
            yield name, accelerator_row(inputs, name)
        except InputError:
            continue


def accelerator_comparison(p: Params, inputs: Inputs, effs: dict[str, sv.Efficiency], margin: float,
                           models: tuple[str, ...], speed: float) -> pd.DataFrame:
    """Modeled cost per million output tokens of every accelerator with the data to model it, at one
    speed per user, for each model (owned at its price where one is sourced; rented otherwise)."""
    rows = []
    for name, row in modelable_gpus(inputs):
        for model_name in models:
            try:
                arch = architecture(inputs, model_name)
            except InputError:
                continue
            tp = throughput(arch, row, p, efficiency_for(effs, row["vendor"], p.engine, arch), speed)
            tps = tp["output_tokens_per_s_per_chip"]
            if not np.isfinite(tps):
                continue
            for pricing in ("ownership", "rental"):
                try:
                    inp, _, _ = cost_inputs(p, inputs, row, tps, margin, pricing)
                except InputError:
                    continue
                rows.append({"accelerator": name, "vendor": row["vendor"], "model": model_name, "pricing": pricing,
                             "tokens_per_s_per_chip": tps, "chips_per_replica": tp["chips_per_replica"],
                             "usd_per_mtok": float(m.cost_per_mtok(inp)["total"])})
    return pd.DataFrame(rows, columns=["accelerator", "vendor", "model", "pricing", "tokens_per_s_per_chip",
                                       "chips_per_replica", "usd_per_mtok"])


def cheapest(frame: pd.DataFrame, model_name: str, pricing: str) -> dict[str, Any]:
    rows = frame[(frame["model"] == model_name) & (frame["pricing"] == pricing)]
    if rows.empty:
        return {"accelerator": None, "usd_per_mtok": float("nan"), "n": 0, "runner_up": None, "margin": float("nan")}
    rows = rows.sort_values("usd_per_mtok")
    second = rows.iloc[1] if len(rows) > 1 else None
    return {"accelerator": rows.iloc[0]["accelerator"], "usd_per_mtok": float(rows.iloc[0]["usd_per_mtok"]),
            "n": len(rows), "runner_up": None if second is None else second["accelerator"],
            "margin": float("nan") if second is None else float(second["usd_per_mtok"] / rows.iloc[0]["usd_per_mtok"])}


def measured_costs(bench: pd.DataFrame | None, rental: pd.DataFrame | None, tier: str = "3yr") -> pd.DataFrame:
    """Cost per million output tokens of each measured point: its accelerator's rental price at one tier
    for all (or the price the source itself used) over its measured output throughput per chip."""
    cols = ["point_id", "source", "accelerator", "model", "scenario", "engine", "tokens_per_s_per_user",
            "output_tokens_per_s_per_chip", "usd_per_chip_hour", "usd_per_mtok", "as_of", "input_tokens", "output_tokens", "precision", "tpot_bound_ms"]
    if bench is None or bench.empty:
        return pd.DataFrame(columns=cols)
    b = bench.copy()
    out = b["output_tokens_per_s_per_chip"]
    if "total_tokens_per_s_per_chip" in b and "input_tokens" in b:
        derived = b["total_tokens_per_s_per_chip"] * b["output_tokens"] / (b["input_tokens"] + b["output_tokens"])
        out = out.fillna(derived)
    b["output_tokens_per_s_per_chip"] = out
    price = {}
    if rental is not None and not rental.empty:
        price = {a: rental_price(rental, a, tier)[0] for a in b["accelerator"].dropna().unique()}
        price = {a: v for a, v in price.items() if v is not None}
    own = b["usd_per_chip_hour"] if "usd_per_chip_hour" in b else pd.Series(np.nan, index=b.index)
    b["usd_per_chip_hour"] = b["accelerator"].map(price).fillna(own)
    b = b.dropna(subset=["usd_per_chip_hour", "output_tokens_per_s_per_chip"])
    b = b[b["output_tokens_per_s_per_chip"] > 0]
    b["usd_per_mtok"] = b["usd_per_chip_hour"] * 1e6 / (b["output_tokens_per_s_per_chip"] * 3600.0)
    for c in cols:
        if c not in b:
            b[c] = np.nan
    return b[cols].reset_index(drop=True)


#: Sources whose as-of date is only a lower bound on when their figures were measured: InferenceX
#: comparison pages show figures interpolated along a frontier that is re-run and updated in place, so
#: the date filed is the day the stored copy shows, not the day of the runs.
DATE_LOWER_BOUND_SOURCES = ("SemiAnalysis InferenceX",)


def newest_footing_sentence(f: pd.DataFrame) -> str:
    """The newest qualifying footing's cheapest and fastest chip (`analysis.c4_footings`, newest first).
    When that footing's date is only a lower bound (an InferenceX comparison page), it says so and names
    the footing that would be newest without such pages."""
    if not len(f):
        return "no footing qualifies"

    def one(r: pd.Series) -> str:
        return (f"({r['model']}, {r['source']}, {r['scenario']}) the cheapest is the {r['cheapest']} and the "
                f"highest throughput per chip the {r['fastest']}")

    top = f.iloc[0]
    text = "on the newest " + one(top)
    if str(top["source"]) in DATE_LOWER_BOUND_SOURCES:
        day = pd.Timestamp(top["as_of"]).date().isoformat() if pd.notna(top["as_of"]) else "undated"
        text += (f"; that footing is an InferenceX comparison page whose date ({day}) is a lower bound on when "
                 f"its figures were measured")
        rest = f[~f["source"].astype(str).isin(DATE_LOWER_BOUND_SOURCES)]
        if len(rest):
            r = rest.iloc[0]
            rday = pd.Timestamp(r["as_of"]).date().isoformat() if pd.notna(r["as_of"]) else "undated"
            text += f"; without it the newest, dated {rday}, is " + one(r)
        else:
            text += "; no other footing qualifies"
    return text


def cheapest_measured(costs: pd.DataFrame, footings: pd.DataFrame | None = None) -> dict[str, Any]:
    """The cheapest accelerator per token in the measured data, on the newest footing (one model, one
    source round, one scenario: same harness, same latency bound) that compares at least
    `min_accelerators_compared` priced accelerators, one of them a rival's (`analysis.c4_footings`, newest
    first). Without such a footing, the footing with the most accelerators (at least two), said so by `rule`."""
    empty = {"accelerator": None, "model": None, "source": None, "scenario": None, "n": 0, "table": costs.iloc[0:0],
             "rule": "none"}
    if costs.empty:
        return empty
    if footings is not None and len(footings):
        f = footings.iloc[0]
        table = pd.DataFrame([x.rsplit(" $", 1) for x in f["accelerators"].split(", ")], columns=["accelerator", "usd_per_mtok"])
        table["usd_per_mtok"] = table["usd_per_mtok"].astype(float)
        return {"accelerator": f["cheapest"], "model": f["model"], "source": f["source"], "scenario": f["scenario"],
                "n": int(f["n"]), "table": table, "rule": "newest footing with a rival chip"}
    g = costs.groupby(["model", "source", "scenario"], dropna=False)["accelerator"].nunique()
    g = g[g >= 2]
    if g.empty:
        return empty
    key, rule = g.sort_values(ascending=False).index[0], "most accelerators (no footing with a rival chip)"
    rows = costs[(costs["model"] == key[0]) & (costs["source"] == key[1]) & (costs["scenario"] == key[2])]
    best = rows.groupby("accelerator")["usd_per_mtok"].min().sort_values()
    return {"accelerator": best.index[0], "model": key[0], "source": key[1], "scenario": key[2], "n": len(best),
            "table": best.reset_index(), "rule": rule}


#: The long-input workload shown beside the stated one (prompt, completion tokens): InferenceX's 8k/1k.
LONG_WORKLOAD = (8192.0, 1024.0)
#: Program costs over which the ASIC's break-even is drawn (the token mixes are the parameter `breakeven_mixes`).
BREAKEVEN_NRE_USD = tuple(np.geomspace(0.3e9, 2e9, 9))


VARIANT_COLUMNS = ["variant", "tokens_per_s_per_chip", "modeled_tokens_per_s_per_chip", "miss", "worst_miss", "kept"]


def judge_variants(raw: list[tuple[str, float, Callable[[float], float]]], frontier: pd.DataFrame,
                   floor: float, ceiling: float, max_miss: float) -> pd.DataFrame:
    """Each variant (name, modeled throughput at the stated speed, throughput as a function of speed)
    against the measured frontier: its miss at each measured speed (the factor, either way, between its
    throughput and the measured one; infinite where it cannot reach that speed), kept when the median
    of those misses (`miss`) is at most `max_miss` (the parameter `variant_max_miss`; the median, not the
    worst: at the fastest measured speed every fit sits at its own speed limit, where its throughput
    collapses, and judged by the worst point the default fit itself would go; `worst_miss` is reported
    beside it); its throughput at the stated speed clipped to at least `floor` (the measured throughput at the slowest measured
    speed above the stated one) and at most `ceiling` (the roofline and memory ceiling). NaN bounds do
    not clip; with no frontier every variant is kept (miss 1)."""
    rows = []
    for name, t, at in raw:
        misses = []
        for sp, meas in zip(frontier.get("speed", []), frontier.get("tps", [])):
            v = at(float(sp))
            misses.append(max(v / meas, meas / v) if np.isfinite(v) and v > 0 else float("inf"))
        miss = float(np.median(misses)) if misses else 1.0
        worst = float(max(misses)) if misses else 1.0
        c = t
        if np.isfinite(c):
            if np.isfinite(floor):
                c = max(c, floor)
            if np.isfinite(ceiling):
                c = min(c, ceiling)
        rows.append((name, c, t, miss, worst, bool(miss <= max_miss)))
    return pd.DataFrame(rows, columns=VARIANT_COLUMNS)


def months_by_threshold_text(months: list[tuple[str, float]]) -> str:
    """Months since each pooled threshold's last new low, e.g. "MMLU ≥ 80: 23 months; GPQA ≥ 50: 2 months"."""
    return "; ".join(f"{lab}: {fmt(mo)} month{'' if round(mo) == 1 else 's'}" for lab, mo in months) or "none"


def variants_dropped_sentence(dropped: pd.DataFrame, head: dict[str, Any], max_miss: float) -> str:
    """Which structural variants the measurement rules out, and the bounds every throughput is clipped to."""
    if len(dropped):
        names = ", ".join(f"{v} (×{fmt(w)})" if np.isfinite(w) else f"{v} (cannot reach the measured speeds)"
                          for v, w in zip(dropped["variant"], dropped["miss"]))
        text = (f"Dropped from the band because the measurement rules them out (they miss this chip's measured "
                f"frontier by more than ×{fmt(max_miss)}, the median over its measured speeds): {names}.")
    else:
        text = f"No structural variant misses this chip's measured frontier by more than ×{fmt(max_miss)}."
    lo, hi = head.get("floor", float("nan")), head.get("ceiling", float("nan"))
    bounds = []
    if np.isfinite(lo):
        bounds.append(f"at least {fmt(lo)} tokens/s per chip (measured at the slowest measured speed above the stated one)")
    if np.isfinite(hi):
        bounds.append(f"at most {fmt(hi)} (the roofline and memory ceiling)")
    if bounds:
        text += " Every variant's and every draw's throughput is clipped to " + " and ".join(bounds) + "."
    return text


def structural_variants(p: Params, inputs: Inputs, pts: list[cal.Point], effs: dict[str, sv.Efficiency],
                        arch: sv.Architecture, row: pd.Series, frontier: pd.DataFrame | None = None,
                        floor: float = float("nan"), ceiling: float = float("nan")) -> pd.DataFrame:
    """The modeled throughput of the chosen chip under defensible alternative structures of the model:
    the default; a constant time per step (the old form); Blackwell MLPerf rows whose precision is not
    stated read as FP4 (NVIDIA states NVFP4 for some) instead of FP8; open engines' fit; the pooled fit.
    Each is judged against this chip, model, precision and workload's measured `frontier` and clipped
    to [floor, ceiling] (`judge_variants`); the kept ones' spread enters the uncertainty band (the
    held-out error alone does not contain it)."""
    hw = cal.hardware(row, p.precision)
    wl = sv.Workload(float(p.input_tokens), float(p.output_tokens), p.precision)
    fam, kind = engine_family(row["vendor"], p.engine), cal.model_kind(arch)

    def at_speed(e: sv.Efficiency) -> Callable[[float], float]:
        e = replace(e, memory_usable=p.memory_usable)
        return lambda sp: sv.best_at_interactivity(arch, hw, wl, e, sp)["output_tokens_per_s_per_chip"]

    def one(name: str, e: sv.Efficiency) -> tuple[str, float, Callable[[float], float]]:
        f = at_speed(e)
        return (name, f(p.tokens_per_second_per_user), f)
    out = [one("default: overhead by batch and replica, " + fam, cal.efficiency_for(effs, fam, kind))]
    try:
        out.append(one("constant overhead per step", cal.fit_for(pts, fam, kind, p.memory_usable, "constant")[1]))
        blackwell = ("B200", "B300", "GB200", "GB300")
        relab = cal.relabel_precision(pts, inputs.tables["accelerators"], "fp4",
                                      lambda q: q.source.startswith("MLPerf") and any(b in q.accelerator for b in blackwell))
        out.append(one("Blackwell MLPerf rows read as FP4", cal.fit_for(relab, fam, kind, p.memory_usable)[1]))
    except cal.CalibrationError:
        pass
    other = cal.OPEN if fam == cal.TRT else cal.TRT
    out.append(one(f"{other} fit", cal.efficiency_for(effs, other, kind)))
    out.append(one("all engines pooled", effs["pooled"]))
    front = frontier if frontier is not None else pd.DataFrame(columns=["speed", "tps"])
    return judge_variants(out, front, floor, ceiling, p.variant_max_miss)


def reference_volume(volumes: pd.DataFrame | None, provider: str, product: str) -> dict[str, Any]:
    """The latest stated volume (tokens per year, input and output together) of one provider's product."""
    none = {"tokens_per_year": None, "name": f"{provider}'s {product} (no stated volume)"}
    if volumes is None or volumes.empty:
        return none
    v = analysis.annual_token_volumes(volumes)
    v = v[(v["provider"] == provider) & (v["product"] == product)]
    if v.empty:
        return none
    r = v.iloc[-1]
    return {"tokens_per_year": float(r["tokens_per_year"]), "name": f"{provider}'s {product} ({pd.Timestamp(r['date']).date()})"}


def breakeven_grid(p: Params, inputs: Inputs, arch: sv.Architecture, ref_row: pd.Series, ref_tps: float,
                   eff: sv.Efficiency, margin: float) -> pd.DataFrame:
    """The ASIC's break-even volume (tokens a year, input and output) over program cost and token mix.

    The GPU's throughput at the stated mix is the headline's (measured where measured); at other mixes
    it is moved by the model's ratio (throughput at that mix / at the stated mix) with the prompt length
    changed and the completion kept, since no measurement covers every mix."""
    hw = cal.hardware(ref_row, p.precision)
    base_wl = sv.Workload(float(p.input_tokens), float(p.output_tokens), p.precision)
    base = sv.best_at_interactivity(arch, hw, base_wl, eff, p.tokens_per_second_per_user)["output_tokens_per_s_per_chip"]
    rows = []
    for mix in p.breakeven_mixes:
        wl = sv.Workload(float(p.output_tokens) * mix, float(p.output_tokens), p.precision)
        t = sv.best_at_interactivity(arch, hw, wl, eff, p.tokens_per_second_per_user)["output_tokens_per_s_per_chip"]
        tps = ref_tps * t / base if np.isfinite(t) and np.isfinite(base) and base > 0 else float("nan")
        if not np.isfinite(tps):
            continue
        ref_inp, _, _ = cost_inputs(p, inputs, ref_row, tps, margin, "ownership")
        gpu = float(m.cost_per_mtok(ref_inp)["total"])
        for nre in BREAKEVEN_NRE_USD:
            asic = m.asic_inputs(ref_inp, unit_cost_usd=p.asic_unit_cost_usd, partner_margin=p.partner_margin,
                                 perf_ratio=p.asic_perf_ratio, power_w=p.asic_power_w, nre_usd=nre,
                                 volume_units=p.asic_volume_units, program_years=p.asic_program_years)
            marg = float(m.cost_per_mtok(m.asic_marginal_inputs(asic))["total"])
            be = float(m.breakeven_tokens_per_year(gpu, marg, float(m.nre_per_year(nre, p.cost_of_capital,
                                                                                    p.asic_program_years))))
            rows.append({"mix": mix, "nre_usd": float(nre), "gpu_usd_per_mtok": gpu, "asic_marginal_usd_per_mtok": marg,
                         "breakeven_total_tokens_per_year": be * (1 + mix)})
    return pd.DataFrame(rows, columns=["mix", "nre_usd", "gpu_usd_per_mtok", "asic_marginal_usd_per_mtok",
                                       "breakeven_total_tokens_per_year"])


def mlperf_anchor(costs: pd.DataFrame, accelerator: str, arch: sv.Architecture | None = None,
                  architectures: pd.DataFrame | None = None, *, size_factor: float) -> dict[str, Any]:
    """The accelerator's measured cost per million output tokens in the newest MLPerf round that holds it
    for a model like the one served (the same kind, dense or MoE, and total parameters within a factor of
    `size_factor` either way, the parameter `anchor_model_size_factor`), cheapest scenario named, priced at
    the page's rental tier; None without one."""
    rows = costs[(costs["accelerator"] == accelerator) & costs["source"].astype(str).str.startswith("MLPerf")] \
        if len(costs) else costs
    if arch is not None and architectures is not None and len(rows):
        a = architectures.set_index("model")
        def like(name: object) -> bool:
            if name not in a.index:
                return False
            tot, act = float(a.loc[name, "total_params_b"]), float(a.loc[name, "active_params_b"])
            return (act >= tot) == (arch.active_b >= arch.total_b) and 1 / size_factor <= tot / arch.total_b <= size_factor
        rows = rows[rows["model"].map(like)]
    if rows.empty:
        return {"usd_per_mtok": None, "note": f"no MLPerf result for {accelerator} serving a model like this one "
                                              "in data/serving_benchmarks.csv"}
    newest = rows.loc[pd.to_datetime(rows["as_of"], errors="coerce").idxmax(), "source"]
    rows = rows[rows["source"] == newest]
    r = rows.loc[rows["usd_per_mtok"].idxmin()]
    return {"usd_per_mtok": float(r["usd_per_mtok"]),
            "note": f"{r['source']}, {r['model']}, {r['scenario']} scenario"}


def custom_chip_anchor(costs: pd.DataFrame, accelerators: pd.DataFrame, model: str, speed: float,
                       measured: pd.DataFrame | None = None) -> dict[str, Any]:
    """The measured cost per million output tokens of the newest custom chip (data/accelerators.csv, kind
    other than merchant_gpu; newest by availability, then announcement) among those with a priced measured
    run, at the model asked for where measured, nearest the stated speed; None when no custom chip's run is
    priced, the note then naming the newest custom chip measured (`measured`: the serving rows) without a
    price. Which chip anchors is a fact of the data, never a name in the code."""
    acc = accelerators[accelerators["kind"].astype(str) != "merchant_gpu"]
    date = lambda c: pd.to_datetime(acc[c], errors="coerce") if c in acc else pd.Series(pd.NaT, index=acc.index)  # noqa: E731
    when = date("available_date").fillna(date("announced_date"))
    order = list(acc.assign(_when=when).sort_values("_when", ascending=False, na_position="last")["accelerator"])
    priced = set(costs["accelerator"].dropna()) if len(costs) else set()
    chip = next((a for a in order if a in priced), None)
    if chip is None:
        seen = set(measured["accelerator"].dropna()) if measured is not None and len(measured) else set()
        newest = next((a for a in order if a in seen), None)
        return {"usd_per_mtok": None, "accelerator": None,
                "note": ("no custom chip with a priced measured run in data/serving_benchmarks.csv" if newest is None
                         else f"none priced: the newest custom chip measured, the {newest}, has no price at this page's "
                              "rental tier (data/rental_prices.csv) nor one of its own in data/serving_benchmarks.csv")}
    rows = costs[costs["accelerator"] == chip]
    same = rows[rows["model"] == model]
    rows = same if len(same) else rows
    sp = rows["tokens_per_s_per_user"].astype(float)
    i = (np.abs(np.log(sp.where(sp > 0)) - np.log(speed))).fillna(np.inf).idxmin() if sp.notna().any() else rows.index[0]
    r = rows.loc[i]
    return {"usd_per_mtok": float(r["usd_per_mtok"]), "accelerator": chip,
            "note": f"{r['accelerator']}, {r['model']}, {r['source']}"}


def fixed_share(cost: dict[str, float]) -> float:
    """Share of the cost that does not scale with served hours (capital, facility, rental)."""
    fixed = sum(cost[k] for k in ("chip_at_cost", "vendor_margin", "nre", "server_network", "facility", "rental"))
    return fixed / cost["total"]


def newest_date(inputs: Inputs, tables: tuple[str, ...]) -> str:
    dates = [inputs.tables[t]["as_of"].max() for t in tables if t in inputs.tables and "as_of" in inputs.tables[t]]
    dates = [d for d in dates if pd.notna(d)]
    return str(max(dates).date()) if dates else "n/a"


def check_speed(p: Params, inputs: Inputs) -> float | None:
    """Refuse, before any fitting, a speed per user beyond the fastest measured for the selection (this
    accelerator serving this model at this precision and prompt/completion lengths): read from the data
    rows alone, in milliseconds, where the full check would come only after the calibration. Returns
    that fastest measured speed (None when the selection has no measurement: the model alone speaks,
    and `compute` checks the speed against it after fitting)."""
    pts = analysis.measured_points(inputs.get("serving_benchmarks"), p.accelerator, p.reference_model, p.precision,
                                   float(p.input_tokens), float(p.output_tokens))
    if pts.empty:
        return None
    top = float(pts["speed"].max())
    if p.tokens_per_second_per_user > top * (1 + 1e-9):
        raise InputError(f"tokens_per_second_per_user: {p.tokens_per_second_per_user:g} is faster than "
                         f"{p.accelerator} serves {p.reference_model} in the measurements (at most about {fmt(top)} "
                         f"tokens/s per user at {p.precision.upper()}, {p.input_tokens:,} in / {p.output_tokens:,} "
                         f"out); choose a lower speed")
    return top


def compute(p: Params, inputs: Inputs) -> Result:
    """The chapter's model at the parameters `p`."""
    check_speed(p, inputs)       # cheap, before the calibration
    problems = dict(inputs.problems)
    # 1. efficiency, fitted to the measured points
    calib, eff_src = None, "fallback (no usable measurements)"
    effs = {"pooled": fallback_efficiency(p)}
    bench = inputs.get("serving_benchmarks")
    pts: list[cal.Point] = []
    if bench is not None:
        pts, skipped = cal.usable_points(bench, inputs.tables["accelerators"], inputs.tables["model_architectures"])
        try:
            calib = cal.calibrate(pts, skipped, p.memory_usable)
            effs = {k: replace(e, memory_usable=p.memory_usable) for k, e in calib.efficiencies.items()}
            eff_src = f"fitted to {calib.fit.n_points} measured points"
        except cal.CalibrationError as exc:
            problems["calibration"] = str(exc)
    sigma = p.fallback_throughput_sigma_log10
    if calib is not None:
        errs = calib.table["heldout_abs_log10_error"].dropna()
        if len(errs):
            sigma = float(np.sqrt(np.mean(errs ** 2)))
    # 2. throughput of the chosen accelerator and model at the chosen speed per user: measured first
    arch = architecture(inputs, p.reference_model)
    row = accelerator_row(inputs, p.accelerator)
    eff = efficiency_for(effs, row["vendor"], p.engine, arch)
    head = throughput_at(arch, row, p, eff, p.tokens_per_second_per_user, bench)
    tp = dict(head["serving"])
    if not np.isfinite(head["tps"]):
        top = max(head["model_max_speed"], head["measured_high"] if np.isfinite(head["measured_high"]) else 0.0)
        raise InputError(f"tokens_per_second_per_user: {p.tokens_per_second_per_user:g} is faster than "
                         f"{p.accelerator} serves {p.reference_model} in the measurements or the model (at most about "
                         f"{fmt(top)} tokens/s per user); choose a lower speed")
    tp["output_tokens_per_s_per_chip"] = head["tps"]
    tp["tokens_per_s_per_user"] = p.tokens_per_second_per_user
    hw = cal.hardware(row, p.precision)
    wl = sv.Workload(float(p.input_tokens), float(p.output_tokens), p.precision)
    top_speed = max(head["model_max_speed"], head["measured_high"] if np.isfinite(head["measured_high"]) else 0.0)
    front = sv.frontier(arch, hw, wl, eff, np.geomspace(5, max(300.0, top_speed * 1.05), 40))
    # 3. cost per token, owned and as chosen (the headline), and at each basis
    margin, period = vendor_margin(p, inputs.tables["nvidia_financials"])
    tps = tp["output_tokens_per_s_per_chip"]
    owned_inp, rent, rent_basis = cost_inputs(p, inputs, row, tps, margin, "ownership") if \
        (p.chip_price_override_usd is not None or pd.notna(row.get("price_usd"))) else (None, None, "")
    gpu_inp, rent, rent_basis = cost_inputs(p, inputs, row, tps, margin, p.pricing)
    gpu_cost = _scalars(m.cost_per_mtok(gpu_inp))
    owned_cost = _scalars(m.cost_per_mtok(owned_inp)) if owned_inp is not None else gpu_cost
    at = lambda t: float(m.cost_per_mtok({**gpu_inp, "tokens_per_s": t})["total"]) if np.isfinite(t) else float("nan")  # noqa: E731
    head.update(cost_measured=at(head["measured"]), cost_modeled=at(head["modeled"]))
    # 4. the tax as a range: company-wide GAAP margin (low), product-level estimate (high)
    own_chip_usd = (owned_inp or {}).get("price_usd")
    hi_margin, hi_basis = product_margin(inputs.get("vendor_margins"), p.accelerator, own_chip_usd,
                                         str(row.get("vendor") or p.claimant_vendor))
    gaap, _ = analysis.vendor_margin_from_data(inputs.tables["nvidia_financials"])
    tax_low = float(m.cost_per_mtok({**(owned_inp or gpu_inp), "vendor_margin": gaap})["tax_share"])
    tax_high = None if hi_margin is None else float(m.cost_per_mtok({**(owned_inp or gpu_inp),
                                                                     "vendor_margin": hi_margin})["tax_share"])
    # 5. the hypothetical ASIC against a GPU of its own time (owned)
    ref_row = accelerator_row(inputs, p.asic_reference_accelerator)
    ref_head = throughput_at(arch, ref_row, p, efficiency_for(effs, ref_row["vendor"], p.engine, arch),
                             p.tokens_per_second_per_user, bench)
    ref_tp = ref_head["tps"]
    ref_inp, _, _ = cost_inputs(p, inputs, ref_row, ref_tp, margin, "ownership")
    ref_cost = float(m.cost_per_mtok(ref_inp)["total"])
    asic = m.asic_inputs(ref_inp, unit_cost_usd=p.asic_unit_cost_usd, partner_margin=p.partner_margin,
                         perf_ratio=p.asic_perf_ratio, power_w=p.asic_power_w, nre_usd=p.asic_nre_usd,
                         volume_units=p.asic_volume_units, program_years=p.asic_program_years)
    asic_cost = _scalars(m.cost_per_mtok(asic))
    asic_marg = float(m.cost_per_mtok(m.asic_marginal_inputs(asic))["total"])
    nre_annual = float(m.nre_per_year(p.asic_nre_usd, p.cost_of_capital, p.asic_program_years))
    breakeven = float(m.breakeven_tokens_per_year(ref_cost, asic_marg, nre_annual))
    program_tokens = asic_cost["tokens_per_s"] * 3600 * m.HOURS_PER_YEAR * p.utilization * p.asic_volume_units
    # 6. uncertainty: the model's held-out error, and its structural alternatives (overhead form,
    # precision labelling, engine family), enter the throughput's range
    # each variant judged against the measured frontier (a miss beyond p.variant_max_miss drops it) and every
    # throughput, variant or draw, clipped to [measured floor, roofline and memory ceiling]
    clip = (head["floor"], head["ceiling"])
    all_variants = structural_variants(p, inputs, pts, effs, arch, row, head["frontier"], *clip) \
        if calib is not None else pd.DataFrame(columns=VARIANT_COLUMNS)
    all_variants["usd_per_mtok"] = [at(t) for t in all_variants["tokens_per_s_per_chip"]]
    variants = all_variants[all_variants["kept"].astype(bool)].reset_index(drop=True)
    dropped = all_variants[~all_variants["kept"].astype(bool)].reset_index(drop=True)
    ranges = uncertainty_ranges(p, gpu_inp, sigma, head["basis"], variants["tokens_per_s_per_chip"].to_numpy(float),
                                clip=clip)
    mc = m.monte_carlo(gpu_inp, ranges, p.mc_draws, p.seed, clip={"tokens_per_s": clip})
    # 7. accelerators compared, modeled and measured
    comp = accelerator_comparison(p, inputs, effs, margin, (p.reference_model, p.moe_model), p.tokens_per_second_per_user)
    costs = measured_costs(bench, inputs.get("rental_prices"), p.rental_tier)
    vendors = dict(zip(inputs.tables["accelerators"]["accelerator"], inputs.tables["accelerators"]["vendor"]))
    footings = analysis.c4_footings(costs, vendors, claimant=p.claimant_vendor,
                                    min_accelerators=p.min_accelerators_compared)
    tco, tco_src = owner_tco(inputs.get("rental_prices"), p.accelerator)
    owned_hour = None
    if owned_inp is not None:
        k = m.slider_constants(owned_inp)
        owned_hour = float((owned_inp["price_usd"] + owned_inp["server_network_usd"]) * k["crf"] / m.HOURS_PER_YEAR
                           + k["facility_per_year"] / m.HOURS_PER_YEAR + k["kw"] * k["pue"] * p.electricity_usd_per_kwh)
    # 8. market, volumes, utilization evidence
    prices = inputs.get("api_prices")
    io = p.input_tokens / p.output_tokens
    hosts = (market.host_prices(prices, p.reference_model, io, inputs.get("api_hosts")) if prices is not None
             else pd.DataFrame())
    vols = analysis.annual_token_volumes(inputs.get("token_volumes"), io) if inputs.get("token_volumes") is not None \
        else pd.DataFrame(columns=["provider", "output_tokens_per_year"])
    per_co = analysis.largest_per_provider(vols)
    util = inputs.get("utilization_evidence")
    price = price_trend(p, inputs)
    # 9. the ASIC's break-even over its program cost and the token mix, and the NRE at which it flips
    # against the reference workload (C7's first test)
    be_grid = breakeven_grid(p, inputs, arch, ref_row, ref_tp, efficiency_for(effs, ref_row["vendor"], p.engine, arch),
                             margin)
    ref_vol = reference_volume(inputs.get("token_volumes"), p.breakeven_reference_provider,
                               p.breakeven_reference_product)
    flip_nre = (analysis.nre_at_parity(p, ref_cost, asic_marg, ref_vol["tokens_per_year"] / (1 + io))
                if ref_vol["tokens_per_year"] is not None else None)
    # 10. a long-input workload beside the stated one, and the newest custom chip with a priced measured run
    # as a measured custom-chip anchor
    long_in = throughput_at(arch, row, p, eff, p.tokens_per_second_per_user, bench, *LONG_WORKLOAD)
    long_cost = at(long_in["tps"])
    anchor = custom_chip_anchor(costs, inputs.tables["accelerators"], p.reference_model, p.tokens_per_second_per_user,
                                bench)
    mlperf = mlperf_anchor(costs, p.accelerator, arch, inputs.tables["model_architectures"],
                           size_factor=p.anchor_model_size_factor)
    extras = {
        "margin_for_half": analysis.margin_for_tax_share(owned_cost, 0.5),
        "perf_at_parity": perf_ratio_at_parity(p, ref_inp, ref_cost),
        "half_u_cost": analysis.cost_ratio_at_utilization(gpu_inp, 0.5),
        "nre_at_parity": analysis.nre_at_parity(p, ref_cost, asic_marg, float(program_tokens)),
        "owned_usd_per_chip_hour": owned_hour, "tco_usd_per_chip_hour": tco, "tco_source": tco_src,
        "head": head, "ref_head": ref_head, "variants": variants, "variants_dropped": dropped, "footings": footings,
        "points_usable": pts, "breakeven_grid": be_grid, "reference_volume": ref_vol, "flip_nre": flip_nre,
        "long_input": long_in, "long_input_cost": long_cost, "custom_chip_anchor": anchor, "mlperf_anchor": mlperf,
        "arch": arch, "hw": hw, "wl": wl, "vendors": vendors,
    }
    return Result(
        p=p, calibration=calib, efficiency=eff, efficiencies=effs, efficiency_source=eff_src, serving=tp, frontier=front,
        gpu=gpu_inp, gpu_cost=gpu_cost, gpu_cost_owned=owned_cost, margin=margin, margin_period=period,
        margin_high=hi_margin, margin_high_basis=hi_basis, tax_low=tax_low, tax_high=tax_high,
        rental_usd=rent, rental_basis=rent_basis, asic=asic, asic_cost=asic_cost, asic_marginal_mtok=asic_marg,
        asic_reference_cost=ref_cost, nre_annual_usd=nre_annual, breakeven_tokens_per_year=breakeven,
        program_tokens_per_year=float(program_tokens), elasticity=float(m.utilization_elasticity(gpu_inp)),
        fixed_share=fixed_share(gpu_cost), tornado=m.tornado(gpu_inp, ranges), mc_total=np.asarray(mc["total"]),
        mc=m.percentiles(mc["total"]), throughput_sigma_log10=sigma, comparison=comp, measured_costs=costs,
        cheapest_measured=cheapest_measured(costs, footings), cheapest_model=cheapest(comp, p.reference_model, "ownership"),
        hosts=hosts, volumes=vols, per_company=per_co,
        utilization_evidence=util if util is not None else pd.DataFrame(), price=price, problems=problems,
        data_as_of=newest_date(inputs, ("accelerators", "serving_benchmarks", "rental_prices", "nvidia_financials",
                                        "api_prices", "token_volumes")),
        extras=extras,
    )


def perf_ratio_at_parity(p: Params, ref_inp: dict[str, Any], ref_cost: float,
                         lo: float = 0.01, hi: float = 10.0) -> float | None:
    """ASIC performance relative to its reference GPU below which the program (one-off cost included)
    no longer beats buying that GPU: bisection on log(ratio), cost falls as performance rises."""
    def f(ratio: float) -> float:
        a = m.asic_inputs(ref_inp, unit_cost_usd=p.asic_unit_cost_usd, partner_margin=p.partner_margin,
                          perf_ratio=ratio, power_w=p.asic_power_w, nre_usd=p.asic_nre_usd,
                          volume_units=p.asic_volume_units, program_years=p.asic_program_years)
        return float(m.cost_per_mtok(a)["total"]) - ref_cost
    if f(hi) > 0:
        return None
    if f(lo) <= 0:
        return lo
    a_, b_ = np.log(lo), np.log(hi)
    for _ in range(60):
        mid = (a_ + b_) / 2
        a_, b_ = (mid, b_) if f(float(np.exp(mid))) > 0 else (a_, mid)
    return float(np.exp(b_))


def price_trend(p: Params, inputs: Inputs) -> dict[str, Any]:
    """The market decline at fixed capability (see `price_trend`): every threshold x basis, and the
    headline threshold chosen by the parameters (added to the defaults when it is not among them)."""
    prices, scores, models = inputs.get("api_prices"), inputs.get("benchmark_scores"), inputs.get("models")
    if prices is None or scores is None or models is None:
        missing = [n for n in ("api_prices", "benchmark_scores", "models") if inputs.get(n) is None]
        return {"result": None, "problem": "missing tables: " + ", ".join(missing)}
    head = (p.price_benchmark, p.price_threshold_model)
    thresholds = pt.DEFAULT_THRESHOLDS if head in pt.DEFAULT_THRESHOLDS else pt.DEFAULT_THRESHOLDS + (head,)
    bases = tuple(dict.fromkeys(pt.DEFAULT_BASES + (p.price_basis,)))
    try:
        res = pt.price_trend_result(prices, models, scores, thresholds=thresholds, bases=bases,
                                    headline=(p.price_benchmark, p.price_threshold_model, p.price_basis),
                                    published=inputs.get("published_rates"))
    except (KeyError, ValueError) as exc:
        return {"result": None, "problem": str(exc)}
    decomp = pt.decline_decomposition(res, res.headline, inputs.tables["accelerators"], models)
    return {"result": res, "problem": None, "headline": pt.headline_row(res), "decomposition": decomp}


# --------------------------------------------------------------------------------------------------
# Words and numbers for the page


def usd(x: float | None, sig: int = 2) -> str:
    return "n/a" if x is None or not np.isfinite(x) else "$" + fmt(x, sig=sig)


def tax_size_word(low: float, high: float | None) -> str:
    """How large the tax is, from its range: the words follow the numbers (thresholds stated here).

    Below a tenth of the cost at its upper end: small. Above half at its lower end: most of the cost.
    Otherwise: a large share but not most of it (when the upper end stays at or below half), or a share
    that may or may not be most of it (when the range straddles one half)."""
    top = low if high is None else max(low, high)
    if top < 0.10:
        return "a small part of a token's cost"
    if low > 0.5:
        return "most of a token's cost"
    if top <= 0.5:
        return "a large share of a token's cost, though not most of it"
    return "a large share of a token's cost, and possibly most of it"


def lever_word(tornado: pd.DataFrame, key: str) -> str:
    """Where an input ranks among the tornado's swings: 'the biggest lever', 'the second-biggest lever' ..."""
    keys = list(tornado["key"])
    if key not in keys:
        return "not among the inputs varied"
    rank = keys.index(key) + 1
    ordinal = {1: "the biggest", 2: "the second-biggest", 3: "the third-biggest"}.get(rank, f"number {rank}")
    return f"{ordinal} of the {len(keys)} inputs varied"


def small_inputs(tornado: pd.DataFrame, share: float = 0.1) -> list[str]:
    """Inputs whose full swing moves the cost by less than `share` of the base cost."""
    base = float(tornado["base"].iloc[0])
    return [str(x).lower() for x in tornado.loc[tornado["swing"] < share * base, "input"]]


def compare_word(a: float, b: float, tol: float = 0.05) -> str:
    """'cheaper than', 'dearer than' or 'about the same as' (within `tol`), for a against b."""
    if not (np.isfinite(a) and np.isfinite(b)):
        return "not comparable with"
    if a < b * (1 - tol):
        return "cheaper than"
    if a > b * (1 + tol):
        return "dearer than"
    return "about the same as"


def level_word(a: float, b: float, tol: float = 0.05) -> str:
    """'below', 'above' or 'about the same as' (within `tol`), for a against b."""
    if not (np.isfinite(a) and np.isfinite(b)):
        return "not comparable with"
    return "below" if a < b * (1 - tol) else "above" if a > b * (1 + tol) else "about the same as"


def calibration_verdict(cal_: cal.Calibration | None, p: Params) -> str:
    """Whether the held-out errors meet the targets (the parameters calibration_target_median_miss and
    calibration_target_share_within_2x), with the targets in words."""
    if cal_ is None:
        return "not checked against measurements (none usable in the data)"
    ok = (cal_.heldout_median_abs_log10_error <= np.log10(p.calibration_target_median_miss)
          and cal_.heldout_share_within_2x >= p.calibration_target_share_within_2x)
    targets = (f"the book's targets (held-out median miss within ×{fmt(p.calibration_target_median_miss)}, at least "
               f"{fmt(p.calibration_target_share_within_2x, pct=True)} of points within ×2)")
    return ("within " if ok else "outside ") + targets


def vendor_of(r: Result, accelerator: object) -> str | None:
    """The vendor of an accelerator, from data/accelerators.csv (its `vendor` column); None when unknown."""
    return (r.extras.get("vendors") or {}).get(accelerator) if accelerator else None


def fallback_efficiency(p: Params) -> sv.Efficiency:
    """The efficiency used when the measured table is missing or too small to fit (parameters fallback_*)."""
    return sv.Efficiency(p.fallback_mbu, p.fallback_mfu, p.fallback_overhead_ms, p.memory_usable)


def texts(r: Result) -> dict[str, str]:
    p = r.p
    c = r.calibration
    t: dict[str, str] = {
        "accelerator": p.accelerator, "model": p.reference_model, "moe_model": p.moe_model,
        "asic_reference": p.asic_reference_accelerator, "pricing": p.pricing,
        "accelerator_with_article": analysis.with_article(p.accelerator),
        "efficiency_source": r.efficiency_source,
        "engine_family": engine_family(vendor_of(r, p.accelerator), p.engine)
        if len(r.efficiencies) > 1 else "all engines pooled",
        "mbu": fmt(r.efficiency.mbu, pct=True), "mfu": fmt(r.efficiency.mfu, pct=True),
        "overhead": fmt(r.efficiency.overhead_ms, unit="ms"),
        "speed": fmt(p.tokens_per_second_per_user), "io": f"{p.input_tokens:,} in / {p.output_tokens:,} out",
        "chips_per_replica": fmt(r.serving["chips_per_replica"]), "batch": fmt(r.serving["batch"]),
        "margin": fmt(r.margin, pct=True), "margin_period": r.margin_period,
        "margin_high": fmt(r.margin_high, pct=True) if r.margin_high is not None else "n/a",
        "margin_high_basis": r.margin_high_basis,
        "tax_size": tax_size_word(r.tax_low, r.tax_high),
        "utilization": fmt(p.utilization, pct=True),
        "fixed_share": fmt(r.fixed_share, pct=True),
        "utilization_rank": lever_word(r.tornado, "utilization"),
        "top_input": str(r.tornado["input"].iloc[0]).lower(),
        "elasticity_abs": f"{fmt(abs(r.elasticity))}%",
        "small_inputs": ", ".join(small_inputs(r.tornado)) or "none",
        "calibration_verdict": calibration_verdict(c, p),
        "asic_vs_ref": compare_word(r.asic_cost["total"], r.asic_reference_cost),
        "rental": usd(r.rental_usd) + " per chip-hour" if r.rental_usd is not None else "no sourced rental price",
        "rental_basis": r.rental_basis,
        "cheapest_measured": r.cheapest_measured["accelerator"] or "none (too few priced measurements)",
        "cheapest_measured_footing": (f"{r.cheapest_measured['model']}, {r.cheapest_measured['source']}, "
                                      f"{r.cheapest_measured['scenario']} scenario, {r.cheapest_measured['n']} accelerators"
                                      if r.cheapest_measured["accelerator"] else "no footing with two priced accelerators"),
        "cheapest_model": r.cheapest_model["accelerator"] or "none",
        "cheapest_model_runner_up": r.cheapest_model["runner_up"] or "none",
        "cheapest_model_gap": (fmt(r.cheapest_model["margin"] - 1, pct=True) if np.isfinite(r.cheapest_model["margin"])
                               else "n/a"),
        "data_as_of": r.data_as_of,
    }
    ue = r.utilization_evidence
    if len(ue):
        row = ue.iloc[0]
        t["utilization_measured_who"] = (f"{row['operator']} ({row['metric']}, {row['period_start'].date()} to "
                                         f"{row['period_end'].date()}{', self-reported' if row['self_reported'] else ''})")
        t["utilization_measured_vs_default"] = level_word(float(row["value"]), p.utilization)
    else:
        t.update(utilization_measured_who="no operator in the data",
                 utilization_measured_vs_default="not comparable with")
    t["vendor_claim_measured"] = footing_split_word(r.extras["footings"])
    t.update(measured_texts(r))
    t["vendor_claim_model"] = ("holds" if vendor_of(r, r.cheapest_model["accelerator"]) == p.claimant_vendor else
                               "does not hold" if r.cheapest_model["accelerator"] else "cannot be tested")
    if c is not None:
        t["calibration_sources"] = fmt(c.n_sources)
        t["skipped"] = fmt(len(c.skipped))
    hosts = r.hosts
    if len(hosts):
        col = hosts["usd_per_mtok_with_prompt"]
        t["host_min"], t["host_max"], t["host_median"] = usd(col.min()), usd(col.max()), usd(col.median())
        t["n_hosts"] = fmt(len(hosts))
        t["model_vs_hosts"] = ("below the cheapest host" if r.gpu_cost["total"] < col.min() else
                               "above the dearest host" if r.gpu_cost["total"] > col.max() else "inside the hosts' range")
    else:
        t.update(host_min="n/a", host_max="n/a", host_median="n/a", n_hosts="0", model_vs_hosts="not comparable (no host prices)")
    h = r.price.get("headline")
    if h is not None and np.isfinite(h["per_year"]):
        t["price_decline"] = (f"×{fmt(h['per_year'])} cheaper per year (90% interval ×{fmt(h['low'])} to "
                              f"×{fmt(h['high'])}), fitted on {int(h['points_fitted'])} new lows")
        t["price_threshold"] = f"{h['threshold_label']}, {pt.BASIS_LABELS[h['basis']]}"
    else:
        t["price_decline"] = "not measurable at this threshold: " + (r.price.get("problem") or "too few new lows")
        t["price_threshold"] = f"{p.price_benchmark} at {p.price_threshold_model}'s score"
    d = r.price.get("decomposition")
    if d is not None and d["share_of_decline"].notna().all():
        hw, size, rest = (d.iloc[i] for i in range(3))
        t["decline_sources"] = (f"cheaper hardware per FLOP explains about {fmt(hw['share_of_decline'], pct=True)} of the "
                                f"decline (×{fmt(hw['per_year'])} a year, {int(hw['points'])} chips), smaller models "
                                f"about {fmt(size['share_of_decline'], pct=True)} (×{fmt(size['per_year'])} a year, "
                                f"{int(size['points'])} open-weights models with a published size), and the rest, "
                                f"{fmt(rest['share_of_decline'], pct=True)}, is margin, utilization and software together")
    else:
        t["decline_sources"] = ("the data cannot split it at this threshold (the models setting the new lows "
                                "do not publish their size, or too few chips have a price)")
    x = r.extras
    t["margin_for_half"] = (f"rises to {fmt(x['margin_for_half'], pct=True)}" if x["margin_for_half"] < 1
                            else "would have to exceed 100%, which it cannot")
    t["perf_parity"] = (f"falls below {fmt(x['perf_at_parity'])}× the {p.asic_reference_accelerator}'s"
                        if x["perf_at_parity"] else "is at any ratio up to 10× the GPU's: it never pays for itself")
    t["half_u_cost"] = fmt(x["half_u_cost"])
    t["owned_hour"] = usd(x["owned_usd_per_chip_hour"], 3)
    t["tco_hour"] = usd(x["tco_usd_per_chip_hour"], 3)
    t["owned_vs_tco"] = (compare_word(x["owned_usd_per_chip_hour"], x["tco_usd_per_chip_hour"], tol=0.15)
                         if x["owned_usd_per_chip_hour"] and x["tco_usd_per_chip_hour"] else "not comparable with")
    t["half_u"] = fmt(p.utilization / 2, pct=True)
    t["nre_parity"] = usd(x["nre_at_parity"])
    above = r.per_company[r.per_company["output_tokens_per_year"] >= r.breakeven_tokens_per_year] \
        if len(r.per_company) else r.per_company
    t["n_above"] = fmt(len(above))
    t["n_reporters"] = fmt(len(r.per_company))
    t["above_names"] = ", ".join(above["provider"]) if len(above) else "none"
    return t


def measured_summary(r: Result) -> dict[str, Any]:
    """What the measurements say about the headline: the measured cost where the frontier covers the
    speed; else, when every measured point is faster than asked, the cost at the slowest measured point
    as an upper bound (throughput per chip only falls as speed rises); the model's ratio to the
    measurement at the speed compared; the fastest speed measured and modeled."""
    x = r.extras
    h = x["head"]
    front = h["frontier"]
    out = {"bound": None, "compare_speed": None, "model_ratio": None, "sources": ""}
    if len(front):
        out["sources"] = ", ".join(sorted(set(map(str, h["points"]["source"]))))
    at = lambda t: float(m.cost_per_mtok({**r.gpu, "tokens_per_s": t})["total"])  # noqa: E731
    if h["basis"] == "measured":
        out["compare_speed"] = r.p.tokens_per_second_per_user
        if np.isfinite(h["modeled"]):
            out["model_ratio"] = h["modeled"] / h["measured"]
    elif h["status"] == "below" and len(front):
        slow = front.iloc[0]
        out["bound"] = at(float(slow["tps"]))
        out["compare_speed"] = float(slow["speed"])
        arch = architecture_from(r)
        if arch is not None:
            row, hw, wl = arch
            t = sv.best_at_interactivity(row[0], hw, wl, r.efficiency, float(slow["speed"]))["output_tokens_per_s_per_chip"]
            if np.isfinite(t):
                out["model_ratio"] = t / float(slow["tps"])
    out["max_measured"] = h["measured_high"] if np.isfinite(h["measured_high"]) else None
    out["max_model"] = h["model_max_speed"]
    out["max_speed"] = max(out["max_model"], out["max_measured"] or 0.0)
    return out


def architecture_from(r: Result):
    """(arch tuple, hardware, workload) of the headline, for re-evaluating the model (None if absent)."""
    a = r.extras.get("arch")
    if a is None:
        return None
    return (a,), r.extras["hw"], r.extras["wl"]


def footing_split_word(footings: pd.DataFrame, column: str = "claimant_cheapest") -> str:
    """'holds on every footing', 'holds on none of the footings', 'holds on 4 of 6 footings (split)'."""
    n = len(footings)
    if n == 0:
        return "cannot be tested (no footing compares three priced accelerators with a rival's among them)"
    k = int(footings[column].sum())
    if k == n:
        return f"holds on every one of the {n} qualifying footings"
    if k == 0:
        return f"holds on none of the {n} qualifying footings"
    return f"holds on {k} of the {n} qualifying footings, not on the other {n - k}: the measurements split"


def measured_texts(r: Result) -> dict[str, str]:
    """Sentences on what is measured and what is modeled, generated from the results."""
    x, p = r.extras, r.p
    h = x["head"]
    ms = measured_summary(r)
    speed = fmt(p.tokens_per_second_per_user)
    if h["basis"] == "measured":
        basis = (f"measured: {p.accelerator}'s measured frontier ({ms['sources']}) read at {speed} tokens/s per user, "
                 f"between measured points")
    elif h["status"] == "below" and h.get("bounded"):
        basis = (f"modeled, bounded by measurement: the measured frontier for {p.accelerator} ({ms['sources']}) runs from "
                 f"{fmt(h['measured_low'])} to {fmt(h['measured_high'])} tokens/s per user, none as slow as {speed}, and "
                 f"the book does not extrapolate it; since throughput per chip only falls as speed rises, the "
                 f"measurement bounds the cost at {speed} from above at {usd(ms['bound'])}, and the model's "
                 f"{usd(h['cost_modeled'])} lies above that bound, so the headline is the bound")
    elif h["status"] == "below":
        basis = (f"modeled: the measured frontier for {p.accelerator} ({ms['sources']}) runs from "
                 f"{fmt(h['measured_low'])} to {fmt(h['measured_high'])} tokens/s per user, none as slow as {speed}, and "
                 f"the book does not extrapolate it; since throughput per chip only falls as speed rises, the "
                 f"measurement bounds the cost at {speed} from above at {usd(ms['bound'])}")
    elif h["status"] == "above":
        basis = (f"modeled: the measured frontier for {p.accelerator} ({ms['sources']}) ends at "
                 f"{fmt(h['measured_high'])} tokens/s per user, slower than {speed}; past it only the model speaks")
    else:
        basis = (f"modeled: no measured frontier for {p.accelerator} serving {p.reference_model} at "
                 f"{p.precision.upper()}, {p.input_tokens:,} in / {p.output_tokens:,} out, is in the data")
    if ms["model_ratio"]:
        ratio = ms["model_ratio"]
        gap = (f"At {fmt(ms['compare_speed'])} tokens/s per user the model serves {fmt(ratio)}× the measured throughput "
               f"per chip: " + ("it is optimistic there. The roofline assumes each speed is served at the largest "
                                "batch that keeps it, while a measured sweep tries a few concurrencies, and real engines "
                                "lose time to scheduling and communication the model folds into its fitted overheads"
                                if ratio > 1.1 else
                                "it is pessimistic there: the engines measured beat the efficiency fitted across all sources"
                                if ratio < 0.9 else "the two agree within 10%") + ".")
    else:
        gap = "No measurement of this chip, model and workload can be set beside the model."
    f = x["footings"]
    split = footing_split_word(f)
    fast = footing_split_word(f, "claimant_fastest")
    newest = newest_footing_sentence(f)
    li = x["long_input"]
    long_txt = (f"{usd(x['long_input_cost'])} per million output tokens ({li['basis']}"
                + (f", frontier {fmt(li['measured_low'])} to {fmt(li['measured_high'])} tokens/s per user"
                   if len(li["frontier"]) else "") + ")") if np.isfinite(x["long_input_cost"]) else \
        "beyond what the model or the measurements serve at this speed"
    anchor = x["custom_chip_anchor"]
    flip = x["flip_nre"]
    return {
        "cost_basis_sentence": basis, "model_gap_sentence": gap, "c4_split": split, "c4_fastest_split": fast,
        "c4_newest": newest, "long_input": long_txt,
        "long_workload": f"{int(LONG_WORKLOAD[0]):,} in / {int(LONG_WORKLOAD[1]):,} out",
        "custom_chip_anchor": (f"{usd(anchor['usd_per_mtok'])} per million output tokens ({anchor['note']})"
                       if anchor["usd_per_mtok"] is not None else anchor["note"]),
        "flip_nre": usd(flip) if flip is not None else "n/a",
        "mlperf_anchor": (f"{usd(x['mlperf_anchor']['usd_per_mtok'])} per million output tokens ({x['mlperf_anchor']['note']})"
                          if x["mlperf_anchor"]["usd_per_mtok"] is not None else x["mlperf_anchor"]["note"]),
        "flip_reference": x["reference_volume"]["name"],
        "asic_nre": usd(p.asic_nre_usd),
        "flip_vs_nre": ("below" if flip is not None and flip < p.asic_nre_usd else "above") if flip is not None else "n/a",
        "structural_range": (f"{usd(x['variants']['usd_per_mtok'].min())} to {usd(x['variants']['usd_per_mtok'].max())}"
                             if len(x["variants"]) else "n/a"),
        "variants_dropped": variants_dropped_sentence(x["variants_dropped"], x["head"], p.variant_max_miss),
        "max_speed_sentence": (f"the model serves {p.reference_model} on {p.accelerator} up to {fmt(ms['max_model'])} "
                               "tokens/s per user" + (f", the measurements up to {fmt(ms['max_measured'])}"
                                                      if ms["max_measured"] else "")),
    }


def glue_values(r: Result) -> dict[str, tuple[Any, dict[str, Any]]]:
    """Every number the page and other chapters read: key -> (value, formatting options for nb.glue)."""
    p, c = r.p, r.calibration
    be = r.breakeven_tokens_per_year
    finite = np.isfinite(be)
    io = p.input_tokens / p.output_tokens
    above = r.per_company[r.per_company["output_tokens_per_year"] >= be] if len(r.per_company) else r.per_company
    pv = pt.glue_values(r.price["result"]) if r.price.get("result") is not None else {}
    fin = lambda k: pv.get(k) if pv.get(k) is not None and np.isfinite(pv.get(k)) else None  # noqa: E731
    out: dict[str, tuple[Any, dict[str, Any]]] = {
        "cost_per_mtok_gpu_usd": (r.gpu_cost["total"], {"text": usd(r.gpu_cost["total"])}),
        # read by the flywheel (fleet life) and the ledger (C7's wording): see contract.py
        "depreciation_years": (p.depreciation_years, {"unit": "years"}),
        # the vendor whose claim C4 tests: the claims ledger reads it (one owner, see contract.py)
        "claimant_vendor": (p.claimant_vendor, {"text": p.claimant_vendor}),
        "asic_reference_accelerator": (p.asic_reference_accelerator, {"text": p.asic_reference_accelerator}),
        "asic_nre_at_parity_usd": (r.extras["nre_at_parity"], {"text": usd(r.extras["nre_at_parity"])}),
        "asic_nre_usd": (p.asic_nre_usd, {"text": usd(p.asic_nre_usd)}),
        "cost_per_mtok_all_tokens_usd": (r.cost_all_tokens, {"text": usd(r.cost_all_tokens)}),
        "tokens_per_second_per_chip": (r.serving["output_tokens_per_s_per_chip"], {"unit": "output tokens/s"}),
        "calibration_points": (c.fit.n_points if c else 0, {}),
        "calibration_median_abs_log10_error": (c.median_abs_log10_error if c else None,
                                               {"text": f"×{fmt(10 ** c.median_abs_log10_error)}" if c else "n/a"}),
        "calibration_heldout_median_abs_log10_error": (
            c.heldout_median_abs_log10_error if c else None,
            {"text": f"×{fmt(10 ** c.heldout_median_abs_log10_error)}" if c else "n/a"}),
        "calibration_share_within_2x": (c.share_within_2x if c else None, {"pct": True}),
        "calibration_heldout_share_within_2x": (c.heldout_share_within_2x if c else None, {"pct": True}),
        "tax_share_gpu": (r.gpu_cost_owned["tax_share"], {"pct": True}),
        "tax_share_gpu_low": (r.tax_low, {"pct": True}),
        "tax_share_gpu_high": (r.tax_high, {"pct": True} if r.tax_high is not None else {"text": "n/a"}),
        "cost_per_mtok_asic_usd": (r.asic_cost["total"], {"text": usd(r.asic_cost["total"])}),
        "cost_per_mtok_asic_reference_usd": (r.asic_reference_cost, {"text": usd(r.asic_reference_cost)}),
        "cost_per_mtok_asic_marginal_usd": (r.asic_marginal_mtok, {"text": usd(r.asic_marginal_mtok)}),
        "asic_nre_per_year_usd": (r.nre_annual_usd, {"text": usd(r.nre_annual_usd)}),
        "breakeven_tokens_per_year": (be if finite else None,
                                      {"text": fmt(be) if finite else "no volume (the ASIC is not cheaper per token)"}),
        "breakeven_total_tokens_per_year": (be * (1 + io) if finite else None,
                                            {"text": fmt(be * (1 + io)) if finite else "no volume"}),
        "program_tokens_per_year": (r.program_tokens_per_year, {}),
        "n_reporters_above_breakeven": (len(above), {}),
        "cheapest_accelerator_measured": (r.cheapest_measured["accelerator"],
                                          {"text": r.cheapest_measured["accelerator"] or "none"}),
        "cheapest_accelerator_model": (r.cheapest_model["accelerator"], {"text": r.cheapest_model["accelerator"] or "none"}),
        "cheapest_measured_n": (r.cheapest_measured["n"], {}),
        "utilization_elasticity": (r.elasticity, {"text": f"{fmt(r.elasticity)}% per percentage point"}),
        "fixed_cost_share": (r.fixed_share, {"pct": True}),
        "mc_p10_usd": (r.mc["p10"], {"text": usd(r.mc["p10"])}),
        "mc_p50_usd": (r.mc["p50"], {"text": usd(r.mc["p50"])}),
        "mc_p90_usd": (r.mc["p90"], {"text": usd(r.mc["p90"])}),
        "price_decline_per_year": (fin("price_decline_per_year"),
                                   {"text": f"×{fmt(fin('price_decline_per_year'))}" if fin("price_decline_per_year") else "n/a"}),
        "price_decline_low": (fin("price_decline_low"),
                              {"text": f"×{fmt(fin('price_decline_low'))}" if fin("price_decline_low") else "n/a"}),
        "price_decline_high": (fin("price_decline_high"),
                               {"text": f"×{fmt(fin('price_decline_high'))}" if fin("price_decline_high") else "n/a"}),
        "price_points_fitted": (pv.get("price_points_fitted", 0), {}),
        "price_events_dated": (pv.get("price_events_dated", 0), {}),
        "rental_usd_per_chip_hour": (r.rental_usd, {"text": usd(r.rental_usd, 3)}),
        "margin_used": (r.margin, {"pct": True}),
        "mbu_fitted": (r.efficiency.mbu, {"pct": True}),
        "mfu_fitted": (r.efficiency.mfu, {"pct": True}),
        "overhead_ms_fitted": (r.efficiency.overhead_ms, {"unit": "ms"}),
        "throughput_sigma_log10": (r.throughput_sigma_log10, {}),
        "cost_point_share_of_draws": (analysis.share_of_draws_below(r.gpu_cost["total"], r.mc_total), {"pct": True}),
        "asic_perf_ratio_at_parity": (r.extras["perf_at_parity"], {}),
        "margin_for_half_tax": (r.extras["margin_for_half"], {"pct": True}),
        "owned_usd_per_chip_hour": (r.extras["owned_usd_per_chip_hour"], {"text": usd(r.extras["owned_usd_per_chip_hour"], 3)}),
        "utilization_measured": (float(r.utilization_evidence["value"].iloc[0]) if len(r.utilization_evidence) else None,
                                 {"pct": True} if len(r.utilization_evidence) else {"text": "n/a"}),
        "utilization_measured_n": (len(r.utilization_evidence), {}),
    }
    out.update(measured_glue(r))
    return out


def measured_glue(r: Result) -> dict[str, tuple[Any, dict[str, Any]]]:
    """The keys of measurement-first pricing, C4 on every footing, the ASIC's flip and the long input."""
    x, p = r.extras, r.p
    h = x["head"]
    ms = measured_summary(r)
    pts = x["points_usable"]
    f = x["footings"]
    var = x["variants"]
    vfin = var["usd_per_mtok"][np.isfinite(var["usd_per_mtok"])] if len(var) else pd.Series(dtype=float)
    opt = lambda v, **k: (v, k if v is not None and np.isfinite(v) else {"text": "n/a"})  # noqa: E731
    fin = lambda v: float(v) if v is not None and np.isfinite(v) else None  # noqa: E731
    newest = f.iloc[0] if len(f) else None
    li = x["long_input"]
    return {
        "cost_basis": (h["basis"], {"text": "modeled, bounded by measurement" if h.get("bounded") else h["basis"]}),
        "cost_per_mtok_measured_usd": opt(fin(h["cost_measured"]), text=usd(h["cost_measured"])),
        "cost_per_mtok_model_usd": opt(fin(h["cost_modeled"]), text=usd(h["cost_modeled"])),
        "cost_per_mtok_measured_bound_usd": opt(fin(ms["bound"]), text=usd(ms["bound"])),
        "model_to_measured_ratio": opt(fin(ms["model_ratio"]), text=f"×{fmt(ms['model_ratio'])}" if ms["model_ratio"] else "n/a"),
        "serving_points_usable": (len(pts), {}),
        "serving_accelerators": (len({q.accelerator for q in pts}), {}),
        "serving_models": (len({q.model for q in pts}), {}),
        "max_tokens_per_second_per_user": (ms["max_speed"], {"unit": "tokens/s per user"}),
        "max_tokens_per_second_per_user_model": opt(fin(ms["max_model"]), unit="tokens/s per user"),
        "max_tokens_per_second_per_user_measured": opt(fin(ms["max_measured"]), unit="tokens/s per user"),
        "measured_speed_low": opt(fin(h["measured_low"]), unit="tokens/s per user"),
        "cost_structural_low_usd": opt(fin(vfin.min()) if len(vfin) else None, text=usd(vfin.min()) if len(vfin) else "n/a"),
        "cost_structural_high_usd": opt(fin(vfin.max()) if len(vfin) else None, text=usd(vfin.max()) if len(vfin) else "n/a"),
        "c4_footings": (len(f), {}),
        "min_accelerators_compared": (p.min_accelerators_compared, {}),
        "c4_footings_claimant_cheapest": (int(f["claimant_cheapest"].sum()) if len(f) else 0, {}),
        "c4_footings_claimant_fastest": (int(f["claimant_fastest"].sum()) if len(f) else 0, {}),
        "c4_newest_cheapest": (None if newest is None else str(newest["cheapest"]),
                               {"text": "none" if newest is None else str(newest["cheapest"])}),
        "c4_newest_fastest": (None if newest is None else str(newest["fastest"]),
                              {"text": "none" if newest is None else str(newest["fastest"])}),
        "asic_breakeven_flip_nre_usd": opt(fin(x["flip_nre"]), text=usd(x["flip_nre"])),
        "reference_tokens_per_year": opt(fin(x["reference_volume"]["tokens_per_year"])),
        "cost_per_mtok_long_input_usd": opt(fin(x["long_input_cost"]), text=usd(x["long_input_cost"])),
        "cost_basis_long_input": (li["basis"], {}),
        "mlperf_cost_per_mtok_usd": opt(fin(x["mlperf_anchor"]["usd_per_mtok"]), text=usd(x["mlperf_anchor"]["usd_per_mtok"])),
        "custom_chip_cost_per_mtok_usd": opt(fin(x["custom_chip_anchor"]["usd_per_mtok"]),
                                             text=usd(x["custom_chip_anchor"]["usd_per_mtok"])),
    }


#: Step of the in-page chart's speed grid: 20 points per factor of ten (geometric, so that the page can
#: index it by a logarithm), anchored on the stated speed so that the chart's value at the defaults is
#: the headline itself.
LIVE_STEP = 10 ** (1 / 20)
#: Where the in-page chart's speed axis starts (tokens/s per user). A display range, not an assumption:
#: no result, text or glued value reads it, and a stated speed below it still starts the grid (the
#: chart passes through the headline whatever the speed).
LIVE_MIN_SPEED = 5.0


def live_speeds(anchor: float, top: float, low: float = LIVE_MIN_SPEED) -> np.ndarray:
    """Geometric speeds through `anchor`, from about `low` (or `anchor`, when slower) to `top` (at most 1,000)."""
    top = min(max(top, anchor), 1000.0)
    low = min(low, anchor)
    k0 = int(np.floor(np.log(low / anchor) / np.log(LIVE_STEP)))
    k1 = int(np.floor(np.log(top / anchor) / np.log(LIVE_STEP) + 1e-9))
    return anchor * LIVE_STEP ** np.arange(k0, k1 + 1)


#: Kept for callers that want a fixed grid (5 to 150 tokens/s per user through 30).
LIVE_SPEEDS = live_speeds(30.0, 150.0)


def live_grid(r: Result, inputs: Inputs) -> pd.DataFrame:
    """Per accelerator (owned, with a price) and speed: throughput per chip, measured first (the
    measured frontier where it covers the speed, else the calibrated model, as the headline), and the
    constants of the cost formula, for the chart the reader moves in the page (see figures.live_cost).
    Each chip's grid stops at the fastest speed it serves, measured or modeled (`max_speed`)."""
    p = r.p
    arch = architecture(inputs, p.reference_model)
    bench = inputs.get("serving_benchmarks")
    rows = []
    for name, row in modelable_gpus(inputs):
        if pd.isna(row.get("price_usd")):
            continue
        split = capital_split(float(row["price_usd"]), price_basis(row), p)
        kw = float(row["tdp_w"]) * p.server_power_factor / 1000.0
        eff = efficiency_for(r.efficiencies, row["vendor"], p.engine, arch)
        hw = cal.hardware(row, p.precision)
        wl = sv.Workload(float(p.input_tokens), float(p.output_tokens), p.precision)
        front = analysis.measured_frontier(analysis.measured_points(bench, name, arch.model, p.precision,
                                                                    float(p.input_tokens), float(p.output_tokens)))
        top = max(sv.max_speed(arch, hw, wl, eff), float(front["speed"].max()) if len(front) else 0.0)
        if not np.isfinite(top):
            continue
        for speed in live_speeds(p.tokens_per_second_per_user, top):
            meas = analysis.interpolate_frontier(front, float(speed))["tps"]
            tps = meas if np.isfinite(meas) else \
                sv.best_at_interactivity(arch, hw, wl, eff, float(speed))["output_tokens_per_s_per_chip"]
            if not np.isfinite(tps):
                continue
            rows.append({"accelerator": name, "speed": float(speed), "tps": float(tps),
                         "basis": "measured" if np.isfinite(meas) else "modeled", "max_speed": float(top),
                         "capital": split["chip_usd"] + split["server_usd"] + split["network_usd"],
                         "chip_usd": split["chip_usd"], "facility_per_year": kw * p.facility_usd_per_kw_month * 12.0,
                         "power_per_hour": kw * p.pue * p.electricity_usd_per_kwh})
    grid = pd.DataFrame(rows)
    if len(grid):
        # the line must be one geometric run per chip (the readout indexes it by a logarithm): drop any
        # speed after a gap
        keep = []
        for _, g in grid.groupby("accelerator", sort=False):
            k = np.round(np.log(g["speed"].to_numpy() / p.tokens_per_second_per_user) / np.log(LIVE_STEP)).astype(int)
            run = np.concatenate([[True], np.diff(k) == 1])
            keep.append(g[np.cumprod(run).astype(bool)])
        grid = pd.concat(keep, ignore_index=True)
    return grid


def live_defaults(r: Result) -> dict[str, Any]:
    return {"accelerator": r.p.accelerator, "speed": r.p.tokens_per_second_per_user, "utilization": r.p.utilization,
            "margin": r.margin, "crf": float(m.capital_recovery_factor(r.p.cost_of_capital, r.p.depreciation_years))}


def d3_r2(x: float) -> str:
    """`x` as d3's '.2r' format writes it (two significant digits, trailing zeros kept): 0.1 -> '0.10'."""
    import math
    if x == 0 or not math.isfinite(x):
        return str(x)
    digits = max(0, 1 - int(math.floor(math.log10(abs(float(f"{x:.2g}"))))))
    return f"{float(f'{x:.2g}'):.{digits}f}"


def live_checks(r: Result, grid: pd.DataFrame) -> list[dict[str, Any]]:
    """What the live chart must show at other settings, computed by the package (`cost_per_mtok`) at
    the grid point the chart reads: three accelerators or speeds, and a utilization."""
    checks = []
    accs = list(dict.fromkeys([r.p.accelerator, *grid["accelerator"].unique()]))[:3]
    def at(acc: str, q: float) -> float:
        sp = np.sort(grid.loc[grid["accelerator"] == acc, "speed"].to_numpy())
        return float(sp[int(q * (len(sp) - 1))]) if len(sp) else float("nan")
    settings = [(accs[0], at(accs[0], 0.2), 0.8), (accs[-1], at(accs[-1], 0.5), r.p.utilization),
                (accs[1 % len(accs)], at(accs[1 % len(accs)], 0.7), 0.3)]
    for acc, speed, util in settings:
        rows = grid[grid["accelerator"] == acc]
        if rows.empty:
            continue
        row = rows.iloc[int(np.argmin(np.abs(np.log(rows["speed"].to_numpy()) - np.log(speed))))]
        inp = {"tokens_per_s": row["tps"], "tdp_w": 0.0, "price_usd": row["capital"], "vendor_margin": 0.0,
               "nre_per_unit_usd": 0.0, "server_network_usd": 0.0, "rental_usd_per_hour": 0.0, "utilization": util,
               "electricity_usd_per_kwh": 0.0, "pue": 1.0, "server_power_factor": 1.0,
               "depreciation_years": r.p.depreciation_years, "cost_of_capital": r.p.cost_of_capital,
               "facility_usd_per_kw_month": 0.0}
        cost = float(m.cost_per_mtok(inp)["total"]) + (row["facility_per_year"] / (m.HOURS_PER_YEAR * util)
                                                        + row["power_per_hour"]) / (row["tps"] * 3600) * 1e6
        checks.append({"set": {"acc": acc, "speed": float(row["speed"]), "util": util},
                       "expect": [f"{acc}: ${d3_r2(cost)} per million"]})
    return checks


# --------------------------------------------------------------------------------------------------
# Evidence beside the headline: rental tier words, C8's hardware reading, the pooled price decline
# (kept apart from `glue_values` and `texts` so that the page glues them in their own cell)


def evidence_glue(r: Result, inputs: Inputs) -> tuple[dict[str, tuple[Any, dict[str, Any]]], dict[str, str]]:
    """Values (key -> (value, glue options)) and texts (key -> words) of the rental footing, C8's
    hardware reading and the pooled price decline."""
    from . import hardware_use as hu

    values: dict[str, tuple[Any, dict[str, Any]]] = {}
    words: dict[str, str] = {}
    # the rental footing of the measured comparison
    bench = inputs.get("serving_benchmarks")
    accs = list(bench["accelerator"].dropna().unique()) if bench is not None and len(bench) else []
    own = (set(bench.loc[bench["usd_per_chip_hour"].notna(), "accelerator"].dropna())
           if bench is not None and "usd_per_chip_hour" in bench else set())
    words["rental_tier"] = rental_tier_words(inputs.get("rental_prices"), accs, r.p.rental_tier, own)
    words["margin_high_basis_own"] = r.margin_high_basis
    # C8, hardware reading
    pts = hu.hardware_use(inputs.get("serving_benchmarks"), inputs.tables["accelerators"],
                          inputs.tables["model_architectures"])
    hs = hu.summary(pts)
    for k, v in hs.items():
        values[k] = (v, {"pct": True} if (v is not None and k not in ("c8_hardware_points", "c8_hardware_sources"))
                     else ({} if v is not None else {"text": "n/a"}))
    n_pts, n_src = hs["c8_hardware_points"], hs["c8_hardware_sources"]
    words["c8_hardware_sample"] = (f"{n_pts} point{'s' if n_pts != 1 else ''} from {n_src} "
                                   f"publisher{'s' if n_src != 1 else ''}")
    words["c8_hardware_vs_threshold"] = (
        "no measured run states its speed per user" if hs["c8_hardware_use_median"] is None else
        ("below half of the peak over the whole band" if hs["c8_hardware_use_high"] <= 0.5 else
         "above half of the peak over the whole band" if hs["c8_hardware_use_low"] > 0.5 else
         "on either side of half the peak, depending on the precision assumed"))
    # C8, fleet reading: every operator's figure, in its own terms
    ue = r.utilization_evidence
    if len(ue):
        parts = [f"{row['operator']}, {fmt(float(row['value']), sig=2, pct=True)} ({row['metric']}; "
                 f"{'self-reported' if bool(row['self_reported']) else 'measured by a third party'})"
                 for _, row in ue.iterrows()]
        words["fleet_readings"] = "; ".join(parts)
    else:
        words["fleet_readings"] = "none in the data"
    # the pooled price decline
    res = r.price.get("result")
    pool = pt.pooled(res) if res is not None else None
    pv = pt.glue_values(res) if res is not None else {}
    values["price_decline_thresholds"] = (pv.get("price_decline_thresholds", 0), {})
    msl = pv.get("months_since_new_low")
    values["months_since_new_low"] = (msl, {"unit": "months"} if msl is not None else {"text": "n/a"})
    single = pv.get("price_decline_single_per_year")
    ok = single is not None and np.isfinite(single)
    values["price_decline_single_per_year"] = (single if ok else None, {"text": f"×{fmt(single)}" if ok else "n/a"})
    if pool is not None:
        words["price_pooled"] = (f"×{fmt(pool['per_year'])} cheaper per year (the median of {pool['n_thresholds']} "
                                 f"thresholds with at least {pool['min_lows']} new lows each: "
                                 f"{', '.join(pool['thresholds'])}; their own rates spread from ×{fmt(pool['spread_low'])} "
                                 f"to ×{fmt(pool['spread_high'])}; 90% interval of the median threshold ×{fmt(pool['low'])} "
                                 f"to ×{fmt(pool['high'])}"
                                 + (f"; all on one benchmark, {pool['rates']['benchmark'].iloc[0]}, so they share models "
                                    "and are not independent" if pool["rates"]["benchmark"].nunique() == 1 else "") + ")")
        words["months_by_threshold"] = months_by_threshold_text(pool["months_by_threshold"])
    else:
        words["price_pooled"] = (f"not measurable: no threshold has {pt.MIN_POOLED_LOWS} new lows, so the single "
                                 "threshold of the parameters stands in")
        words["months_by_threshold"] = "no threshold is pooled"
    side = pt.published_beside_pooled(pool, inputs.get("published_rates"))
    em = side["epoch_median"]
    values["price_decline_epoch_pooled"] = (em, {"text": f"×{fmt(em)}"} if em is not None else {"text": "n/a"})
    parts = []
    if em is not None:
        parts.append(f"Epoch AI's own rates on the same benchmark{'s' if len(set(pool['rates']['benchmark'])) > 1 else ''} "
                     f"have a median of ×{fmt(em)} across its {side['epoch_n']} thresholds (its results file, March 2025)")
    if side["a16z"] is not None:
        parts.append(f"a16z states ×{fmt(side['a16z'])} a year for MMLU (November 2024)")
    words["price_pooled_published"] = ("; ".join(parts) if parts else
                                       "no published rate on the pooled footing is in data/published_rates.csv")
    return values, words
