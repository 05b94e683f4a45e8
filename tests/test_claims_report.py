"""The ledger at a glance: plain words, one line per claim, and the live threshold control.

Synthetic evidence from test_claims_rules (values placed by hand away from the thresholds); the
expected flips are derived by hand from those values and the parameters' steps.
"""

from __future__ import annotations

import dataclasses

import pytest

from tokenfactory.claims import chapter, evidence, ledger, report, rules, sensitivity
from tokenfactory.claims.params import Params
from tokenfactory.claims.rules import CONTEXT, TEST, UNTESTED, Check

from test_claims_rules import UPSTREAM, _ev

P = Params()


def _verdicts(ev=None):
    return rules.assess(ledger.load(), ev or _ev(), P)


def test_plain_outcome_never_reads_a_weak_test_as_evidence_against():
    power = Check("x.power", 0.11, "≥ 80%", False, "the test detects a shortening of 50% a year with probability 11%",
                  0.8, "ge", None, "power of the rank test")
    assert report.plain_outcome(power) == "underpowered: could detect a shortening of 50% a year with probability 11%"
    pval = Check("x.p", 0.07, "< 0.05", False, "p = 0.07", 0.05, "le", None, "p-value of the rank test")
    assert report.plain_outcome(pval).startswith("not significant (p = 0.07")
    lag = Check("x.lag", 3.9, "≤ 12 months", True, "lag", 12.0, "le", "catch_up_months_max", "open-model lag")
    assert report.plain_outcome(lag) == "holds (3.9 ≤ 12)"
    assert report.plain_outcome(Check("x.lag", 13.0, "", False, "", 12.0, "le", label="lag")) == "does not hold (13 > 12)"
    assert report.plain_outcome(Check("x.y", None, "", None, "")).startswith("undecided")
    assert "not measured" in report.plain_outcome(rules.untested("energy", "no data"))
    assert "context" in report.plain_outcome(rules.context("x.y", 1.0, "n", "l"))


def test_one_line_per_claim_in_plain_words():
    vs = _verdicts()
    lines = report.ledger_lines(vs)
    n = len(ledger.load().claims)
    assert len(lines) == n and [ln.split(" ")[0] for ln in lines] == [f"C{i}" for i in range(1, n + 1)]
    for v in vs:
        r = report.reason_line(v)
        assert r.endswith(".") and r[0].isupper()
        assert "(passes)" not in r and "(fails)" not in r and "(undecided)" not in r
    # a partly supported claim names what is not measured; a rule's own summary is used when it has one
    c1 = next(v for v in vs if v.claim.id == "C1")
    assert "the gap between the leading labs is not measured" in report.reason_line(c1)
    assert "within the 12-month reading" in report.reason_line(c1)
    c1_long = rules.assess_claim(ledger.load().by_id()["C1"], _ev(compute_gap__open_lag_months_epoch_footing=12.5), P)
    assert "beyond the 12-month reading" in report.reason_line(c1_long)
    c3 = rules.assess_claim(ledger.load().by_id()["C3"], _ev(compute_gap__training_compute_leave_one_out_change_min=0.9), P)
    assert "does not survive leaving out every lab (least with Lab A out)" in report.reason_line(c3)
    # a rule without its own summary: the deciding test's note, then what is not measured
    c6 = next(v for v in vs if v.claim.id == "C6")
    assert "not measured:" in report.reason_line(c6)
    c11 = rules.assess_claim(ledger.load().by_id()["C11"], _ev(flywheel__share_of_runs_integrated_ahead=0.5), P)
    assert report.reason_line(c11).startswith("Whether the integrated strategy wins depends on premises")


def test_the_evidence_table_uses_plain_words_and_says_what_each_check_does():
    t = report.evidence_table(_verdicts(_ev(compute_gap__window_power_at_reference=0.11,
                                            compute_gap__window_trend_p=0.2)))
    assert not t["in plain words"].isin(["passes", "fails", "undecided"]).any()
    c2 = t[t["claim"] == "C2"]
    assert c2["in plain words"].str.startswith("underpowered").any()
    assert set(t["role"]) <= {"decides", "context", "caps the verdict at partly"}


def test_every_claim_glues_its_verdict_and_its_reason():
    r = chapter.compute(P, chapter.Inputs(ledger.load(), {}, {}, UPSTREAM))
    g = chapter.glue_values(r)
    for claim in ledger.load().claims:   # every claim of the ledger, however many it holds
        i = claim.id.lower()
        assert f"verdict_{i}" in g and f"verdict_reason_{i}" in g
        assert g[f"verdict_reason_{i}"][1]["text"] == g[f"verdict_reason_{i}"][0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.verdicts = []   # the Result is frozen


def test_threshold_grid_flips_where_the_hand_computed_threshold_crosses_the_result():
    # C1's level-averaged lag is T/2 = 6 months; 'within months' moves by 2.5 months a step from 12:
    # 9.5, 7 still hold (6 <= 7); 4.5 and 2 do not (6 > 4.5): with the trend undecided (its interval
    # straddles zero) the lag is the only decided test, so the verdict flips from step -3
    ev = _ev(compute_gap__lag_trend_high=1.0)
    vs = rules.assess(ledger.load(), ev, P)
    grid = sensitivity.threshold_grid(vs, ev, P, thresholds={"catch_up_months_max": ("C1", "add", 2.5)})
    c1 = grid[grid["claim"] == "C1"].set_index("step")
    assert not c1.loc[0, "flipped"] and not c1.loc[-2, "flipped"]
    assert c1.loc[-3, "flipped"] and c1.loc[-4, "flipped"]
    assert (c1.loc[0, "verdict"], c1.loc[-3, "verdict"]) == (rules.PARTLY, rules.NOT_SUPPORTED)
    assert c1.loc[-3, "value"] == pytest.approx(4.5)
    # at the page's setting nothing flips, and other claims never move with C1's threshold
    assert (grid.loc[grid["step"] == 0, "n_flips"] == 0).all()
    assert not grid.loc[grid["claim"] != "C1", "flipped"].any()
    text, n, which = sensitivity.flip_summary(grid, "catch_up_months_max", -3)
    assert (text, n, which) == ("4.5 months", 1, ["C1"])


def test_threshold_grid_skips_values_a_parameter_does_not_allow():
    # the power required is the compute-gap chapter's parameter, a probability below 1: from 0.8 in steps
    # of 0.1, the steps at 1.0 and above are not in the grid (0.4 ... 0.9 are)
    ev = _ev()
    vs = rules.assess(ledger.load(), ev, P)
    key = "compute_gap.window_power_target"
    grid = sensitivity.threshold_grid(vs, ev, P, thresholds={key: ("C2", "add", 0.1)})
    assert grid["value"].max() < 1.0 and grid["value"].min() >= 0.4 - 1e-9
    assert sorted(grid["step"].unique()) == [-4, -3, -2, -1, 0, 1]
    with pytest.raises(ValueError, match="not in the grid"):
        sensitivity.flip_summary(grid, key, 2)
    # a threshold of this chapter keeps its own bounds: far_below_peak_max is a share below 1
    grid = sensitivity.threshold_grid(vs, ev, P, thresholds={"far_below_peak_max": ("C8", "add", 0.2)})
    assert grid["value"].max() < 1.0 and grid["value"].min() > 0


def test_the_live_control_carries_its_checks_and_its_controls():
    r = chapter.compute(P, chapter.Inputs(ledger.load(), {}, {}, UPSTREAM))
    checks = chapter.control_checks(r)
    assert checks[0] == {"set": {"thr": chapter.CONTROL_START, "k": 0}, "expect": ["At 12 months,", "0 verdicts flip"]}
    from tokenfactory.claims import figures

    spec = figures.threshold_control(r.thresholds).to_dict()
    names = {p_["name"] for layer in spec["layer"] for p_ in layer.get("params", [])} | \
        {p_["name"] for p_ in spec.get("params", [])}
    assert {"thr", "k"} <= names
