"""Tape-out chapter, like for like by segment: the claim (a datacenter accelerator) is compared with durations of the
chosen `comparison_segments` only; what the other segments would add is counted and named. Expectations by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from tokenfactory.data import load
from tokenfactory.data.schemas import SEGMENTS
from tokenfactory.tapeout import chapter as ch
from tokenfactory.tapeout import model as m
from tokenfactory.tapeout.params import Params

FAB, PACK = 4.0, 2.0   # the floor: 6 months from tape-out to packaged silicon


def _population():
    """Four durations of the claim's phase: three dated datacenter programs (A 20 to 24, B 30 to 34, C 40 to 44 months
    from design start to a tape-out) and one academic statement (9 months, design to tape-out)."""
    d2t = pd.DataFrame([{"program": p, "lo": lo, "hi": hi, "mid": (lo + hi) / 2, "self_reported": False}
                        for p, lo, hi in (("A", 20.0, 24.0), ("B", 30.0, 34.0), ("C", 40.0, 44.0))])
    refs = pd.DataFrame({"statement_id": ["uni_9"], "organization": ["A University"], "speaker": ["x"],
                         "phase": ["design_to_tapeout"], "lo": [9.0], "hi": [9.0], "mid": [9.0],
                         "statement": ["nine months"], "source_url": ["https://example.org"], "segment": ["academic"]})
    seg = {"A": "datacenter", "B": "datacenter", "C": "datacenter"}
    bases = {"A": "taped out", "B": "taped out", "C": "taped out"}
    return m.comparison_durations(d2t, bases, refs, FAB, PACK, seg)


def test_the_academic_row_is_dropped_by_default_and_kept_with_every_segment():
    comp = _population()
    assert comp["segment"].tolist() == ["academic", "datacenter", "datacenter", "datacenter"]
    dc = m.in_segments(comp, Params().comparison_segments)
    # by hand: midpoints 22, 32, 42 remain; the 9-month statement is gone
    assert dc["design_mid"].tolist() == [22.0, 32.0, 42.0]
    # spec to silicon: a tape-out plus the 6-month floor, so the shortest is 28 (not 15 as with the statement)
    assert dc["spec_mid"].min() == 28.0
    every = m.in_segments(comp, list(SEGMENTS))
    assert len(every) == 4 and every["design_mid"].min() == 9.0 and every["spec_mid"].min() == 15.0


def test_what_the_other_segments_would_add_is_counted_and_named():
    comp = _population()
    out = m.left_out_by_segment(comp, ["datacenter"])
    assert out.to_dict("records") == [{"segment": "academic", "n": 1, "labels": ["A University as stated"]}]
    assert ch.left_out_text(out) == "the academic segment would add 1 (A University as stated)"
    assert m.left_out_by_segment(comp, list(SEGMENTS)).empty
    assert ch.left_out_text(m.left_out_by_segment(comp, list(SEGMENTS))) == "no duration of another segment is left out"


def test_the_words_name_the_segment():
    dc = m.in_segments(_population(), ["datacenter"])
    words = ch.spread_text(dc, "design", 5, segment="datacenter")
    assert words.startswith("the 3 datacenter comparison durations run from 22 to 42 months")
    # the claim of 9 months against the datacenter durations: all three longer, none as long
    assert ch.rank_text(9.0, dc, 5, {}) == "all 3 are longer"
    assert ch.rank_text(9.0, dc.iloc[:2], 5, {}) == "both are longer"
    assert ch.rank_text(9.0, dc.iloc[:1], 5, {}) == "the one is longer"
    assert ch.segments_text(["datacenter"]) == "datacenter"
    assert ch.segments_text(list(SEGMENTS)) == "every segment"


def test_a_table_without_the_column_is_read_as_datacenter():
    frame = pd.DataFrame({"program": ["A", "A", "B"]})
    assert m.segments_of(frame).tolist() == ["datacenter"] * 3
    assert m.program_segments(pd.DataFrame({"program": ["A", "B"], "segment": ["automotive", "edge"]})) == {
        "A": "automotive", "B": "edge"}


def test_repeated_figures_count_once_within_a_segment_not_across_segments():
    refs = pd.DataFrame({"statement_id": ["a", "b", "c"], "organization": ["X", "Y", "Z"], "speaker": ["", "", ""],
                         "phase": ["design_to_tapeout"] * 3, "lo": [9.0] * 3, "hi": [9.0] * 3, "mid": [9.0] * 3,
                         "statement": ["s"] * 3, "source_url": ["u"] * 3,
                         "segment": ["academic", "academic", "datacenter"]})
    out = m.distinct_statements(refs)
    assert sorted(out["segment"]) == ["academic", "datacenter"]
    assert out.set_index("segment").loc["academic", "n_sources"] == 2


def test_bad_segments_are_refused_by_name():
    with pytest.raises(ValueError, match="comparison_segments"):
        Params(comparison_segments=[])
    with pytest.raises(ValueError, match="comparison_segments"):
        Params(comparison_segments=["space"])


def test_every_segment_reproduces_the_population_before_segments():
    """The published data: with every segment the comparison is the one the page showed before this parameter
    (the referee's figures: four durations, Celerity's 9 months as stated the shortest, spec to silicon 15 to 45
    months); by default (datacenter) Celerity (academic) and Tesla's in-vehicle HW3 (automotive) are left out."""
    inputs = ch.load(load)
    every = ch.compute(Params(comparison_segments=list(SEGMENTS)), inputs)
    assert every.numbers["n_comparison"] == 4
    assert set(every.comparison["label"]) == {"Celerity as stated", "Tesla FSD chip (HW3)", "FuriosaAI RNGD",
                                              "Microsoft Maia 100"}
    assert every.numbers["comparison_design_min_months"] == 9.0
    assert round(every.numbers["comparison_spec_min_months"]) == 15
    assert round(every.numbers["comparison_spec_max_months"]) == 45
    assert every.numbers["n_comparison_other_segments"] == 0
    dc = ch.compute(Params(), inputs)
    assert set(dc.comparison["label"]) == {"FuriosaAI RNGD", "Microsoft Maia 100"}
    assert dc.numbers["n_comparison_other_segments"] == 2
    assert dc.numbers["n_comparison_all_segments"] == 4
    assert dc.numbers["claim_segment"] == "datacenter"
    assert "Celerity as stated" in dc.numbers["segments_left_out"] and "Tesla FSD chip (HW3)" in dc.numbers["segments_left_out"]
    # the datacenter population is the every-segment one less the two rows of other segments, row for row
    kept = every.comparison[every.comparison["segment"] == "datacenter"].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, dc.comparison)


def test_a_set_with_every_segment_reproduces_the_population_before_segments():
    """The reader's route: --set tapeout.comparison_segments=... with every segment gives the four durations the
    page showed before the parameter existed; a segment not in the schema is refused by name."""
    from tokenfactory import config

    res = config.resolve(sets=["tapeout.comparison_segments=" + ",".join(SEGMENTS)])
    p = res.params["tapeout"]
    assert list(p.comparison_segments) == list(SEGMENTS)
    r = ch.compute(p, ch.load(load))
    assert r.numbers["n_comparison"] == 4 and r.numbers["comparison_design_min_months"] == 9.0
    assert ch.rank_text(9.0, r.comparison, p.min_programs_typical, r.percentile) == (
        "3 of the 4 are longer and 1 as long (Celerity as stated)")
    with pytest.raises(Exception, match="comparison_segments"):
        config.resolve(sets=["tapeout.comparison_segments=space"])


def test_the_parameter_allows_exactly_the_segments_of_the_schema():
    import typing

    from tokenfactory.tapeout.params import Segment

    assert typing.get_args(Segment) == SEGMENTS
    assert set(load("chip_programs")["segment"]) <= set(SEGMENTS)
    assert set(load("asic_cycle_statements")["segment"]) <= set(SEGMENTS)


def test_another_milestone_pair_is_compared_within_the_segments_too():
    # Tesla's HW3 dates a tape-out (first silicon, Dec 2017) and a first deployment (Mar 2019): an automotive duration
    inputs = ch.load(load)
    dc = ch.compute(Params(start_milestone="tapeout", end_milestone="availability"), inputs)
    every = ch.compute(Params(start_milestone="tapeout", end_milestone="availability",
                              comparison_segments=list(SEGMENTS)), inputs)
    assert "Tesla FSD chip (HW3)" in set(every.pair_durations["program"])
    assert "Tesla FSD chip (HW3)" not in set(dc.pair_durations["program"])
    assert len(every.pair_durations) == len(dc.pair_durations) + 1
