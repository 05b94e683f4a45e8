"""Events, not targets; the claim's subject is not its own evidence; C7's flip cost.

Synthetic tables and values only, each placed by hand on one side or the other of what it tests: no
expectation here is the book's current number.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tokenfactory.claims import chapter, evidence, ledger, rules
from tokenfactory.claims.params import Params
from tokenfactory.claims.rules import INCONCLUSIVE, NOT_SUPPORTED, PARTLY, SUPPORTED
from tokenfactory.tapeout import model as tm

P = Params()


def _prog(vendor, milestone, date, kind="event", chip="custom_asic", program=None):
    return {"program": program or f"{vendor} chip", "vendor": vendor, "family": f"{vendor} family", "generation": 1,
            "accelerator": None, "kind": chip, "milestone": milestone, "date": pd.Timestamp(date),
            "date_precision": "month", "self_reported": False, "date_kind": kind,
            "date_basis": None if kind == "event" else "basis", "source_url": "https://x",
            "as_of": pd.Timestamp("2026-01-01"), "estimate": False, "notes": None}


PROGRAMS = pd.DataFrame([
    _prog("Alpha", "first_deployment", "2020-01-01"),
    _prog("Beta", "general_availability", "2021-06-01", kind="inference"),   # an upper bound: it happened
    _prog("Gamma", "first_deployment", "2027-10-01", kind="target"),         # only a target
    _prog("Delta", "announced", "2022-01-01"),                               # announced, never deployed
    _prog("Merch", "general_availability", "2020-01-01", chip="merchant_gpu"),  # not a custom chip
    _prog("OpenAI", "first_deployment", "2023-01-01"),                       # the claim's subject, deployed
    _prog("OpenAI", "first_deployment", "2026-10-01", kind="target", program="OpenAI chip 2"),
])


def test_a_target_date_never_counts_as_a_deployment():
    deployed, excluded = rules.deployed_custom_chips(PROGRAMS, subject="OpenAI")
    assert set(deployed) == {"Alpha", "Beta"}
    assert excluded["Gamma"] == "deployment only announced as a target"
    assert "Delta" not in deployed and "Merch" not in deployed


def test_the_claims_subject_is_never_its_own_evidence():
    deployed, excluded = rules.deployed_custom_chips(PROGRAMS, subject="OpenAI")
    assert "OpenAI" not in deployed and excluded["OpenAI"] == "the claim's own subject"
    # without a subject the same company counts: the exclusion is the subject's, not the data's
    assert "OpenAI" in rules.deployed_custom_chips(PROGRAMS, subject=None)[0]


def test_the_ledger_facts_count_only_sourced_deployments_and_never_the_subject():
    vols = pd.DataFrame({"provider": ["Alpha", "Gamma", "OpenAI"], "product": ["All", "All", "API"],
                         "date": pd.to_datetime(["2025-01-01"] * 3), "tokens": [1e17, 1e18, 1e18],
                         "per": ["year"] * 3})
    inputs = chapter.Inputs(ledger.load(), {"chip_programs": PROGRAMS, "token_volumes": vols})
    f = chapter.facts(inputs, Params(claim_subject="OpenAI", reference_provider="OpenAI", reference_product="API"))
    # OpenAI: deployed by an event in this synthetic table and with the largest volume, still not counted;
    # Gamma: a target only; Beta: deployed but states no volume
    assert set(f["custom_chip_volumes"]) == {"Alpha"}
    assert f["reference_tokens_per_year"] == 1e18  # its volume may still be the reference workload
    assert f["custom_chip_excluded"]["Gamma"].startswith("deployment only announced")


def test_a_target_milestone_is_censored_in_the_tapeout_tables():
    rows = [_prog("Alpha", "design_start", "2020-01-01", program="A"), _prog("Alpha", "tapeout", "2021-01-01",
                                                                             kind="target", program="A"),
            _prog("Alpha", "first_deployment", "2022-01-01", kind="target", program="A")]
    rows[0]["accelerator"] = rows[1]["accelerator"] = rows[2]["accelerator"] = "chipA"
    acc = pd.DataFrame({"accelerator": ["chipA"], "available_date": pd.to_datetime(["2022-01-01"]),
                        "available_date_precision": ["quarter"]})
    w = tm.milestone_table(pd.DataFrame(rows), acc).set_index("program")
    assert pd.isna(w.loc["A", "tapeout_lo"])
    # the accelerators table's date is the same target: availability stays censored
    assert pd.isna(w.loc["A", "availability_lo"])
    assert w.loc["A", "availability_target"] == pd.Timestamp("2022-01-01")
    assert tm.durations(w.reset_index(), "design_start", "tapeout").empty
    # the same rows as events give a duration and an availability
    ev_rows = [{**r, "date_kind": "event"} for r in rows]
    w2 = tm.milestone_table(pd.DataFrame(ev_rows), acc)
    assert len(tm.durations(w2, "design_start", "tapeout")) == 1
    assert w2["availability_lo"].notna().all()


def test_a_partnership_date_is_never_a_design_start():
    rows = [_prog("Alpha", "partnership_start", "2020-01-01", program="A"), _prog("Alpha", "tapeout", "2021-01-01",
                                                                                  program="A")]
    w = tm.milestone_table(pd.DataFrame(rows))
    assert tm.sourced_design_and_tapeout(w).empty


# --- C7's flip cost: B(C) = B0 x C / C0, hand-placed crossings ----------------------------------------------

def _ev7(be0=1e15, cost=5e8, ref=2e15, volumes=None, **values):
    flat = {"inference_tax.breakeven_total_tokens_per_year": be0, "inference_tax.breakeven_tokens_per_year": be0 / 2,
            "inference_tax.asic_nre_usd": cost, **values}
    facts = {"reference_tokens_per_year": ref, "reference_name": "ref",
             "custom_chip_volumes": {"Co1": 4e15, "Co2": 1.5e15} if volumes is None else volumes}
    return evidence.Evidence(flat, "test", "upstream", facts)


def _c7(ev, p=P):
    return next(v.verdict for v in rules.assess(ledger.load(), ev, p) if v.claim.id == "C7")


#: The program cost known almost exactly (a range of ±0.02% around the modeled $0.5B): the point tests.
P_POINT = P.model_copy(update={"program_cost_low_usd": 4.999e8, "program_cost_high_usd": 5.001e8})


def test_c7_flip_cost_is_the_nearest_crossing_that_moves_the_verdict():
    # at C0 = $0.5B: break-even 1e15 <= ref 2e15 and both companies (4e15, 1.5e15) above: supported. The
    # crossings are at C0 x v / B0: Co2 $0.75B (x1.5), ref $1B (x2), Co1 $2B (x4); the nearest, Co2's,
    # leaves one company: partly
    ev = _ev7()
    assert _c7(ev, P_POINT) == SUPPORTED
    flip, after = rules.c7_flip(ev, P_POINT)
    assert flip == pytest.approx(7.5e8)
    assert after == PARTLY
    # both sides of the flip, by scaling the break-even as a program cost would
    assert _c7(_ev7(be0=1e15 * 7.49e8 / 5e8), P_POINT) == SUPPORTED
    assert _c7(_ev7(be0=1e15 * 7.51e8 / 5e8), P_POINT) == PARTLY
    # past Co1's volume ($2B, and the reference at $1B) no test passes
    assert _c7(_ev7(be0=1e15 * 2.01e9 / 5e8), P_POINT) == NOT_SUPPORTED


def test_c7_tests_decide_only_over_the_whole_range_of_program_costs():
    # the default range $0.3B-$2B scales the break-even 1e15 (at $0.5B) to 6e14-4e15: against ref 2e15 the
    # model test holds at one end and fails at the other; 2 companies clear 6e14, 1 clears 4e15: both undecided
    assert _c7(_ev7(), P) == INCONCLUSIVE
    # a reference above the dearest end (4e15) and every company above it: supported over the whole range
    assert _c7(_ev7(ref=4e15, volumes={"Co1": 4e15, "Co2": 5e15}), P) == SUPPORTED
    # just below the dearest end: the model test is undecided again, the companies' test still holds
    assert _c7(_ev7(ref=3.99e15, volumes={"Co1": 4e15, "Co2": 5e15}), P) == PARTLY
    # a reference below the cheapest end (6e14) and no company above it: not supported over the whole range
    assert _c7(_ev7(ref=5.99e14, volumes={"Co1": 5e14, "Co2": 1e14}), P) == NOT_SUPPORTED
    assert rules.c7_range_test(6e14, 4e15, 6e14) is None and rules.c7_range_test(6e14, 4e15, 5.99e14) is False
    assert rules.c7_range_count(6e14, 4e15, {"a": 4e15, "b": 6e14}, 2) is None
    assert rules.c7_range_count(6e14, 4e15, {"a": 4e15, "b": 4e15}, 2) is True
    assert rules.c7_range_count(6e14, 4e15, {"a": 4e15, "b": 5.9e14}, 2) is False


def test_c7_flip_not_found_when_no_crossing_moves_the_verdict_within_the_span():
    # every volume more than ten times the break-even: no crossing within a factor of ten of C0
    ev = _ev7(ref=1e17, volumes={"Co1": 1e17, "Co2": 2e17})
    assert rules.c7_flip(ev, P) == (None, None)


def test_token_mix_read_from_the_two_break_even_volumes():
    ev = evidence.Evidence({"inference_tax.breakeven_total_tokens_per_year": 4e15,
                            "inference_tax.breakeven_tokens_per_year": 1e15}, "t", "upstream")
    assert rules.token_mix(ev) == pytest.approx(3.0)  # total = output x (1 + 3)


def test_program_cost_recovered_from_the_annual_charge():
    from tokenfactory.inference_tax.params import Params as TaxParams

    tp = TaxParams()
    r, n = tp.cost_of_capital, tp.asic_program_years
    crf = r * (1 + r) ** n / ((1 + r) ** n - 1)  # the annuity factor, by hand
    ev = evidence.Evidence({"inference_tax.asic_nre_per_year_usd": 1e9 * crf}, "t", "upstream")
    assert rules.program_cost_usd(ev) == pytest.approx(1e9)
    assert rules.program_cost_usd(evidence.Evidence({}, "t", "none")) is None


def test_ledger_glues_the_flip_cost_and_the_counts():
    # Alpha deployed (volume 1e17), Beta deployed (no volume), OpenAI excluded; reference OpenAI API 4e15 a year.
    # Break-even 2e15 at a $0.5B program: the model passes (2e15 <= 4e15) and one company is above (need 2):
    # partly. Crossings: the reference at $1B (x2), Alpha at $25B (x50, outside the span): the flip is $1B, to
    # "not supported"
    vols = pd.DataFrame({"provider": ["Alpha", "OpenAI"], "product": ["All", "API"],
                         "date": pd.to_datetime(["2025-01-01"] * 2), "tokens": [1e17, 4e15], "per": ["year"] * 2})
    up = {"inference_tax": {"breakeven_total_tokens_per_year": 2e15, "breakeven_tokens_per_year": 1e15,
                            "asic_nre_usd": 5e8}}
    inputs = chapter.Inputs(ledger.load(), {"chip_programs": PROGRAMS, "token_volumes": vols}, upstream=up)
    # at the modeled cost alone (a point range) partly; over the reported $0.3B-$2B the model test straddles
    # the reference (undecided) and the companies' test fails at both ends: not supported
    assert chapter.compute(P_POINT, inputs).verdict("C7").verdict == PARTLY
    r = chapter.compute(P, inputs)
    assert r.verdict("C7").verdict == NOT_SUPPORTED
    g = {k: v for k, (v, _) in chapter.glue_values(r).items()}
    assert g["c7_flip_program_cost_usd"] == pytest.approx(1e9)
    assert g["c7_verdict_beyond_flip"] == NOT_SUPPORTED
    assert g["c7_companies_deployed"] == 2          # Alpha, Beta (Gamma: a target; OpenAI: the subject)
    assert g["c7_companies_with_volume"] == 1 and g["c7_companies_above_breakeven"] == 1
    # the reported range's ends: $0.3B (break-even 1.2e15, model passes, one company) and $2B (8e15 > 4e15: fails)
    assert g["c7_verdict_at_low_program_cost"] == PARTLY
    assert g["c7_verdict_at_high_program_cost"] == NOT_SUPPORTED
