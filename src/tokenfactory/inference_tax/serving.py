"""Serving throughput from first principles: a roofline per decode step, over replica sizes and batches.

Why a step-level roofline, not a single "tokens per second" figure: a serving system trades speed per
user against tokens per chip. Every decode step reads the (touched) weights once and each sequence's
KV cache, and does about 2 x active parameters FLOPs per token plus attention over the context. Small
batches are bound by memory bandwidth and fast per user; large batches amortize the weights, serve
more tokens per chip and are slower per user. Quoting a cost therefore needs a stated interactivity
(output tokens per second per user), which is how SemiAnalysis's InferenceX draws its frontiers.

Conventions
- One replica of the model runs on `n` chips (tensor or expert parallel inside a node of up to 8,
  more nodes when the weights do not fit); `n` must divide the attention heads.
- Continuous batching with the prompt's prefill spread over the decode steps: in steady state each
  step decodes B tokens and prefills B x (input/output) prompt tokens, so prefill adds compute (and
  routed-expert reads), not a separate phase.
- Achieved fractions of the peaks (MBU for bandwidth, MFU for FLOPs) and a time per step outside the
  roofline are the model's efficiency parameters, fitted to measured serving points in
  `calibration.py`. The time outside the roofline has three parts: a fixed part (kernel launches:
  `overhead_ms`), a part per sequence in the batch (scheduling, sampling, detokenizing:
  `overhead_per_seq_ms`) and a part per doubling of the replica (all-reduce latency across tensor-
  parallel chips: `overhead_tp_ms` x log2 n). A single constant, fitted where the data hold only large
  batches, would tax a one-sequence step as heavily as a thousand-sequence one and put a ceiling on
  the speed per user that measured systems do not have.

Everything is numpy and broadcasts over points, replica sizes and batch sizes at once, so that a fit
over fifty measurements costs milliseconds per evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

import numpy as np
import pandas as pd

#: Replica sizes tried: powers of two inside an 8-chip node, then whole nodes.
REPLICA_SIZES = np.array([1, 2, 4, 8, 16, 32, 64], float)
#: Batch sizes tried per replica (geometric grid; the frontier is refined by interpolation).
BATCH_GRID = np.unique(np.round(np.geomspace(1, 16384, 121)))

#: Bytes per weight at each serving precision. FP4 formats carry a scale per block of 32 values
#: (MXFP4/NVFP4: 4.25 bits per value), rounded here to 0.53 bytes.
BYTES_PER_WEIGHT = {"fp4": 0.53, "fp8": 1.0, "bf16": 2.0}
#: Bytes per cached key/value element: FP8 KV caches are the norm at FP8/FP4 serving, BF16 otherwise.
KV_BYTES = {"fp4": 1.0, "fp8": 1.0, "bf16": 2.0}


class ArchitectureError(ValueError):
    """A model lacks an architecture field the throughput model needs."""


@dataclass(frozen=True)
class Architecture:
    """What the roofline needs to know about a model (one row of data/model_architectures.csv)."""

    model: str
    attention: str
    layers: int
    heads: int
    kv_heads: float
    head_dim: float
    kv_latent_dim: float
    window: float
    sliding_share: float
    total_b: float
    active_b: float

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "Architecture":
        def num(key: str, default: float = np.nan) -> float:
            v = row.get(key)
            return default if v is None or pd.isna(v) else float(v)

        kind = str(row.get("attention"))
        needed = ["layers", "attention_heads", "total_params_b", "active_params_b"]
        needed += ["kv_heads", "head_dim"] if kind == "gqa" else ["kv_latent_dim"]
        missing = [k for k in needed if pd.isna(row.get(k, np.nan))]
        if missing:
            raise ArchitectureError(f"model {row.get('model')!r}: data/model_architectures.csv lacks "
                                    f"{', '.join(missing)} (needed to model its serving)")
        return cls(model=str(row["model"]), attention=kind, layers=int(row["layers"]),
                   heads=int(row["attention_heads"]), kv_heads=num("kv_heads"), head_dim=num("head_dim"),
                   kv_latent_dim=num("kv_latent_dim"), window=num("sliding_window_tokens", np.inf),
                   sliding_share=num("sliding_layer_share", 0.0), total_b=num("total_params_b"),
                   active_b=num("active_params_b"))

    # -- per-token quantities ------------------------------------------------------------------
    def kv_values_per_token_layer(self) -> float:
        """Cached values per token per layer: K and V per KV head, or MLA's single latent vector."""
        if self.attention == "mla":
            return self.kv_latent_dim
        return 2.0 * self.kv_heads * self.head_dim

    def cached_tokens(self, context: Any) -> np.ndarray:
        """Tokens held per layer, averaged over layers: sliding-window layers keep only the window."""
        c = np.asarray(context, float)
        return (1.0 - self.sliding_share) * c + self.sliding_share * np.minimum(c, self.window)

    def kv_bytes(self, context: Any, kv_bytes_per_value: float) -> np.ndarray:
        """KV-cache bytes of one sequence at `context` tokens, all layers."""
        return self.layers * self.kv_values_per_token_layer() * kv_bytes_per_value * self.cached_tokens(context)

    def attention_flops(self, context: Any) -> np.ndarray:
        """FLOPs of attention for one new token over `context` cached tokens, all layers.

        GQA: scores (q.k) and the weighted sum of values, 2 FLOPs per multiply-add, over every query
        head: 4 x heads x head_dim per cached token per layer. MLA with the up-projections absorbed
        attends over the latent: about 4 x heads x latent dims (an approximation within 6% of the exact
        2 x heads x (latent + rope + latent))."""
        dim = self.kv_latent_dim if self.attention == "mla" else self.head_dim
        return 4.0 * self.layers * self.heads * dim * self.cached_tokens(context)


def touched_fraction(active_b: Any, total_b: Any, tokens: Any) -> np.ndarray:
    """Share of the weights read in a step that routes `tokens` tokens.

    Dense models read everything. In a mixture-of-experts model a token touches a fraction
    a = active/total of the weights; with independent, uniform routing the chance that a weight is
    touched by at least one of T tokens is 1 - (1 - a)^T. Shared layers make the true share a bit
    higher at small T; routing skew makes it lower at large T.
    """
    a = np.clip(np.asarray(active_b, float) / np.asarray(total_b, float), 0.0, 1.0)
    return np.where(a >= 1.0, 1.0, 1.0 - (1.0 - a) ** np.asarray(tokens, float))


@dataclass(frozen=True)
class Hardware:
    """Peaks of one chip at the serving precision."""

    peak_tflops: float
    bandwidth_tb_s: float
    memory_gb: float


@dataclass(frozen=True)
class Workload:
    """Prompt and completion lengths per request."""

    input_tokens: float
    output_tokens: float
    precision: str = "fp8"

    @property
    def ratio(self) -> float:
        return self.input_tokens / self.output_tokens


@dataclass(frozen=True)
class Efficiency:
    """Achieved fractions of peak and the time per step outside the roofline (the calibrated parameters)."""

    mbu: float
    mfu: float
    overhead_ms: float
    memory_usable: float = 0.9
    overhead_per_seq_ms: float = 0.0
    overhead_tp_ms: float = 0.0

    def overhead_s(self, n: Any, batch: Any) -> np.ndarray:
        """Seconds per step outside the roofline for a replica of `n` chips decoding `batch` sequences."""
        n = np.asarray(n, float)
        return (self.overhead_ms + self.overhead_per_seq_ms * np.asarray(batch, float)
                + self.overhead_tp_ms * np.log2(np.maximum(n, 1.0))) / 1000.0


def step_time(arch: Architecture, hw: Hardware, wl: Workload, eff: Efficiency, n: Any, batch: Any) -> np.ndarray:
    """Seconds per decode step of a replica of `n` chips decoding `batch` sequences (broadcasts)."""
    n = np.asarray(n, float)
    b = np.asarray(batch, float)
    bpw = BYTES_PER_WEIGHT[wl.precision]
    kvb = KV_BYTES[wl.precision]
    weights = arch.total_b * 1e9 * bpw
    r = wl.ratio
    c_dec = wl.input_tokens + wl.output_tokens / 2.0          # average context while decoding
    touched = weights * touched_fraction(arch.active_b, arch.total_b, b * (1.0 + r))
    bytes_step = touched + b * arch.kv_bytes(c_dec, kvb)
    active = 2.0 * arch.active_b * 1e9
    flops_step = b * (active + arch.attention_flops(c_dec)) + b * r * (active + arch.attention_flops(wl.input_tokens / 2.0))
    t_mem = bytes_step / (n * hw.bandwidth_tb_s * 1e12 * eff.mbu)
    t_comp = flops_step / (n * hw.peak_tflops * 1e12 * eff.mfu)
    return np.maximum(t_mem, t_comp) + eff.overhead_s(n, b)


def max_batch(arch: Architecture, hw: Hardware, wl: Workload, eff: Efficiency, n: Any) -> np.ndarray:
    """Most sequences a replica of `n` chips can hold: weights plus full-length KV caches must fit."""
    n = np.asarray(n, float)
    weights = arch.total_b * 1e9 * BYTES_PER_WEIGHT[wl.precision]
    free = n * hw.memory_gb * 1e9 * eff.memory_usable - weights
    per_seq = arch.kv_bytes(wl.input_tokens + wl.output_tokens, KV_BYTES[wl.precision])
    return np.floor(np.maximum(free, 0.0) / per_seq)


def valid_replicas(arch: Architecture, hw: Hardware, wl: Workload, eff: Efficiency,
                   sizes: np.ndarray = REPLICA_SIZES) -> np.ndarray:
    """Replica sizes that divide the heads and hold the weights and at least one sequence.

    Inside a node (up to 8 chips) every such size is allowed. Beyond a node (pipeline or expert
    parallel, where the heads need not divide), only when no single node holds the model or when it is
    a mixture of experts (deployments spread experts over nodes), and then only the smallest
    multi-node size and its double: the model's fixed step overhead does not grow with the span, so
    allowing any span would flatter very wide replicas."""
    fits = max_batch(arch, hw, wl, eff, sizes) >= 1
    inside = sizes[fits & (sizes <= 8) & (arch.heads % np.minimum(sizes, arch.heads) == 0)]
    beyond = sizes[fits & (sizes > 8)]
    if inside.size and arch.active_b >= arch.total_b:
        return inside
    return np.concatenate([inside, beyond[:2]])


@lru_cache(maxsize=4096)
def _sizes_and_bmax(arch: Architecture, hw: Hardware, wl: Workload, memory_usable: float) -> tuple[np.ndarray, np.ndarray]:
    """Valid replica sizes and their batch caps (they depend on the efficiency only through the usable
    memory, so a fit that varies the other parameters reuses them)."""
    eff = Efficiency(1.0, 1.0, 0.0, memory_usable)
    sizes = valid_replicas(arch, hw, wl, eff)
    return sizes, max_batch(arch, hw, wl, eff, sizes)


def operating_points(arch: Architecture, hw: Hardware, wl: Workload, eff: Efficiency) -> pd.DataFrame:
    """Every (replica size, batch) the system can run: tokens/s per user and per chip (for charts)."""
    rows = []
    for n in valid_replicas(arch, hw, wl, eff):
        bmax = float(max_batch(arch, hw, wl, eff, n))
        b = BATCH_GRID[BATCH_GRID <= bmax]
        t = step_time(arch, hw, wl, eff, n, b)
        rows.append(pd.DataFrame({"chips_per_replica": n, "batch": b, "tokens_per_s_per_user": 1.0 / t,
                                  "output_tokens_per_s_per_chip": b / (n * t)}))
    if not rows:
        return pd.DataFrame(columns=["chips_per_replica", "batch", "tokens_per_s_per_user",
                                     "output_tokens_per_s_per_chip"])
    return pd.concat(rows, ignore_index=True)


def best_at_interactivity(arch: Architecture, hw: Hardware, wl: Workload, eff: Efficiency,
                          tokens_per_s_per_user: float | None) -> dict[str, float]:
    """The most output tokens per second per chip at a speed per user of at least the target.

    For each valid replica size, the largest batch whose step is short enough (step time grows with
    the batch, so the feasible batches are those below a bound, found on the grid and refined by
    linear interpolation of the step time), capped by memory. `None` asks for the most throughput
    whatever the speed (an Offline benchmark). NaN throughput when no configuration is fast enough.
    """
    best = {"output_tokens_per_s_per_chip": np.nan, "tokens_per_s_per_user": np.nan,
            "chips_per_replica": np.nan, "batch": np.nan}
    sizes, bmax = _sizes_and_bmax(arch, hw, wl, eff.memory_usable)
    if sizes.size == 0:
        return best
    # all replica sizes at once: a (sizes x grid) table of batches, capped by each size's memory
    bmax = bmax[:, None]
    grid = np.minimum(BATCH_GRID[None, :], bmax)
    t = step_time(arch, hw, wl, eff, sizes[:, None], grid)
    if tokens_per_s_per_user is None:
        b = bmax[:, 0]
    else:
        limit = 1.0 / tokens_per_s_per_user
        ok = t <= limit
        k = np.where(ok.any(axis=1), ok.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1), -1)
        rows = np.arange(sizes.size)
        kk = np.clip(k, 0, grid.shape[1] - 1)
        nxt = np.clip(kk + 1, 0, grid.shape[1] - 1)
        g0, g1, t0, t1 = grid[rows, kk], grid[rows, nxt], t[rows, kk], t[rows, nxt]
        frac = np.where(t1 > t0, (limit - t0) / np.where(t1 > t0, t1 - t0, 1.0), 0.0)
        b = np.where(nxt > kk, g0 + (g1 - g0) * np.clip(frac, 0.0, 1.0), g0)
        b = np.where(k >= 0, np.minimum(b, bmax[:, 0]), np.nan)
    ts = step_time(arch, hw, wl, eff, sizes, b)
    tput = b / (sizes * ts)
    if not np.isfinite(tput).any():
        return best
    i = int(np.nanargmax(tput))
    return {"output_tokens_per_s_per_chip": float(tput[i]), "tokens_per_s_per_user": float(1.0 / ts[i]),
            "chips_per_replica": float(sizes[i]), "batch": float(b[i])}


def max_speed(arch: Architecture, hw: Hardware, wl: Workload, eff: Efficiency) -> float:
    """The fastest speed per user the system reaches: one sequence on the best replica size."""
    sizes, _ = _sizes_and_bmax(arch, hw, wl, eff.memory_usable)
    if sizes.size == 0:
        return float("nan")
    return float(np.max(1.0 / step_time(arch, hw, wl, eff, sizes, 1.0)))


def roofline_ceiling(arch: Architecture, hw: Hardware, wl: Workload) -> float:
    """Output tokens/s per chip that no serving system can exceed on this chip, model and workload.

    With the peaks fully used (MBU = MFU = 1, no overhead) and an unbounded batch, each output token
    still needs its own compute (2 x active FLOPs for it and for its share of the prompt), so
    throughput per chip is at most peak FLOPs / FLOPs per output token. Attention and weight reads
    only lower it. Used to test that the model never exceeds physics.
    """
    active = 2.0 * arch.active_b * 1e9
    flops_per_output = active * (1.0 + wl.ratio)
    return hw.peak_tflops * 1e12 / flops_per_output


def ceiling_at(arch: Architecture, hw: Hardware, wl: Workload, tokens_per_s_per_user: float | None) -> float:
    """Output tokens/s per chip no system can exceed at a speed per user of at least the target: the
    step-level roofline with the peaks fully used (MBU = MFU = 1), no time outside it and all memory
    usable, and never above `roofline_ceiling`. NaN when even that cannot reach the speed."""
    ideal = Efficiency(1.0, 1.0, 0.0, memory_usable=1.0)
    t = best_at_interactivity(arch, hw, wl, ideal, tokens_per_s_per_user)["output_tokens_per_s_per_chip"]
    return float(min(t, roofline_ceiling(arch, hw, wl))) if np.isfinite(t) else float("nan")


def frontier(arch: Architecture, hw: Hardware, wl: Workload, eff: Efficiency,
             speeds: np.ndarray) -> pd.DataFrame:
    """Throughput per chip at each target speed per user (the curve InferenceX draws)."""
    rows = []
    for s in np.asarray(speeds, float):
        best = best_at_interactivity(arch, hw, wl, eff, float(s))
        rows.append({"target_tokens_per_s_per_user": float(s), **best})
    return pd.DataFrame(rows)
