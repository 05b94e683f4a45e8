"""The tax's high end from the modeled chip's own cost, rental prices by term, C8's hardware reading and
the pooled price decline. Expectations are worked by hand from the synthetic inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tokenfactory.inference_tax import chapter, hardware_use as hu, price_trend as pt

# --------------------------------------------------------------------------------------------------
# the high end of the tax: the modeled chip's own margin


def _margins():
    return pd.DataFrame([
        {"vendor": "NVIDIA", "product": "Old GPU", "accelerator": "Chip O", "cogs_usd": 3000.0,
         "gross_margin_low": 0.87, "gross_margin_high": 0.89},
        {"vendor": "NVIDIA", "product": "New GPU (a)", "accelerator": "Chip N", "cogs_usd": 6000.0,
         "gross_margin_low": 0.8, "gross_margin_high": 0.8},
        {"vendor": "NVIDIA", "product": "New GPU (b)", "accelerator": "Chip N", "cogs_usd": 7000.0,
         "gross_margin_low": 0.7, "gross_margin_high": 0.85},
    ])


def test_the_modeled_chips_own_cost_sets_the_margin_at_the_books_price():
    m, basis = chapter.product_margin(_margins(), "Chip N", 32_500.0)
    assert m == pytest.approx(1 - 6500 / 32_500)          # median of 6,000 and 7,000 = 6,500 -> 0.8
    assert "Chip N's own manufacturing cost" in basis and "median of 2" in basis
    # not the vendor's highest margin (the old chip's 0.89)
    assert m < 0.89


def test_without_a_price_the_chips_own_stated_margin_then_another_products_said_so():
    m, basis = chapter.product_margin(_margins(), "Chip N", None)
    assert m == pytest.approx(0.85) and "for this chip" in basis
    # Chip X has no row: the chip's vendor's highest product estimate stands in (Chip O's 0.89), said so
    m2, basis2 = chapter.product_margin(_margins(), "Chip X", 30_000.0, vendor="NVIDIA")
    assert m2 == pytest.approx(0.89) and "not the Chip X" in basis2
    # another vendor's products never stand in, and without a vendor nothing does
    assert chapter.product_margin(_margins(), "Chip X", 30_000.0, vendor="AMD")[0] is None
    assert chapter.product_margin(_margins(), "Chip X", 30_000.0)[0] is None
    assert chapter.product_margin(None, "Chip N", 1.0)[0] is None


def test_a_cost_above_the_price_is_refused():
    with pytest.raises(chapter.InputError, match="not below its price"):
        chapter.product_margin(_margins(), "Chip N", 5_000.0)


# --------------------------------------------------------------------------------------------------
# rental prices by term


def _rental():
    rows = [
        ("Chip A", "Analyst", "rental_3yr", 2.0, "3-year rental", "3yr", "2026-04-03"),
        ("Chip B", "Analyst", "rental_3yr", 3.0, "3-year rental", "3yr", "2026-04-03"),
        ("Chip A", "Cloud 1", "on_demand", 4.0, "none", "on_demand", "2026-03-01"),
        ("Chip A", "Cloud 1", "on_demand", 3.0, "none", "on_demand", "2026-06-01"),   # newer: replaces 4.0
        ("Chip A", "Cloud 2", "on_demand", 5.0, "none", "on_demand", "2026-05-01"),
        ("Chip A", "Analyst", "owning_hyperscaler", 1.0, "owned (total cost of ownership)", "owned", "2026-04-03"),
        ("Chip A", "Cloud 3", "spot_low", 1.5, "none (interruptible)", "spot", "2026-03-11"),
    ]
    return pd.DataFrame(rows, columns=["accelerator", "provider", "tier", "usd_per_chip_hour", "commitment", "term",
                                       "as_of"])


def test_rental_price_is_read_at_one_term_and_never_at_another():
    r = _rental()
    assert chapter.rental_price(r, "Chip A", "3yr") == (2.0, "the 3-year rate of Analyst")
    price, who = chapter.rental_price(r, "Chip A", "on_demand")
    assert price == pytest.approx(4.0) and "median on-demand rate of 2 providers" in who   # median(3.0, 5.0)
    assert chapter.rental_price(r, "Chip A", "spot")[0] == 1.5
    # no 1-year price: none, and no other term stands in (the owner's 1.0 is not a rental)
    none, why = chapter.rental_price(r, "Chip A", "1yr")
    assert none is None and "no 1-year rental price" in why
    assert chapter.rental_price(r, "Chip B", "spot")[0] is None
    with pytest.raises(chapter.InputError, match="rental_tier"):
        chapter.rental_price(r, "Chip A", "weekly")


def test_rental_words_follow_the_prices_used():
    r = _rental()
    assert chapter.rental_tier_words(r, ["Chip A", "Chip B"], "3yr") == "the 3-year rate of Analyst for every chip"
    words = chapter.rental_tier_words(r, ["Chip A", "Chip B"], "on_demand")
    assert words == ("on-demand rental rates (per chip, the median across the providers that state one) (1 of the 2 "
                     "measured chips; Chip B left out, with no on-demand price)")
    assert chapter.rental_tier_words(r, ["Chip B"], "1yr").startswith("no 1-year rental price")
    # a chip without a price at the term but with its benchmark's own price is said to be on another footing
    words = chapter.rental_tier_words(r, ["Chip A", "Chip B", "Chip C"], "spot", own_priced={"Chip B"})
    assert words == ("the spot rate of Cloud 3 (1 of the 3 measured chips; Chip B at the rate its benchmark's source "
                     "states, a different footing; Chip C left out, with no spot price)")


# --------------------------------------------------------------------------------------------------
# C8, hardware reading: bytes and operations against datasheet peaks


def _arch(**kw):
    base = {"model": "M", "attention": "gqa", "layers": 10, "kv_heads": 2, "head_dim": 4, "kv_latent_dim": np.nan,
            "sliding_window_tokens": np.nan, "sliding_layer_share": np.nan, "total_params_b": 1.0,
            "active_params_b": 1.0}
    return pd.Series({**base, **kw})


ACC = pd.Series({"accelerator": "Chip A", "memory_bandwidth_tb_s": 1.0, "fp8_dense_tflops": 100.0,
                 "bf16_dense_tflops": 50.0, "memory_gb": 80.0})
ROW = pd.Series({"tokens_per_s_per_user": 10.0, "tpot_ms": np.nan, "output_tokens_per_s_per_chip": 100.0, "chips": 2,
                 "input_tokens": 100.0, "output_tokens": 100.0})


def test_bandwidth_and_compute_use_of_one_point_by_hand():
    u = hu.point_use(ROW, ACC, _arch(), 1.0)
    # weights: 10 steps/s x 1e9 B / 2 chips = 5e9 B/s; KV: 100 tok/s x 150 context x (10 x 2 x 2 x 4 x 1) B = 2.4e6 B/s
    assert u["mbu"] == pytest.approx((5e9 + 2.4e6) / 1e12)
    # 100 tok/s x 2 x 1e9 x (200 / 100) = 4e11 FLOP/s against 1e14
    assert u["mfu"] == pytest.approx(4e-3)
    assert u["use"] == pytest.approx(max(u["mbu"], u["mfu"]))
    # two bytes per weight: BF16 peak, and every byte doubles
    u2 = hu.point_use(ROW, ACC, _arch(), 2.0)
    assert u2["mbu"] == pytest.approx(2 * u["mbu"]) and u2["mfu"] == pytest.approx(8e-3)


def test_kv_bytes_latent_and_sliding_window():
    assert hu.kv_bytes_per_token(_arch(), 150, 1.0) == 160
    mla = _arch(attention="mla", kv_latent_dim=576, kv_heads=np.nan, head_dim=np.nan)
    assert hu.kv_bytes_per_token(mla, 150, 2.0) == 10 * 576 * 2
    # half the layers read at most 75 of 150 tokens: 0.5 + 0.5 x 0.5 = 0.75 of the full read
    assert hu.kv_bytes_per_token(_arch(sliding_window_tokens=75, sliding_layer_share=0.5), 150, 1.0) == 0.75 * 160


def test_precision_read_from_the_sources_words():
    assert hu.weight_bytes("FP8 attention, NVFP4 MoE")[:3] == (0.5, 0.5, 0.5)
    assert hu.weight_bytes("BF16 attention, FP8 MoE")[0] == 1.0
    assert hu.weight_bytes("bfloat16")[0] == 2.0
    assert hu.weight_bytes(None) == (1.0, 0.5, 2.0, False)
    with pytest.raises(ValueError, match="no known precision"):
        hu.weight_bytes("mystery")


def test_points_without_a_speed_are_left_out_and_the_band_drops_impossible_ends():
    bench = pd.DataFrame([
        {"point_id": "p1", "source": "S1", "accelerator": "Chip A", "model": "M", "precision": None, **ROW.to_dict()},
        {"point_id": "p2", "source": "S2", "accelerator": "Chip A", "model": "M", "precision": "fp8",
         **{**ROW.to_dict(), "tokens_per_s_per_user": np.nan}},                      # offline: no speed
        {"point_id": "p3", "source": "S2", "accelerator": "Chip A", "model": "M", "precision": None,
         **{**ROW.to_dict(), "tokens_per_s_per_user": 1500.0}},                     # BF16 would need > peak
    ])
    pts = hu.hardware_use(bench, pd.DataFrame([ACC]), pd.DataFrame([_arch()]))
    assert list(pts["point_id"]) == ["p1", "p3"]
    p3 = pts.set_index("point_id").loc["p3"]
    # FP8 weights (1 B) and, with no KV precision stated, a BF16 cache (2 B): 7.5e11 + 100 x 150 x 320 B/s
    assert p3["mbu"] == pytest.approx((1500 * 1e9 / 2 + 4.8e6) / 1e12)
    assert p3["mbu_high"] == pytest.approx(p3["mbu"])                            # BF16 (1.5 of peak) dropped
    assert p3["mbu_low"] == pytest.approx((1500 * 0.5e9 / 2 + 1.2e6) / 1e12)    # FP4 weights and cache
    # a source that states its cache's precision: the cache at that precision
    kv = bench.iloc[[0]].assign(point_id="p5", precision="FP8 weights and KV cache")
    p5 = hu.hardware_use(kv, pd.DataFrame([ACC]), pd.DataFrame([_arch()])).iloc[0]
    assert p5["mbu"] == pytest.approx((10 * 1e9 / 2 + 2.4e6) / 1e12) == p5["mbu_low"] == p5["mbu_high"]
    # weights that would not fit the system's memory at 2 bytes (2 chips x 80 GB < 100e9 x 2 B): BF16 dropped
    big = pd.DataFrame([{"point_id": "p4", "source": "S1", "accelerator": "Chip A", "model": "Big", "precision": None,
                         **{**ROW.to_dict(), "tokens_per_s_per_user": 1.0}}])
    p4 = hu.hardware_use(big, pd.DataFrame([ACC]), pd.DataFrame([_arch(model="Big", total_params_b=100.0,
                                                                        active_params_b=100.0)])).iloc[0]
    # central: 1 x 100e9 / 2 + 100 x 150 x 320 B/s; FP4 end: half the weights, a 0.5-byte cache
    assert p4["mbu"] == pytest.approx((5e10 + 4.8e6) / 1e12) and p4["mbu_high"] == pytest.approx(p4["mbu"])
    assert p4["mbu_low"] == pytest.approx((2.5e10 + 1.2e6) / 1e12)
    s = hu.summary(pts)
    assert s["c8_hardware_points"] == 2 and s["c8_hardware_sources"] == 2
    assert s["c8_bandwidth_use_low"] <= s["c8_bandwidth_use_median"] <= s["c8_bandwidth_use_high"]
    assert hu.summary(pts.iloc[0:0])["c8_hardware_use_median"] is None


# --------------------------------------------------------------------------------------------------
# the pooled price decline


def _result(per_year, lows, months, headline_lows=5):
    n = len(per_year)
    rates = pd.DataFrame({
        "view": ["Epoch AI method"] * n, "benchmark": ["mmlu"] * n, "reference": [f"R{i}" for i in range(n)],
        "basis": ["blended_3_1"] * n, "threshold_label": [f"T{i}" for i in range(n)],
        "points_fitted": lows, "per_year": per_year, "low": [v / 2 for v in per_year],
        "high": [v * 2 for v in per_year], "months_since_new_low": months,
        "last_low": pd.to_datetime(["2025-01-01"] * n),
    })
    head = pd.DataFrame({"view": ["Epoch AI method"], "benchmark": ["gpqa_diamond"], "reference": ["H"],
                         "basis": ["blended_3_1"], "threshold_label": ["H"], "points_fitted": [headline_lows],
                         "per_year": [70.0], "low": [12.0], "high": [430.0], "months_since_new_low": [27.0],
                         "last_low": pd.to_datetime(["2024-08-01"])})
    rates = pd.concat([rates, head], ignore_index=True)
    return pt.PriceTrendResult(rates=rates, frontiers={}, fits={}, labels={}, headline=("gpqa_diamond", "H", "blended_3_1"),
                               events_dated=50, events_by_provider=pd.Series(dtype=int), years_covered=(2021, 2026),
                               comparison=None, alpha=0.1)


def test_pooled_rate_is_the_median_of_thresholds_with_enough_new_lows():
    # 7 new lows is one too few: the x1000 threshold stays out; the headline's 5 too
    res = _result([8.0, 10.0, 12.0, 1000.0], [8, 9, 8, 7], [22.0, 22.0, 4.0, 1.0])
    pool = pt.pooled(res)
    assert pool["n_thresholds"] == 3 and pool["per_year"] == pytest.approx(10.0)
    assert (pool["low"], pool["high"]) == (pytest.approx(5.0), pytest.approx(20.0))   # the median threshold's own
    # the wait glued is the median over the three pooled thresholds (22, 22, 4 months): 22, not the most
    # recent new low's 4, which would hide the two thresholds that stalled
    assert pool["points"] == 25 and pool["months_since_new_low"] == 22.0 and pool["months_since_newest_low"] == 4.0
    assert (pool["spread_low"], pool["spread_high"]) == (8.0, 12.0)
    g = pt.glue_values(res)
    assert g["price_decline_per_year"] == pytest.approx(10.0) and g["price_decline_thresholds"] == 3
    assert g["price_decline_single_per_year"] == 70.0 and g["price_points_fitted"] == 25


def test_even_count_takes_the_geometric_mean_of_the_middle_two():
    res = _result([4.0, 9.0, 16.0, 100.0], [8, 8, 8, 8], [1.0, 2.0, 3.0, 4.0])
    pool = pt.pooled(res)
    assert pool["per_year"] == pytest.approx(12.0)                 # sqrt(9 x 16)
    assert pool["low"] == pytest.approx(6.0) and pool["high"] == pytest.approx(24.0)


def test_no_threshold_with_enough_lows_falls_back_to_the_single_threshold():
    res = _result([10.0], [7], [3.0])
    assert pt.pooled(res) is None
    g = pt.glue_values(res)
    assert g["price_decline_thresholds"] == 0 and g["price_decline_per_year"] == 70.0
    assert g["months_since_new_low"] == 27.0


def test_published_figures_beside_the_pooled_rate():
    res = _result([8.0, 10.0, 12.0], [8, 9, 8], [22.0, 22.0, 4.0])          # MMLU thresholds
    pub = pd.DataFrame([
        {"source": "Epoch AI (results file)", "measure": "a", "benchmark": "mmlu", "rate_per_year": 9.0,
         "rate_low": None, "rate_high": None, "total_factor": None, "period_start": None, "period_end": None},
        {"source": "Epoch AI (results file)", "measure": "b", "benchmark": "mmlu", "rate_per_year": 16.0,
         "rate_low": None, "rate_high": None, "total_factor": None, "period_start": None, "period_end": None},
        {"source": "Epoch AI (results file)", "measure": "c", "benchmark": "gpqa_diamond", "rate_per_year": 400.0,
         "rate_low": None, "rate_high": None, "total_factor": None, "period_start": None, "period_end": None},
        {"source": "a16z", "measure": "d", "benchmark": "mmlu", "rate_per_year": 10.0,
         "rate_low": None, "rate_high": None, "total_factor": None, "period_start": None, "period_end": None},
    ])
    side = pt.published_beside_pooled(pt.pooled(res), pub)
    # GPQA is not pooled here: the median of Epoch's two MMLU rates, sqrt(9 x 16) = 12
    assert side == {"epoch_median": pytest.approx(12.0), "epoch_n": 2, "a16z": 10.0}
    assert pt.published_beside_pooled(None, pub)["epoch_median"] is None
