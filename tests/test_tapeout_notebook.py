"""The tape-out chapter end to end on the real data: load, compute, texts, glue values, charts."""

from __future__ import annotations

from tokenfactory.data import load
from tokenfactory.tapeout import chapter, figures
from tokenfactory.tapeout.params import Params

REQUIRED = ("median_merchant_generation_gap_months", "nvidia_recent_generation_gap_months",
            "median_asic_generation_gap_months", "jalapeno_design_to_availability_months",
            "programs_with_design_and_tapeout", "nine_month_percentile", "min_feasible_cycle_months",
            "technology_rate_per_year")


def _r(**over):
    return chapter.compute(Params(**over), chapter.load(load))


def test_compute_texts_glue_and_charts_on_real_data():
    r = _r()
    g = chapter.glue_values(r)
    for key in REQUIRED:
        assert key in g
    # the floor is the sum of its three stages (the parameters)
    assert r.numbers["min_feasible_cycle_months"] == 8.0
    assert (r.durations["hi"] >= r.durations["lo"]).all()
    t = chapter.texts(r)
    assert all(isinstance(v, str) for v in t.values())
    def title(f):
        return f.to_dict()["title"]["text"]

    # the timeline counts every program of the table (counted here from the raw rows)
    assert title(figures.timeline_chart(r, load("chip_programs"))).startswith(
        f"Of {load('chip_programs')['program'].nunique()} AI-chip programs")
    # the floor is 4 + 2 + 2 = 8 months; of the six cycle scenarios (24, 18, 12, 9, 6, 3) two are shorter
    assert title(figures.floors_figure(r)) == "Manufacturing takes about 8 months; 2 of 6 cycles must overlap"
    # fewer comparison durations than a median needs: the titles say so and quote no median or percentile
    assert len(r.comparison) < Params().min_programs_typical
    for f in (figures.spec_to_silicon_chart(r), figures.like_for_like_chart(r)):
        assert "too few" in title(f) and "median" not in title(f) and "percentile" not in title(f)
    r_enough = _r(min_programs_typical=len(r.comparison))
    assert "a median" in title(figures.spec_to_silicon_chart(r_enough))
    # the datacenter durations (Maia 100, RNGD: about 31 and 39 months) are all longer than the nine months: the
    # title says so instead of quoting a percentile of 0
    assert title(figures.like_for_like_chart(r_enough)) == (
        f"The claimed 9 months is shorter than all {len(r.comparison)} comparison durations")
    # with every segment, Celerity's nine months (academic) ties the claim, so a percentile is quoted
    every = _r(comparison_segments=["datacenter", "automotive", "academic", "edge", "general"])
    every = _r(comparison_segments=list(every.p.comparison_segments), min_programs_typical=len(every.comparison))
    assert "percentile" in title(figures.like_for_like_chart(every))
    # the technology rate's verb follows its direction
    assert ("grows" in title(figures.price_performance_chart(r))) == (r.numbers["technology_rate_per_year"] > 1)
    assert title(figures.stage_durations_chart(r)) and title(figures.population_cadence_chart(
        r, load("asic_cycle_statements")))   # drawn without error
    assert len(figures.budget_table(r)) == len(Params().cycle_scenarios_months)


def test_parameters_move_results():
    base = _r().numbers
    other = _r(fab_months=2.0, claimed_months=60.0, recent_generations=1).numbers
    assert other["min_feasible_cycle_months"] == base["min_feasible_cycle_months"] - 2
    assert other["nine_month_percentile"] > base["nine_month_percentile"]
    assert other["n_recent_gaps"] == 1


def test_like_for_like_compares_only_the_claims_phase():
    r = _r()
    n = r.numbers
    # the comparison group holds design-to-tape-out durations only, never the claim's own program
    assert set(r.references["phase"]) <= {"design_to_tapeout"}
    # programs_with_design_and_tapeout already leaves out the claim's own program
    assert n["n_comparison_programs"] == n["programs_with_design_and_tapeout"]
    # spec to silicon is design start to tape-out plus fabrication and packaging, on both sides alike
    assert n["claim_spec_to_silicon_months"] == n["claimed_months"] + Params().fab_months + Params().packaging_months
    assert n["spec_to_silicon_median_months"] >= n["silicon_floor_months"]
    assert set(r.full_cycle_refs["phase"]) <= {"design_to_deployment", "full_cycle"}
