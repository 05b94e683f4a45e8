"""Where each verdict flips: hand-computed flip points on the hand-made evidence of the rules tests."""

from __future__ import annotations

import math

import pytest

from tokenfactory.claims import ledger, rules, sensitivity
from tokenfactory.claims.params import Params
from tokenfactory.claims.rules import NOT_SUPPORTED, PARTLY, SUPPORTED

from test_claims_rules import _ev  # the hand-made upstream results (lag 6 months, floor 5 months, ...)

P = Params()
#: the same thresholds with the flywheel's robustness test far from its edge, so that the hand-made
#: evidence's nearest flip stays C10's (a share of runs cannot exceed 1, so the default 0.9 is near)
P_LOOSE = Params(flywheel_robust_share=0.5)


def _flips(ev, p=P) -> dict[tuple[str, str], sensitivity.Flip]:
    return {(f.claim, f.parameter): f for f in sensitivity.flips(rules.assess(ledger.load(), ev, p), ev, p)}


def test_flip_points_are_the_tested_results_and_the_verdicts_after_follow_the_rules():
    f = _flips(_ev())
    # C1: a 7-month current lag passes "at most 12 months"; below 7 months it fails, the other tests still pass
    c1 = next(x for x in sensitivity.flips(rules.assess(ledger.load(), _ev(), P), _ev(), P)
              if x.claim == "C1" and x.label == "current open-model lag")
    assert (c1.now, c1.flips_at, c1.side, c1.verdict_now, c1.verdict_after) == (12.0, 7.0, "below", SUPPORTED, PARTLY)
    # C10: a 5-month floor passes "six months" but not "three": below 5 the verdict falls to not supported
    c10 = f[("C10", "short_cycle_months")]
    assert (c10.flips_at, c10.side, c10.verdict_now, c10.verdict_after) == (5.0, "below", PARTLY, NOT_SUPPORTED)
    # C8: |-1.9| passes "at least 1.5" (partly: utilization is not measured); above 1.9 it is not supported
    c8 = f[("C8", "utilization_elasticity_strong")]
    assert (c8.flips_at, c8.side, c8.verdict_now, c8.verdict_after) == (pytest.approx(1.9), "above", PARTLY,
                                                                         NOT_SUPPORTED)
    # C2: p = 0.04 passes "below 0.1"; at a level below 0.04 the shortening is no longer shown
    assert f[("C2", "window_trend_alpha")].verdict_after == NOT_SUPPORTED
    assert c1.distance == pytest.approx(12 / 7) and c10.distance == pytest.approx(1.2)


def test_a_failing_test_flips_the_other_way():
    c10 = _flips(_ev(tapeout__min_feasible_cycle_months=8.0))[("C10", "short_cycle_months")]
    assert (c10.side, c10.verdict_now, c10.verdict_after) == ("above", NOT_SUPPORTED, PARTLY)


def test_a_threshold_out_of_its_bounds_cannot_flip():
    # nine months below every comparison: the percentile would have to drop below zero
    c9 = _flips(_ev(tapeout__nine_month_percentile=0.0))[("C9", "exceptional_percentile")]
    assert c9.verdict_after is None and not c9.moves_verdict and math.isinf(c9.distance)


def test_nearest_is_the_smallest_move_that_changes_a_verdict():
    found = sensitivity.flips(rules.assess(ledger.load(), _ev(), P_LOOSE), _ev(), P_LOOSE)
    near = sensitivity.nearest(found)
    assert (near.claim, near.parameter) == ("C10", "short_cycle_months")
    table = sensitivity.flips_table(found)
    assert list(table["claim"][:1]) == ["C10"] and len(table) == len(found)
    assert sensitivity.nearest([]) is None


@pytest.mark.parametrize("name, value, text", [
    ("capex_growth_min", 0.27, "27% a year"), ("compute_growth_min", 5.66, "×5.7 a year"),
    ("catch_up_months_max", 8.24, "8.2 months"), ("reference_workload_tokens_per_year", 4.8e14,
                                                  "480 trillion tokens a year"),
    ("utilization_elasticity_strong", 1.94, "1.9% per point"), ("tax_share_material", 0.41, "41%"),
])
def test_param_text(name, value, text):
    assert sensitivity.param_text(name, value) == text


def test_glue_flips_glues_every_key_even_without_a_flip(monkeypatch):
    glued = {}
    monkeypatch.setattr("myst_nb.glue", lambda key, value, display=False: glued.__setitem__(key, value))
    sensitivity.glue_flips([])
    assert {f"{k}_txt" for k in sensitivity.GLUED_KEYS} <= set(glued)
    glued.clear()
    found = sensitivity.flips(rules.assess(ledger.load(), _ev(), P_LOOSE), _ev(), P_LOOSE)
    sensitivity.glue_flips(found)
    assert glued["nearest_claim_txt"] == "C10" and glued["nearest_flips_at_txt"] == "below 5 months"
    assert {f"{k}_txt" for k in sensitivity.GLUED_KEYS} <= set(glued)


def test_flips_html_escapes_and_keeps_one_row_per_flip():
    found = sensitivity.flips(rules.assess(ledger.load(), _ev(), P), _ev(), P)
    page = sensitivity.flips_html(found)
    assert page.count("<tr>") == len(found) + 1
    assert "<code>short_cycle_months</code>" in page and "below 5 months" in page
