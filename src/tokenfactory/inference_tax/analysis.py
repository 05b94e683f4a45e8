"""From parameters and data tables to the chapter's numbers.

The notebook calls `run(p, accelerators, nvidia_financials)` and gets a `Result` holding every
number it glues and every frame it charts; the model itself lives in `model.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import model as m
from .params import Params


class InputError(ValueError):
    """The data lack a figure the model needs (e.g. the chosen accelerator has no price)."""


def vendor_margin_from_data(financials: pd.DataFrame) -> tuple[float, str]:
    """NVIDIA's GAAP gross margin of its latest fiscal year with a reported margin, and that period.

    Why the fiscal year rather than the latest quarter: a quarter can carry one-off charges (an
    inventory write-down moves the margin by several points), a year smooths them.
    """
    fy = financials[(financials["period_type"] == "fiscal_year") & financials["gross_margin"].notna()]
    if fy.empty:
        raise InputError("nvidia_financials: no fiscal year with a gross margin")
    row = fy.sort_values("fiscal_year").iloc[-1]
    return float(row["gross_margin"]), str(row["period"])


def lowest_margin(financials: pd.DataFrame) -> tuple[float, str]:
    """NVIDIA's lowest fiscal-year gross margin in the data, and its period: the yardstick for how far
    the margin would have to fall to change the chapter's verdict on the tax."""
    fy = financials[(financials["period_type"] == "fiscal_year") & financials["gross_margin"].notna()]
    if fy.empty:
        raise InputError("nvidia_financials: no fiscal year with a gross margin")
    row = fy.loc[fy["gross_margin"].idxmin()]
    return float(row["gross_margin"]), str(row["period"])


def accelerator_row(accelerators: pd.DataFrame, name: str) -> pd.Series:
    rows = accelerators[accelerators["accelerator"] == name]
    if rows.empty:
        raise InputError(f"accelerator: {name!r} is not in data/accelerators.csv")
    return rows.iloc[0]


def peak_tflops(row: pd.Series, precision: str) -> float:
    """Dense peak at the serving precision; FP8 falls back to BF16 on chips without FP8."""
    fp8, bf16 = row.get("fp8_dense_tflops"), row.get("bf16_dense_tflops")
    value = fp8 if precision == "fp8" and pd.notna(fp8) else bf16
    if pd.isna(value):
        raise InputError(f"accelerator {row['accelerator']!r}: no dense {precision} TFLOPS in the data")
    return float(value)


def gpu_inputs(p: Params, row: pd.Series, vendor_margin: float) -> dict[str, Any]:
    """The cost model's inputs for the chosen merchant GPU."""
    needed = {"memory_bandwidth_tb_s": "bandwidth", "memory_gb": "memory", "tdp_w": "power (TDP)"}
    for col, what in needed.items():
        if pd.isna(row.get(col)):
            raise InputError(f"accelerator {row['accelerator']!r}: no {what} in the data")
    price = p.chip_price_override_usd if p.chip_price_override_usd is not None else row.get("price_usd")
    if price is None or pd.isna(price):
        raise InputError(f"accelerator {row['accelerator']!r}: no price in the data; set chip_price_override_usd")
    return {
        "peak_tflops": peak_tflops(row, p.precision),
        "bandwidth_tb_s": float(row["memory_bandwidth_tb_s"]),
        "memory_gb": float(row["memory_gb"]),
        "tdp_w": float(row["tdp_w"]),
        "price_usd": float(price),
        "vendor_margin": float(vendor_margin),
        "nre_per_unit_usd": 0.0,
        "server_network_usd": p.server_network_usd_per_chip,
        "total_params_b": p.total_params_b,
        "active_params_b": p.active_params_b,
        "bytes_per_weight": 1.0 if p.precision == "fp8" else 2.0,
        "kv_bytes_per_token": p.kv_kib_per_token * 1024.0,
        "context_tokens": float(p.context_tokens),
        "batch_size": float(p.batch_size),
        "input_tokens_per_output": p.input_tokens_per_output,
        "mfu": p.mfu,
        "mbu": p.mbu,
        "memory_usable": p.memory_usable,
        "utilization": p.utilization,
        "electricity_usd_per_kwh": p.electricity_usd_per_kwh,
        "pue": p.pue,
        "server_power_factor": p.server_power_factor,
        "depreciation_years": p.depreciation_years,
        "cost_of_capital": p.cost_of_capital,
        "facility_usd_per_kw_month": p.facility_usd_per_kw_month,
    }


def asic_inputs(p: Params, gpu: dict[str, Any]) -> dict[str, Any]:
    return m.asic_inputs(gpu, unit_cost_usd=p.asic_unit_cost_usd, partner_margin=p.partner_margin,
                         perf_ratio=p.asic_perf_ratio, power_w=p.asic_power_w, nre_usd=p.asic_nre_usd,
                         volume_units=p.asic_volume_units, program_years=p.asic_program_years)


def uncertainty_ranges(p: Params, gpu: dict[str, Any]) -> list[m.Range]:
    """Plausible ranges of the inputs (assumptions, stated in the chapter's method section).

    Relative ranges (chip price, server cost) scale with the chosen defaults; absolute ones are wide
    enough to hold published values seen across the industry.
    """
    def around(x: float, lo: float, hi: float) -> tuple[float, float]:
        return x * lo, x * hi

    price_lo, price_hi = around(gpu["price_usd"], 0.7, 1.3)
    srv_lo, srv_hi = around(p.server_network_usd_per_chip, 0.6, 1.5)
    return [
        m.Range("utilization", "Utilization", min(0.2, p.utilization), max(0.9, p.utilization), "fraction"),
        m.Range("batch_size", "Batch size", min(16, p.batch_size), max(256, p.batch_size), "sequences", log=True),
        m.Range("mbu", "Bandwidth utilization (MBU)", min(0.5, p.mbu), max(0.85, p.mbu), "fraction"),
        m.Range("mfu", "FLOPS utilization (MFU)", min(0.2, p.mfu), max(0.6, p.mfu), "fraction"),
        m.Range("context_tokens", "Context length", min(1024, p.context_tokens), max(16384, p.context_tokens),
                "tokens", log=True),
        m.Range("input_tokens_per_output", "Input tokens per output token", min(1.0, p.input_tokens_per_output),
                max(10.0, p.input_tokens_per_output), "ratio"),
        m.Range("price_usd", "Chip price", price_lo, price_hi, "USD"),
        m.Range("server_network_usd", "Server and network cost", srv_lo, srv_hi, "USD per chip"),
        m.Range("depreciation_years", "Depreciation life", min(3.0, p.depreciation_years),
                max(7.0, p.depreciation_years), "years"),
        m.Range("cost_of_capital", "Cost of capital", min(0.05, p.cost_of_capital), max(0.15, p.cost_of_capital),
                "per year"),
        m.Range("electricity_usd_per_kwh", "Electricity price", min(0.04, p.electricity_usd_per_kwh),
                max(0.15, p.electricity_usd_per_kwh), "USD/kWh"),
        m.Range("pue", "PUE", min(1.1, p.pue), max(1.6, p.pue), "ratio"),
        m.Range("facility_usd_per_kw_month", "Facility cost", min(100.0, p.facility_usd_per_kw_month),
                max(250.0, p.facility_usd_per_kw_month), "USD per kW-month"),
    ]


@dataclass
class Result:
    """Everything the chapter shows."""

    gpu: dict[str, Any]
    asic: dict[str, Any]
    margin_period: str
    gpu_cost: dict[str, float]
    asic_cost: dict[str, float]
    asic_marginal_mtok: float
    nre_annual_usd: float
    breakeven_tokens_per_year: float
    program_tokens_per_year: float
    elasticity: float
    tornado: pd.DataFrame
    mc_total: np.ndarray
    mc: dict[str, float]
    throughput: dict[str, float]
    extras: dict[str, Any] = field(default_factory=dict)

    def breakeven_at(self, gpu_usd_per_mtok: float) -> float:
        """Break-even volume (output tokens a year) if the GPU's cost were `gpu_usd_per_mtok`, the ASIC
        held at its assumptions: how far the GPU side's uncertainty alone moves the verdict."""
        return float(m.breakeven_tokens_per_year(gpu_usd_per_mtok, self.asic_marginal_mtok, self.nre_annual_usd))

    def breakeven_total_tokens_per_year(self, input_tokens_per_output: float) -> float:
        """The break-even counted as companies report volumes, input and output tokens together:
        each output token carries `input_tokens_per_output` prompt tokens."""
        return self.breakeven_tokens_per_year * (1.0 + input_tokens_per_output)

    def decomposition(self) -> pd.DataFrame:
        """Long frame: chip kind, component, USD per million tokens, share of the total."""
        rows = []
        for kind, cost in (("Merchant GPU", self.gpu_cost), ("Custom ASIC (hypothetical)", self.asic_cost)):
            for comp in m.COMPONENTS:
                if kind == "Merchant GPU" and comp == "nre":
                    continue
                rows.append({"chip": kind, "component": m.COMPONENT_LABELS[comp], "key": comp,
                             "usd_per_mtok": cost[comp], "share": cost[comp] / cost["total"]})
        return pd.DataFrame(rows)


def _scalars(d: dict[str, Any]) -> dict[str, float]:
    return {k: float(np.asarray(v).item()) for k, v in d.items()}


def run(p: Params, accelerators: pd.DataFrame, nvidia_financials: pd.DataFrame) -> Result:
    """The chapter's model at the parameters `p`."""
    if p.vendor_margin_override is not None:
        margin, period = p.vendor_margin_override, "override"
    else:
        margin, period = vendor_margin_from_data(nvidia_financials)
    gpu = gpu_inputs(p, accelerator_row(accelerators, p.accelerator), margin)
    asic = asic_inputs(p, gpu)
    gpu_cost = _scalars(m.cost_per_mtok(gpu))
    asic_cost = _scalars(m.cost_per_mtok(asic))
    asic_marg = float(m.cost_per_mtok(m.asic_marginal_inputs(asic))["total"])
    nre_annual = float(m.nre_per_year(p.asic_nre_usd, p.cost_of_capital, p.asic_program_years))
    breakeven = float(m.breakeven_tokens_per_year(gpu_cost["total"], asic_marg, nre_annual))
    program_tokens = asic_cost["tokens_per_s"] * 3600 * m.HOURS_PER_YEAR * p.utilization * p.asic_volume_units
    ranges = uncertainty_ranges(p, gpu)
    mc = m.monte_carlo(gpu, ranges, p.mc_draws, p.seed)
    tp = _scalars({k: v for k, v in m.throughput(gpu).items()})
    return Result(
        gpu=gpu, asic=asic, margin_period=period, gpu_cost=gpu_cost, asic_cost=asic_cost,
        asic_marginal_mtok=asic_marg, nre_annual_usd=nre_annual, breakeven_tokens_per_year=breakeven,
        program_tokens_per_year=float(program_tokens), elasticity=float(m.utilization_elasticity(gpu)),
        tornado=m.tornado(gpu, ranges), mc_total=np.asarray(mc["total"]), mc=m.percentiles(mc["total"]),
        throughput=tp, extras={"ranges": ranges},
    )


def utilization_curve(inp: dict[str, Any], grid: np.ndarray | None = None) -> pd.DataFrame:
    """Cost per token over utilization (for the chart), components included."""
    grid = np.linspace(0.05, 1.0, 96) if grid is None else np.asarray(grid, float)
    cost = m.cost_per_mtok({**inp, "utilization": grid})
    return pd.DataFrame({"utilization": grid, "usd_per_mtok": cost["total"], "tax_share": cost["tax_share"]})


def breakeven_curve(gpu_total: float, asic_marginal: float, nre_annual: float,
                    volumes: np.ndarray | None = None) -> pd.DataFrame:
    """ASIC all-in and GPU cost per token over annual token volume (log-spaced)."""
    volumes = np.logspace(13, 17, 81) if volumes is None else np.asarray(volumes, float)
    return pd.DataFrame({
        "tokens_per_year": volumes,
        "asic_usd_per_mtok": m.asic_cost_curve(volumes, asic_marginal, nre_annual),
        "gpu_usd_per_mtok": np.full(volumes.shape, gpu_total),
    })


def annual_token_volumes(volumes: pd.DataFrame, input_tokens_per_output: float = 0.0) -> pd.DataFrame:
    """Reported token counts converted to tokens per year (as stated; providers count differently).

    Companies report input and output tokens together, while the break-even volume counts output
    tokens (each carrying `input_tokens_per_output` prompt tokens). `output_tokens_per_year` puts the
    reports on the break-even's footing by assuming the same mix: total / (1 + ratio). With ratio 0
    the two columns are equal.
    """
    per_year = {"minute": 60 * 24 * 365.0, "day": 365.0, "week": 52.0, "month": 12.0, "year": 1.0}
    out = volumes.dropna(subset=["tokens"]).copy()
    out["tokens_per_year"] = out["tokens"] * out["per"].map(per_year)
    out = out.dropna(subset=["tokens_per_year"])
    out["output_tokens_per_year"] = out["tokens_per_year"] / (1.0 + input_tokens_per_output)
    # the latest statement per provider and product
    out = out.sort_values("date").groupby(["provider", "product"], as_index=False).tail(1)
    return out.sort_values("tokens_per_year", ignore_index=True)


def largest_per_provider(volumes: pd.DataFrame) -> pd.DataFrame:
    """Each provider's largest annualized statement (one row per company, for counting companies)."""
    if volumes.empty:
        return volumes
    return volumes.sort_values("tokens_per_year").groupby("provider", as_index=False).tail(1).reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# What would change the conclusion: the parameter values at which a verdict flips


def margin_for_tax_share(gpu_cost: dict[str, float], target: float) -> float:
    """Vendor margin at which the tax is `target` of a GPU token's cost (inf if out of reach).

    Why it has a closed form: the margin only splits the chip price between maker's cost and vendor
    margin, so the total does not depend on it and tax share = margin x (chip price share of total).
    """
    chip_share = (gpu_cost["chip_at_cost"] + gpu_cost["vendor_margin"]) / gpu_cost["total"]
    return target / chip_share if chip_share > 0 else float("inf")


def asic_all_in(p: Params, gpu: dict[str, Any], **changes: float) -> float:
    """Hypothetical ASIC's USD per million tokens at its program volume, one-off cost included,
    with some of the ASIC parameters changed (keyword names as in `Params`)."""
    q = p.model_copy(update=changes)
    return float(m.cost_per_mtok(asic_inputs(q, gpu))["total"])


def perf_ratio_at_parity(p: Params, gpu: dict[str, Any], gpu_total: float,
                         lo: float = 0.01, hi: float = 10.0) -> float | None:
    """ASIC performance relative to the GPU below which the program no longer beats buying GPUs.

    Solved by bisection on log(ratio): the ASIC's all-in cost falls as its performance rises (more
    tokens per chip-hour). None when even `hi` does not reach parity; `lo` if even `lo` beats it.
    """
    f = lambda r: asic_all_in(p, gpu, asic_perf_ratio=r) - gpu_total  # noqa: E731
    if f(hi) > 0:
        return None
    if f(lo) <= 0:
        return lo
    a, b = np.log(lo), np.log(hi)
    for _ in range(80):
        mid = (a + b) / 2
        if f(float(np.exp(mid))) > 0:
            a = mid
        else:
            b = mid
    return float(np.exp(b))


def nre_at_parity(p: Params, gpu_total: float, asic_marginal: float, program_tokens_per_year: float) -> float:
    """One-off program cost at which the program's own volume is exactly its break-even.

    From V x gpu = V x asic_marginal + NRE x CRF(program years): NRE* = V x saving / CRF. Zero or
    negative saving means no one-off cost is low enough.
    """
    saving = (gpu_total - asic_marginal) / 1e6
    crf = float(m.capital_recovery_factor(p.cost_of_capital, p.asic_program_years))
    return max(0.0, program_tokens_per_year * saving / crf)


def cost_ratio_at_utilization(inp: dict[str, Any], factor: float) -> float:
    """Cost per token at `factor` x the utilization, relative to the cost at the utilization."""
    base = float(m.cost_per_mtok(inp)["total"])
    u = min(1.0, float(inp["utilization"]) * factor)
    return float(m.cost_per_mtok({**inp, "utilization": u})["total"]) / base


def load_optional(name: str) -> tuple[pd.DataFrame | None, str | None]:
    """`load(name)`, or (None, the problem) when the table is missing or fails its checks.

    Used only for tables that feed an optional section (benchmark scores for the price trend), so
    that a table still being collected does not stop the chapter; the page says what is missing.
    """
    from ..data import load
    from ..data.load import DataError

    try:
        return load(name), None
    except DataError as exc:
        return None, str(exc).splitlines()[0]


def share_of_draws_below(value: float, draws: np.ndarray) -> float:
    """Where `value` sits in the Monte Carlo: the share of draws at or below it (0.1 = its P10)."""
    d = np.asarray(draws, float)
    return float(np.mean(d <= value)) if d.size else float("nan")


def with_article(name: str) -> str:
    """`name` with "a" or "an" as it is read aloud: "an NVIDIA H100", "an AMD MI300X", "a Google TPU".

    An all-capitals first word is read letter by letter, so it takes "an" when its first letter's
    name starts with a vowel sound (A, E, F, H, I, L, M, N, O, R, S, X)."""
    first = name.split()[0] if name.split() else ""
    if first.isupper() and len(first) > 1:
        vowel = first[0] in "AEFHILMNORSX"
    else:
        vowel = first[:1].lower() in "aeiou"
    return ("an " if vowel else "a ") + name
