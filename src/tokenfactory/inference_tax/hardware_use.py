"""How hard measured serving runs use the hardware against its datasheet peak (claim C8, first reading).

The article's under-use is hardware utilization against theoretical peak ("GPUs waiting for networks,
memory transfers slowing down computation"), not only idle fleets. Each measured point in
data/serving_benchmarks.csv that states its speed per user gives both shares directly, with no fit:

- **Bandwidth use (MBU)** = bytes that decoding must move per second per chip / peak bandwidth.
  Per decode step a replica reads its weights once and every sequence's KV cache. Steps per second =
  the per-user speed s (one token per sequence per step), so per chip:
  weights: s x W / n, with W the model's weight bytes and n the chips of the replica;
  KV cache: T x c x k, with T the output tokens per second per chip, c the mean context while decoding
  (input + output / 2) and k the KV bytes per token (layers x KV heads x head size x 2, or the latent
  of multi-head latent attention; sliding-window layers read at most their window).
- **Compute use (MFU)** = FLOPs per second per chip / peak FLOPs: T x 2 x active parameters x
  (input + output) / output (prefill counted; attention FLOPs left out, a small lower-bias).
- **Hardware use** = the larger of the two: the share of its binding resource a point keeps busy.

Assumptions (stated, and the reason for the band): one replica spans the measured system's chips
(n = chips), which is how the multi-GPU runs here are configured; all of a mixture-of-experts model's
weights are read each step (true at serving batch sizes, an over-count at very small batches, which
makes the use look higher, not lower); where the source does not state the precision, weights and KV
cache are taken at 1 byte (FP8), with the band from 0.5 byte (FP4) to 2 bytes (BF16) and the peak FLOPs
at the matching precision (FP8 peak for FP4, as the data hold no FP4 peak); the KV cache is taken at
2 bytes (BF16, the engines' default) unless the source states its precision (from the weights' low end
to 2 bytes in the band); an end of the band under which
a point would need more than the chip's peak bandwidth, or under which the weights would not fit in the
system's memory, is impossible and is dropped. Points without a per-user
speed (offline runs, latency-bounded MLPerf results) are left out: their step rate is not stated.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: Bytes per weight by precision keyword (the first one named before "MoE" wins for MoE layers).
BYTES = {"fp4": 0.5, "mxfp4": 0.5, "nvfp4": 0.5, "int4": 0.5, "w4a16": 0.5, "w4a8": 0.5, "fp6": 0.75, "mxfp6": 0.75,
         "fp8": 1.0, "e4m3": 1.0, "int8": 1.0, "w8a8": 1.0, "bf16": 2.0, "bfloat16": 2.0, "fp16": 2.0, "float16": 2.0,
         "fp32": 4.0, "float32": 4.0}
#: When the source states no precision: central, low and high bytes per weight.
UNSTATED = (1.0, 0.5, 2.0)
#: Bytes per KV-cache element when the source does not state the cache's precision (BF16, the default of
#: vLLM, SGLang and TensorRT-LLM); the band's low end takes the weights' low end.
KV_DEFAULT = 2.0


def weight_bytes(precision: object) -> tuple[float, float, float, bool]:
    """(central, low, high) bytes per weight from a stated precision, and whether it was stated.

    A mixed statement ("FP8 attention, NVFP4 MoE") takes the precision of the MoE layers, which hold
    almost all weights; otherwise the first precision named."""
    text = str(precision or "").lower()
    if not text or text == "nan":
        return (*UNSTATED, False)
    moe = re.search(r"([a-z0-9]+)\s+moe", text)
    if moe and moe.group(1) in BYTES:
        b = BYTES[moe.group(1)]
        return b, b, b, True
    for word in re.findall(r"[a-z0-9]+", text):
        if word in BYTES:
            b = BYTES[word]
            return b, b, b, True
    raise ValueError(f"precision {precision!r}: no known precision in it (one of {', '.join(sorted(BYTES))})")


def kv_bytes_per_token(arch: pd.Series, context: float, kv_byte: float) -> float:
    """KV-cache bytes one sequence's decode step reads per token of its context, averaged over layers
    (a sliding-window layer reads at most its window)."""
    layers = float(arch["layers"])
    if str(arch.get("attention")) == "mla" and pd.notna(arch.get("kv_latent_dim")):
        per_layer = float(arch["kv_latent_dim"]) * kv_byte
    else:
        per_layer = 2.0 * float(arch["kv_heads"]) * float(arch["head_dim"]) * kv_byte
    window = arch.get("sliding_window_tokens")
    share = arch.get("sliding_layer_share")
    if pd.notna(window) and pd.notna(share) and context > 0:
        read = (1 - float(share)) + float(share) * min(1.0, float(window) / context)
        return layers * per_layer * read
    return layers * per_layer


def point_use(row: pd.Series, acc: pd.Series, arch: pd.Series, bytes_per_weight: float,
              kv_byte: float | None = None) -> dict[str, float]:
    """Bandwidth and compute use of one measured point at one assumed bytes per weight and per KV-cache
    element (`kv_byte`, default: as the weights)."""
    kv_byte = bytes_per_weight if kv_byte is None else kv_byte
    s = row["tokens_per_s_per_user"]
    if pd.isna(s) and pd.notna(row.get("tpot_ms")) and row["tpot_ms"] > 0:
        s = 1000.0 / float(row["tpot_ms"])
    t = float(row["output_tokens_per_s_per_chip"])
    n = float(row["chips"])
    inp, out = float(row["input_tokens"]), float(row["output_tokens"])
    context = inp + out / 2
    w = float(arch["total_params_b"]) * 1e9 * bytes_per_weight
    traffic = float(s) * w / n + t * context * kv_bytes_per_token(arch, context, kv_byte)
    mbu = traffic / (float(acc["memory_bandwidth_tb_s"]) * 1e12)
    peak = acc["fp8_dense_tflops"] if bytes_per_weight <= 1 and pd.notna(acc.get("fp8_dense_tflops")) \
        else acc["bf16_dense_tflops"]
    flops = t * 2.0 * float(arch["active_params_b"]) * 1e9 * (inp + out) / out
    mfu = flops / (float(peak) * 1e12)
    return {"mbu": mbu, "mfu": mfu, "use": max(mbu, mfu)}


def usable(bench: pd.DataFrame, accelerators: pd.DataFrame, architectures: pd.DataFrame) -> pd.DataFrame:
    """Measured points that state a per-user speed, a throughput per chip, prompt and completion
    lengths, and an accelerator and model with datasheet peaks and an architecture."""
    b = bench.copy()
    speed = b["tokens_per_s_per_user"].notna() | (b.get("tpot_ms", pd.Series(np.nan, index=b.index)) > 0)
    keep = (speed & (b["output_tokens_per_s_per_chip"] > 0) & (b["input_tokens"] > 0) & (b["output_tokens"] > 0)
            & (b["chips"] > 0) & b["accelerator"].isin(set(accelerators["accelerator"]))
            & b["model"].isin(set(architectures["model"])))
    return b[keep]


def hardware_use(bench: pd.DataFrame | None, accelerators: pd.DataFrame, architectures: pd.DataFrame) -> pd.DataFrame:
    """One row per usable measured point: MBU, MFU and hardware use (the larger), central and at the
    ends of the precision band (low, high), and whether the precision was stated."""
    cols = ["point_id", "source", "accelerator", "model", "precision_stated", "tokens_per_s_per_user", "mbu", "mbu_low",
            "mbu_high", "mfu", "use", "use_low", "use_high"]
    if bench is None or bench.empty:
        return pd.DataFrame(columns=cols)
    acc = accelerators.set_index("accelerator")
    arch = architectures.set_index("model")
    rows = []
    for _, r in usable(bench, accelerators, architectures).iterrows():
        central, low, high, stated = weight_bytes(r.get("precision"))
        a, m = acc.loc[r["accelerator"]], arch.loc[r["model"]]
        if pd.isna(a.get("memory_bandwidth_tb_s")):
            continue
        # the KV cache at the weights' precision only where the source says so; else BF16, the engines' default
        kv_stated = "kv" in str(r.get("precision") or "").lower()
        kv = (central, low, high) if kv_stated else (KV_DEFAULT, min(low, KV_DEFAULT), max(high, KV_DEFAULT))
        c, lo, hi = (point_use(r, a, m, b, k) for b, k in zip((central, low, high), kv))
        # an assumption under which the point would need more than the peak bandwidth, or whose weights would
        # not fit in the system's memory, is impossible: drop it (keep the central figure in its place)
        mem = float(a["memory_gb"]) * 1e9 * float(r["chips"]) if pd.notna(a.get("memory_gb")) else np.inf
        fits = lambda b: float(m["total_params_b"]) * 1e9 * b <= mem  # noqa: E731
        lo, hi = (x if x["mbu"] <= 1 and fits(b) else c for x, b in ((lo, low), (hi, high)))
        speed = r["tokens_per_s_per_user"] if pd.notna(r["tokens_per_s_per_user"]) else 1000.0 / r["tpot_ms"]
        rows.append({"point_id": r.get("point_id"), "source": r["source"], "accelerator": r["accelerator"],
                     "model": r["model"], "precision_stated": stated, "tokens_per_s_per_user": float(speed),
                     "mbu": c["mbu"], "mbu_low": lo["mbu"], "mbu_high": hi["mbu"], "mfu": c["mfu"],
                     "use": c["use"], "use_low": min(lo["use"], c["use"], hi["use"]),
                     "use_high": max(lo["use"], c["use"], hi["use"])})
    return pd.DataFrame(rows, columns=cols)


def summary(points: pd.DataFrame) -> dict[str, float | int | None]:
    """Medians over the points (None without points): the glued C8 hardware reading."""
    if points.empty:
        return {"c8_bandwidth_use_median": None, "c8_bandwidth_use_low": None, "c8_bandwidth_use_high": None,
                "c8_compute_use_median": None, "c8_hardware_use_median": None, "c8_hardware_use_low": None,
                "c8_hardware_use_high": None, "c8_hardware_points": 0, "c8_hardware_sources": 0}
    med = lambda c: float(points[c].median())  # noqa: E731
    return {"c8_bandwidth_use_median": med("mbu"), "c8_bandwidth_use_low": med("mbu_low"),
            "c8_bandwidth_use_high": med("mbu_high"), "c8_compute_use_median": med("mfu"),
            "c8_hardware_use_median": med("use"), "c8_hardware_use_low": med("use_low"),
            "c8_hardware_use_high": med("use_high"), "c8_hardware_points": int(len(points)),
            "c8_hardware_sources": int(points["source"].nunique())}


def by_source(points: pd.DataFrame) -> pd.DataFrame:
    """A reader's table: per source and accelerator, points and median shares of peak."""
    if points.empty:
        return pd.DataFrame(columns=["Source", "Accelerator", "Model", "Points", "Bandwidth use", "Compute use",
                                     "Hardware use"])
    g = points.groupby(["source", "accelerator", "model"], as_index=False).agg(
        n=("mbu", "size"), mbu=("mbu", "median"), mfu=("mfu", "median"), use=("use", "median"))
    from ..formatting import fmt

    pct = lambda col: [fmt(v, sig=2, pct=True) for v in col]  # noqa: E731
    return pd.DataFrame({"Source": g["source"], "Accelerator": g["accelerator"], "Model": g["model"], "Points": g["n"],
                         "Bandwidth use": pct(g["mbu"]), "Compute use": pct(g["mfu"]), "Hardware use": pct(g["use"])})


__all__ = ["weight_bytes", "kv_bytes_per_token", "point_use", "hardware_use", "summary", "by_source"]
