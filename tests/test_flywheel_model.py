"""Flywheel model: hand-computed cases and the properties the issue lists."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenfactory.flywheel import chapter, model
from tokenfactory.flywheel.params import Params


def _base(**over) -> dict:
    x = {
        "volume0_tokens": 1e12, "cost_gpu0_usd_per_mtok": 1.0, "cost_asic0_usd_per_mtok": 0.5,
        "merchant_cycle_months": 12.0, "floor_months": 8.0, "user_growth_per_month": 0.01,
        "agent_token_growth_per_month": 0.01, "quality_growth_per_month": 0.01, "gain_data_quality": 0.1,
        "gain_quality_users": 0.5, "gain_quality_cycle": 0.3, "gain_knowledge_chip": 0.05, "pass_through": 0.5,
        "price_elasticity": 1.2, "markup": 1.0, "gain_per_generation": 1.5, "first_chip_month": 6.0,
        "nre_per_generation_usd_bn": 0.6, "users_ceiling": 1e9,
    }
    x.update(over)
    return x


ZERO_GAINS = {k: 0.0 for k in model.LOOP_GAINS}


def test_hand_case_no_growth():
    # Nothing grows, no loop: merchant earns V × cost × markup each month; integrated the same
    # until its chip (month 6), then keeps the whole cost gap; it pays NRE 0.6e9 / 12 every month.
    x = _base(user_growth_per_month=0.0, agent_token_growth_per_month=0.0, quality_growth_per_month=0.0,
              merchant_cycle_months=100.0, **ZERO_GAINS)
    s = model.simulate(x, 12)
    v_mtok = 1e12 / 1e6
    assert s["cashflow_m"][0] == pytest.approx(np.full(12, v_mtok * 1.0))
    expected_i = np.where(np.arange(12) >= 6, v_mtok * (2.0 - 0.5), v_mtok * 1.0) - 0.6e9 / 100
    assert s["cashflow_i"][0] == pytest.approx(expected_i)
    assert s["cost_i"][0, 6] == 0.5 and s["cost_i"][0, 5] == 1.0


def test_merchant_cost_steps_at_each_generation():
    s = model.simulate(_base(), 25)
    assert s["cost_m"][0, [0, 11, 12, 24]] == pytest.approx([1.0, 1.0, 1 / 1.5, 1 / 2.25])


def test_crossover_month():
    adv = np.array([[-3, -1, 2, -1, 1, 2], [-1, -1, -1, -1, -1, -1], [1, 1, 1, 1, 1, 1]], float)
    out = model.crossover_month(adv)
    assert out[0] == 5 and math.isnan(out[1]) and out[2] == 1


def test_cycle_never_below_floor():
    s = model.simulate(_base(gain_quality_cycle=3.0, quality_growth_per_month=0.2), 96)
    assert s["cycle_i"].min() >= 8.0 - 1e-9
    assert s["cycle_i"].min() == pytest.approx(8.0)


_gain = st.floats(0, 1)


@given(st.floats(0, 0.05), st.floats(0, 0.05), st.floats(0, 0.05), st.floats(0.3, 2.0), st.floats(0, 3.0),
       st.floats(0.2, 2.0), st.floats(0, 24))
@settings(max_examples=40, deadline=None)
def test_zero_gains_differ_only_by_tax_and_nre(ug, ag, qg, asic, elasticity, nre, first):
    x = _base(user_growth_per_month=ug, agent_token_growth_per_month=ag, quality_growth_per_month=qg,
              cost_asic0_usd_per_mtok=asic, price_elasticity=elasticity, nre_per_generation_usd_bn=nre,
              first_chip_month=first, **ZERO_GAINS)
    s = model.simulate(x, 72)
    for var in ("users", "quality", "volume", "knowledge", "price"):
        assert s[f"{var}_i"] == pytest.approx(s[f"{var}_m"], rel=1e-12)
    # the whole difference: the cost gap kept (the vendor's margin and own-chip savings) minus NRE
    gap = (s["volume_m"] * (s["cost_m"] - s["cost_i"]) / 1e6).sum(axis=1)
    nre_total = nre * 1e9 / 12.0 * 72
    diff = s["cum_i"][:, -1] - s["cum_m"][:, -1]
    assert diff == pytest.approx(gap - nre_total, rel=1e-9, abs=1e-3)


@given(st.sampled_from(model.LOOP_GAINS), _gain, _gain, st.floats(0, 0.05), st.floats(0.3, 2.0))
@settings(max_examples=60, deadline=None)
def test_stronger_gains_never_make_integrated_worse(name, g1, g2, growth, asic):
    lo, hi = sorted([g1, g2])
    if name == "pass_through":
        lo, hi = min(lo, 1.0), min(hi, 1.0)
    x = _base(user_growth_per_month=growth, cost_asic0_usd_per_mtok=asic)
    x_lo, x_hi = dict(x, **{name: lo}), dict(x, **{name: hi})
    if name == "pass_through":  # passing savings on trades margin for volume: compare volume and cost
        a, b = model.simulate(x_lo, 72), model.simulate(x_hi, 72)
        assert (b["volume_i"] >= a["volume_i"] * (1 - 1e-9)).all()
        assert (b["cost_i"] <= a["cost_i"] * (1 + 1e-9)).all()
        return
    a, b = model.simulate(x_lo, 72), model.simulate(x_hi, 72)
    assert (b["cum_i"][:, -1] >= a["cum_i"][:, -1] - 1e-6 * abs(a["cum_i"][:, -1]) - 1).all()
    assert (b["cost_i"] <= a["cost_i"] * (1 + 1e-9)).all()
    assert (b["volume_i"] >= a["volume_i"] * (1 - 1e-9)).all()


@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 3), st.floats(0, 1), st.floats(0, 1), st.floats(0, 3),
       st.floats(-0.1, 0.3), st.floats(0, 0.3), st.floats(0.05, 50), st.floats(1.01, 5), st.floats(1.5, 1000))
@settings(max_examples=60, deadline=None)
def test_no_stock_goes_negative(gdq, gk, gqc, pt, gqu, el, ug, ag, cost, gain, ceiling):
    x = _base(users_ceiling=ceiling, gain_data_quality=gdq, gain_knowledge_chip=gk, gain_quality_cycle=gqc, pass_through=pt,
              gain_quality_users=gqu, price_elasticity=el, user_growth_per_month=ug,
              agent_token_growth_per_month=ag, cost_gpu0_usd_per_mtok=cost, gain_per_generation=gain)
    s = model.simulate(x, 120)
    for var in ("users", "quality", "knowledge", "volume", "cost", "price"):
        for side in ("m", "i"):
            arr = s[f"{var}_{side}"]
            assert np.all(np.isfinite(arr)) and np.all(arr >= 0), var
    assert np.all(s["price_i"] >= s["cost_i"])  # the integrated path never sells below cost
    assert np.all(s["users_i"] <= ceiling * (1 + 1e-9)) and np.all(s["users_m"] <= ceiling * (1 + 1e-9))


def test_vectorized_equals_one_by_one():
    xs = _base(nre_per_generation_usd_bn=np.array([0.1, 1.0, 3.0]), gain_data_quality=np.array([0.0, 0.1, 0.3]))
    s = model.simulate(xs, 40)
    for j in range(3):
        one = model.simulate(_base(nre_per_generation_usd_bn=[0.1, 1.0, 3.0][j],
                                   gain_data_quality=[0.0, 0.1, 0.3][j]), 40)
        assert s["cum_i"][j] == pytest.approx(one["cum_i"][0])


def test_monthly_volume_conversion():
    vol = pd.DataFrame({"provider": ["X", "X"], "product": ["api", "api"],
                        "date": pd.to_datetime(["2025-01-01", "2025-06-01"]), "tokens": [1.0, 2.0],
                        "per": ["day", "minute"]})
    v, product, date = chapter.monthly_volume(vol, "X")
    assert v == pytest.approx(2.0 * 60 * 24 * 365.25 / 12) and date == "2025-06-01"
    with pytest.raises(ValueError):
        chapter.monthly_volume(vol, "Y")


def test_upstream_overrides_fallbacks():
    p = Params()
    x0, src0 = chapter.resolve_inputs(p, {}, 1e12)
    assert x0["cost_asic0_usd_per_mtok"] == pytest.approx(p.fallback_cost_per_mtok_gpu_usd * (1 - p.fallback_tax_share_gpu))
    assert src0["from"].str.contains("fallback").all()
    up = {"inference_tax": {"cost_per_mtok_gpu_usd": 2.0, "cost_per_mtok_asic_usd": 0.7, "tax_share_gpu": 0.6},
          "tapeout": {"median_generation_gap_months": 15.0, "min_feasible_cycle_months": None}}
    x1, src1 = chapter.resolve_inputs(p, up, 1e12)
    assert (x1["cost_gpu0_usd_per_mtok"], x1["cost_asic0_usd_per_mtok"], x1["merchant_cycle_months"]) == (2.0, 0.7, 15.0)
    assert x1["floor_months"] == p.fallback_floor_months  # a missing upstream value falls back


def test_sensitivity_is_seeded_and_ranked():
    p = Params(sensitivity_trajectories=6)
    x, _ = chapter.resolve_inputs(p, {}, 1e12)
    a = chapter.sensitivity(x, p, 72)
    b = chapter.sensitivity(x, p, 72)
    assert a.equals(b)
    assert a["mu_star"].is_monotonic_decreasing
    assert set(a["parameter"]) == set(chapter.SENSITIVITY)


def test_map_has_both_winners_at_extremes():
    p = Params(map_resolution=6)
    x, _ = chapter.resolve_inputs(p, {}, 1e12)
    g = chapter.grid_map(x, p, 72)
    assert len(g) == 36
    # more NRE never turns a merchant win into an integrated win (same growth)
    for _, col in g.sort_values("nre_usd_bn").groupby("growth_per_month"):
        assert col["advantage_usd_bn"].is_monotonic_decreasing
