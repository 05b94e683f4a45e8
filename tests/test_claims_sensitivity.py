"""What would flip each verdict: threshold flip points and measurement choices, on synthetic evidence."""

from __future__ import annotations

import math

import pytest

from tokenfactory.claims import ledger, rules, sensitivity
from tokenfactory.claims.params import Params
from tokenfactory.claims.rules import INCONCLUSIVE, NOT_SUPPORTED, PARTLY, SUPPORTED

from test_claims_rules import NO_HW, UPSTREAM, _ev, _hw  # the synthetic world of the rules tests

P = Params()


def _flips(ev, p=P) -> dict[tuple[str, str], sensitivity.Flip]:
    return {(f.claim, f.parameter): f for f in sensitivity.flips(rules.assess(ledger.load(), ev, p), ev, p)}


def test_flip_points_are_the_tested_results_and_the_verdicts_after_follow_the_rules():
    # C1 with the trend undecided: a lag of half the threshold passes; with the threshold below it, the
    # only decided test fails and the verdict falls from partly to not supported
    ev = _ev(compute_gap__lag_trend_high=1.0)
    avg = UPSTREAM["compute_gap"]["open_lag_months_epoch_footing"]
    c1 = _flips(ev)[("C1", "catch_up_months_max")]
    assert (c1.now, c1.flips_at, c1.side, c1.verdict_now, c1.verdict_after) == (
        P.catch_up_months_max, avg, "below", PARTLY, NOT_SUPPORTED)
    assert c1.distance == pytest.approx(P.catch_up_months_max / avg)
    # with the trend shown shrinking, the same flip leaves the verdict at partly
    assert not _flips(_ev())[("C1", "catch_up_months_max")].moves_verdict


def test_a_failing_test_flips_the_other_way():
    # C8: a median fleet use of 0.55 fails "at most 0.5"; with the threshold above 0.55 it passes. With the
    # hardware reading absent (undecided), passing the fleet reading alone makes C8 partly supported
    ops = [("Op1", 0.5), ("Op2", 0.55), ("Op3", 0.9)]
    c8 = _flips(_ev(facts={"fleet_occupancy": ops}, **NO_HW))[("C8", "far_below_peak_max")]
    assert (c8.flips_at, c8.side, c8.verdict_now, c8.verdict_after) == (0.55, "above", NOT_SUPPORTED, PARTLY)
    # with the hardware reading failing too (median 0.6 of peak), the same flip also leaves it at partly
    c8 = _flips(_ev(facts={"fleet_occupancy": ops}, **_hw(0.6)))[("C8", "far_below_peak_max")]
    assert (c8.flips_at, c8.verdict_now, c8.verdict_after) == (0.55, NOT_SUPPORTED, PARTLY)


def test_a_threshold_out_of_its_bounds_cannot_flip():
    # nine months below every comparison: the percentile threshold would have to drop below zero
    c9 = _flips(_ev(tapeout__nine_month_percentile=0.0))[("C9", "exceptional_percentile")]
    assert c9.verdict_after is None and not c9.moves_verdict and math.isinf(c9.distance)


def test_nearest_is_the_smallest_move_that_changes_a_verdict():
    found = sensitivity.flips(rules.assess(ledger.load(), _ev(), P), _ev(), P)
    near = sensitivity.nearest(found)
    assert near is not None and near.moves_verdict
    assert all(near.distance <= f.distance for f in found if f.moves_verdict)
    assert sensitivity.nearest([]) is None


def test_choices_rerun_the_rule_under_each_measurement_choice():
    # the point lag is twice the threshold: read as "the lag", C1 loses its level test
    frame = sensitivity.choices_frame(rules.assess(ledger.load(), _ev(), P), _ev(), P)
    c1 = sensitivity.claim_choices(frame, "C1").set_index("choice")["verdict"]
    assert c1["as the rule reads it (default)"] == PARTLY
    ev = _ev(compute_gap__lag_trend_high=1.0)
    frame_u = sensitivity.choices_frame(rules.assess(ledger.load(), ev, P), ev, P)
    c1u = sensitivity.claim_choices(frame_u, "C1").set_index("choice")["verdict"]
    assert c1u["lag measure: today's point lag"] == NOT_SUPPORTED  # twice the threshold
    # C2 on a non-significant, underpowered test: inconclusive, but "not supported" if power is not required
    ev = _ev(compute_gap__window_trend_p=0.5, compute_gap__window_power_at_reference=0.3)
    frame = sensitivity.choices_frame(rules.assess(ledger.load(), ev, P), ev, P)
    c2 = sensitivity.claim_choices(frame, "C2").set_index("choice")["verdict"]
    assert c2["as the rule reads it (default)"] == INCONCLUSIVE
    assert c2["power not required (a non-significant test read as evidence against)"] == NOT_SUPPORTED
    # a choice whose source result is missing says so rather than guessing
    ev = _ev(compute_gap__current_lag_months=__import__("tokenfactory.claims.evidence", fromlist=["MISSING"]).MISSING)
    frame = sensitivity.choices_frame(rules.assess(ledger.load(), ev, P), ev, P)
    row = frame[(frame["claim"] == "C1") & (frame["choice"] == "lag measure: today's point lag")]
    assert row["verdict"].iloc[0].startswith("cannot tell: result missing")
    assert not frame["moves"][frame["default"]].any()


def test_every_choice_names_real_parameters_and_results():
    names = set(Params.model_fields)
    reads = {m for r in rules.RULES.values() for m in r.reads}
    led = {m for c in ledger.load().claims for m in c.metrics}
    for cid, choices in sensitivity.CHOICES.items():
        for c in choices:
            assert set(c.params) <= names, (cid, c.label)
            assert set(c.subs) <= reads and set(c.subs.values()) <= led, (cid, c.label)


@pytest.mark.parametrize("name, value, text", [
    ("capex_growth_min", 0.27, "27% a year"), ("catch_up_months_max", 8.24, "8.2 months"),
    ("tax_share_material", 0.41, "41%"),
])
def test_param_text(name, value, text):
    assert sensitivity.param_text(name, value) == text


def test_glue_flips_glues_every_key_even_without_a_flip(monkeypatch):
    glued = {}
    monkeypatch.setattr("myst_nb.glue", lambda key, value, display=False: glued.__setitem__(key, value))
    from tokenfactory.claims import page

    page.glue_flips([])
    assert {f"{k}_txt" for k in sensitivity.GLUED_KEYS} <= set(glued)


def test_flips_html_escapes_and_keeps_one_row_per_flip():
    found = sensitivity.flips(rules.assess(ledger.load(), _ev(), P), _ev(), P)
    page = sensitivity.flips_html(found)
    assert page.count("<tr>") == len(found) + 1
    assert "<code>catch_up_months_max</code>" in page


def test_a_choice_can_replace_a_fact_read_from_data():
    # break-even 1e15 tokens a year: below the largest custom-chip company's 1e17, above the smallest's 1e14
    frame = sensitivity.choices_frame(rules.assess(ledger.load(), _ev(), P), _ev(), P)
    c7 = sensitivity.claim_choices(frame, "C7").set_index("choice")["verdict"]
    assert c7["reference workload: the largest volume stated by a company with custom chips"] == SUPPORTED
    assert c7["reference workload: the smallest volume stated by a company with custom chips"] == PARTLY


def test_a_count_threshold_flips_at_the_next_whole_number():
    # two companies above the break-even pass "at least 2"; at 3 the test fails and C7 is partly supported
    c7 = _flips(_ev())[("C7", "min_companies_at_scale")]
    assert (c7.flips_at, c7.side, c7.verdict_now, c7.verdict_after) == (2.0, "above", SUPPORTED, PARTLY)


def test_a_failing_count_test_flips_at_the_count_itself():
    """The December referee's R2: a failing "at least 2 companies" test with 1 company passes once the
    threshold is 1 (not 0); a passing one with 3 fails from 4; "at most" tests mirror it."""
    from tokenfactory.claims.rules import Check

    def moved(value, passed, direction):
        c = Check("m", value, "t", passed, threshold=2.0, direction=direction, parameter="min_companies_at_scale")
        return sensitivity._flip_point(c)[2]

    assert moved(1.0, False, "ge") == 1
    assert moved(3.0, True, "ge") == 4
    assert moved(3.0, True, "le") == 2
    assert moved(3.0, False, "le") == 3
