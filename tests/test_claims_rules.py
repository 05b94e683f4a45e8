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
        "open_lag_months_epoch_footing": T / 2, "ref_epoch_2025_lag_avg_months": T / 3,
        "ref_epoch_2025_lag_avg_months_low": T / 6, "ref_epoch_2025_lag_avg_months_high": T / 2,
        "open_lag_months_average": T * 2, "lag_average_n": 24, "lag_average_start": "2024-01-01",
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
        "training_compute_leave_one_out_change_min": 1.5, "training_compute_leave_one_out_change_max": 4.0,
        "training_compute_ratio_leave_one_out_low": 5.0, "training_compute_ratio_leave_one_out_high": 12.0,
        "training_compute_leave_one_out_labs": 8, "training_compute_leave_one_out_weakest_lab": "Lab A",
        "training_compute_ratio_top3": 8.0, "training_compute_ratio_top3_at_epoch": 2.0,
        "capex_cagr_recent": P.capex_growth_min * 2, "capex_cagr": P.capex_growth_min * 2,
        # the rank test's level and required power, the compute-gap chapter's parameters (set by hand)
        "window_trend_alpha": 0.05, "window_power_target": 0.8,
    },
    "inference_tax": {
        "cheapest_accelerator_measured": "Chip N1", "cheapest_measured_n": 6, "cheapest_accelerator_model": "Chip N2",
        "c4_footings": 4, "c4_footings_claimant_cheapest": 4, "c4_footings_claimant_fastest": 4,
        "c4_newest_fastest": "Chip N1", "claimant_vendor": "NVIDIA", "min_accelerators_compared": 3,
        "cost_per_mtok_gpu_usd": 1.0, "tax_share_gpu": 0.5, "tax_share_gpu_low": 0.4, "tax_share_gpu_high": 0.6,
        "breakeven_total_tokens_per_year": 1e15, "breakeven_tokens_per_year": 2.5e14,
        "cost_per_mtok_asic_reference_usd": 0.8, "utilization_elasticity": -2.0, "price_decline_per_year": None,
        "c8_hardware_use_median": P.far_below_peak_max * 0.6, "c8_hardware_use_low": P.far_below_peak_max * 0.4,
        "c8_hardware_use_high": P.far_below_peak_max * 0.8, "c8_bandwidth_use_median": P.far_below_peak_max * 0.6,
        "c8_compute_use_median": 0.05, "c8_hardware_points": 40, "c8_hardware_sources": P.min_hardware_sources,
    },
    "tapeout": {"nine_month_percentile": 0.0, "programs_with_design_and_tapeout": 9, "n_comparison": 8,
                "claimed_months": 9.0, "silicon_floor_months": 6.0, "claim_spec_to_silicon_months": 15.0,
                "spec_to_silicon_median_months": 27.0, "spec_to_silicon_lo": 24.0, "spec_to_silicon_hi": 30.0,
                "claim_deployment_targeted": 1.0,
                "median_design_to_tapeout_months": 24.0, "min_feasible_cycle_months": 8.0,
                "nvidia_recent_generation_gap_months": 12.0, "nvidia_architecture_gap_months": 24.0,
                "tpu_architecture_gap_months": 20.0, "n_tpu_architecture_gaps": 5, "min_programs_typical": 5},
    "flywheel": {"crossover_month": 30, "cost_per_mtok_ratio_y5": 0.7, "lead_share_tax": 0.2,
                 "lead_share_cycle": 0.5, "lead_share_data": 0.3, "share_of_runs_integrated_ahead": 1.0,
                 "sensitivity_runs": 100, "cumulative_advantage_y5_usd_bn": 5.0, "own_cycle_start_months": 20.0,
                 "asic_cost_ratio": 0.7, "report_month": 60},
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
    assert "compute_gap.open_lag_months_epoch_footing" in by["C1"].missing
    assert "compute_gap.window_power_at_reference" in by["C2"].missing
    assert sum(rules.counts(verdicts).values()) == len(ledger.load().claims) and len(rules.VERDICTS) == 6


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


def test_c1_level_averaged_lag_on_epochs_footing_on_both_sides_of_the_threshold():
    # (within months, shrinking) on each side of the threshold and of zero
    assert _tests("C1", _ev(compute_gap__open_lag_months_epoch_footing=T * 0.99)) == (True, True)
    assert _tests("C1", _ev(compute_gap__open_lag_months_epoch_footing=T * 1.01)) == (False, True)
    assert _tests("C1", _ev(compute_gap__lag_trend_high=1.0)) == (True, None)  # interval straddles zero
    assert _tests("C1", _ev(compute_gap__lag_trend_low=0.5, compute_gap__lag_trend_high=2.0)) == (True, False)
    # the gap between the leading labs is not measured: at most partly
    assert _one("C1", _ev()) == PARTLY
    # above the threshold and the trend undecided: the level fails, the trend decides nothing
    assert _one("C1", _ev(compute_gap__open_lag_months_epoch_footing=T * 1.01, compute_gap__lag_trend_high=1.0)) \
        == NOT_SUPPORTED
    assert _one("C1", _ev(compute_gap__open_lag_months_epoch_footing=T * 1.01, compute_gap__lag_trend_low=0.5,
                          compute_gap__lag_trend_high=2.0)) == NOT_SUPPORTED
    # the time average, the point lag and the unmatched model are second views: alone they change nothing
    assert _tests("C1", _ev(compute_gap__open_lag_months_average=T * 10)) == (True, True)
    assert _tests("C1", _ev(compute_gap__current_lag_months=T * 10)) == (True, True)
    assert _one("C1", _ev(compute_gap__open_lag_months_epoch_footing=evidence.MISSING)) == INCONCLUSIVE
    v = rules.assess_claim(ledger.load().by_id()["C1"], _ev(), P)
    assert "±" in v.power and v.sample and v.test
    # the rule names each measure correctly: the headline is the level average beside Epoch's figure
    assert "averaged over capability levels" in v.checks[0].note and "Epoch AI's published" in v.checks[0].note
    assert "time" in v.checks[2].note and "second view" in v.checks[2].note
    assert "the measure Epoch AI publishes" not in v.rule.replace("as Epoch AI measures", "")


def test_c2_a_test_without_power_is_inconclusive_not_evidence_against():
    a, need = UPSTREAM["compute_gap"]["window_trend_alpha"], UPSTREAM["compute_gap"]["window_power_target"]
    # significant and negative: supported; significant and positive: not supported
    assert _one("C2", _ev(compute_gap__window_trend_p=a * 0.99)) == SUPPORTED
    assert _one("C2", _ev(compute_gap__window_trend_p=a * 0.99, compute_gap__window_trend_rho=0.4)) == NOT_SUPPORTED
    # not significant, with power just above the requirement: evidence against
    assert _one("C2", _ev(compute_gap__window_trend_p=a * 1.01,
                          compute_gap__window_power_at_reference=need + 0.01)) == NOT_SUPPORTED
    # not significant, power just below: inconclusive
    assert _one("C2", _ev(compute_gap__window_trend_p=a * 1.01,
                          compute_gap__window_power_at_reference=need - 0.01)) == INCONCLUSIVE
    # power missing: inconclusive, and the missing key is named
    v = rules.assess_claim(ledger.load().by_id()["C2"],
                           _ev(compute_gap__window_trend_p=0.5, compute_gap__window_power_at_reference=evidence.MISSING), P)
    assert v.verdict == INCONCLUSIVE and v.missing == ("compute_gap.window_power_at_reference",)
    # the level is the compute-gap chapter's: at a level of 0.10 the same p-value is significant
    assert _one("C2", _ev(compute_gap__window_trend_p=0.07, compute_gap__window_power_at_reference=0.5)) == INCONCLUSIVE
    assert _one("C2", _ev(compute_gap__window_trend_p=0.07, compute_gap__window_trend_alpha=0.10)) == SUPPORTED
    # without the chapter's level the test decides nothing, and the missing key is named
    v = rules.assess_claim(ledger.load().by_id()["C2"], _ev(compute_gap__window_trend_alpha=evidence.MISSING), P)
    assert v.verdict == INCONCLUSIVE and "compute_gap.window_trend_alpha" in v.missing


def _c3_outcomes(ev) -> tuple:
    v = rules.assess_claim(ledger.load().by_id()["C3"], ev, P)
    return tuple(c.passed for c in v.checks if c.role == rules.TEST)


def test_c3_widening_needs_the_ratio_interval_above_the_earlier_ratio():
    g = "compute_gap__"
    then = UPSTREAM["compute_gap"]["training_compute_ratio_at_epoch"]
    # (widening, robust to one lab, capex) on each side of the earlier ratio and of the capex threshold
    assert _c3_outcomes(_ev(**{g + "training_compute_ratio_low": then * 1.01})) == (True, True, True)
    assert _c3_outcomes(_ev(**{g + "training_compute_ratio_low": then * 0.99})) == (None, True, True)  # straddles
    assert _c3_outcomes(_ev(**{g + "training_compute_ratio_low": then * 0.5,
                               g + "training_compute_ratio_high": then * 0.99}))[0] is False  # narrowing
    assert _c3_outcomes(_ev(**{g + "capex_cagr_recent": P.capex_growth_min * 0.99}))[2] is False
    assert _c3_outcomes(_ev(**{g + "capex_cagr_recent": P.capex_growth_min}))[2] is True
    # energy is untested: at most partly; every test failing: not supported
    assert _one("C3", _ev()) == PARTLY
    assert _one("C3", _ev(**{g + "capex_cagr_recent": P.capex_growth_min * 0.99,
                             g + "training_compute_ratio_low": then * 0.5,
                             g + "training_compute_ratio_high": then * 0.99,
                             g + "training_compute_leave_one_out_change_min": 0.5,
                             g + "training_compute_leave_one_out_change_max": 0.9,
                             g + "training_compute_ratio_top3": 1.0})) == NOT_SUPPORTED
    assert _one("C3", _ev(**{g + "training_compute_ratio_at_epoch": evidence.MISSING,
                             g + "capex_cagr_recent": evidence.MISSING,
                             g + "training_compute_leave_one_out_change_min": evidence.MISSING})) == INCONCLUSIVE


def test_c3_robust_to_one_lab_on_both_sides_of_no_change():
    g = "compute_gap__"
    # the smallest lab-less change just above one widens; just below one leaves it to one lab: undecided
    assert _c3_outcomes(_ev(**{g + "training_compute_leave_one_out_change_min": 1.01}))[1] is True
    assert _c3_outcomes(_ev(**{g + "training_compute_leave_one_out_change_min": 0.99}))[1] is None
    # the top-three means must move the same way
    assert _c3_outcomes(_ev(**{g + "training_compute_ratio_top3": 1.99}))[1] is None
    # every lab-less ratio and the top three shrank: narrowing
    assert _c3_outcomes(_ev(**{g + "training_compute_leave_one_out_change_min": 0.5,
                               g + "training_compute_leave_one_out_change_max": 0.99,
                               g + "training_compute_ratio_top3": 1.9}))[1] is False
    assert rules.robust_to_one_lab(None, 2.0, 3.0, 1.0) is None


def test_c4_the_vendor_must_be_cheapest_on_measured_data_among_enough_chips():
    n = UPSTREAM["inference_tax"]["min_accelerators_compared"]
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


def test_c4_reads_the_fewest_chips_from_the_inference_tax_chapter():
    """The fewest accelerators a footing compares is the inference-tax chapter's parameter (it counted the
    footings with it), published as inference_tax.min_accelerators_compared: claims declares no copy. Six
    chips on the newest footing: enough when six are needed, too few (that test undecided -> partly) at
    seven; without the published value the newest-footing test cannot be decided either."""
    t = "inference_tax__"
    assert "min_accelerators_compared" not in Params.model_fields
    assert "inference_tax.min_accelerators_compared" in rules.RULES["C4"].reads
    assert _one("C4", _ev(**{t + "min_accelerators_compared": 6})) == SUPPORTED
    assert _one("C4", _ev(**{t + "min_accelerators_compared": 7})) == PARTLY
    assert _one("C4", _ev(**{t + "min_accelerators_compared": evidence.MISSING})) == PARTLY


def test_c4_tests_the_vendor_the_inference_tax_chapter_names():
    """The claimant is the inference-tax chapter's parameter (published as inference_tax.claimant_vendor),
    not a copy here: the footing counts upstream were made for that vendor, so the newest footing's cheapest
    chip is judged against the same one."""
    t = "inference_tax__"
    assert "claimant_vendor" not in Params.model_fields
    assert "inference_tax.claimant_vendor" in rules.RULES["C4"].reads
    # AMD named upstream: the newest footing's cheapest (Chip N1, NVIDIA's) fails that test -> partly
    assert _one("C4", _ev(**{t + "claimant_vendor": "AMD"})) == PARTLY
    # AMD named and AMD's Chip A1 cheapest on the newest footing, AMD counted leading on every footing -> supported
    assert _one("C4", _ev(**{t + "claimant_vendor": "AMD", t + "cheapest_accelerator_measured": "Chip A1"})) \
        == SUPPORTED
    # no vendor published: the newest footing cannot be judged, the footing counts still decide -> partly
    assert _one("C4", _ev(**{t + "claimant_vendor": evidence.MISSING})) == PARTLY


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
    # 24 / 6 = 4 times NVIDIA's architecture cadence; a 3-month cadence 8 times
    needs = rules.what_would_have_to_be_true(_ev(), P)
    assert any("shorter than the manufacturing phases" in s for s in needs)
    assert any("4 times as often" in s for s in needs) and any("8 times as often" in s for s in needs)
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


def _hw(median, low=None, high=None, sources=3, points=40):
    """C8's hardware reading as the inference tax chapter glues it (shares of peak)."""
    low = median if low is None else low
    high = median if high is None else high
    return {"inference_tax__c8_hardware_use_median": median, "inference_tax__c8_hardware_use_low": low,
            "inference_tax__c8_hardware_use_high": high, "inference_tax__c8_bandwidth_use_median": median,
            "inference_tax__c8_compute_use_median": median / 10, "inference_tax__c8_hardware_sources": sources,
            "inference_tax__c8_hardware_points": points}


#: C8's hardware reading removed from the evidence (the chapter did not glue it)
NO_HW = {k: evidence.MISSING for k in _hw(0.0)}


def test_c8_fleet_reading_rests_on_measured_fleet_use_not_on_the_models_identity():
    far = P.far_below_peak_max
    ops = [("Op1", far * 0.9), ("Op2", far * 0.99), ("Op3", far * 1.5)]
    ops_hi = [("Op1", far * 0.9), ("Op2", far * 1.01), ("Op3", far * 1.5)]
    # with the hardware reading passing, the fleet reading decides between supported and partly
    assert _one("C8", _ev(facts={"fleet_occupancy": ops}, **_hw(far * 0.5))) == SUPPORTED   # median just below
    assert _one("C8", _ev(facts={"fleet_occupancy": ops_hi}, **_hw(far * 0.5))) == PARTLY   # median just above
    # fewer operators than needed: the fleet reading is undecided, whatever their figures
    assert _one("C8", _ev(facts={"fleet_occupancy": ops[:P.min_operators - 1]}, **_hw(far * 0.5))) == PARTLY
    # without the hardware reading (not glued), the fleet reading alone: partly at best
    assert _one("C8", _ev(facts={"fleet_occupancy": ops}, **NO_HW)) == PARTLY
    assert _one("C8", _ev(facts={"fleet_occupancy": ops_hi}, **NO_HW)) == NOT_SUPPORTED
    # the model's elasticity decides nothing, however large
    assert _one("C8", _ev(facts={"fleet_occupancy": ops_hi}, inference_tax__utilization_elasticity=-50.0, **NO_HW)) \
        == NOT_SUPPORTED


def test_c8_hardware_reading_on_both_sides_of_the_threshold_and_its_band():
    far = P.far_below_peak_max
    few = [("Op1", 0.3)]                                                  # fleet reading undecided
    assert _one("C8", _ev(facts={"fleet_occupancy": few}, **_hw(far * 0.99))) == PARTLY        # just below: holds
    assert _one("C8", _ev(facts={"fleet_occupancy": few}, **_hw(far * 1.01))) == NOT_SUPPORTED  # just above: fails
    # the band straddles the threshold: undecided, and with the fleet undecided too, inconclusive
    assert _one("C8", _ev(facts={"fleet_occupancy": few}, **_hw(far * 0.9, far * 0.6, far * 1.2))) == INCONCLUSIVE
    # a band wholly above fails even if its centre were below
    assert _one("C8", _ev(facts={"fleet_occupancy": few}, **_hw(far * 1.1, far * 1.05, far * 2))) == NOT_SUPPORTED
    # too few publishers: undecided
    assert _one("C8", _ev(facts={"fleet_occupancy": few}, **_hw(far * 0.5, sources=P.min_hardware_sources - 1))) \
        == INCONCLUSIVE
    v = next(x for x in rules.assess(ledger.load(), _ev(facts={"fleet_occupancy": few}, **_hw(far * 0.5)), P)
             if x.claim.id == "C8")
    assert "the hardware reading holds and the fleet reading is undecided" in v.rule


def _c9(p=P, **changes):
    """C9's verdict as shown and as the rule reads the evidence alone."""
    v = next(v for v in rules.assess(ledger.load(), _ev(**{"tapeout__" + k: x for k, x in changes.items()}), p)
             if v.claim.id == "C9")
    return v.verdict, v.independent


def test_c9_only_the_chips_own_dated_events_can_refute_the_nine_months():
    c = UPSTREAM["tapeout"]["claimed_months"]
    # no own dates (the synthetic default): both comparisons pass, the claim stays the companies' word
    assert _c9() == (SELF_REPORTED, PARTLY)
    # own design start to tape-out whose shortest possible gap is just above the claim: refuted
    assert _c9(claim_own_design_to_tapeout_lo=c + 0.01, claim_own_design_to_tapeout_hi=c + 5)[0] == NOT_SUPPORTED
    # just below: the interval straddles the claim and decides nothing
    assert _c9(claim_own_design_to_tapeout_lo=c - 0.01, claim_own_design_to_tapeout_hi=c + 5) == (SELF_REPORTED, PARTLY)
    # an interval wholly within the claim confirms it; the label stays self-reported (the claim is the company's)
    assert _c9(claim_own_design_to_tapeout_lo=c - 2, claim_own_design_to_tapeout_hi=c) == (SELF_REPORTED, SUPPORTED)


def test_c9_comparisons_describe_but_never_refute_the_companys_figure():
    lo, hi, e = P.typical_cycle_min_months, P.typical_cycle_max_months, P.exceptional_percentile
    # other programs' spec to silicon below the typical range and the claim not exceptional: the article's
    # framing fails, but no dated event of the chip refutes its figure
    bad = dict(spec_to_silicon_median_months=lo - 4, spec_to_silicon_lo=lo - 6, spec_to_silicon_hi=lo - 0.01,
               nine_month_percentile=e * 1.01)
    assert _c9(**bad) == (SELF_REPORTED, INCONCLUSIVE)
    # the same with the chip's own events refuting: not supported
    assert _c9(**bad, claim_own_design_to_tapeout_lo=20.0, claim_own_design_to_tapeout_hi=30.0)[0] == NOT_SUPPORTED


def test_c9_typical_range_and_percentile_on_both_sides_of_each_threshold():
    lo, hi, e = P.typical_cycle_min_months, P.typical_cycle_max_months, P.exceptional_percentile
    within = dict(spec_to_silicon_lo=lo, spec_to_silicon_hi=hi)
    assert _c9(**within)[1] == PARTLY  # both comparisons pass (own dates undecided)
    # the interval just crosses the lower end: undecided, the percentile alone passes
    assert _c9(spec_to_silicon_lo=lo - 0.01, spec_to_silicon_hi=hi)[1] == PARTLY
    assert _c9(spec_to_silicon_lo=lo - 0.01, spec_to_silicon_hi=hi, nine_month_percentile=e * 1.01)[1] == INCONCLUSIVE
    # just above the upper end: fails; with the percentile passing, partly
    assert _c9(spec_to_silicon_lo=hi + 0.01, spec_to_silicon_hi=hi + 5)[1] == PARTLY
    # percentile just at and just above the threshold
    assert _c9(nine_month_percentile=e)[1] == PARTLY
    assert _c9(nine_month_percentile=e * 1.01, nine_month_percentile_low=e * 1.01,
               nine_month_percentile_high=e * 1.01)[1] == PARTLY  # the typical range still passes
    # a percentile interval straddling the threshold decides nothing
    assert _c9(nine_month_percentile=e, nine_month_percentile_low=e * 0.5, nine_month_percentile_high=e * 1.5,
               spec_to_silicon_lo=hi + 1, spec_to_silicon_hi=hi + 5)[1] == INCONCLUSIVE
    # too few comparison durations: neither comparison decides
    need = UPSTREAM["tapeout"]["min_programs_typical"]
    assert _c9(n_comparison=need - 1) == (SELF_REPORTED, INCONCLUSIVE)
    assert _c9(n_comparison=need)[1] == PARTLY
    # the sample required is the tape-out chapter's: three suffice when it says so
    assert _c9(n_comparison=3, min_programs_typical=3)[1] == PARTLY


def test_c9_a_targeted_deployment_decides_nothing_and_missing_results_are_inconclusive():
    assert _c9(claim_deployment_targeted=0.0) == _c9(claim_deployment_targeted=1.0)
    gone = {k: evidence.MISSING for k in ("nine_month_percentile", "n_comparison", "spec_to_silicon_median_months")}
    assert _c9(**gone)[0] == INCONCLUSIVE


def test_c11_a_win_in_the_model_needs_every_run_and_a_premise_the_tpu_agrees_with():
    h, tol = UPSTREAM["flywheel"]["report_month"], P.premise_tolerance
    # the synthetic world: overtakes (month 30), leads, ahead in every run, own cycle = TPU gap: partly at best
    assert _one("C11", _ev()) == PARTLY
    assert _tests("C11", _ev()) == (True, True, True)
    # overtaking exactly at the horizon still counts; one month later, or trailing at year five, does not
    assert _tests("C11", _ev(flywheel__crossover_month=h))[0] is True
    assert _tests("C11", _ev(flywheel__crossover_month=h + 1))[0] is False
    assert _tests("C11", _ev(flywheel__cumulative_advantage_y5_usd_bn=-0.01))[0] is False
    assert _tests("C11", _ev(flywheel__cumulative_advantage_y5_usd_bn=0.01))[0] is True
    # across the ranges only all or none decides: a share of runs is not a probability
    assert _tests("C11", _ev(flywheel__share_of_runs_integrated_ahead=0.99))[1] is None
    assert _one("C11", _ev(flywheel__share_of_runs_integrated_ahead=0.99)) == NOT_TESTABLE
    assert _tests("C11", _ev(flywheel__share_of_runs_integrated_ahead=0.0))[1] is False
    # the own-chip cycle against the TPU's architecture gap (20 months), on both sides of the tolerance
    inside, outside = 20.0 * (1 + tol * 0.9), 20.0 * (1 + tol * 1.1)
    assert _tests("C11", _ev(flywheel__own_cycle_start_months=inside))[2] is True
    assert _tests("C11", _ev(flywheel__own_cycle_start_months=outside))[2] is False
    assert _tests("C11", _ev(flywheel__own_cycle_start_months=20.0 * (1 - tol * 1.1)))[2] is False
    assert _one("C11", _ev(flywheel__own_cycle_start_months=outside)) == NOT_TESTABLE
    assert _one("C11", _ev(tapeout__tpu_architecture_gap_months=evidence.MISSING)) == NOT_TESTABLE
    v = rules.assess_claim(ledger.load().by_id()["C11"], _ev(flywheel__share_of_runs_integrated_ahead=0.6), P)
    assert "60%" in v.reason and "depends on premises" in v.reason
    text = " ".join(c.note for c in v.checks)
    assert "faster chip cycles" in text and "probability" not in text
    assert rules.main_lead_source(_ev()) == ("faster chip cycles", 0.5)


def test_c11_a_scenario_that_removes_the_mechanism_moves_the_verdict():
    """A weakened loop (the weak_flywheel scenario's premises: no data feedback, costlier generations)
    leaves the integrated lab behind at year five and overtaking only after the horizon: the verdict
    must move from a win the rule cannot confirm to not supported."""
    h = UPSTREAM["flywheel"]["report_month"]
    strong = _ev(flywheel__share_of_runs_integrated_ahead=0.8)
    weak = _ev(flywheel__crossover_month=h + 4, flywheel__cumulative_advantage_y5_usd_bn=-0.4,
               flywheel__share_of_runs_integrated_ahead=0.2)
    never = _ev(flywheel__crossover_month=None, flywheel__cumulative_advantage_y5_usd_bn=-8.0,
                flywheel__share_of_runs_integrated_ahead=0.2)
    assert _one("C11", strong) == NOT_TESTABLE
    assert _one("C11", weak) == NOT_SUPPORTED and _one("C11", never) == NOT_SUPPORTED
    assert "no flywheel" in rules.assess_claim(ledger.load().by_id()["C11"], never, P).reason


def test_c11_the_weak_flywheel_scenario_moves_the_verdict_end_to_end():
    """The flywheel chapter's model run at the default premises and at the weak_flywheel scenario's (the
    same inputs from the other chapters, set by hand): the rule must give different verdicts."""
    from tokenfactory.config import resolve
    from tokenfactory.flywheel import chapter as fw
    from tokenfactory.flywheel import model

    x0 = {"volume0_tokens": 5e14, "cost_gpu0_usd_per_mtok": 0.05, "cost_asic0_usd_per_mtok": 0.034,
          "merchant_cycle_months": 24.0, "floor_months": 8.0, "technology_rate_per_year": 1.35,
          "fleet_life_months": 60.0, "align_own_to_merchant": 0.0}
    verdicts = {}
    for scen in ("default", "weak_flywheel"):
        p = resolve(scen).params["flywheel"]
        x = {**x0, **{k: float(getattr(p, k)) for k in model.INPUTS if hasattr(p, k)}}
        o = model.outcomes(model.simulate(x, p.horizon_months), p.report_month)
        month = float(o["crossover_month"][0])
        ev = _ev(flywheel__crossover_month=None if month != month else month,
                 flywheel__cumulative_advantage_y5_usd_bn=float(o["advantage_usd_bn"][0]),
                 flywheel__share_of_runs_integrated_ahead=0.5, flywheel__own_cycle_start_months=24.0,
                 tapeout__tpu_architecture_gap_months=24.0)
        verdicts[scen] = _one("C11", ev)
    assert verdicts["default"] != verdicts["weak_flywheel"]
    assert verdicts["weak_flywheel"] == NOT_SUPPORTED


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
    v_short = rules.assess_claim(c1, _ev(compute_gap__open_lag_months_epoch_footing=short), P).verdict
    v_long = rules.assess_claim(c1, _ev(compute_gap__open_lag_months_epoch_footing=long), P).verdict
    assert _RANK[v_short] >= _RANK[v_long]
