"""Unit tests and properties of the inference-tax cost model (hand-computed cases)."""


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenfactory.inference_tax import model as m


def simple(**over):
    """A chip and model small enough to compute by hand."""
    inp = dict(
        peak_tflops=1000.0, bandwidth_tb_s=1.0, memory_gb=100.0, tdp_w=1000.0, price_usd=10000.0,
        vendor_margin=0.5, nre_per_unit_usd=0.0, server_network_usd=0.0, total_params_b=10.0, active_params_b=10.0,
        bytes_per_weight=1.0, kv_bytes_per_token=0.0, context_tokens=0.0, batch_size=1.0,
        input_tokens_per_output=0.0, mfu=1.0, mbu=1.0, memory_usable=1.0, utilization=1.0,
        electricity_usd_per_kwh=0.1, pue=1.0, server_power_factor=1.0, depreciation_years=5.0,
        cost_of_capital=0.0, facility_usd_per_kw_month=0.0)
    inp.update(over)
    return inp


def test_throughput_hand_case_memory_bound():
    # 10 GB of weights read at 1 TB/s: 0.01 s per step, one sequence -> 100 tokens/s
    tp = m.throughput(simple())
    assert tp["tokens_per_s"] == pytest.approx(100.0)
    assert tp["n_chips"] == 1 and bool(tp["memory_bound"])


def test_throughput_compute_bound_and_prefill():
    # batch 1000: memory 0.01 s, compute 2e10*1000/1e15 = 0.02 s -> 1000/0.02 = 50,000 tok/s decode
    tp = m.throughput(simple(batch_size=1000.0))
    assert tp["decode_tokens_per_s"] == pytest.approx(50_000.0)
    assert not bool(tp["memory_bound"])
    # add 1 prompt token per output: + 2e10/1e15 = 2e-5 chip-s per token
    tp2 = m.throughput(simple(batch_size=1000.0, input_tokens_per_output=1.0))
    assert tp2["tokens_per_s"] == pytest.approx(1 / (1 / 50_000 + 2e-5))


def test_sharding_when_model_does_not_fit():
    # 250 GB of weights on 100 GB chips -> 3 chips; per-chip throughput = batch / (3 * t_step)
    tp = m.throughput(simple(total_params_b=250.0, active_params_b=250.0))
    assert tp["n_chips"] == 3
    t_step = 250e9 / (3 * 1e12)
    assert tp["tokens_per_s"] == pytest.approx(1 / (3 * t_step))


def test_moe_touched_fraction():
    assert m.touched_fraction(100, 100, 1) == pytest.approx(1.0)
    assert m.touched_fraction(100, 10, 1) == pytest.approx(0.1)
    assert m.touched_fraction(100, 10, 2) == pytest.approx(1 - 0.9 ** 2)


def test_crf():
    assert m.capital_recovery_factor(0.0, 5) == pytest.approx(0.2)
    assert m.capital_recovery_factor(0.1, 1) == pytest.approx(1.1)


def test_cost_hand_case_and_decomposition():
    c = m.cost_per_mtok(simple())
    expected = (10000 * 0.2 / 8760 + 1.0 * 0.1) / (100 * 3600) * 1e6
    assert c["total"] == pytest.approx(expected)
    assert c["vendor_margin"] == pytest.approx(c["chip_at_cost"])
    assert c["power"] == pytest.approx(0.1 / 360000 * 1e6)
    assert sum(c[k] for k in m.COMPONENTS) == pytest.approx(c["total"])


def test_elasticity_negative_and_matches_formula():
    inp = simple(utilization=0.5, electricity_usd_per_kwh=0.0)
    # with no energy cost, cost is proportional to 1/u: d ln C / du = -1/u = -2 -> -2% per point
    assert m.utilization_elasticity(inp) == pytest.approx(-2.0, rel=1e-3)


finite = dict(allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(u1=st.floats(0.01, 1.0, **finite), u2=st.floats(0.01, 1.0, **finite), e=st.floats(0.0, 1.0, **finite),
       batch=st.integers(1, 512), ctx=st.integers(0, 32768), total=st.floats(1, 2000, **finite),
       frac=st.floats(0.01, 1.0, **finite), ratio=st.floats(0, 20, **finite))
def test_cost_falls_with_utilization_and_rises_with_electricity(u1, u2, e, batch, ctx, total, frac, ratio):
    inp = simple(batch_size=batch, context_tokens=ctx, kv_bytes_per_token=160e3, total_params_b=total,
                 active_params_b=total * frac, input_tokens_per_output=ratio, electricity_usd_per_kwh=e,
                 server_network_usd=5000.0, facility_usd_per_kw_month=100.0, cost_of_capital=0.1)
    lo, hi = sorted((u1, u2))
    c_lo = m.cost_per_mtok({**inp, "utilization": lo})
    c_hi = m.cost_per_mtok({**inp, "utilization": hi})
    assert c_hi["total"] <= c_lo["total"] * (1 + 1e-12)
    more_e = m.cost_per_mtok({**inp, "utilization": lo, "electricity_usd_per_kwh": e + 0.05})
    assert more_e["total"] > c_lo["total"]
    assert sum(c_lo[k] for k in m.COMPONENTS) == pytest.approx(c_lo["total"], rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(batch=st.integers(1, 2048), ctx=st.integers(0, 131072), total=st.floats(1, 3000, **finite),
       frac=st.floats(0.01, 1.0, **finite), mfu=st.floats(0.05, 1, **finite), mbu=st.floats(0.05, 1, **finite),
       ratio=st.floats(0, 20, **finite))
def test_throughput_never_exceeds_peaks(batch, ctx, total, frac, mfu, mbu, ratio):
    inp = simple(batch_size=batch, context_tokens=ctx, kv_bytes_per_token=320 * 1024, total_params_b=total,
                 active_params_b=total * frac, mfu=mfu, mbu=mbu, input_tokens_per_output=ratio, memory_gb=80.0)
    tp = m.throughput(inp)
    flops_per_token = 2 * total * frac * 1e9 * (1 + ratio)
    assert tp["tokens_per_s"] * flops_per_token <= 1000e12 * (1 + 1e-9)       # peak compute
    # decode: bytes moved per chip per second <= peak bandwidth
    bytes_per_chip_s = tp["decode_tokens_per_s"] * tp["bytes_per_step"] / batch
    assert bytes_per_chip_s <= 1.0e12 * (1 + 1e-9)


@settings(max_examples=40, deadline=None)
@given(nre1=st.floats(1e6, 1e10, **finite), nre2=st.floats(1e6, 1e10, **finite))
def test_breakeven_falls_as_nre_falls(nre1, nre2):
    lo, hi = sorted((nre1, nre2))
    b_lo = m.breakeven_tokens_per_year(2.0, 1.0, m.nre_per_year(lo, 0.1, 4))
    b_hi = m.breakeven_tokens_per_year(2.0, 1.0, m.nre_per_year(hi, 0.1, 4))
    assert b_lo <= b_hi


def test_breakeven_hand_case_and_never():
    # saving $1 per million tokens, $1M a year of NRE -> 1e12 tokens a year
    assert m.breakeven_tokens_per_year(3.0, 2.0, 1e6) == pytest.approx(1e12)
    assert np.isinf(m.breakeven_tokens_per_year(1.0, 2.0, 1e6))


def test_asic_nre_component_equals_annual_charge_over_program_tokens():
    gpu = simple(cost_of_capital=0.08, utilization=0.6)
    asic = m.asic_inputs(gpu, unit_cost_usd=5000, partner_margin=0.4, perf_ratio=0.8, power_w=600,
                         nre_usd=3e8, volume_units=1e5, program_years=4)
    c = m.cost_per_mtok(asic)
    program_tokens = c["tokens_per_s"] * 3600 * 8760 * 0.6 * 1e5
    assert c["nre"] == pytest.approx(m.nre_per_year(3e8, 0.08, 4) / program_tokens * 1e6)
    assert asic["price_usd"] == pytest.approx(5000 / 0.6)
    marginal = m.cost_per_mtok(m.asic_marginal_inputs(asic))["total"]
    assert c["total"] - marginal == pytest.approx(c["nre"])


def test_tornado_sorted_and_centered():
    inp = simple(utilization=0.5)
    ranges = [m.Range("utilization", "Utilization", 0.2, 0.9, "fraction"),
              m.Range("electricity_usd_per_kwh", "Electricity", 0.05, 0.2, "USD/kWh")]
    t = m.tornado(inp, ranges)
    assert list(t["key"]) == ["utilization", "electricity_usd_per_kwh"]
    assert t["cost_at_low"].iloc[0] > t["base"].iloc[0] > t["cost_at_high"].iloc[0]


def test_monte_carlo_100k_reproducible():
    """(Its speed, well under a second, is measured by `make bench`.)"""
    inp = simple(utilization=0.5, batch_size=64.0, context_tokens=4096.0, kv_bytes_per_token=327680.0)
    ranges = [m.Range("utilization", "Utilization", 0.2, 0.9, "fraction"),
              m.Range("batch_size", "Batch", 16, 256, "sequences", log=True),
              m.Range("mbu", "MBU", 0.5, 1.0, "fraction")]
    a = m.monte_carlo(inp, ranges, 100_000, seed=7)["total"]
    b = m.monte_carlo(inp, ranges, 100_000, seed=7)["total"]
    assert a.shape == (100_000,) and np.array_equal(a, b)
    p = m.percentiles(a)
    assert p["p10"] < p["p50"] < p["p90"]


def test_cost_expression_is_the_formula():
    inp = simple(utilization=0.3, server_network_usd=2000.0, cost_of_capital=0.1, facility_usd_per_kw_month=120.0)
    expr = m.cost_expression(inp)
    value = eval(expr, {}, {"price": 12345.0, "utilization": 0.42, "electricity": 0.07})  # plain arithmetic
    want = m.cost_per_mtok({**inp, "price_usd": 12345.0, "utilization": 0.42, "electricity_usd_per_kwh": 0.07})
    assert value == pytest.approx(float(want["total"]), rel=1e-12)


def test_share_of_draws_below_places_a_value_in_the_distribution():
    from tokenfactory.inference_tax import analysis
    draws = np.arange(1, 101, dtype=float)
    assert analysis.share_of_draws_below(10.0, draws) == pytest.approx(0.10)
    assert analysis.share_of_draws_below(0.5, draws) == 0.0
    assert analysis.share_of_draws_below(1000.0, draws) == 1.0


def test_with_article_reads_initialisms_aloud():
    from tokenfactory.inference_tax import analysis
    assert analysis.with_article("NVIDIA H100 SXM") == "an NVIDIA H100 SXM"
    assert analysis.with_article("AMD MI300X") == "an AMD MI300X"
    assert analysis.with_article("Google TPU v6e") == "a Google TPU v6e"
    assert analysis.with_article("Intel Gaudi 3") == "an Intel Gaudi 3"
