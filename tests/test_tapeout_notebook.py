"""The tape-out notebook: the charts build
from the real data (or the chapter says why not)."""

from __future__ import annotations

from tokenfactory.tapeout import chapter, figures
from tokenfactory.tapeout.params import Params


def test_compute_and_charts_on_real_data():
    programs, statements, accelerators, _ = chapter.load_inputs()
    r = chapter.compute(Params(), programs, statements, accelerators)
    assert r.numbers["min_feasible_cycle_months"] == 8.0
    assert (r.durations["hi"] >= r.durations["lo"]).all()
    long = figures.milestone_long(programs, r.wide)
    chart = figures.timeline(long, 1, 1, 1)
    assert "AI-chip programs" in chart.to_dict()["title"]["text"]


def test_parameters_move_results():
    programs, statements, accelerators, _ = chapter.load_inputs()
    base = chapter.compute(Params(), programs, statements, accelerators).numbers
    other = chapter.compute(Params(fab_months=2.0, claimed_months=30.0), programs, statements, accelerators).numbers
    assert other["min_feasible_cycle_months"] == base["min_feasible_cycle_months"] - 2
    assert other["nine_month_percentile"] > base["nine_month_percentile"]


def test_typical_duration_leaves_out_the_claims_program():
    programs, statements, accelerators, _ = chapter.load_inputs()
    p = Params()
    r = chapter.compute(p, programs, statements, accelerators)
    n = r.numbers
    own = (r.pair_durations["program"] == p.claim_program).sum()
    assert n["n_design_to_tapeout"] == n["n_design_to_tapeout_all"] - own
    # every statement in the comparison is a distinct figure
    assert not r.references.duplicated(["phase", "lo", "hi"]).any()
    assert n["n_comparison_statements"] == n["n_statements_listed"] - n["n_repeated_statements"]
