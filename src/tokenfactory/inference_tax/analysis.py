"""Helpers of the chapter that work on data tables: the vendor's margin, reported token volumes,
curves for the charts, and the values at which a verdict flips. `chapter.py` calls them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import units
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
    out = volumes.dropna(subset=["tokens"]).copy()
    out["tokens_per_year"] = out["tokens"] * out["per"].map(units.PER_YEAR)
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


# --------------------------------------------------------------------------------------------------
# Measured serving frontiers: the headline's first evidence

#: Relative tolerance on prompt and completion lengths when matching a measured run to a workload
#: (benchmarks state 1k as 1,000 or 1,024).
WORKLOAD_TOLERANCE = 0.1


def _speed(row: pd.Series) -> tuple[float, str]:
    """Measured speed per user of a row and its kind: stated, from a measured time per token, or a
    latency bound (the least speed the run had to keep)."""
    v = row.get("tokens_per_s_per_user")
    if pd.notna(v) and float(v) > 0:
        return float(v), "measured"
    t = row.get("tpot_ms")
    if pd.notna(t) and float(t) > 0:
        return 1000.0 / float(t), "measured"
    t = row.get("tpot_bound_ms")
    if pd.notna(t) and float(t) > 0:
        return 1000.0 / float(t), "bound"
    return float("nan"), "none"


def stated_precision(text: object) -> str | None:
    """fp4, fp8 or bf16 as a source states it (None when it states none)."""
    if not isinstance(text, str) or not text.strip():
        return None
    t = text.lower()
    for key in ("fp4", "fp8", "bf16"):
        if key in t:
            return key
    if "bfloat16" in t or "fp16" in t:
        return "bf16"
    return None


def measured_points(bench: pd.DataFrame | None, accelerator: str, model: str, precision: str,
                    input_tokens: float, output_tokens: float) -> pd.DataFrame:
    """Every measured run of the accelerator serving the model at the stated precision and workload that
    states both a speed per user and a throughput per chip (output tokens/s per chip)."""
    cols = ["point_id", "source", "as_of", "speed", "speed_kind", "tps"]
    if bench is None or bench.empty:
        return pd.DataFrame(columns=cols)
    b = bench[(bench["accelerator"] == accelerator) & (bench["model"] == model)]
    rows = []
    for _, r in b.iterrows():
        if stated_precision(r.get("precision")) != precision:
            continue
        i, o = r.get("input_tokens"), r.get("output_tokens")
        if pd.isna(i) or pd.isna(o):
            continue
        if abs(float(i) / input_tokens - 1) > WORKLOAD_TOLERANCE or abs(float(o) / output_tokens - 1) > WORKLOAD_TOLERANCE:
            continue
        tps = r.get("output_tokens_per_s_per_chip")
        if pd.isna(tps) and pd.notna(r.get("total_tokens_per_s_per_chip")):
            tps = float(r["total_tokens_per_s_per_chip"]) * float(o) / (float(i) + float(o))
        speed, kind = _speed(r)
        if pd.isna(tps) or float(tps) <= 0 or not np.isfinite(speed):
            continue
        rows.append({"point_id": r.get("point_id"), "source": r.get("source"), "as_of": r.get("as_of"),
                     "speed": speed, "speed_kind": kind, "tps": float(tps)})
    return pd.DataFrame(rows, columns=cols)


def measured_frontier(points: pd.DataFrame) -> pd.DataFrame:
    """The upper envelope of measured (speed per user, throughput per chip) points: a point stays if no
    other point is at least as fast per user and serves more per chip. Every point is something a
    system was measured doing, so the envelope is a lower bound of what the hardware can do, and it
    falls as speed rises by construction. Sorted by speed."""
    if points.empty:
        return points.assign(on_frontier=pd.Series(dtype=bool))
    p = points.sort_values(["speed", "tps"], ascending=[False, False]).reset_index(drop=True)
    best, keep = -np.inf, []
    for t in p["tps"]:
        keep.append(t > best)
        best = max(best, t)
    return p[keep].sort_values("speed").reset_index(drop=True)


def interpolate_frontier(frontier: pd.DataFrame, speed: float) -> dict[str, Any]:
    """Throughput per chip on the measured frontier at `speed`, interpolated linearly in log(speed) and
    log(throughput) between the two measured points around it. No extrapolation: outside the measured
    range (or with no frontier) the throughput is NaN and `status` says why ("below", "above", "none")."""
    out = {"tps": float("nan"), "status": "none", "low": float("nan"), "high": float("nan"), "n": len(frontier)}
    if frontier.empty:
        return out
    s = frontier["speed"].to_numpy(float)
    t = frontier["tps"].to_numpy(float)
    out["low"], out["high"] = float(s.min()), float(s.max())
    if speed < s.min() * (1 - 1e-9):
        out["status"] = "below"
        return out
    if speed > s.max() * (1 + 1e-9):
        out["status"] = "above"
        return out
    out["tps"] = float(np.exp(np.interp(np.log(speed), np.log(s), np.log(t))))
    out["status"] = "measured"
    return out


def measured_floor(frontier: pd.DataFrame, speed: float, strict: bool = False) -> float:
    """The measured throughput per chip at the slowest measured speed at or above `speed` (strictly above
    with `strict`): since throughput per chip only falls as speed rises, what the chip serves at `speed`
    is at least that. NaN when nothing was measured that fast."""
    if frontier.empty:
        return float("nan")
    s = frontier["speed"].to_numpy(float)
    t = frontier["tps"].to_numpy(float)
    ok = s > speed * (1 + 1e-9) if strict else s >= speed * (1 - 1e-9)
    if not ok.any():
        return float("nan")
    i = int(np.argmin(np.where(ok, s, np.inf)))
    return float(t[i])


# --------------------------------------------------------------------------------------------------
# C4 on every footing


def c4_footings(costs: pd.DataFrame, vendors: dict[str, str], *, claimant: str,
                min_accelerators: int) -> pd.DataFrame:
    """Every footing (one model, one source round, one scenario: same harness and latency bound) with at
    least `min_accelerators` priced accelerators (the parameter `min_accelerators_compared`; at least two, since
    a runner-up is named), at least one not the claimant's: the cheapest per
    token and the highest throughput per chip on each, newest round first.

    Within a footing each accelerator is represented by its best measured point (lowest cost, highest
    throughput), since a submitter's best run is what the footing compares."""
    cols = ["model", "source", "scenario", "as_of", "n", "accelerators", "cheapest", "cheapest_usd_per_mtok",
            "runner_up", "runner_up_usd_per_mtok", "claimant_cheapest", "fastest", "fastest_tokens_per_s_per_chip",
            "claimant_fastest"]
    if costs.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for (model, source, scenario), g0 in costs.groupby(["model", "source", "scenario"], dropna=False):
        for label, best, as_of in _footing_tables(g0, scenario):
            if len(best) < min_accelerators:
                continue
            vs = {a: vendors.get(a) for a in best.index}
            if all(v == claimant for v in vs.values()):
                continue
            by_cost = best.sort_values("usd")
            fastest = best["tps"].idxmax()
            rows.append({"model": model, "source": source, "scenario": label, "as_of": as_of, "n": len(best),
                         "accelerators": ", ".join(f"{a} ${u:.3f}" for a, u in by_cost["usd"].items()),
                         "cheapest": by_cost.index[0], "cheapest_usd_per_mtok": float(by_cost["usd"].iloc[0]),
                         "runner_up": by_cost.index[1], "runner_up_usd_per_mtok": float(by_cost["usd"].iloc[1]),
                         "claimant_cheapest": vs[by_cost.index[0]] == claimant,
                         "fastest": fastest, "fastest_tokens_per_s_per_chip": float(best.loc[fastest, "tps"]),
                         "claimant_fastest": vs[fastest] == claimant})
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["as_of", "model", "scenario"], ascending=[False, True, True], ignore_index=True)


def _footing_tables(g: pd.DataFrame, scenario: object) -> list[tuple[str, pd.DataFrame, Any]]:
    """The comparisons one (model, source, scenario) group holds: (label, per-accelerator best cost and
    throughput, newest date).

    A latency-bounded or offline scenario (MLPerf, or any row with a `tpot_bound_ms`) is one footing:
    every run kept the same harness and bound, so each chip is compared at its own measured throughput
    per chip, never interpolated to a common speed (a measured speed per user does not change that).
    Other runs that state their speed per user (frontiers, as InferenceX publishes them) are compared
    only at one speed: per prompt/completion length and precision, each accelerator's measured frontier
    is read at the slowest speed every accelerator in the group reaches (no extrapolation), so that a
    chip measured only at slow, cheap speeds is not set against one measured only at fast ones."""
    as_of = pd.to_datetime(g["as_of"], errors="coerce").max() if "as_of" in g else pd.NaT
    speeds = pd.to_numeric(g.get("tokens_per_s_per_user"), errors="coerce") if "tokens_per_s_per_user" in g else None
    if speeds is None or speeds.isna().any() or is_bounded_footing(g):
        best = g.groupby("accelerator").agg(usd=("usd_per_mtok", "min"), tps=("output_tokens_per_s_per_chip", "max"))
        return [(str(scenario), best, as_of)]
    out = []
    keys = [c for c in ("input_tokens", "output_tokens", "precision") if c in g]
    for key, h in (g.groupby(keys, dropna=False) if keys else [((), g)]):
        fronts = {}
        for acc, a in h.groupby("accelerator"):
            pts = pd.DataFrame({"speed": pd.to_numeric(a["tokens_per_s_per_user"]), "tps": a["output_tokens_per_s_per_chip"],
                                "price": a["usd_per_chip_hour"]})
            fronts[acc] = (measured_frontier(pts[["speed", "tps"]]), float(pts["price"].iloc[0]))
        if len(fronts) < 2:
            continue
        common = max(f["speed"].min() for f, _ in fronts.values())
        rows = {}
        for acc, (f, price) in fronts.items():
            t = interpolate_frontier(f, common)["tps"]
            if np.isfinite(t):
                rows[acc] = {"usd": price * 1e6 / (t * 3600.0), "tps": t}
        if rows:
            k = dict(zip(keys, key if isinstance(key, tuple) else (key,)))
            label = (f"{fmt_tokens(k.get('input_tokens'))} in / {fmt_tokens(k.get('output_tokens'))} out, "
                     f"{str(k.get('precision', '')).split(' ')[0]}, at {common:.0f} tokens/s per user")
            out.append((label, pd.DataFrame.from_dict(rows, orient="index"), as_of))
    return out


def is_bounded_footing(g: pd.DataFrame) -> bool:
    """True when a (model, source, scenario) group is one latency-bounded or offline footing: its source
    is an MLPerf round, or any of its rows states the benchmark's bound on time per output token."""
    src = g["source"].astype(str) if "source" in g else pd.Series([], dtype=str)
    if src.str.startswith("MLPerf").any():
        return True
    if "tpot_bound_ms" in g:
        bound = pd.to_numeric(g["tpot_bound_ms"], errors="coerce")
        return bool((bound > 0).any())
    return False


def fmt_tokens(x: Any) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "?"
    return f"{v / 1024:g}k" if v >= 1024 and v % 1024 == 0 else f"{v:g}"
