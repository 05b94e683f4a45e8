"""Verdict rules: hand-computed cases, the self-reported label, and verdicts that follow the evidence."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenfactory.claims import evidence, ledger, report, rules
from tokenfactory.claims.params import Params
from tokenfactory.claims.rules import (NOT_ASSESSED, NOT_SUPPORTED, NOT_TESTABLE, PARTLY, SELF_REPORTED, SUPPORTED,
                                      Check)

P = Params()

#: Upstream results as a build passes them: {chapter: {key: value}} (values chosen by hand).
UPSTREAM = {
    "compute_gap": {"open_lag_months_latest": 6.0, "open_lag_trend_months_per_year": -2.0, "score_gap_latest": 3.0,
                    "current_lag_months": 7.0, "unmatched_lag_months": 4.0, "unmatched_model": "Closed-X",
                    "unmatched_date": "2025-12-01",
                    "leadership_window_median_days": 60.0, "window_trend_rho": -0.6, "window_trend_p": 0.04,
                    "window_n": 12, "leadership_data_end": "2025-01-22", "lag_trend_high": -0.5,
                    "capex_total_latest_usd_bn": 400.0, "capex_cagr": 0.35,
                    "training_compute_growth_per_year": 4.0},
    "inference_tax": {"cost_per_mtok_gpu_usd": 2.0, "cost_per_mtok_asic_usd": 1.8, "tax_share_gpu": 0.4,
                      "breakeven_tokens_per_year": 5e14, "breakeven_total_tokens_per_year": 2e15, "price_decline_per_year": 10.0,
                      "utilization_elasticity": -1.9, "mc_p10_usd": 1.2, "mc_p90_usd": 3.5,
                      "n_reporters_above_breakeven": 2},
    "tapeout": {"median_design_to_tapeout_months": 24.0, "n_design_to_tapeout": 5, "median_tapeout_to_ga_months": 12.0,
                "nine_month_percentile": 5.0, "median_generation_gap_months": 18.0, "min_feasible_cycle_months": 5.0},
    "flywheel": {"crossover_month": 30, "cost_per_mtok_ratio_y5": 0.7, "cumulative_advantage_y5_usd_bn": 3.0,
                 "morris_share_ahead": 1.0,
                 "most_sensitive_parameter": "nre"},
}


def _ev(**changes) -> evidence.Evidence:
    """The hand-made evidence with some "chapter.key" values replaced (None) or removed (evidence.MISSING)."""
    flat = evidence.flatten(UPSTREAM)
    for key, value in changes.items():
        key = key.replace("__", ".")
        if value is evidence.MISSING:
            flat.pop(key, None)
        else:
            flat[key] = value
    return evidence.Evidence(flat, "test", "upstream")


def _verdicts(ev, p=P) -> dict[str, str]:
    return {v.claim.id: v.verdict for v in rules.assess(ledger.load(), ev, p)}


def test_hand_made_evidence_gives_the_expected_ledger():
    assert _verdicts(_ev()) == {
        "C1": SUPPORTED, "C2": SUPPORTED, "C3": PARTLY, "C4": SELF_REPORTED, "C5": NOT_TESTABLE, "C6": PARTLY,
        "C7": PARTLY, "C8": PARTLY, "C9": SELF_REPORTED, "C10": PARTLY, "C11": SUPPORTED, "C12": SELF_REPORTED,
    }


@pytest.mark.parametrize("passed, expected", [
    ([True, True], SUPPORTED), ([True, False], PARTLY), ([False, False], NOT_SUPPORTED),
    ([None, None], NOT_ASSESSED), ([True, None], PARTLY), ([False, None], NOT_SUPPORTED), ([], NOT_ASSESSED),
])
def test_combine(passed, expected):
    assert rules.combine([Check("x.y", 1, "", p) for p in passed]) == expected


def test_an_untested_part_caps_the_verdict_and_context_decides_nothing():
    gap = rules.untested("followers", "not in the data")
    context = Check("x.z", 1, "", None, role=rules.CONTEXT)
    assert rules.combine([Check("x.y", 1, "", True), gap]) == PARTLY
    assert rules.combine([Check("x.y", 1, "", False), gap]) == NOT_SUPPORTED
    assert rules.combine([Check("x.y", 1, "", None), gap]) == NOT_ASSESSED
    assert rules.combine([Check("x.y", 1, "", True), context]) == SUPPORTED
    assert (gap.outcome, context.outcome) == ("untested, no data", "context, not a test")


_RANK = {NOT_SUPPORTED: 0, PARTLY: 1, SUPPORTED: 2}


@given(st.lists(st.booleans(), min_size=1, max_size=6), st.integers(0, 5))
def test_combine_never_gets_worse_when_a_test_turns_to_pass(passed, i):
    i %= len(passed)
    before = rules.combine([Check("x.y", 1, "", p) for p in passed])
    after = rules.combine([Check("x.y", 1, "", p) for p in passed[:i] + [True] + passed[i + 1:]])
    assert _RANK[after] >= _RANK[before]


def test_c1_tests_the_current_lag_and_the_oldest_unmatched_record_not_the_latest_catch_up():
    # the review's case: a short latest catch-up, but a 13-month current lag and a closed model
    # unmatched for over a year, with a trend whose interval crosses zero
    review = dict(compute_gap__open_lag_months_latest=8.2, compute_gap__current_lag_months=12.7,
                  compute_gap__unmatched_lag_months=12.5, compute_gap__open_lag_trend_months_per_year=0.81,
                  compute_gap__lag_trend_high=9.9)
    assert _verdicts(_ev(**review))["C1"] == NOT_SUPPORTED
    # the latest completed catch-up is context: changing it changes nothing
    assert _verdicts(_ev(**{**review, "compute_gap__open_lag_months_latest": 30.0}))["C1"] == NOT_SUPPORTED
    # the build's case: the oldest unmatched model just under the threshold does not rescue a current
    # lag above it ("within months" needs both)
    assert _verdicts(_ev(**{**review, "compute_gap__unmatched_lag_months": 11.99}))["C1"] == NOT_SUPPORTED
    # a current lag within the threshold but a record unmatched for longer: only partly
    assert _verdicts(_ev(compute_gap__unmatched_lag_months=15.0))["C1"] == PARTLY
    assert _verdicts(_ev(compute_gap__current_lag_months=18.0))["C1"] == PARTLY
    # the chapter found no unmatched record (glued NaN arrives as None): that test passes
    assert _verdicts(_ev(compute_gap__unmatched_lag_months=None))["C1"] == SUPPORTED
    # the key absent (an older build): no evidence for that test, so at most partly
    assert _verdicts(_ev(compute_gap__unmatched_lag_months=evidence.MISSING))["C1"] == PARTLY
    # a negative trend whose interval reaches above zero is not a shown shrinking
    assert _verdicts(_ev(compute_gap__lag_trend_high=0.5))["C1"] == PARTLY
    # the threshold is a parameter: reading "within months" as two years makes 18 months pass
    assert _verdicts(_ev(compute_gap__current_lag_months=18.0), Params(catch_up_months_max=24))["C1"] == SUPPORTED


def test_c2_uses_the_reported_rank_test_and_a_lean_is_not_a_shortening():
    assert _verdicts(_ev())["C2"] == SUPPORTED
    # leaning shorter without significance: not shown, hence not supported (no partial credit)
    assert _verdicts(_ev(compute_gap__window_trend_p=0.3))["C2"] == NOT_SUPPORTED
    # the review's case: rho = +0.095, p = 0.82 (later windows lean longer)
    assert _verdicts(_ev(compute_gap__window_trend_rho=0.095, compute_gap__window_trend_p=0.82))["C2"] == NOT_SUPPORTED
    assert _verdicts(_ev(compute_gap__window_trend_rho=0.2, compute_gap__window_trend_p=0.01))["C2"] == NOT_SUPPORTED
    assert _verdicts(_ev(compute_gap__window_trend_p=evidence.MISSING))["C2"] == NOT_ASSESSED
    # the old log-linear fit's keys are not read: a fit pointing down changes nothing
    assert _verdicts(_ev(compute_gap__window_trend_p=0.3, compute_gap__window_change=-0.9))["C2"] == NOT_SUPPORTED


def test_c3_measures_only_the_leaders_so_at_most_partly():
    assert _verdicts(_ev())["C3"] == PARTLY
    assert _verdicts(_ev(compute_gap__capex_cagr=0.05))["C3"] == PARTLY
    assert _verdicts(_ev(compute_gap__capex_cagr=0.05, compute_gap__training_compute_growth_per_year=1.2))["C3"] \
        == NOT_SUPPORTED


def test_c5_is_a_framing_whatever_the_evidence():
    assert _verdicts(_ev())["C5"] == NOT_TESTABLE
    assert _verdicts(_ev(inference_tax__price_decline_per_year=evidence.MISSING))["C5"] == NOT_TESTABLE


def test_c6_untested_usage_growth_keeps_it_partly():
    assert _verdicts(_ev())["C6"] == PARTLY
    assert _verdicts(_ev(inference_tax__tax_share_gpu=0.1))["C6"] == NOT_SUPPORTED


def test_c4_contradicted_only_below_the_gpus_p10():
    v = _verdicts(_ev(inference_tax__cost_per_mtok_asic_usd=1.0))
    assert v["C4"] == NOT_SUPPORTED  # 1.0 < P10 of 1.2: independent evidence contradicts the vendor
    assert _verdicts(_ev(inference_tax__cost_per_mtok_asic_usd=1.3))["C4"] == SELF_REPORTED


def test_c7_break_even_volume_at_most_partly():
    ref = P.reference_workload_tokens_per_year
    assert _verdicts(_ev(inference_tax__breakeven_total_tokens_per_year=ref * 0.99))["C7"] == PARTLY
    assert _verdicts(_ev(inference_tax__breakeven_total_tokens_per_year=ref * 1.01))["C7"] == NOT_SUPPORTED
    # glue stores an infinite break-even (the chip never pays) as None: the key is there, with no number
    assert _verdicts(_ev(inference_tax__breakeven_total_tokens_per_year=None))["C7"] == NOT_SUPPORTED
    assert _verdicts(_ev(inference_tax__breakeven_total_tokens_per_year=evidence.MISSING))["C7"] == NOT_ASSESSED


@pytest.mark.parametrize("elasticity, expected", [(-1.94, PARTLY), (-1.05, NOT_SUPPORTED), (-0.2, NOT_SUPPORTED),
                                                  (1.6, PARTLY), (None, NOT_ASSESSED)])
def test_c8_utilization_elasticity_is_a_model_result_so_at_most_partly(elasticity, expected):
    assert _verdicts(_ev(inference_tax__utilization_elasticity=elasticity))["C8"] == expected


def test_c9_self_reported_unless_both_tests_fail():
    assert _verdicts(_ev(tapeout__median_design_to_tapeout_months=12.0))["C9"] == SELF_REPORTED
    assert _verdicts(_ev(tapeout__median_design_to_tapeout_months=12.0,
                         tapeout__nine_month_percentile=40.0))["C9"] == NOT_SUPPORTED
    # one dated program cannot say what is typical: that test has no evidence, and the other decides
    assert _verdicts(_ev(tapeout__median_design_to_tapeout_months=12.0, tapeout__n_design_to_tapeout=1))["C9"] \
        == SELF_REPORTED
    assert _verdicts(_ev(tapeout__median_design_to_tapeout_months=12.0, tapeout__n_design_to_tapeout=1,
                         tapeout__nine_month_percentile=40.0))["C9"] == NOT_SUPPORTED
    assert _verdicts(_ev(tapeout__median_design_to_tapeout_months=evidence.MISSING,
                         tapeout__nine_month_percentile=evidence.MISSING))["C9"] == NOT_ASSESSED


@pytest.mark.parametrize("floor, expected", [(3.0, SUPPORTED), (5.9, PARTLY), (8.0, NOT_SUPPORTED)])
def test_c10_physical_floor(floor, expected):
    assert _verdicts(_ev(tapeout__min_feasible_cycle_months=floor))["C10"] == expected


def test_c11_never_crossing_is_evidence_not_absence():
    assert _verdicts(_ev(flywheel__crossover_month=None))["C11"] == PARTLY
    assert _verdicts(_ev(flywheel__crossover_month=None, flywheel__cost_per_mtok_ratio_y5=1.2,
                         flywheel__morris_share_ahead=0.3))["C11"] == NOT_SUPPORTED
    assert _verdicts(_ev(flywheel__crossover_month=90))["C11"] == PARTLY


def test_c11_needs_the_flywheel_to_hold_beyond_the_default_parameters():
    assert _verdicts(_ev())["C11"] == SUPPORTED
    assert _verdicts(_ev(flywheel__morris_share_ahead=0.7))["C11"] == PARTLY


def test_no_evidence_means_not_assessed_except_the_purely_self_reported_claim():
    v = _verdicts(evidence.Evidence({}, "none", "none"))
    assert v.pop("C12") == SELF_REPORTED
    assert v.pop("C5") == NOT_TESTABLE  # a framing is not testable with or without evidence
    assert set(v.values()) == {NOT_ASSESSED}


def test_counts_add_up_and_use_the_issue_keys():
    verdicts = rules.assess(ledger.load(), _ev(), P)
    c = report.count_results(verdicts)
    assert c == {"claims_supported": 3, "claims_partly": 5, "claims_not_supported": 0, "claims_unverifiable": 3,
                 "claims_not_testable": 1, "claims_not_assessed": 0}
    assert sum(c.values()) == 12


def test_a_scenario_that_raises_utilization_changes_the_verdict_on_c8():
    """The inference tax chapter's elasticity at its default utilization and at the high_utilization
    scenario's (values of the chapter's model: -1.9 and -1.05 % per point): the verdict on C8 moves."""
    default = _verdicts(_ev(inference_tax__utilization_elasticity=-1.94))
    high = _verdicts(_ev(inference_tax__utilization_elasticity=-1.05))
    assert default["C8"] == PARTLY and high["C8"] == NOT_SUPPORTED
    assert {k for k in default if default[k] != high[k]} == {"C8"}


def test_fallback_reads_the_last_build(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"scenario": "default", "results": UPSTREAM}), encoding="utf-8")
    ev = evidence.collect({}, path)
    assert ev.kind == "fallback" and ev.number("tapeout.min_feasible_cycle_months") == 5.0
    assert evidence.collect({}, tmp_path / "none.json").kind == "none"
    assert evidence.collect(UPSTREAM, path).kind == "upstream"


def test_margin_is_a_ratio_that_passes_above_one():
    assert Check("a.b", 6.0, "", True, threshold=12.0, direction="le").margin() == pytest.approx(2.0)
    assert Check("a.b", 0.1, "", False, threshold=0.2, direction="ge").margin() == pytest.approx(0.5)
    assert Check("a.b", -3.0, "", True, threshold=1.5, direction="abs_ge").margin() == pytest.approx(2.0)
    assert Check("a.b", None, "", None, threshold=1.0, direction="le").margin() is None


def test_thresholds_cross_field_rules():
    with pytest.raises(ValueError, match="typical_cycle_min_months"):
        Params(typical_cycle_min_months=40.0)


