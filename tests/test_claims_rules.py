"""Verdict rules on synthetic cases chosen to sit on each side of every threshold.

No case here is the book's current number: each value is placed just inside or just outside a
threshold (or an interval around it), so the tests say what the rules do, not what today's data give.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenfactory.claims import evidence, ledger, rules
from tokenfactory.claims.params import Params
from tokenfactory.claims.rules import (INCONCLUSIVE, NOT_SUPPORTED, NOT_TESTABLE, PARTLY, SELF_REPORTED, SUPPORTED,
                                      Check)

P = Params()
T = P.catch_up_months_max

#: A synthetic world in which every testable claim passes (values set by hand, away from thresholds).
UPSTREAM = {
    "compute_gap": {
        "open_lag_months_average": T / 2, "lag_average_n": 24, "lag_average_start": "2024-01-01",
        "lag_average_end": "2025-12-31", "open_lag_trend_months_per_year": -3.0, "lag_trend_low": -5.0,
        "lag_trend_high": -1.0, "n_records": 20, "current_lag_months": T * 2, "unmatched_lag_months": T * 2,
        "open_lag_months_latest": T * 2,
        "window_trend_rho": -0.6, "window_trend_p": 0.01, "leadership_windows_n": 25,
        "window_power_at_reference": 0.9, "window_trend_reference": -0.5, "window_detectable_change": -0.4,
        "leadership_data_end": "2026-06-01", "leaderboard": "a leaderboard",
        "training_compute_closed_open_ratio": 10.0, "training_compute_ratio_low": 6.0,
        "training_compute_ratio_high": 15.0, "training_compute_ratio_at_epoch": 3.0,
        "training_compute_open_lag_months": 20.0, "training_compute_open_lag_low": 15.0,
        "training_compute_open_lag_high": 25.0, "training_compute_lag_at_epoch_months": 10.0,
        "training_compute_n_open": 10, "training_compute_n_closed": 12,
        "capex_cagr_recent": P.capex_growth_min * 2, "capex_cagr": P.capex_growth_min * 2,
    },
    "inference_tax": {
        "cheapest_accelerator_measured": "Chip N1", "cheapest_measured_n": 6, "cheapest_accelerator_model": "Chip N2",
        "c4_footings": 4, "c4_footings_claimant_cheapest": 4, "c4_footings_claimant_fastest": 4,
        "c4_newest_fastest": "Chip N1",
        "cost_per_mtok_gpu_usd": 1.0, "tax_share_gpu": 0.5, "tax_share_gpu_low": 0.4, "tax_share_gpu_high": 0.6,
        "breakeven_total_tokens_per_year": 1e15, "breakeven_tokens_per_year": 2.5e14,
        "cost_per_mtok_asic_reference_usd": 0.8, "utilization_elasticity": -2.0, "price_decline_per_year": None,
    },
    "tapeout": {"nine_month_percentile": 0.0, "programs_with_design_and_tapeout": 9, "n_comparison": 8,
                "jalapeno_design_to_availability_months": P.typical_cycle_min_months - 6,
                "median_design_to_tapeout_months": 24.0, "min_feasible_cycle_months": 8.0,
                "nvidia_recent_generation_gap_months": 12.0},
    "flywheel": {"crossover_month": 30, "cost_per_mtok_ratio_y5": 0.7, "lead_share_tax": 0.2,
                 "lead_share_cycle": 0.5, "lead_share_data": 0.3, "share_of_runs_integrated_ahead": 0.6,
                 "sensitivity_runs": 100},
}

#: Facts from data/ (vendors, the reference workload, custom-chip companies' volumes, fleet use).
FACTS = {"vendors": {"Chip N1": "NVIDIA", "Chip N2": "NVIDIA", "Chip A1": "AMD"},
         "reference_tokens_per_year": 1e16, "reference_name": "a provider's API",
         "custom_chip_volumes": {"Co1": 1e17, "Co2": 5e16, "Co3": 1e14},
         "fleet_occupancy": [("Op1", 0.3), ("Op2", 0.4), ("Op3", 0.45)]}


def _ev(facts: dict | None = None, **changes) -> evidence.Evidence:
    """The synthetic evidence with some "chapter.key" values replaced, or removed (evidence.MISSING)."""
    flat = evidence.flatten(UPSTREAM)
    for key, value in changes.items():
        key = key.replace("__", ".")
        if value is evidence.MISSING:
            flat.pop(key, None)
        else:
            flat[key] = value
    return evidence.Evidence(flat, "test", "upstream", {**FACTS, **(facts or {})})


def _verdicts(ev, p=P) -> dict[str, str]:
    return {v.claim.id: v.verdict for v in rules.assess(ledger.load(), ev, p)}


def _one(cid: str, ev, p=P) -> str:
    return _verdicts(ev, p)[cid]


def test_the_synthetic_world_gives_the_expected_ledger():
    assert _verdicts(_ev()) == {
        "C1": PARTLY, "C2": SUPPORTED, "C3": PARTLY, "C4": SUPPORTED, "C5": NOT_TESTABLE, "C6": PARTLY,
        "C7": SUPPORTED, "C8": SUPPORTED, "C9": SELF_REPORTED, "C10": NOT_TESTABLE, "C11": PARTLY,
        "C12": SELF_REPORTED,
    }


def test_with_no_evidence_every_testable_claim_is_inconclusive_and_names_what_is_missing():
    empty = evidence.Evidence({}, "none", "none")
    verdicts = rules.assess(ledger.load(), empty, P)
    by = {v.claim.id: v for v in verdicts}
    assert {c: v.verdict for c, v in by.items()} == {
        "C1": INCONCLUSIVE, "C2": INCONCLUSIVE, "C3": INCONCLUSIVE, "C4": INCONCLUSIVE, "C5": NOT_TESTABLE,
        "C6": INCONCLUSIVE, "C7": INCONCLUSIVE, "C8": INCONCLUSIVE, "C9": INCONCLUSIVE, "C10": NOT_TESTABLE,
        "C11": INCONCLUSIVE, "C12": SELF_REPORTED}
    assert "compute_gap.open_lag_months_average" in by["C1"].missing
    assert "compute_gap.window_power_at_reference" in by["C2"].missing
    assert sum(rules.counts(verdicts).values()) == 12 and len(rules.VERDICTS) == 6


@pytest.mark.parametrize("passed, expected", [
    ([True, True], SUPPORTED), ([True, False], PARTLY), ([False, False], NOT_SUPPORTED),
    ([None, None], INCONCLUSIVE), ([True, None], PARTLY), ([False, None], NOT_SUPPORTED), ([], INCONCLUSIVE),
])
def test_combine(passed, expected):
    assert rules.combine([Check("x.y", 1, "", p) for p in passed]) == expected


def test_an_untested_part_caps_the_verdict_and_context_decides_nothing():
    gap = rules.untested("part", "not in the data")
    ctx = rules.context("x.z", 1, "shown", "z")
    assert rules.combine([Check("x.y", 1, "", True), gap]) == PARTLY
    assert rules.combine([Check("x.y", 1, "", False), gap]) == NOT_SUPPORTED
    assert rules.combine([Check("x.y", 1, "", None), gap]) == INCONCLUSIVE
    assert rules.combine([Check("x.y", 1, "", True), ctx]) == SUPPORTED
    assert rules.combine([ctx]) == INCONCLUSIVE


_RANK = {NOT_SUPPORTED: 0, PARTLY: 1, SUPPORTED: 2}


@given(st.lists(st.booleans(), min_size=1, max_size=6), st.integers(0, 5))
def test_combine_never_gets_worse_when_a_test_turns_to_pass(passed, i):
    i %= len(passed)
    before = rules.combine([Check("x.y", 1, "", p) for p in passed])
    after = rules.combine([Check("x.y", 1, "", p) for p in passed[:i] + [True] + passed[i + 1:]])
    assert _RANK[after] >= _RANK[before]


@pytest.mark.parametrize("low, high, ref, expected", [
    (1.0, 2.0, 0.0, True), (-2.0, -1.0, 0.0, False), (-1.0, 1.0, 0.0, None), (None, 1.0, 0.0, None),
    (3.1, 9.0, 3.0, True), (1.0, 2.9, 3.0, False),
])
def test_interval_test(low, high, ref, expected):
    assert rules.interval_test(low, high, ref) is expected


def _tests(cid: str, ev) -> tuple:
    """The outcomes of a claim's deciding tests, in order."""
    v = rules.assess_claim(ledger.load().by_id()[cid], ev, P)
    return tuple(c.passed for c in v.checks if c.role == rules.TEST)


def test_c1_time_averaged_lag_on_both_sides_of_the_threshold():
    # (within months, shrinking) on each side of the threshold and of zero
    assert _tests("C1", _ev(compute_gap__open_lag_months_average=T * 0.99)) == (True, True)
    assert _tests("C1", _ev(compute_gap__open_lag_months_average=T * 1.01)) == (False, True)
    assert _tests("C1", _ev(compute_gap__lag_trend_high=1.0)) == (True, None)  # interval straddles zero
    assert _tests("C1", _ev(compute_gap__lag_trend_low=0.5, compute_gap__lag_trend_high=2.0)) == (True, False)
    # the gap between the leading labs is not measured: at most partly
    assert _one("C1", _ev()) == PARTLY
    # above the threshold and the trend undecided: the level fails, the trend decides nothing
    assert _one("C1", _ev(compute_gap__open_lag_months_average=T * 1.01, compute_gap__lag_trend_high=1.0)) \
        == NOT_SUPPORTED
    assert _one("C1", _ev(compute_gap__open_lag_months_average=T * 1.01, compute_gap__lag_trend_low=0.5,
                          compute_gap__lag_trend_high=2.0)) == NOT_SUPPORTED
    # the point lag and the unmatched model are second views: alone they change nothing
    assert _tests("C1", _ev(compute_gap__current_lag_months=T * 10)) == (True, True)
    assert _one("C1", _ev(compute_gap__open_lag_months_average=evidence.MISSING)) == INCONCLUSIVE
    v = rules.assess_claim(ledger.load().by_id()["C1"], _ev(), P)
    assert "±" in v.power and v.sample and v.test


def test_c2_a_test_without_power_is_inconclusive_not_evidence_against():
    a = P.window_trend_alpha
    # significant and negative: supported; significant and positive: not supported
    assert _one("C2", _ev(compute_gap__window_trend_p=a * 0.99)) == SUPPORTED
    assert _one("C2", _ev(compute_gap__window_trend_p=a * 0.99, compute_gap__window_trend_rho=0.4)) == NOT_SUPPORTED
    # not significant, with power just above the requirement: evidence against
    assert _one("C2", _ev(compute_gap__window_trend_p=a * 1.01,
                          compute_gap__window_power_at_reference=P.power_min + 0.01)) == NOT_SUPPORTED
    # not significant, power just below: inconclusive
    assert _one("C2", _ev(compute_gap__window_trend_p=a * 1.01,
                          compute_gap__window_power_at_reference=P.power_min - 0.01)) == INCONCLUSIVE
    # power missing: inconclusive, and the missing key is named
    v = rules.assess_claim(ledger.load().by_id()["C2"],
                           _ev(compute_gap__window_trend_p=0.5, compute_gap__window_power_at_reference=evidence.MISSING), P)
    assert v.verdict == INCONCLUSIVE and v.missing == ("compute_gap.window_power_at_reference",)


def _c3_outcomes(ev) -> tuple:
    v = rules.assess_claim(ledger.load().by_id()["C3"], ev, P)
    return tuple(c.passed for c in v.checks if c.role == rules.TEST)


def test_c3_widening_needs_the_ratio_interval_above_the_earlier_ratio():
    g = "compute_gap__"
    then = UPSTREAM["compute_gap"]["training_compute_ratio_at_epoch"]
    # (widening, capex) on each side of the earlier ratio and of the capex threshold
    assert _c3_outcomes(_ev(**{g + "training_compute_ratio_low": then * 1.01})) == (True, True)
    assert _c3_outcomes(_ev(**{g + "training_compute_ratio_low": then * 0.99})) == (None, True)  # straddles
    assert _c3_outcomes(_ev(**{g + "training_compute_ratio_low": then * 0.5,
                               g + "training_compute_ratio_high": then * 0.99})) == (False, True)  # narrowing
    assert _c3_outcomes(_ev(**{g + "capex_cagr_recent": P.capex_growth_min * 0.99})) == (True, False)
    assert _c3_outcomes(_ev(**{g + "capex_cagr_recent": P.capex_growth_min})) == (True, True)
    # energy is untested: at most partly; both tests failing: not supported
    assert _one("C3", _ev()) == PARTLY
    assert _one("C3", _ev(**{g + "capex_cagr_recent": P.capex_growth_min * 0.99,
                             g + "training_compute_ratio_low": then * 0.5,
                             g + "training_compute_ratio_high": then * 0.99})) == NOT_SUPPORTED
    assert _one("C3", _ev(**{g + "training_compute_ratio_at_epoch": evidence.MISSING,
                             g + "capex_cagr_recent": evidence.MISSING})) == INCONCLUSIVE


def test_c4_the_vendor_must_be_cheapest_on_measured_data_among_enough_chips():
    n = P.min_accelerators_compared
    assert _one("C4", _ev(inference_tax__cheapest_measured_n=n)) == SUPPORTED
    # too few chips on the newest footing: that test is undecided, the every-footing tests still pass
    assert _one("C4", _ev(inference_tax__cheapest_measured_n=n - 1)) == PARTLY
    assert _one("C4", _ev(inference_tax__cheapest_measured_n=n - 1, inference_tax__c4_footings=0,
                          inference_tax__c4_footings_claimant_cheapest=0,
                          inference_tax__c4_footings_claimant_fastest=0)) == INCONCLUSIVE
    # a rival cheapest on the newest footing fails that test; the older footings keep it partly supported
    assert _one("C4", _ev(inference_tax__cheapest_accelerator_measured="Chip A1")) == PARTLY
    # the modeled cheapest is a second view: another vendor there changes nothing
    assert _one("C4", _ev(inference_tax__cheapest_accelerator_model="Chip A1")) == SUPPORTED
    # an accelerator whose vendor is unknown cannot decide the newest footing; the other footings still do
    assert _one("C4", _ev(inference_tax__cheapest_accelerator_measured="Chip X")) == PARTLY


def test_c4_reads_every_footing_and_the_throughput_half_apart():
    t = "inference_tax__"
    # a split of the footings: the vendor cheapest on 3 of 4 (newest included) -> partly
    assert _one("C4", _ev(**{t + "c4_footings_claimant_cheapest": 3})) == PARTLY
    # the newest footing goes to a rival, the older ones to the vendor -> partly, not supported
    assert _one("C4", _ev(**{t + "cheapest_accelerator_measured": "Chip A1", t + "c4_footings_claimant_cheapest": 3})) \
        == PARTLY
    # the vendor cheapest nowhere and fastest nowhere -> not supported
    assert _one("C4", _ev(**{t + "cheapest_accelerator_measured": "Chip A1", t + "c4_footings_claimant_cheapest": 0,
                            t + "c4_footings_claimant_fastest": 0})) == NOT_SUPPORTED
    # cheapest everywhere but a rival has the most tokens per chip on one footing -> partly
    assert _one("C4", _ev(**{t + "c4_footings_claimant_fastest": 3})) == PARTLY
    # no qualifying footing: the footing tests cannot decide
    assert rules.c4_every_footing(0, 0) is None and rules.c4_every_footing(2, 2) is True
    assert rules.c4_every_footing(1, 2) is False


def test_c5_and_c10_are_not_testable_whatever_the_evidence():
    assert _one("C5", _ev(inference_tax__price_decline_per_year=10.0)) == NOT_TESTABLE
    assert _one("C10", _ev(tapeout__min_feasible_cycle_months=1.0)) == NOT_TESTABLE
    assert _one("C10", _ev(tapeout__min_feasible_cycle_months=30.0)) == NOT_TESTABLE


def test_c10_says_what_would_have_to_be_true():
    # floor 8 months: a 6-month cycle end to end is shorter than manufacturing alone; as a cadence it is
    # 12 / 6 = 2 times NVIDIA's; a 3-month cadence 4 times
    needs = rules.what_would_have_to_be_true(_ev(), P)
    assert any("shorter than the manufacturing phases" in s for s in needs)
    assert any("2 times as often" in s for s in needs) and any("4 times as often" in s for s in needs)
    # a 2-month floor leaves 4 months for design in a 6-month cycle
    assert any("leaves 4 months for design" in s for s in rules.what_would_have_to_be_true(
        _ev(tapeout__min_feasible_cycle_months=2.0), P))


def test_c6_the_whole_margin_range_is_set_against_the_threshold():
    t = P.tax_share_material
    assert _one("C6", _ev(inference_tax__tax_share_gpu_low=t)) == PARTLY  # capped: agents untested
    assert _one("C6", _ev(inference_tax__tax_share_gpu_low=t * 0.99)) == INCONCLUSIVE  # straddles
    assert _one("C6", _ev(inference_tax__tax_share_gpu_low=t * 0.5, inference_tax__tax_share_gpu_high=t * 0.99)) \
        == NOT_SUPPORTED


def test_c7_break_even_against_a_real_workload_and_companies_at_scale():
    ref = FACTS["reference_tokens_per_year"]
    k = "inference_tax__breakeven_total_tokens_per_year"
    assert _one("C7", _ev(**{k: ref * 0.99})) == SUPPORTED
    # above the reference workload: the model fails; two companies (1e17, 5e16) still exceed it
    assert _one("C7", _ev(**{k: ref * 1.01})) == PARTLY
    # above every company but one: both fail
    assert _one("C7", _ev(**{k: 6e16})) == NOT_SUPPORTED
    # the chip never pays (glued infinity arrives as None): both fail
    assert _one("C7", _ev(**{k: None})) == NOT_SUPPORTED
    assert _one("C7", _ev(**{k: evidence.MISSING})) == INCONCLUSIVE
    # fewer companies above than required
    assert _one("C7", _ev(**{k: ref * 0.99}), Params(min_companies_at_scale=3)) == PARTLY


def test_c8_rests_on_measured_fleet_use_not_on_the_models_identity():
    far = P.far_below_peak_max
    ops = [("Op1", far * 0.9), ("Op2", far * 0.99), ("Op3", far * 1.5)]
    assert _one("C8", _ev(facts={"fleet_occupancy": ops})) == SUPPORTED  # median just below
    ops_hi = [("Op1", far * 0.9), ("Op2", far * 1.01), ("Op3", far * 1.5)]
    assert _one("C8", _ev(facts={"fleet_occupancy": ops_hi})) == NOT_SUPPORTED
    # fewer operators than needed: inconclusive, whatever their figures
    assert _one("C8", _ev(facts={"fleet_occupancy": ops[:P.min_operators - 1]})) == INCONCLUSIVE
    # the model's elasticity decides nothing, however large
    assert _one("C8", _ev(facts={"fleet_occupancy": ops_hi}, inference_tax__utilization_elasticity=-50.0)) \
        == NOT_SUPPORTED


def test_c9_like_for_like_and_the_self_reported_label():
    e, lo = P.exceptional_percentile, P.typical_cycle_min_months
    k = "tapeout__"
    # both like-for-like tests pass: the nine months stay the companies' word
    assert _one("C9", _ev(**{k + "nine_month_percentile": e})) == SELF_REPORTED
    # the chip's whole program inside the typical range, nine months not exceptional: contradicted
    assert _one("C9", _ev(**{k + "nine_month_percentile": e * 1.01,
                             k + "jalapeno_design_to_availability_months": lo})) == NOT_SUPPORTED
    # too few comparison durations: the percentile decides nothing; the program-length test alone fails
    assert _one("C9", _ev(**{k + "n_comparison": P.min_programs_typical - 1,
                             k + "jalapeno_design_to_availability_months": lo})) == NOT_SUPPORTED
    assert _one("C9", _ev(**{k + "n_comparison": P.min_programs_typical - 1})) == SELF_REPORTED
    # the percentile known as an interval (dates' precision): one straddling the threshold decides nothing
    assert _one("C9", _ev(**{k + "nine_month_percentile": e, k + "nine_month_percentile_low": e * 0.5,
                             k + "nine_month_percentile_high": e * 1.5,
                             k + "jalapeno_design_to_availability_months": lo})) == NOT_SUPPORTED
    assert _one("C9", _ev(**{k + "nine_month_percentile": e, k + "nine_month_percentile_low": e * 0.5,
                             k + "nine_month_percentile_high": e * 1.5})) == SELF_REPORTED
    # the chip's span known as an interval: one that straddles the typical range's lower end decides nothing
    assert _one("C9", _ev(**{k + "jalapeno_design_to_availability_lo": lo - 1,
                             k + "jalapeno_design_to_availability_hi": lo + 1})) == SELF_REPORTED
    assert _one("C9", _ev(**{k + "nine_month_percentile": e * 1.01, k + "jalapeno_design_to_availability_lo": lo,
                             k + "jalapeno_design_to_availability_hi": lo + 1})) == NOT_SUPPORTED
    # every result missing: inconclusive, not self-reported
    assert _one("C9", _ev(**{k + "nine_month_percentile": evidence.MISSING,
                             k + "n_comparison": evidence.MISSING,
                             k + "jalapeno_design_to_availability_months": evidence.MISSING})) == INCONCLUSIVE


def test_c11_conditional_on_the_premises_and_the_share_of_runs_decides_nothing():
    h = P.flywheel_horizon_months
    assert _one("C11", _ev(flywheel__crossover_month=h)) == PARTLY
    assert _one("C11", _ev(flywheel__crossover_month=h + 1, flywheel__cost_per_mtok_ratio_y5=1.01)) == NOT_SUPPORTED
    assert _one("C11", _ev(flywheel__crossover_month=None, flywheel__cost_per_mtok_ratio_y5=1.01)) == NOT_SUPPORTED
    assert _one("C11", _ev(flywheel__share_of_runs_integrated_ahead=0.01)) == PARTLY
    v = rules.assess_claim(ledger.load().by_id()["C11"], _ev(), P)
    text = " ".join(c.note for c in v.checks)
    assert "faster chip cycles" in text and "not a probability" in text and "probability of" not in text
    assert rules.main_lead_source(_ev()) == ("faster chip cycles", 0.5)


def test_self_reported_label():
    led = ledger.load().by_id()
    assert led["C12"].self_reported and not led["C4"].self_reported
    out = rules.Outcome(NOT_SUPPORTED, "", (), "")
    assert rules.label(led["C12"], out) == NOT_SUPPORTED
    assert rules.label(led["C12"], rules.Outcome(PARTLY, "", (), "")) == SELF_REPORTED
    assert rules.label(led["C12"], rules.Outcome(INCONCLUSIVE, "", (), "", missing=("x.y",))) == INCONCLUSIVE


@settings(deadline=None, max_examples=40)
@given(st.floats(0.1, 100), st.floats(0.1, 100))
def test_c1_a_shorter_average_lag_never_gives_a_worse_verdict(a, b):
    short, long = sorted((a, b))
    c1 = ledger.load().by_id()["C1"]
    v_short = rules.assess_claim(c1, _ev(compute_gap__open_lag_months_average=short), P).verdict
    v_long = rules.assess_claim(c1, _ev(compute_gap__open_lag_months_average=long), P).verdict
    assert _RANK[v_short] >= _RANK[v_long]
