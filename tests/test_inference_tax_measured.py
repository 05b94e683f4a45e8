"""Measured first: the measured frontier, its interpolation, the headline's basis, the overhead's form,
the ceiling guard, and C4's footings. Expectations are worked by hand or from limit cases."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenfactory.inference_tax import analysis, calibration as cal, chapter, model as m, serving as sv
from tokenfactory.inference_tax.params import Params

from test_inference_tax_calibration import ACC, ARCH, TRUE, synthetic_bench

ARCH70 = sv.Architecture.from_row(ARCH.iloc[0])


# ---- the time per step outside the roofline ---------------------------------------------------------

def test_overhead_has_a_fixed_part_a_part_per_sequence_and_a_part_per_doubling_of_the_replica():
    eff = sv.Efficiency(mbu=1.0, mfu=1.0, overhead_ms=2.0, overhead_per_seq_ms=0.01, overhead_tp_ms=0.5)
    # 2 ms + 0.01 ms x 100 sequences + 0.5 ms x log2(8) = 4.5 ms
    assert float(eff.overhead_s(8, 100)) == pytest.approx(4.5e-3)
    # one chip, one sequence: only the fixed part and one sequence's share
    assert float(eff.overhead_s(1, 1)) == pytest.approx(2.01e-3)
    # the constant form is the special case with the other two terms at zero
    assert float(sv.Efficiency(0.5, 0.5, 3.0).overhead_s(8, 1000)) == pytest.approx(3e-3)


def test_a_smaller_fixed_overhead_raises_the_fastest_speed():
    hw = cal.hardware(ACC.set_index("accelerator").loc["B"], "fp8")
    wl = sv.Workload(1024.0, 1024.0, "fp8")
    slow = sv.max_speed(ARCH70, hw, wl, sv.Efficiency(0.6, 0.3, 17.5))
    fast = sv.max_speed(ARCH70, hw, wl, sv.Efficiency(0.6, 0.3, 1.0, overhead_per_seq_ms=0.01, overhead_tp_ms=0.3))
    assert slow < 1000 / 17.5 < fast


# ---- the measured frontier -------------------------------------------------------------------------

POINTS = pd.DataFrame({"point_id": list("abcd"), "source": "S", "as_of": "2026-01-01",
                       "speed": [10.0, 15.0, 20.0, 40.0], "speed_kind": "measured",
                       "tps": [1000.0, 500.0, 600.0, 200.0]})


def test_the_frontier_is_the_upper_envelope_and_falls_with_speed():
    f = analysis.measured_frontier(POINTS)
    # (15, 500) is beaten by (20, 600): faster and more per chip
    assert list(f["point_id"]) == ["a", "c", "d"]
    assert np.all(np.diff(f["tps"]) < 0)


def test_interpolation_is_log_linear_between_measured_points_and_never_extrapolates():
    f = analysis.measured_frontier(POINTS)
    mid = analysis.interpolate_frontier(f, float(np.sqrt(10 * 20)))   # geometric middle of 10 and 20
    assert mid["status"] == "measured" and mid["tps"] == pytest.approx(np.sqrt(1000 * 600))
    assert analysis.interpolate_frontier(f, 20.0)["tps"] == pytest.approx(600.0)
    below, above = analysis.interpolate_frontier(f, 5.0), analysis.interpolate_frontier(f, 60.0)
    assert below["status"] == "below" and np.isnan(below["tps"]) and below["low"] == 10.0
    assert above["status"] == "above" and np.isnan(above["tps"]) and above["high"] == 40.0
    assert analysis.interpolate_frontier(f.iloc[0:0], 20.0)["status"] == "none"


def test_measured_points_match_accelerator_model_precision_and_workload():
    bench = pd.DataFrame([
        {"point_id": "ok", "accelerator": "X", "model": "M", "precision": "FP8", "input_tokens": 1000,
         "output_tokens": 1000, "tokens_per_s_per_user": 50.0, "output_tokens_per_s_per_chip": 900.0},
        {"point_id": "total", "accelerator": "X", "model": "M", "precision": "FP8 (e4m3)", "input_tokens": 1024,
         "output_tokens": 1024, "tpot_ms": 10.0, "total_tokens_per_s_per_chip": 1000.0},
        {"point_id": "fp4", "accelerator": "X", "model": "M", "precision": "NVFP4", "input_tokens": 1024,
         "output_tokens": 1024, "tokens_per_s_per_user": 50.0, "output_tokens_per_s_per_chip": 2000.0},
        {"point_id": "long", "accelerator": "X", "model": "M", "precision": "FP8", "input_tokens": 8192,
         "output_tokens": 1024, "tokens_per_s_per_user": 50.0, "output_tokens_per_s_per_chip": 300.0},
        {"point_id": "unstated", "accelerator": "X", "model": "M", "precision": np.nan, "input_tokens": 1024,
         "output_tokens": 1024, "tokens_per_s_per_user": 50.0, "output_tokens_per_s_per_chip": 300.0},
    ])
    pts = analysis.measured_points(bench, "X", "M", "fp8", 1024.0, 1024.0)
    assert set(pts["point_id"]) == {"ok", "total"}
    # a total throughput at 1k/1k is half output; a time per token of 10 ms is 100 tokens/s per user
    row = pts.set_index("point_id").loc["total"]
    assert row["tps"] == pytest.approx(500.0) and row["speed"] == pytest.approx(100.0)


# ---- the headline: measured where measured, modeled elsewhere ---------------------------------------

@pytest.fixture(scope="module")
def inputs():
    from tokenfactory.data import load
    inp = chapter.load(load)
    return chapter.Inputs({k: v for k, v in inp.tables.items() if k != "serving_benchmarks"}, inp.problems)


def _with_bench(inputs, speeds, tps):
    bench = pd.DataFrame([{"point_id": f"p{s}", "source": "Synthetic", "accelerator": "NVIDIA B200",
                           "model": "Llama 3.3 70B", "precision": "FP8", "engine": "x", "scenario": "concurrency",
                           "input_tokens": 1024, "output_tokens": 1024, "tokens_per_s_per_user": s,
                           "output_tokens_per_s_per_chip": t, "as_of": pd.Timestamp("2026-01-01")}
                          for s, t in zip(speeds, tps)])
    return chapter.Inputs({**inputs.tables, "serving_benchmarks": bench}, {})


def test_the_headline_equals_the_measured_frontier_where_one_covers_the_speed(inputs):
    inp = _with_bench(inputs, [20.0, 40.0, 80.0], [5000.0, 3000.0, 1000.0])
    r = chapter.compute(Params(mc_draws=200), inp)
    h = r.extras["head"]
    expected = float(np.exp(np.interp(np.log(30.0), np.log([20.0, 40.0]), np.log([5000.0, 3000.0]))))
    assert h["basis"] == "measured" and r.serving["output_tokens_per_s_per_chip"] == pytest.approx(expected)
    g = chapter.glue_values(r)
    assert g["cost_basis"][0] == "measured"
    assert g["cost_per_mtok_gpu_usd"][0] == g["cost_per_mtok_measured_usd"][0]
    # the model's cost stands beside it, at the model's own throughput
    assert g["cost_per_mtok_model_usd"][0] == pytest.approx(
        float(m.cost_per_mtok({**r.gpu, "tokens_per_s": h["modeled"]})["total"]))


def test_outside_the_measured_range_the_model_speaks_and_the_page_says_so(inputs):
    inp = _with_bench(inputs, [60.0, 90.0], [2000.0, 1000.0])
    r = chapter.compute(Params(mc_draws=200), inp)
    assert r.extras["head"]["basis"] == "modeled" and r.extras["head"]["status"] == "below"
    t = chapter.texts(r)
    assert t["cost_basis_sentence"].startswith("modeled") and "does not extrapolate" in t["cost_basis_sentence"]
    # the slowest measured point bounds the cost from above: throughput only falls as speed rises
    bound = chapter.glue_values(r)["cost_per_mtok_measured_bound_usd"][0]
    assert bound == pytest.approx(float(m.cost_per_mtok({**r.gpu, "tokens_per_s": 2000.0})["total"]))
    # the model serves more at 30 than measured at 60: it stands, below the bound
    assert not r.extras["head"]["bounded"] and chapter.glue_values(r)["cost_basis"][1]["text"] == "modeled"
    assert chapter.glue_values(r)["cost_per_mtok_gpu_usd"][0] <= bound


def test_a_modeled_headline_above_its_measured_bound_is_raised_to_it_and_the_page_says_so(inputs):
    # measured far above anything the model serves at 30: the headline is the bound, never above it
    inp = _with_bench(inputs, [60.0, 90.0], [60000.0, 50000.0])
    r = chapter.compute(Params(mc_draws=200), inp)
    g, t = chapter.glue_values(r), chapter.texts(r)
    assert r.extras["head"]["bounded"] and r.extras["head"]["modeled"] < 60000.0
    assert g["cost_per_mtok_gpu_usd"][0] == pytest.approx(g["cost_per_mtok_measured_bound_usd"][0])
    assert g["cost_basis"][1]["text"] == "modeled, bounded by measurement"
    assert t["cost_basis_sentence"].startswith("modeled, bounded by measurement")


def test_a_speed_only_measurements_reach_can_be_set(inputs):
    """A speed past the model's fastest but inside a measured frontier is priced from the measurement."""
    r0 = chapter.compute(Params(mc_draws=200), inputs)
    top = r0.extras["head"]["model_max_speed"]
    inp = _with_bench(inputs, [top * 0.5, top * 1.5], [3000.0, 200.0])
    r = chapter.compute(Params(mc_draws=200, tokens_per_second_per_user=top * 1.2), inp)
    assert r.extras["head"]["basis"] == "measured" and np.isnan(r.extras["head"]["modeled"])


def test_the_flip_program_cost_puts_the_break_even_on_the_reference_volume(inputs):
    r = chapter.compute(Params(mc_draws=200), inputs)
    flip = r.extras["flip_nre"]
    ref = r.extras["reference_volume"]["tokens_per_year"]
    assert flip is not None and ref is not None
    p2 = Params(mc_draws=200, asic_nre_usd=flip)
    r2 = chapter.compute(p2, inputs)
    assert r2.breakeven_tokens_per_year * 2 == pytest.approx(ref, rel=1e-6)   # 1k in / 1k out: total = 2 x output


# ---- properties of the model over every chip ------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(mbu=st.floats(0.2, 0.9), mfu=st.floats(0.1, 0.7), fixed=st.floats(0.0, 20.0), per_seq=st.floats(0.0, 0.05),
       tp=st.floats(0.0, 3.0), s1=st.floats(5.0, 200.0), k=st.floats(1.05, 3.0))
def test_throughput_falls_and_cost_rises_with_speed_for_every_chip(inputs, mbu, mfu, fixed, per_seq, tp, s1, k):
    eff = sv.Efficiency(mbu, mfu, fixed, overhead_per_seq_ms=per_seq, overhead_tp_ms=tp)
    wl = sv.Workload(1024.0, 1024.0, "fp8")
    p = Params()
    for name, row in chapter.modelable_gpus(inputs):
        hw = cal.hardware(row, "fp8")
        a = sv.best_at_interactivity(ARCH70, hw, wl, eff, s1)["output_tokens_per_s_per_chip"]
        b = sv.best_at_interactivity(ARCH70, hw, wl, eff, s1 * k)["output_tokens_per_s_per_chip"]
        if np.isfinite(b):
            assert np.isfinite(a) and a >= b * (1 - 1e-9), name
            try:
                inp, _, _ = chapter.cost_inputs(p, inputs, row, a, 0.7, "rental" if pd.isna(row.get("price_usd"))
                                                else "ownership")
            except chapter.InputError:
                continue     # neither a price nor a rental rate: no cost to compare
            ca = float(m.cost_per_mtok(inp)["total"])
            cb = float(m.cost_per_mtok({**inp, "tokens_per_s": b})["total"])
            assert cb >= ca * (1 - 1e-9), name


# ---- the ceiling guard ----------------------------------------------------------------------------

def test_the_guard_lifts_a_false_ceiling_to_the_fastest_measured_speed():
    pts, _ = cal.usable_points(synthetic_bench(TRUE), ACC, ARCH)
    capped = sv.Efficiency(0.55, 0.35, 40.0)                      # 40 ms a step: at most 25 tokens/s
    fast = max(p.speed for p in pts if p.speed)
    assert cal.ceiling_shortfall(capped, pts) > 1.0
    fixed = cal.no_false_ceiling(capped, pts)
    assert cal.ceiling_shortfall(fixed, pts) <= 1.0 + 1e-6
    assert fixed.overhead_ms < capped.overhead_ms and fixed.mbu == capped.mbu
    for p in pts:
        if p.speed:
            assert sv.max_speed(p.arch, p.hw, p.wl, fixed) >= p.speed * (1 - 1e-6)
    assert fast == 70.0


def test_every_fit_reaches_every_measured_speed_of_its_kind():
    pts, skipped = cal.usable_points(synthetic_bench(TRUE, noise=0.3), ACC, ARCH)
    effs = cal.fit_families(pts)
    for key, eff in effs.items():
        assert cal.ceiling_shortfall(eff, pts) <= 1.0 + 1e-6, key


# ---- C4: every footing with a rival chip -----------------------------------------------------------

VENDORS = {"N1": "NVIDIA", "N2": "NVIDIA", "N3": "NVIDIA", "A1": "AMD"}


def _costs(rows):
    return pd.DataFrame(rows, columns=["model", "source", "scenario", "accelerator", "usd_per_mtok",
                                       "output_tokens_per_s_per_chip", "as_of", "tokens_per_s_per_user",
                                       "usd_per_chip_hour", "input_tokens", "output_tokens", "precision"])


def test_every_footing_with_a_rival_and_three_chips_enters_c4_newest_first():
    rows = []
    for acc, usd, tps in (("N1", 0.10, 900.0), ("N2", 0.12, 800.0), ("A1", 0.08, 700.0)):    # rival cheapest
        rows.append(("M", "R2", "server", acc, usd, tps, "2026-04-01", np.nan, 2.0, np.nan, np.nan, np.nan))
    for acc, usd, tps in (("N1", 0.07, 900.0), ("N2", 0.12, 800.0), ("A1", 0.08, 950.0)):    # vendor cheapest
        rows.append(("M", "R1", "server", acc, usd, tps, "2025-04-01", np.nan, 2.0, np.nan, np.nan, np.nan))
    for acc in ("N1", "N2", "N3"):                                                            # no rival: out
        rows.append(("M", "R1", "offline", acc, 0.1, 100.0, "2025-04-01", np.nan, 2.0, np.nan, np.nan, np.nan))
    for acc in ("N1", "A1"):                                                                  # two chips: out
        rows.append(("K", "R2", "server", acc, 0.1, 100.0, "2026-04-01", np.nan, 2.0, np.nan, np.nan, np.nan))
    f = analysis.c4_footings(_costs(rows), VENDORS, claimant="NVIDIA", min_accelerators=3)
    assert list(zip(f["source"], f["scenario"])) == [("R2", "server"), ("R1", "server")]
    assert list(f["cheapest"]) == ["A1", "N1"] and list(f["claimant_cheapest"]) == [False, True]
    # the throughput half is tested apart: A1 serves most per chip on the older footing
    assert list(f["fastest"]) == ["N1", "A1"] and list(f["claimant_fastest"]) == [True, False]
    assert chapter.footing_split_word(f).startswith("holds on 1 of the 2")
    # the fewest chips is the parameter min_accelerators_compared: at two, the two-chip footing K enters
    # (a rival's chip, A1, beside N1); the no-rival footing stays out
    two = analysis.c4_footings(_costs(rows), VENDORS, claimant="NVIDIA", min_accelerators=2)
    assert len(two) == 3 and "K" in set(two["model"])


def test_frontier_footings_compare_chips_at_one_speed_every_chip_reaches():
    rows = []
    # N1 measured at 20 and 60 tokens/s, A1 at 40 and 80, N2 at 30 and 50: the common speed is 40
    for acc, pts in (("N1", ((20.0, 4000.0), (60.0, 1000.0))), ("A1", ((40.0, 2500.0), (80.0, 500.0))),
                     ("N2", ((30.0, 3000.0), (50.0, 1500.0)))):
        for s, t in pts:
            rows.append(("M", "IX", "concurrency", acc, 1.0, t, "2026-05-01", s, 2.0, 1024.0, 1024.0, "FP8"))
    f = analysis.c4_footings(_costs(rows), VENDORS, claimant="NVIDIA", min_accelerators=3)
    assert len(f) == 1 and "at 40 tokens/s" in f.iloc[0]["scenario"]
    n1 = float(np.exp(np.interp(np.log(40.0), np.log([20.0, 60.0]), np.log([4000.0, 1000.0]))))
    n2 = float(np.exp(np.interp(np.log(40.0), np.log([30.0, 50.0]), np.log([3000.0, 1500.0]))))
    best = max(("N1", n1), ("A1", 2500.0), ("N2", n2), key=lambda x: x[1])
    assert f.iloc[0]["fastest"] == best[0]
    assert f.iloc[0]["cheapest_usd_per_mtok"] == pytest.approx(2.0 * 1e6 / (best[1] * 3600.0))


@pytest.mark.build
def test_on_the_books_data_the_model_never_caps_a_chip_below_its_fastest_measured_speed():
    """Every chip, model, precision and workload in data/serving_benchmarks.csv: the efficiency the page
    models that chip and model with reaches the fastest speed per user measured for it (slow: a full fit)."""
    from tokenfactory.data import load
    inp = chapter.load(load)
    pts, _ = cal.usable_points(inp.tables["serving_benchmarks"], inp.tables["accelerators"],
                               inp.tables["model_architectures"])
    effs = cal.fit_families(pts)
    for q in cal.fastest_measured(pts):
        eff = chapter.efficiency_for(effs, "NVIDIA", "vendor_best", q.arch)
        assert sv.max_speed(q.arch, q.hw, q.wl, eff) >= q.speed * (1 - 1e-6), (q.accelerator, q.model)


def test_the_mlperf_anchor_is_a_model_like_the_one_served_in_the_newest_round():
    archs = pd.DataFrame([{"model": "M70", "total_params_b": 70.0, "active_params_b": 70.0},
                          {"model": "M8", "total_params_b": 8.0, "active_params_b": 8.0},
                          {"model": "MoE", "total_params_b": 80.0, "active_params_b": 10.0}])
    rows = [("M8", "MLPerf v2", "offline", "X", 0.01, 9e4, "2026-04-01"),
            ("MoE", "MLPerf v2", "offline", "X", 0.02, 9e4, "2026-04-01"),
            ("M70", "MLPerf v2", "server", "X", 0.07, 9e3, "2026-04-01"),
            ("M70", "MLPerf v2", "offline", "X", 0.06, 9e3, "2026-04-01"),
            ("M70", "MLPerf v1", "offline", "X", 0.05, 9e3, "2025-04-01")]
    costs = pd.DataFrame(rows, columns=["model", "source", "scenario", "accelerator", "usd_per_mtok",
                                        "output_tokens_per_s_per_chip", "as_of"])
    a = chapter.mlperf_anchor(costs, "X", ARCH70, archs, size_factor=1.5)
    assert a["usd_per_mtok"] == 0.06 and "M70, offline" in a["note"] and "v2" in a["note"]
    assert chapter.mlperf_anchor(costs, "Y", ARCH70, archs, size_factor=1.5)["usd_per_mtok"] is None
    # the size match is the parameter: 70B / 8B = 8.75, so within a factor of 10 the dense 8B model is like
    # the 70B one and its cheaper offline run (0.01) is the anchor; the MoE model never is (another kind)
    wide = chapter.mlperf_anchor(costs, "X", ARCH70, archs, size_factor=10.0)
    assert wide["usd_per_mtok"] == 0.01 and "M8, offline" in wide["note"]


def _bounded_costs(rows):
    return pd.DataFrame(rows, columns=["model", "source", "scenario", "accelerator", "usd_per_mtok",
                                       "output_tokens_per_s_per_chip", "as_of", "tokens_per_s_per_user",
                                       "usd_per_chip_hour", "input_tokens", "output_tokens", "precision",
                                       "tpot_bound_ms"])


def test_a_latency_bounded_footing_with_measured_speeds_is_one_footing_at_each_chips_own_throughput():
    # MLPerf server rows all carry a measured speed (50, 40, 60 tokens/s per user) but one latency bound:
    # one footing, each chip at its own throughput. By hand: N1 2e6/(1000*3600) = $0.556, N2 2e6/(800*3600)
    # = $0.694, A1 1.5e6/(900*3600) = $0.463 -> A1 cheapest, N1 fastest (1000 tokens/s per chip).
    # Read as frontiers, N1 and N2 (single points slower than 60) would not reach the common speed.
    rows = []
    for acc, speed, tps, price in (("N1", 50.0, 1000.0, 2.0), ("N2", 40.0, 800.0, 2.0), ("A1", 60.0, 900.0, 1.5)):
        rows.append(("M", "MLPerf Inference v9", "server", acc, price * 1e6 / (tps * 3600.0), tps, "2026-04-01",
                     speed, price, 2048.0, 128.0, "FP8", np.nan))
    f = analysis.c4_footings(_bounded_costs(rows), VENDORS, claimant="NVIDIA", min_accelerators=3)
    assert len(f) == 1 and f.iloc[0]["scenario"] == "server" and f.iloc[0]["n"] == 3
    assert f.iloc[0]["cheapest"] == "A1" and f.iloc[0]["cheapest_usd_per_mtok"] == pytest.approx(1.5e6 / (900 * 3600))
    assert f.iloc[0]["runner_up"] == "N1" and f.iloc[0]["runner_up_usd_per_mtok"] == pytest.approx(2e6 / (1000 * 3600))
    assert f.iloc[0]["fastest"] == "N1" and f.iloc[0]["fastest_tokens_per_s_per_chip"] == 1000.0
    # any source whose rows state a bound on time per output token is one footing the same way
    other = [(*r[:1], "Other harness", *r[2:12], 50.0) for r in rows]
    g = analysis.c4_footings(_bounded_costs(other), VENDORS, claimant="NVIDIA", min_accelerators=3)
    assert len(g) == 1 and g.iloc[0]["cheapest"] == "A1" and g.iloc[0]["fastest"] == "N1"
    # the other side: the same rows with no bound and not MLPerf are a frontier, read at the common speed
    # 60; N1 and N2 were measured only below it, so too few chips remain and no footing qualifies
    free = [(*r[:1], "Other harness", *r[2:12], np.nan) for r in rows]
    assert analysis.c4_footings(_bounded_costs(free), VENDORS, claimant="NVIDIA", min_accelerators=3).empty


def test_the_newest_footing_sentence_says_when_its_date_is_only_a_lower_bound():
    cols = ["model", "source", "scenario", "as_of", "cheapest", "fastest"]
    f = pd.DataFrame([("G", "SemiAnalysis InferenceX", "1k in / 1k out", pd.Timestamp("2026-05-15"), "N1", "N1"),
                      ("M", "MLPerf Inference v9", "offline", pd.Timestamp("2026-04-01"), "A1", "N2")], columns=cols)
    s = chapter.newest_footing_sentence(f)
    assert "(2026-05-15) is a lower bound" in s and "without it the newest, dated 2026-04-01" in s
    assert s.index("the cheapest is the N1") < s.index("MLPerf Inference v9, offline) the cheapest is the A1")
    t = chapter.newest_footing_sentence(f.iloc[1:])
    assert "lower bound" not in t and t.startswith("on the newest (M, MLPerf Inference v9, offline)")
    assert chapter.newest_footing_sentence(f.iloc[:0]) == "no footing qualifies"


# ---- the measured floor, the ceiling, and what they bound (K3, W2) ---------------------------------

def test_the_measured_floor_is_the_throughput_at_the_slowest_measured_speed_at_or_above():
    f = pd.DataFrame({"speed": [20.0, 40.0, 80.0], "tps": [1000.0, 600.0, 200.0]})
    assert analysis.measured_floor(f, 30.0) == 600.0           # 40 is the slowest measured speed >= 30
    assert analysis.measured_floor(f, 10.0) == 1000.0
    assert analysis.measured_floor(f, 40.0) == 600.0           # at or above
    assert analysis.measured_floor(f, 40.0, strict=True) == 200.0   # strictly above
    assert np.isnan(analysis.measured_floor(f, 90.0)) and np.isnan(analysis.measured_floor(f.iloc[:0], 30.0))


def _acc_b():
    row = ACC.set_index("accelerator").loc["B"].astype(object)
    row["accelerator"] = "B"
    return row


def _bench_b(speeds, tps):
    return pd.DataFrame([{"accelerator": "B", "model": "M70", "precision": "FP8", "input_tokens": 1024,
                          "output_tokens": 1024, "tokens_per_s_per_user": s, "output_tokens_per_s_per_chip": t,
                          "source": "S", "as_of": "2026-01-01", "point_id": f"p{s}"} for s, t in zip(speeds, tps)])


def test_a_modeled_headline_below_the_measured_range_is_bounded_by_measurement():
    p = Params(input_tokens=1024, output_tokens=1024, precision="fp8")
    eff = sv.Efficiency(0.55, 0.35, 4.0)
    hw = cal.hardware(_acc_b(), "fp8")
    modeled = sv.best_at_interactivity(ARCH70, hw, sv.Workload(1024.0, 1024.0, "fp8"), eff, 10.0)
    t = modeled["output_tokens_per_s_per_chip"]
    assert np.isfinite(t) and t > 0
    # measured at 20 and 30 tokens/s serving twice what the model gives at 10: the chip serves at least
    # that at 10 (throughput only falls as speed rises), so the headline is the measurement at 20
    h = chapter.throughput_at(ARCH70, _acc_b(), p, eff, 10.0, _bench_b([20.0, 30.0], [2 * t, 1.5 * t]))
    assert h["basis"] == "modeled" and h["status"] == "below" and h["bounded"]
    assert h["tps"] == pytest.approx(2 * t) and h["modeled"] == pytest.approx(t)
    # the other side: measured at half what the model gives, the model stands
    h = chapter.throughput_at(ARCH70, _acc_b(), p, eff, 10.0, _bench_b([20.0, 30.0], [0.5 * t, 0.4 * t]))
    assert h["basis"] == "modeled" and not h["bounded"] and h["tps"] == pytest.approx(t)
    # the floor that clips the band is the measurement strictly above the stated speed; the ceiling is
    # above any fitted efficiency's throughput and never above the compute roofline
    assert h["floor"] == pytest.approx(0.5 * t)
    assert t <= h["ceiling"] <= sv.roofline_ceiling(ARCH70, hw, sv.Workload(1024.0, 1024.0, "fp8"))


def test_variants_the_measurement_rules_out_leave_the_band_and_the_rest_are_clipped():
    # measured 1000 tokens/s per chip at 50 tokens/s per user, 400 at 100
    front = pd.DataFrame({"speed": [50.0, 100.0], "tps": [1000.0, 400.0]})
    raw = [
        # flat 3000 (no overheads): misses ×3 at 50, ×7.5 at 100 -> median ×5.25 > ×2: dropped
        ("flat", 3000.0, lambda s: 3000.0),
        # 50000/s: 1000 at 50 (×1), 500 at 100 (×1.25) -> kept; 2000 at the stated speed is above the ceiling
        ("fits", 2000.0, lambda s: 50000.0 / s),
        # flat 800: ×1.25 and ×2 -> median ×1.625, kept; 800 is below the measured floor 1000: raised to it
        ("low", 800.0, lambda s: 800.0),
        # cannot reach 100 tokens/s per user: an infinite miss there, median infinite -> dropped
        ("slow", 1200.0, lambda s: 1200.0 if s < 60 else float("nan")),
    ]
    v = chapter.judge_variants(raw, front, floor=1000.0, ceiling=1500.0, max_miss=2.0).set_index("variant")
    assert list(v["kept"]) == [False, True, True, False]
    assert v.loc["flat", "miss"] == pytest.approx((3.0 + 7.5) / 2) and v.loc["flat", "worst_miss"] == pytest.approx(7.5)
    assert v.loc["fits", "miss"] == pytest.approx(1.125) and v.loc["low", "miss"] == pytest.approx(1.625)
    assert np.isinf(v.loc["slow", "miss"])
    assert v.loc["fits", "tokens_per_s_per_chip"] == 1500.0 and v.loc["low", "tokens_per_s_per_chip"] == 1000.0
    assert v.loc["fits", "modeled_tokens_per_s_per_chip"] == 2000.0
    # no frontier: nothing to judge against, every variant kept; NaN bounds do not clip
    w = chapter.judge_variants(raw[:1], front.iloc[:0], float("nan"), float("nan"), 2.0)
    assert bool(w["kept"].iloc[0]) and w["tokens_per_s_per_chip"].iloc[0] == 3000.0
    s = chapter.variants_dropped_sentence(v.reset_index()[~v["kept"].to_numpy()], {"floor": 1000.0, "ceiling": 1500.0},
                                          2.0)
    assert "more than ×2," in s and "flat (×5" in s and "slow (cannot reach" in s and "at least 1,000" in s and "at most 1,500" in s


def test_the_throughput_range_and_every_draw_are_clipped_to_the_floor_and_ceiling():
    from test_inference_tax_cost import BASE
    gpu = {**BASE, "tokens_per_s": 1000.0}
    # held-out error of log10(2)/2: the range is 1000/2 to 1000*2 before clipping
    sigma = float(np.log10(2.0)) / 2
    r = chapter.uncertainty_ranges(Params(), gpu, sigma, "modeled", np.array([3000.0]))[0]
    assert (r.low, r.high) == pytest.approx((500.0, 3000.0))
    r = chapter.uncertainty_ranges(Params(), gpu, sigma, "modeled", np.array([3000.0]), clip=(800.0, 1500.0))[0]
    assert (r.low, r.high) == pytest.approx((800.0, 1500.0))
    wide = m.Range("tokens_per_s", "t", 100.0, 10000.0, "tokens/s", log=True)
    free = m.monte_carlo(gpu, [wide], 2000, 1)["tokens_per_s"]
    assert free.min() < 800.0 and free.max() > 1500.0            # the unclipped draws leave the bounds
    drawn = m.monte_carlo(gpu, [wide], 2000, 1, clip={"tokens_per_s": (800.0, 1500.0)})
    assert drawn["tokens_per_s"].min() == 800.0 and drawn["tokens_per_s"].max() == 1500.0
    lo_cost = float(m.cost_per_mtok({**gpu, "tokens_per_s": 1500.0})["total"])
    hi_cost = float(m.cost_per_mtok({**gpu, "tokens_per_s": 800.0})["total"])
    assert drawn["total"].min() == pytest.approx(lo_cost) and drawn["total"].max() == pytest.approx(hi_cost)


def test_a_speed_beyond_the_fastest_measured_is_refused_before_any_fitting(inputs, monkeypatch):
    inp = _with_bench(inputs, [20.0, 40.0, 80.0], [5000.0, 3000.0, 1000.0])

    def no_fit(*a, **k):
        raise AssertionError("the calibration ran before the speed was checked")
    monkeypatch.setattr(cal, "calibrate", no_fit)
    # 81 tokens/s per user is past the fastest measured (80) for this chip, model, precision and workload
    with pytest.raises(chapter.InputError, match=r"tokens_per_second_per_user: 81 .*at most about 80"):
        chapter.compute(Params(tokens_per_second_per_user=81.0, mc_draws=200), inp)
    # the other side: 80 is measured, and a selection with no measurement is left to the model
    assert chapter.check_speed(Params(tokens_per_second_per_user=80.0), inp) == 80.0
    assert chapter.check_speed(Params(tokens_per_second_per_user=81.0, precision="fp4"), inp) is None
    assert chapter.check_speed(Params(tokens_per_second_per_user=81.0), inputs) is None


def test_assumption_ranges_come_from_the_parameters_and_hold_the_setting():
    """BASE: price 30,000, server and network 10,000, rental 0 (no rental range). Hand values: PUE range
    1.2-1.4 as set; with the page's PUE at 1.5 it widens to 1.2-1.5; chip price 30,000 x 0.5 to x 2 =
    15,000-60,000; a measured throughput of 1,000 with spread 2 gives 500-2,000."""
    from test_inference_tax_cost import BASE
    gpu = {**BASE, "tokens_per_s": 1000.0}
    p = Params(pue_low=1.2, pue_high=1.4, pue=1.3, chip_price_low_factor=0.5, chip_price_high_factor=2.0,
               measured_throughput_spread=2.0)
    by = {r.key: r for r in chapter.uncertainty_ranges(p, gpu, 0.1, "measured")}
    assert (by["pue"].low, by["pue"].high) == pytest.approx((1.2, 1.4))
    assert (by["price_usd"].low, by["price_usd"].high) == pytest.approx((15_000.0, 60_000.0))
    assert (by["tokens_per_s"].low, by["tokens_per_s"].high) == pytest.approx((500.0, 2_000.0))
    assert "rental_usd_per_hour" not in by
    wide = {r.key: r for r in chapter.uncertainty_ranges(p.model_copy(update={"pue": 1.5}), gpu, 0.1, "measured")}
    assert (wide["pue"].low, wide["pue"].high) == pytest.approx((1.2, 1.5))


def test_the_custom_chip_anchor_is_the_newest_custom_chip_with_a_priced_run_read_from_the_data():
    """Which chip anchors is a fact of accelerators.csv (kind, dates), never a name in the code: the newest
    custom chip among those with a priced measured run, at the model served where measured, nearest the
    stated speed (by ratio: 25 is nearer 30 than 60 is, |ln 30/25| = 0.18 < |ln 60/30| = 0.69)."""
    acc = pd.DataFrame([
        {"accelerator": "GPU", "kind": "merchant_gpu", "available_date": "2026-01-01", "announced_date": None},
        {"accelerator": "TPU old", "kind": "custom_asic", "available_date": "2024-01-01", "announced_date": None},
        {"accelerator": "TPU new", "kind": "custom_asic", "available_date": None, "announced_date": "2025-06-01"},
    ])
    cols = ["accelerator", "model", "source", "tokens_per_s_per_user", "usd_per_mtok"]
    costs = pd.DataFrame([("GPU", "M", "S", 30.0, 0.1), ("TPU old", "M", "S", 60.0, 0.5),
                          ("TPU old", "M", "S", 25.0, 0.4), ("TPU old", "K", "S", 30.0, 0.3)], columns=cols)
    measured = pd.DataFrame({"accelerator": ["GPU", "TPU old", "TPU new"]})
    a = chapter.custom_chip_anchor(costs, acc, "M", 30.0, measured)
    assert a["accelerator"] == "TPU old" and a["usd_per_mtok"] == 0.4
    # the newer chip (dated by its announcement when its availability is empty) wins once its run is priced
    b = chapter.custom_chip_anchor(pd.concat([costs, pd.DataFrame([("TPU new", "K", "S", 5.0, 0.9)], columns=cols)]),
                                   acc, "M", 30.0, measured)
    assert b["accelerator"] == "TPU new" and b["usd_per_mtok"] == 0.9       # not at the model served: its only run
    # no custom chip priced: nothing to anchor, and the note names the newest custom chip measured
    c = chapter.custom_chip_anchor(costs[costs["accelerator"] == "GPU"], acc, "M", 30.0, measured)
    assert c["usd_per_mtok"] is None and "TPU new" in c["note"]
    assert chapter.custom_chip_anchor(costs.iloc[0:0], acc, "M", 30.0, None)["accelerator"] is None
