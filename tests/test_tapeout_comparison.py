"""Tape-out chapter: one comparison population, spec to silicon per row (no fabrication counted twice),
targets censored from the cadence, and the words that follow the sample size. Expectations by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tokenfactory.tapeout import chapter as ch
from tokenfactory.tapeout import figures
from tokenfactory.tapeout import model as m
from tokenfactory.tapeout.params import Params

FAB, PACK = 4.0, 2.0   # the floor: 6 months from tape-out to packaged silicon


def _d2t(rows):
    return pd.DataFrame([{"program": p, "lo": lo, "hi": hi, "mid": (lo + hi) / 2, "self_reported": False}
                         for p, lo, hi in rows])


def test_spec_to_silicon_adds_the_floor_only_to_what_a_date_lacks():
    # three programs, each dated 10 to 14 months from design start to its dated "tape-out" row
    d = _d2t([("T", 10.0, 14.0), ("W", 10.0, 14.0), ("S", 10.0, 14.0)])
    out = m.spec_to_silicon(d, {"T": "taped out", "W": "wafers out", "S": "silicon exists"}, FAB, PACK).set_index("program")
    # a tape-out: + fabrication and packaging (6); wafers out of the fab: + packaging (2); silicon exists: + 0
    assert out.loc["T", ["spec_lo", "spec_hi"]].tolist() == [16.0, 20.0]
    assert out.loc["W", ["spec_lo", "spec_hi"]].tolist() == [12.0, 16.0]
    assert out.loc["S", ["spec_lo", "spec_hi"]].tolist() == [10.0, 14.0]
    # design start to tape-out on the same footing: spec less the 6-month floor
    assert out.loc["T", ["design_lo", "design_hi"]].tolist() == [10.0, 14.0]
    assert out.loc["W", ["design_lo", "design_hi"]].tolist() == [6.0, 10.0]
    assert out.loc["S", ["design_lo", "design_hi"]].tolist() == [4.0, 8.0]
    # the median of spec to silicon: 14 (12, 14 and 18 by midpoints), not 18 as a floor added to all would give
    assert out["spec_mid"].median() == 14.0


def test_design_phase_of_a_silicon_date_is_never_negative():
    out = m.spec_to_silicon(_d2t([("S", 3.0, 9.0)]), {"S": "silicon exists"}, FAB, PACK)
    assert out["design_lo"].iloc[0] == 0.0 and out["design_hi"].iloc[0] == 3.0 and out["design_mid"].iloc[0] == 1.5


def _programs(basis_of_a="silicon exists: 'in testing'"):
    rows = [("A", "design_start", "2020-01-01", "event", None), ("A", "tapeout", "2021-01-01", "inference", basis_of_a),
            ("B", "design_start", "2018-01-01", "event", None), ("B", "tapeout", "2020-01-01", "event", None)]
    return pd.DataFrame([{"program": p, "vendor": "V", "family": "F", "generation": 1, "accelerator": None,
                          "kind": "custom_asic", "milestone": ms, "date": pd.Timestamp(d), "date_precision": "day",
                          "self_reported": False, "date_kind": k, "date_basis": b, "source_url": "https://x",
                          "as_of": pd.Timestamp("2022-01-01"), "estimate": False, "notes": None}
                         for p, ms, d, k, b in rows])


def test_tapeout_basis_reads_the_controlled_start_and_refuses_anything_else():
    assert m.tapeout_basis(_programs()) == {"A": "silicon exists", "B": "taped out"}  # B: an event, no basis
    with pytest.raises(ValueError, match=r"'A'.*must start with one of 'taped out:', 'wafers out:', 'silicon exists:'"):
        m.tapeout_basis(_programs(basis_of_a="Tape-out date NOT disclosed."))


def test_comparison_population_holds_programs_and_statements_on_one_footing():
    d = _d2t([("A", 12.0, 12.0), ("B", 24.0, 24.0)])
    refs = pd.DataFrame({"statement_id": ["celerity_9_months"], "organization": ["UC San Diego; Cornell"],
                         "lo": [9.0], "hi": [9.0], "mid": [9.0], "statement": ["nine months"]})
    c = m.comparison_durations(d, {"A": "silicon exists", "B": "taped out"}, refs, FAB, PACK)
    # sorted by design phase: the statement (9), A (12 - 6 = 6 first), B (24)
    assert c["label"].tolist() == ["A", "Celerity as stated", "B"]
    assert c["design_mid"].tolist() == [6.0, 9.0, 24.0]
    assert c["spec_mid"].tolist() == [12.0, 15.0, 30.0]
    assert (c["spec_mid"] - c["design_mid"]).tolist() == [6.0, 6.0, 6.0]   # one population, one floor apart


def test_words_give_a_median_only_with_enough_durations():
    c = pd.DataFrame({"label": ["P", "Q", "R"], "design_lo": [5.0, 9.0, 30.0], "design_hi": [7.0, 9.0, 34.0],
                      "design_mid": [6.0, 9.0, 32.0], "spec_lo": [11.0, 15.0, 36.0], "spec_hi": [13.0, 15.0, 40.0],
                      "spec_mid": [12.0, 15.0, 38.0]})
    few = ch.spread_text(c, "spec", needed=5, typical=(18.0, 36.0))
    assert "median" not in few.replace("a median would need", "")
    assert few.startswith("the 3 comparison durations run from 12 to 38 months (P 12, Q 15 and R 38 months)")
    assert "too few (3 of the 5 a median would need)" in few
    enough = ch.spread_text(c, "spec", needed=3, typical=(18.0, 36.0))
    assert enough == ("the 3 comparison durations take a median 15 months (15 to 15 from date precision), "
                      "which lies below that range")
    with pytest.raises(ValueError, match="footing"):
        ch.spread_text(c, "silicon", needed=3)
    # the claim among few durations: counted, never a percentile
    assert ch.rank_text(9.0, c, 5, {}) == "1 of the 3 are longer, 1 as long (Q) and 1 shorter"
    assert ch.rank_text(9.0, c, 3, {"percentile": 50.0, "percentile_low": 50.0, "percentile_high": 50.0}) \
        == "lies at percentile 50"


def test_budget_words_with_few_durations_give_the_range():
    c = pd.DataFrame({"label": ["P", "R"], "design_mid": [2.0, 40.0]})
    row = pd.Series({"cycle_months": 9.0, "design_budget_months": 1.0, "speedup_needed": 2.0, "speedup_needed_hi": 40.0})
    t = ch.budget_text(row, c, needed=5)
    assert t.startswith("a 9-month cycle leaves 1 month for design, 2 to 40 times less than the design phases of the 2")
    assert "median" not in t


def test_period_text_follows_the_precision():
    d = pd.Timestamp("2026-10-01")
    assert ch.period_text(d, "quarter") == "Q4 2026"
    assert ch.period_text(d, "month") == "October 2026"
    assert ch.period_text(d, "year") == "2026"
    assert ch.period_text(pd.Timestamp("2026-06-24"), "day") == "24 June 2026"
    assert ch.period_text(pd.NaT, "quarter") == ""


# --- K7: an announced availability sets no generation gap ------------------------------------------------------------

def _cadence_case():
    """Three architectures of one line, availability only in the accelerators table: A (2020-01, stated in
    2021), B (2022-01, stated in 2023) and C (2025-01, announced in 2024-06: a target)."""
    progs = pd.DataFrame([{"program": p, "vendor": "N", "family": "G", "generation": g, "accelerator": p,
                           "kind": "merchant_gpu", "milestone": "announced", "date": pd.Timestamp(a),
                           "date_precision": "day", "self_reported": False, "date_kind": "event", "date_basis": None,
                           "source_url": "https://x", "as_of": pd.Timestamp(a), "estimate": False, "notes": None}
                          for p, g, a in (("A", 1, "2019-06-01"), ("B", 2, "2021-06-01"), ("C", 3, "2024-03-01"))])
    acc = pd.DataFrame({"accelerator": ["A", "B", "C"], "available_date": pd.to_datetime(["2020-01-01", "2022-01-01",
                                                                                          "2025-01-01"]),
                        "available_date_precision": ["day"] * 3,
                        "as_of": pd.to_datetime(["2021-01-01", "2023-01-01", "2024-06-01"]),
                        "generation_kind": ["architecture"] * 3, "product_line": ["L"] * 3})
    return progs, acc


def test_an_accelerator_date_after_its_statement_is_a_target():
    _, acc = _cadence_case()
    assert m.accelerator_targets(acc).to_dict() == {"A": False, "B": False, "C": True}


def test_a_target_availability_sets_no_generation_gap():
    progs, acc = _cadence_case()
    wide = m.milestone_table(progs, acc).set_index("program")
    assert pd.isna(wide.loc["C", "availability_lo"]) and wide.loc["C", "availability_target"] == pd.Timestamp("2025-01-01")
    assert wide.loc["C", "availability_target_source"] == "accelerators"
    gaps = m.architecture_gaps(m.milestone_table(progs, acc), acc)
    # only A -> B (24 months by hand: 731 days); B -> C would be 36 months from a date that has not happened
    assert list(zip(gaps["from_program"], gaps["to_program"])) == [("A", "B")]
    assert gaps["mid"].iloc[0] == pytest.approx(24.0, abs=0.05)
    assert len(m.generation_gaps(m.milestone_table(progs, acc))) == 1
    # the same date stated after it happened is an event and sets the gap
    acc2 = acc.assign(as_of=pd.to_datetime(["2021-01-01", "2023-01-01", "2025-06-01"]))
    assert len(m.architecture_gaps(m.milestone_table(progs, acc2), acc2)) == 2
