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
    per = 1 + p.fallback_input_tokens_per_output
    x0, src0 = chapter.resolve_inputs(p, {}, 1e12)
    assert x0["cost_asic0_usd_per_mtok"] == pytest.approx(
        p.fallback_cost_per_mtok_gpu_usd * (1 - p.fallback_tax_share_gpu) / per)
    read = src0[~src0["from"].str.contains("÷")]
    assert read["from"].str.contains("fallback").all()
    up = {"inference_tax": {"cost_per_mtok_gpu_usd": 2.0, chapter.ASIC_MARGINAL_KEY: 0.7, "tax_share_gpu": 0.6,
                            "breakeven_tokens_per_year": 1e14, "breakeven_total_tokens_per_year": 2e14},
          "tapeout": {"median_generation_gap_months": 15.0, "min_feasible_cycle_months": None}}
    x1, src1 = chapter.resolve_inputs(p, up, 1e12)
    assert x1["cost_gpu0_usd_per_mtok"] == pytest.approx(1.0) and x1["cost_asic0_usd_per_mtok"] == pytest.approx(0.35)
    assert x1["merchant_cycle_months"] == 15.0
    assert x1["floor_months"] == p.fallback_floor_months  # a missing upstream value falls back


def test_sensitivity_is_seeded_and_ranked():
    p = Params(sensitivity_trajectories=6)
    x, _ = chapter.resolve_inputs(p, {}, 1e12)
    a = chapter.sensitivity(x, p, 72)
    b = chapter.sensitivity(x, p, 72)
    assert a.equals(b)
    assert a["mu_star_rel"].is_monotonic_decreasing
    assert set(a["parameter"]) == set(chapter.SENSITIVITY)
    assert sorted(a["rank_usd"]) == list(range(1, len(a) + 1))
    assert 0 <= a.attrs["share_ahead"] <= 1 and a.attrs["runs"] > 0


def test_map_has_both_winners_at_extremes():
    p = Params(map_resolution=6)
    x, _ = chapter.resolve_inputs(p, {}, 1e12)
    g = chapter.grid_map(x, p, 72)
    assert len(g) == 36
    # more NRE never turns a merchant win into an integrated win (same growth)
    for _, col in g.sort_values("nre_usd_bn").groupby("growth_per_month"):
        assert col["advantage_usd_bn"].is_monotonic_decreasing


def test_without_nre_scale_free_outputs_do_not_depend_on_starting_volume():
    # With NRE at zero every cash flow is proportional to the starting volume: the USD lead scales
    # by the same factor, the crossover month and the relative lead do not move.
    x = _base(nre_per_generation_usd_bn=0.0)
    a, b = model.simulate(x, 72), model.simulate(dict(x, volume0_tokens=1e12 * 37), 72)
    oa, ob = model.outcomes(a), model.outcomes(b)
    assert ob["advantage_usd_bn"] == pytest.approx(oa["advantage_usd_bn"] * 37)
    assert np.array_equal(oa["crossover_month"], ob["crossover_month"], equal_nan=True)
    assert chapter.relative_lead(b) == pytest.approx(chapter.relative_lead(a))


def test_relative_lead_by_hand():
    sim = {"cum_i": np.array([[1.0, 3.0], [0.0, 1.0]]), "cum_m": np.array([[1.0, 2.0], [0.0, 0.0]])}
    out = chapter.relative_lead(sim, at_month=2)
    assert out[0] == pytest.approx(0.5) and math.isnan(out[1])


def test_observed_growth_by_hand():
    # A series doubling every six months grows ×4 per year; a one-statement series has no rate;
    # counts per minute and per month are put on one unit before fitting.
    vol = pd.DataFrame({
        "provider": ["A", "A", "A", "B", "C", "C"], "product": ["x"] * 3 + ["y", "z", "z"],
        "date": pd.to_datetime(["2024-01-01", "2024-07-01", "2025-01-01", "2024-01-01", "2024-01-01", "2025-01-01"]),
        "tokens": [1.0, 2.0, 4.0, 5.0, 1.0, 3.0 / (60 * 24 * 365.25 / 12)], "per": ["month"] * 5 + ["minute"],
        "source_url": "u", "as_of": pd.to_datetime("2025-02-01")})
    g = chapter.observed_growth(vol).set_index("series")
    assert set(g.index) == {"A: x", "C: z"}
    assert g.loc["A: x", "fit_per_year"] == pytest.approx(4.0, rel=0.01)
    assert g.loc["A: x", "latest_per_year"] == pytest.approx(2.0 ** (365.25 / 184), rel=1e-6)
    assert g.loc["C: z", "fit_per_year"] == pytest.approx(3.0 ** (365.25 / 366), rel=1e-6)


def test_model_growth_matches_volume_path():
    s = model.simulate(_base(), 25)
    g = chapter.model_growth(s)
    assert g["merchant_first_year"] == pytest.approx(s["volume_m"][0, 12] / s["volume_m"][0, 0])
    assert g["integrated_average"] ** 2 == pytest.approx(g["integrated_total"])
    path = chapter.model_volume_path(s, "2025-01-01", months=12)
    assert len(path) == 13 and path["tokens_per_month"].iloc[0] == s["volume_i"][0, 0]


def test_cycle_sweep_and_threshold():
    # A merchant cadence faster than the physical floor leaves the integrated lab slower: it cannot lead.
    x = _base()
    sw = chapter.cycle_sweep(x, 72, 4.0, 30.0, 1.0)
    assert (sw.loc[sw["merchant_cycle_months"] < x["floor_months"], "advantage_usd_bn"] <= 0).all()
    t = chapter.cycle_threshold(sw)
    assert (sw.loc[sw["merchant_cycle_months"] > t, "advantage_usd_bn"] > 0).all()
    assert math.isnan(chapter.cycle_threshold(sw.assign(advantage_usd_bn=1.0)))


def test_breakeven_volume_and_asic_threshold():
    x = _base(nre_per_generation_usd_bn=2.0, volume0_tokens=1e15)
    f = chapter.breakeven_volume_factor(x, 72)
    assert 1e-4 < f < 10
    adv = lambda k: model.outcomes(model.simulate(dict(x, volume0_tokens=1e15 * k), 72))["advantage_usd_bn"][0]
    assert adv(f * 1.2) > 0 and adv(f / 1.2) <= 0
    r = chapter.asic_cost_threshold(x, 72)
    cost = lambda q: model.outcomes(model.simulate(dict(x, cost_asic0_usd_per_mtok=q), 72))["advantage_usd_bn"][0]
    assert cost(r) <= 0 and cost(r - 0.05) > 0


def test_robustness_table():
    t = chapter.robustness(_base(), 72)
    assert t["variant"].iloc[0] == "defaults" and len(t) == 6
    base, small = t.iloc[0], t.iloc[1]
    assert small["merchant_cash_usd_bn"] == pytest.approx(base["merchant_cash_usd_bn"] / 10)


# --- review fixes: NRE counted once, token units, growth span, loop share ------------------------------------------

def test_asic_marginal_from_parity_hand_case():
    # NRE 0.5 bn, share n = 0.1: all-in 1.1 = m 1.0 + 0.1, GPU 1.5 -> saving 0.5 = 5 n, so NRE* = 5 x NRE.
    m = chapter.asic_marginal_from_parity(1.1, 1.5, 2.5e9, 0.5e9)
    assert m == pytest.approx(1.0)
    assert chapter.asic_marginal_from_parity(1.6, 1.5, 2.5e9, 0.5e9) is None  # ASIC dearer all in
    assert chapter.asic_marginal_from_parity(1.1, 1.5, 0.4e9, 0.5e9) is None  # parity below NRE


def test_resolve_inputs_no_double_nre_and_units():
    p = Params()
    up = {"inference_tax": {"cost_per_mtok_gpu_usd": 1.5, "cost_per_mtok_asic_usd": 1.1, "tax_share_gpu": 0.4,
                            "asic_nre_at_parity_usd": 5 * chapter._tax_default_nre(),
                            "breakeven_tokens_per_year": 1e14, "breakeven_total_tokens_per_year": 4e14}}
    x, _ = chapter.resolve_inputs(p, up, 1e12)
    # per million tokens of any kind = per output token / (1 + 3)
    assert x["cost_gpu0_usd_per_mtok"] == pytest.approx(1.5 / 4)
    assert x["cost_asic0_usd_per_mtok"] == pytest.approx(1.0 / 4)  # the NRE share 0.1 removed
    # the preferred key wins over the derivation
    up["inference_tax"][chapter.ASIC_MARGINAL_KEY] = 0.8
    x, src = chapter.resolve_inputs(p, up, 1e12)
    assert x["cost_asic0_usd_per_mtok"] == pytest.approx(0.8 / 4)
    assert src["from"].str.contains(chapter.ASIC_MARGINAL_KEY).any()
    # nothing upstream: merchant chip at cost, fallback ratio
    x, _ = chapter.resolve_inputs(p, {}, 1e12)
    per = 1 + p.fallback_input_tokens_per_output
    assert x["cost_asic0_usd_per_mtok"] == pytest.approx(
        p.fallback_cost_per_mtok_gpu_usd * (1 - p.fallback_tax_share_gpu) / per)


def test_observed_growth_requires_min_span():
    d = pd.DataFrame({"provider": ["A", "A", "B", "B"], "product": ["x", "x", "y", "y"],
                      "date": pd.to_datetime(["2024-01-01", "2025-01-01", "2025-01-01", "2025-04-01"]),
                      "tokens": [1.0, 4.0, 1.0, 2.0], "per": ["month"] * 4, "source_url": ["u"] * 4,
                      "as_of": pd.to_datetime(["2025-05-01"] * 4)})
    g = chapter.observed_growth(d, min_span_months=12.0).set_index("provider")
    assert g.loc["A", "estimable"] and g.loc["A", "fit_per_year"] == pytest.approx(4.0, rel=0.01)
    assert not g.loc["B", "estimable"] and math.isnan(g.loc["B", "fit_per_year"])


def test_loop_contribution_keeps_outside_growth():
    x = _base(nre_per_generation_usd_bn=0.0)  # a positive lead, so that shares are defined
    lc = chapter.loop_contribution(x, 96).set_index("variant")
    s0 = model.simulate(dict(x, **ZERO_GAINS), 96)
    assert lc.loc["all feedback gains at zero", "advantage_usd_bn"] == pytest.approx(
        float(model.outcomes(s0)["advantage_usd_bn"][0]))
    assert lc.loc["defaults", "share_of_lead"] == pytest.approx(0.0)
