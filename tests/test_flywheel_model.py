"""Flywheel model: hand-computed cases and the properties issue 13 lists."""

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
        "merchant_cycle_months": 12.0, "own_cycle_ratio": 1.0, "floor_months": 2.0, "technology_rate_per_year": 1.4,
        "fleet_life_months": 24.0, "align_own_to_merchant": 0.0, "user_growth_per_month": 0.01,
        "agent_token_growth_per_month": 0.01, "quality_growth_per_month": 0.01, "gain_data_quality": 0.1,
        "gain_quality_users": 0.5, "gain_quality_cycle": 0.3, "gain_knowledge_chip": 0.05, "pass_through": 0.5,
        "price_elasticity": 1.2, "markup": 1.0, "first_chip_month": 6.0, "nre_per_generation_usd_bn": 0.6,
        "users_ceiling": 1e9,
    }
    x.update(over)
    return x


STILL = dict(user_growth_per_month=0.0, agent_token_growth_per_month=0.0, quality_growth_per_month=0.0,
             gain_data_quality=0.0, gain_quality_users=0.0, gain_quality_cycle=0.0, gain_knowledge_chip=0.0,
             price_elasticity=0.0)


def test_merchant_frontier_steps_by_rate_to_the_cycle():
    # a 12-month generation at 1.4 a year brings ×1.4; the frontier is flat within a generation
    s = model.simulate(_base(), 25)
    assert s["frontier_m"][0, [0, 11, 12, 24]] == pytest.approx([1.0, 1.0, 1 / 1.4, 1 / 1.96])


def test_crossover_month():
    adv = np.array([[-3, -1, 2, -1, 1, 2], [-1, -1, -1, -1, -1, -1], [1, 1, 1, 1, 1, 1]], float)
    out = model.crossover_month(adv)
    assert out[0] == 5 and math.isnan(out[1]) and out[2] == 1


def test_halving_the_own_cycle_does_not_double_the_yearly_gain():
    # own chips always cheaper than merchant ones, no knowledge effect: the own frontier after two
    # years has fallen by rate ** 2 whether generations come every 12 or every 6 months
    x = _base(cost_asic0_usd_per_mtok=0.1, first_chip_month=0.0, **STILL)
    long = model.simulate(dict(x, own_cycle_ratio=1.0), 30)
    short = model.simulate(dict(x, own_cycle_ratio=0.5), 30)
    for s in (long, short):
        assert s["frontier_i"][0, 24] / s["frontier_i"][0, 0] == pytest.approx(1.4 ** -2)
    # the shorter cycle only keeps the frontier closer between releases (month 6: one step of rate ** 0.5)
    assert short["frontier_i"][0, 6] / short["frontier_i"][0, 0] == pytest.approx(1.4 ** -0.5)
    assert long["frontier_i"][0, 6] == long["frontier_i"][0, 0]


@given(st.floats(0.2, 0.9), st.floats(1.05, 2.0), st.floats(0.0, 0.3), st.floats(0.0, 0.05), st.floats(0.0, 2.0),
       st.floats(0.0, 24.0))
@settings(max_examples=25, deadline=None)
def test_no_tax_same_cycles_no_data_link_is_a_tie(asic, rate, gdq, growth, elasticity, first):
    x = _base(cost_asic0_usd_per_mtok=asic, technology_rate_per_year=rate, gain_data_quality=gdq,
              user_growth_per_month=growth, price_elasticity=elasticity, first_chip_month=first)
    for f in model.FACTORS:
        x = model.factor_off(x, f)
    s = model.simulate(x, 48)
    assert s["cum_i"][0] == pytest.approx(s["cum_m"][0], rel=1e-9, abs=1e-3)
    assert s["volume_i"][0] == pytest.approx(s["volume_m"][0])


def test_nre_per_year_rises_as_own_cycles_shorten():
    # by hand: USD 0.6 bn per generation every 12 months is 0.6 a year; every 6 months 1.2
    assert model.nre_per_year(0.6, [12.0, 6.0]) == pytest.approx([0.6, 1.2])
    x = _base(**STILL)
    slow = model.simulate(dict(x, own_cycle_ratio=1.0), 24)
    fast = model.simulate(dict(x, own_cycle_ratio=0.5), 24)
    assert slow["nre_i"][0, 0] * 12 / 1e9 == pytest.approx(0.6)
    assert fast["nre_i"][0, 0] * 12 / 1e9 == pytest.approx(1.2)
    assert fast["nre_i"][0].sum() > slow["nre_i"][0].sum()


def test_fleet_book_value_steady_state_by_hand():
    # constant volume V, no technology change, unit cost c, life L: every month L-th of the fleet is
    # replaced; the book value is V c (L - 1) / 2 (vintages aged 0 .. L-1 after this month's charge)
    life, v, c = 24.0, 1e12, 1.0
    x = _base(technology_rate_per_year=1.0, fleet_life_months=life, cost_asic0_usd_per_mtok=1.0, **STILL)
    s = model.simulate(x, 60)
    expected = v * c * (life - 1) / 2 / 1e6
    assert s["book0"][0] == pytest.approx(expected)
    assert s["book_m"][0] == pytest.approx(np.full(60, expected))
    assert s["dep_m"][0] == pytest.approx(np.full(60, v * c / 1e6))       # the whole fleet's charge a month


@given(st.floats(1.0, 2.0), st.floats(0.0, 0.1), st.floats(6.0, 72.0))
@settings(max_examples=20, deadline=None)
def test_no_capital_disappears(rate, growth, life):
    # whatever the growth and technology: starting book + purchases = depreciation charged + book left,
    # and the book value never goes negative
    s = model.simulate(_base(technology_rate_per_year=rate, user_growth_per_month=growth, fleet_life_months=life), 60)
    for lab in ("m", "i"):
        lhs = s["book0"][0] + np.cumsum(s[f"capex_{lab}"][0])
        rhs = np.cumsum(s[f"dep_{lab}"][0]) + s[f"book_{lab}"][0]
        assert lhs == pytest.approx(rhs, rel=1e-9)
        assert (s[f"book_{lab}"][0] >= -1e-6 * lhs.max()).all()


def test_new_generation_does_not_reprice_the_old_fleet():
    # after a merchant generation the frontier falls at once, the fleet cost per token only gradually
    s = model.simulate(_base(**STILL), 30)
    assert s["frontier_m"][0, 12] < s["frontier_m"][0, 11]
    assert s["cost_m"][0, 12] > s["frontier_m"][0, 12]
    assert s["cost_m"][0, 12] > s["cost_m"][0, 13] > s["cost_m"][0, 20]


@given(st.floats(0.3, 1.5), st.floats(0.0, 2.0), st.floats(0.0, 0.3))
@settings(max_examples=10, deadline=None)
def test_lead_shares_sum_to_one(asic, nre, gdq):
    d = model.decomposition(_base(cost_asic0_usd_per_mtok=asic, nre_per_generation_usd_bn=nre,
                                  gain_data_quality=gdq), 72)
    assert d["all_off"] == pytest.approx(0.0, abs=1e-9)
    assert d["tax"] + d["cycle"] + d["data"] == pytest.approx(d["lead"])
    if abs(d["lead"]) > 1e-9:
        assert d["share_tax"] + d["share_cycle"] + d["share_data"] == pytest.approx(1.0)


def test_decomposition_hand_case_only_the_tax():
    # only the tax differs (data link cut, cycles aligned): the whole lead is the tax
    x = model.factor_off(model.factor_off(_base(nre_per_generation_usd_bn=0.0), "data"), "cycle")
    d = model.decomposition(x, 60)
    assert d["share_tax"] == pytest.approx(1.0) and d["cycle"] == pytest.approx(0.0, abs=1e-9)


def test_cycle_never_below_floor():
    s = model.simulate(_base(floor_months=8.0, gain_quality_cycle=3.0, quality_growth_per_month=0.2), 96)
    assert s["cycle_i"].min() == pytest.approx(8.0)


def test_vectorized_equals_one_by_one():
    xs = _base(nre_per_generation_usd_bn=np.array([0.1, 2.0]), own_cycle_ratio=np.array([1.0, 0.5]))
    both = model.simulate(xs, 40)
    for i, (n, r) in enumerate([(0.1, 1.0), (2.0, 0.5)]):
        one = model.simulate(_base(nre_per_generation_usd_bn=n, own_cycle_ratio=r), 40)
        assert both["cum_i"][i] == pytest.approx(one["cum_i"][0])


def test_monthly_volume_conversion():
    vol = pd.DataFrame({"provider": ["X", "X"], "product": ["api", "api"],
                        "date": pd.to_datetime(["2025-01-01", "2025-06-01"]), "tokens": [1.0, 2.0],
                        "per": ["day", "minute"]})
    v, product, date = chapter.monthly_volume(vol, "X")
    assert v == pytest.approx(2.0 * 60 * 24 * 365.25 / 12) and date == "2025-06-01"
    with pytest.raises(ValueError):
        chapter.monthly_volume(vol, "Y")


def test_observed_growth_by_hand():
    vol = pd.DataFrame({
        "provider": ["A", "A", "A", "B", "C", "C"], "product": ["x"] * 3 + ["y", "z", "z"],
        "date": pd.to_datetime(["2024-01-01", "2024-07-01", "2025-01-01", "2024-01-01", "2024-01-01", "2025-01-01"]),
        "tokens": [1.0, 2.0, 4.0, 5.0, 1.0, 3.0 / (60 * 24 * 365.25 / 12)], "per": ["month"] * 5 + ["minute"],
        "source_url": "u", "as_of": pd.to_datetime("2025-02-01")})
    g = chapter.observed_growth(vol).set_index("series")
    assert set(g.index) == {"A: x", "C: z"}
    assert g.loc["A: x", "fit_per_year"] == pytest.approx(4.0, rel=0.01)


def test_asic_marginal_from_parity_hand_case():
    # NRE 0.5 bn, share n = 0.1: all-in 1.1 = m 1.0 + 0.1, GPU 1.5 -> saving 0.5 = 5 n, so NRE* = 5 x NRE.
    assert chapter.asic_marginal_from_parity(1.1, 1.5, 2.5e9, 0.5e9) == pytest.approx(1.0)
    assert chapter.asic_marginal_from_parity(1.6, 1.5, 2.5e9, 0.5e9) is None


def _inputs(upstream):
    from tokenfactory.data import load
    return chapter.load(load, upstream)


def test_upstream_values_are_read_by_key_and_the_cadence_choice_follows():
    up = {"inference_tax": {"cost_per_mtok_gpu_usd": 1.5, "cost_per_mtok_asic_usd": 1.1, "tax_share_gpu": 0.4,
                            "asic_nre_at_parity_usd": 5 * chapter._tax_default_nre(),
                            "breakeven_tokens_per_year": 1e14, "breakeven_total_tokens_per_year": 4e14,
                            "depreciation_years": 4.0},
          "tapeout": {"technology_rate_per_year": 1.3, "min_feasible_cycle_months": 8.0,
                      "nvidia_recent_generation_gap_months": 8.0, "median_merchant_generation_gap_months": 16.0,
                      "median_generation_gap_months": 20.0, "nvidia_architecture_gap_months": 24.0}}
    x, src, _ = chapter.resolve_inputs(Params(), _inputs(up), 1e12)
    assert x["cost_gpu0_usd_per_mtok"] == pytest.approx(1.5 / 4)
    assert x["cost_asic0_usd_per_mtok"] == pytest.approx(1.0 / 4)   # NRE share removed: not charged twice
    # the default merchant clock is NVIDIA's architecture cadence (refreshes are not generations)
    assert x["merchant_cycle_months"] == 24.0 and x["technology_rate_per_year"] == 1.3
    assert not src["from"].str.contains("fallback").any()
    assert x["fleet_life_months"] == 48.0   # the tax chapter's 4 years
    x2, _, _ = chapter.resolve_inputs(Params(merchant_cadence="all_families"), _inputs(up), 1e12)
    assert x2["merchant_cycle_months"] == 20.0
    x3, _, _ = chapter.resolve_inputs(Params(merchant_cadence="nvidia_recent"), _inputs(up), 1e12)
    assert x3["merchant_cycle_months"] == 8.0


def test_missing_tapeout_results_are_computed_by_the_tapeout_package(monkeypatch):
    """Without the tape-out chapter's results the flywheel asks the tape-out package, with its default
    parameters and the flywheel's own tables, and takes each value by its key. A stand-in for the package
    returns distinct hand-set values, so a key read in the wrong place, a cadence mapped to the wrong gap or
    other parameters passed would show."""
    from types import SimpleNamespace

    from tokenfactory.tapeout import chapter as tape
    from tokenfactory.tapeout.params import Params as TapeParams

    published = {"technology_rate_per_year": 1.7, "min_feasible_cycle_months": 7.0,
                 "nvidia_architecture_gap_months": 26.0, "nvidia_recent_generation_gap_months": 9.0,
                 "median_merchant_generation_gap_months": 15.0, "median_generation_gap_months": 21.0}
    calls = []

    def stand_in(p, inputs):
        calls.append((p, inputs))
        return SimpleNamespace(numbers=dict(published))

    monkeypatch.setattr(tape, "compute", stand_in)
    inputs = _inputs({})
    x, src, _ = chapter.resolve_inputs(Params(), inputs, 1e12)
    assert calls and calls[0][0] == TapeParams() and calls[0][1].programs is inputs.programs
    assert x["technology_rate_per_year"] == 1.7 and x["floor_months"] == 7.0
    assert x["merchant_cycle_months"] == 26.0   # the default cadence: NVIDIA's architectures
    assert src["from"].str.contains("tape-out package").any()
    for cadence, months in (("nvidia_recent", 9.0), ("merchant_families", 15.0), ("all_families", 21.0)):
        assert chapter.resolve_inputs(Params(merchant_cadence=cadence), inputs, 1e12)[0]["merchant_cycle_months"] == months


def test_judgement_texts_follow_numbers():
    assert chapter.crossover_phrase(float("nan")) == "never within the horizon"
    assert chapter.crossover_phrase(45.0) == "from month 45"
    assert chapter.lead_word(-1.0) == "behind" and chapter.lead_word(2.0) == "ahead"
    assert chapter.share_phrase(1.2).startswith("more than all")
    assert "net cost" in chapter.share_phrase(-0.1)
    assert chapter.rests_word({"lead": 1.0, "share_tax": 0.6, "share_cycle": 0.1, "share_data": 0.3}) == "mostly"
    assert chapter.rests_word({"lead": 1.0, "share_tax": 0.45, "share_cycle": 0.1, "share_data": 0.45}) == "most"
    assert chapter.cycle_comment(0.02, 8.0, 8.0).endswith("add little")
    assert chapter.cycle_comment(0.3, 20.0, 8.0).startswith("Faster own cycles carry 30%")
    assert "not" not in chapter.runs_phrase(0.6) and "runs" in chapter.runs_phrase(0.6)
    assert chapter.largest_share({"tax": 1.0, "cycle": -3.0, "data": 0.5}) == model.FACTOR_LABELS["cycle"]
