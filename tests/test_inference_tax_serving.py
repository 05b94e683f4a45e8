"""The serving roofline: hand-computed cases, limits and properties (expectations derived by hand or
from published figures, never by re-running the code's formula)."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tokenfactory.inference_tax import serving as sv

LLAMA70 = sv.Architecture(model="Llama 3.3 70B", attention="gqa", layers=80, heads=64, kv_heads=8, head_dim=128,
                          kv_latent_dim=np.nan, window=np.inf, sliding_share=0.0, total_b=70.0, active_b=70.0)
DSV3 = sv.Architecture(model="DeepSeek-V3", attention="mla", layers=61, heads=128, kv_heads=np.nan, head_dim=np.nan,
                       kv_latent_dim=576, window=np.inf, sliding_share=0.0, total_b=671.0, active_b=37.0)
H100 = sv.Hardware(peak_tflops=1978.9, bandwidth_tb_s=3.35, memory_gb=80.0)
B200 = sv.Hardware(peak_tflops=4500.0, bandwidth_tb_s=7.7, memory_gb=180.0)
WL = sv.Workload(1024.0, 1024.0, "fp8")
EFF = sv.Efficiency(mbu=0.7, mfu=0.4, overhead_ms=2.0)


def test_kv_bytes_of_llama_70b_match_the_published_320_kib():
    # 80 layers x 8 KV heads x 128 dims x (K and V) x 2 bytes = 327,680 bytes = 320 KiB per token
    assert LLAMA70.kv_bytes(1.0, 2.0) == pytest.approx(327_680)


def test_mla_caches_one_latent_per_layer():
    # DeepSeek-V3: 61 layers x 576 values x 1 byte (FP8 cache) per token
    assert DSV3.kv_bytes(1.0, 1.0) == pytest.approx(61 * 576)


def test_sliding_window_layers_cap_the_cache():
    arch = sv.Architecture("x", "gqa", 2, 8, 1, 4, np.nan, window=10, sliding_share=0.5, total_b=1, active_b=1)
    # one full layer holds 100 tokens, one sliding layer 10: average 55 per layer; 2 layers x (2 x 1 x 4) values
    assert arch.kv_bytes(100.0, 1.0) == pytest.approx(2 * 8 * 55)


def test_step_time_hand_case_memory_bound():
    # a 1B dense model at 1 byte/weight, 1 chip of 1 TB/s at full MBU, no KV to speak of, tiny compute:
    # one step reads 1e9 bytes = 1 ms, plus 1 ms overhead
    arch = sv.Architecture("t", "gqa", 1, 1, 1, 1, np.nan, np.inf, 0.0, 1.0, 1.0)
    hw = sv.Hardware(peak_tflops=1e6, bandwidth_tb_s=1.0, memory_gb=100.0)
    t = sv.step_time(arch, hw, sv.Workload(1.0, 1.0, "fp8"), sv.Efficiency(1.0, 1.0, 1.0), 1, 1)
    assert float(t) == pytest.approx(0.002, rel=1e-3)


def test_step_time_hand_case_compute_bound():
    # 2 x 1e9 FLOPs per token, batch 1000 decoded + 1000 prefilled (1:1 workload) = 4e12 FLOPs at 1 PFLOP/s = 4 ms
    arch = sv.Architecture("t", "gqa", 1, 1, 1, 1, np.nan, np.inf, 0.0, 1.0, 1.0)
    hw = sv.Hardware(peak_tflops=1000.0, bandwidth_tb_s=1e6, memory_gb=1000.0)
    t = sv.step_time(arch, hw, sv.Workload(1.0, 1.0, "fp8"), sv.Efficiency(1.0, 1.0, 0.0), 1, 1000)
    assert float(t) == pytest.approx(0.004, rel=1e-2)


def test_replica_sizes_divide_the_heads_and_hold_the_weights():
    sizes = sv.valid_replicas(sv.Architecture("t", "gqa", 1, 12, 1, 1, np.nan, np.inf, 0.0, 100.0, 100.0),
                              sv.Hardware(1000.0, 1.0, 80.0), WL, EFF)
    # 100 GB of FP8 weights need more than one 80 GB chip; 12 heads are divisible by 2 and 4, not 8
    assert list(sizes) == [2.0, 4.0]


def test_cost_speed_tradeoff_throughput_falls_as_speed_per_user_rises():
    slow = sv.best_at_interactivity(LLAMA70, H100, WL, EFF, 10.0)["output_tokens_per_s_per_chip"]
    fast = sv.best_at_interactivity(LLAMA70, H100, WL, EFF, 80.0)["output_tokens_per_s_per_chip"]
    assert slow > fast > 0


def test_b200_serves_more_per_chip_than_h100_at_the_same_speed():
    for speed in (10.0, 30.0, 60.0):
        b = sv.best_at_interactivity(LLAMA70, B200, WL, EFF, speed)["output_tokens_per_s_per_chip"]
        h = sv.best_at_interactivity(LLAMA70, H100, WL, EFF, speed)["output_tokens_per_s_per_chip"]
        assert b > h


def test_an_unreachable_speed_gives_no_throughput():
    assert np.isnan(sv.best_at_interactivity(LLAMA70, H100, WL, EFF, 1e6)["output_tokens_per_s_per_chip"])
    assert sv.max_speed(LLAMA70, H100, WL, EFF) < 1e6


def test_the_chosen_point_meets_its_speed():
    best = sv.best_at_interactivity(DSV3, B200, WL, EFF, 25.0)
    assert best["tokens_per_s_per_user"] >= 25.0 * (1 - 1e-9)


@settings(max_examples=60, deadline=None)
@given(mbu=st.floats(0.1, 1.0), mfu=st.floats(0.05, 1.0), overhead=st.floats(0.0, 20.0),
       speed=st.floats(1.0, 200.0), inp=st.floats(16, 8192), out=st.floats(16, 4096), dense=st.booleans())
def test_throughput_never_exceeds_what_peak_compute_allows(mbu, mfu, overhead, speed, inp, out, dense):
    arch = LLAMA70 if dense else DSV3
    wl = sv.Workload(inp, out, "fp8")
    tps = sv.best_at_interactivity(arch, B200, wl, sv.Efficiency(mbu, mfu, overhead), speed)["output_tokens_per_s_per_chip"]
    if np.isfinite(tps):
        assert tps <= sv.roofline_ceiling(arch, B200, wl) * (1 + 1e-9)


@settings(max_examples=40, deadline=None)
@given(s1=st.floats(5.0, 100.0), s2=st.floats(5.0, 100.0))
def test_throughput_is_monotone_in_speed(s1, s2):
    lo, hi = sorted((s1, s2))
    a = sv.best_at_interactivity(LLAMA70, B200, WL, EFF, lo)["output_tokens_per_s_per_chip"]
    b = sv.best_at_interactivity(LLAMA70, B200, WL, EFF, hi)["output_tokens_per_s_per_chip"]
    assert a >= b * (1 - 0.02)   # the batch grid is refined by interpolation: allow 2%


def test_missing_architecture_fields_are_named():
    with pytest.raises(sv.ArchitectureError, match="kv_heads, head_dim"):
        sv.Architecture.from_row({"model": "m", "attention": "gqa", "layers": 2, "attention_heads": 4,
                                  "total_params_b": 1.0, "active_params_b": 1.0})
