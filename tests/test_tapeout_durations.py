"""Tape-out chapter: date intervals, durations, percentiles, cadence and projection, against
hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenfactory.tapeout import chapter as ch
from tokenfactory.tapeout import model as a
from tokenfactory.tapeout.intervals import (DAYS_PER_MONTH, duration_interval, ecdf, period_end,
                                            percentile_of)
from tokenfactory.tapeout.params import Params


def _row(program, milestone, date, precision="day", vendor="V", family="F", generation=1, accelerator=None,
         self_reported=False):
    return {"program": program, "vendor": vendor, "family": family, "generation": generation,
            "accelerator": accelerator, "kind": "custom_asic", "milestone": milestone,
            "date": pd.Timestamp(date), "date_precision": precision, "self_reported": self_reported,
            "source_url": "https://x", "as_of": pd.Timestamp("2026-01-01"), "estimate": False, "notes": None}


def test_period_end_by_precision():
    dates = pd.Series(pd.to_datetime(["2024-02-01", "2024-04-01", "2015-01-01", "2020-05-14"]))
    prec = pd.Series(["month", "quarter", "year", "day"])
    out = period_end(dates, prec)
    assert list(out.dt.strftime("%Y-%m-%d")) == ["2024-02-29", "2024-06-30", "2015-12-31", "2020-05-14"]


def test_duration_between_month_and_year():
    # design start April 2024 (month), tape-out 2025 (year): [2025-01-01 - 2024-04-30, 2025-12-31 - 2024-04-01]
    d = duration_interval(pd.Series(pd.to_datetime(["2024-04-01"])), pd.Series(pd.to_datetime(["2024-04-30"])),
                          pd.Series(pd.to_datetime(["2025-01-01"])), pd.Series(pd.to_datetime(["2025-12-31"])))
    assert d.loc[0, "lo"] == pytest.approx(246 / DAYS_PER_MONTH)
    assert d.loc[0, "hi"] == pytest.approx(639 / DAYS_PER_MONTH)
    assert d.loc[0, "mid"] == pytest.approx((246 + 639) / 2 / DAYS_PER_MONTH)


def test_duration_clipped_only_when_ordered():
    args = [pd.Series(pd.to_datetime([x])) for x in ("2016-05-01", "2016-05-31", "2015-01-01", "2015-12-31")]
    assert duration_interval(*args).loc[0, "hi"] == 0
    assert duration_interval(*args, clip=False).loc[0, "hi"] < 0


def test_ecdf_bounds_hand_case():
    e = ecdf(np.array([2.0, 5.0]), np.array([4.0, np.inf]), np.array([3.0, 4.0, 6.0]))
    assert list(e["f_low"]) == [0.0, 0.5, 0.5]      # the open-ended one never counts as done
    assert list(e["f_high"]) == [0.5, 0.5, 1.0]
    assert list(e["f_mid"]) == [0.5, 0.5, 1.0]      # midpoints 3 and 5 (open-ended: its minimum)


def test_percentile_of_hand_case():
    point, low, high = percentile_of(9.0, np.array([8.0, 15.0, 18.0, 9.0]), np.array([10.0, 15.0, 36.0, 9.0]))
    # midpoints 9 (tie, counts half), 15, 27, 9 (tie): (0 + 0.5 + 0.5) / 4
    assert point == pytest.approx(25.0)
    assert low == pytest.approx(12.5)   # upper bounds: only the tie [9, 9], counted half
    assert high == pytest.approx(37.5)  # lower bounds: 8 below, the tie half
    assert math.isnan(percentile_of(9.0, np.array([]), np.array([]))[0])


@given(st.lists(st.tuples(st.floats(0, 60), st.floats(0, 30)), min_size=1, max_size=20), st.floats(0, 100))
@settings(max_examples=60, deadline=None)
def test_percentile_bounds_bracket_point(pairs, value):
    lo = np.array([p[0] for p in pairs])
    hi = lo + np.array([p[1] for p in pairs])
    point, low, high = percentile_of(value, lo, hi)
    assert 0 <= low <= point + 1e-9 and point <= high + 1e-9 and high <= 100


def _programs():
    rows = [
        _row("A1", "design_start", "2020-01-01", "year", generation=1, self_reported=True),
        _row("A1", "tapeout", "2021-06-01", "month", generation=1),
        _row("A1", "general_availability", "2022-01-15", generation=1),
        _row("A1", "first_deployment", "2021-12-01", "month", generation=1),
        _row("A2", "announced", "2023-03-01", generation=2),
        _row("A2", "general_availability", "2023-09-01", generation=2, accelerator="chipA2"),
        _row("A3", "announced", "2024-01-10", generation=3, accelerator="chipA3"),
    ]
    return pd.DataFrame(rows)


def _accelerators():
    return pd.DataFrame({"accelerator": ["chipA3", "chipA2"],
                         "available_date": pd.to_datetime(["2024-07-01", "2023-08-01"]),
                         "available_date_precision": ["quarter", "day"],
                         "bf16_dense_tflops": [400.0, 100.0], "tdp_w": [500.0, 500.0]})


def test_milestone_table_availability_rules():
    w = a.milestone_table(_programs(), _accelerators()).set_index("program")
    # A1: earliest of first deployment (Dec 2021, month) and GA (15 Jan 2022)
    assert w.loc["A1", "availability_lo"] == pd.Timestamp("2021-12-01")
    assert w.loc["A1", "availability_hi"] == pd.Timestamp("2021-12-31")
    # A2: its own GA wins over the accelerators table
    assert w.loc["A2", "availability_lo"] == pd.Timestamp("2023-09-01")
    assert w.loc["A2", "availability_source"] == "chip_programs"
    # A3: filled from accelerators (quarter precision)
    assert w.loc["A3", "availability_hi"] == pd.Timestamp("2024-09-30")
    assert w.loc["A3", "availability_source"] == "accelerators"
    assert pd.isna(a.milestone_table(_programs(), None).set_index("program").loc["A3", "availability_lo"])


def test_durations_and_median():
    w = a.milestone_table(_programs(), _accelerators())
    d = a.durations(w, "design_start", "tapeout")
    assert list(d["program"]) == ["A1"]
    assert bool(d.loc[0, "self_reported"])
    # [2021-06-01 - 2020-12-31, 2021-06-30 - 2020-01-01] = [152, 546] days
    assert d.loc[0, "lo"] == pytest.approx(152 / DAYS_PER_MONTH)
    assert d.loc[0, "hi"] == pytest.approx(546 / DAYS_PER_MONTH)
    assert a.median_mid(d) == pytest.approx((152 + 546) / 2 / DAYS_PER_MONTH)
    assert math.isnan(a.median_mid(d.iloc[0:0]))


def test_generation_gaps_hand_case():
    w = a.milestone_table(_programs(), _accelerators())
    g = a.generation_gaps(w)
    assert len(g) == 2
    # A1 availability Dec 2021 -> A2 2023-09-01: [2023-09-01 - 2021-12-31, 2023-09-01 - 2021-12-01]
    assert g.loc[0, "lo"] == pytest.approx(609 / DAYS_PER_MONTH)
    assert g.loc[0, "hi"] == pytest.approx(639 / DAYS_PER_MONTH)


def test_generation_gap_divided_by_span():
    rows = [_row("B1", "general_availability", "2020-01-01", generation=1, family="B"),
            _row("B3", "general_availability", "2022-01-01", generation=3, family="B")]
    g = a.generation_gaps(a.milestone_table(pd.DataFrame(rows)))
    assert g.loc[0, "span"] == 2
    assert g.loc[0, "mid"] == pytest.approx(731 / DAYS_PER_MONTH / 2)


def test_cadence_trend_recovers_slope():
    dates = pd.to_datetime(["2018-01-01", "2020-01-01", "2022-01-01", "2019-01-01", "2021-01-01", "2023-01-01"])
    gaps = pd.DataFrame({"family": ["X"] * 3 + ["Y"] * 3, "date": dates,
                         "mid": [30.0, 26.0, 22.0, 20.0, 16.0, 12.0]})
    t = a.cadence_trend(gaps)
    assert t["slope"] == pytest.approx(-2.0, abs=0.01)
    assert t["n"] == 6 and t["families"] == 2
    assert math.isnan(a.cadence_trend(gaps.iloc[:2])["slope"])


def test_projection_hand_case():
    s = a.projection_summary([12.0, 6.0, 5.0], gain_per_generation=2.0, horizon_years=1.0, floor_months=8.0)
    assert list(s["generations"]) == [1, 2, 2]
    assert list(s["cumulative_gain"]) == [2, 4, 4]
    assert list(s["feasible"]) == [True, False, False]
    p = a.projection([6.0], 2.0, 1.0, 8.0)
    assert p.loc[p["months"] == 5, "efficiency"].item() == 1
    assert p.loc[p["months"] == 6, "efficiency"].item() == 2
    assert a.min_feasible_cycle(4, 2, 2) == 8


def test_efficiency_gains_hand_case():
    w = a.milestone_table(_programs(), _accelerators())
    e = a.efficiency_gains(w, _accelerators())
    assert e["ratio_per_generation"].tolist() == pytest.approx([4.0])
    assert a.efficiency_gains(w, None).empty


def test_reference_statements_and_claim_percentile():
    st_ = pd.DataFrame({"statement_id": ["x", "y", "claim"], "speaker": ["s"] * 3, "organization": ["o"] * 3,
                        "statement": ["t"] * 3, "phase": ["full_cycle", "full_cycle", "design_to_tapeout"],
                        "min_months": [18.0, 6.0, 9.0], "max_months": [np.nan, 8.0, 9.0],
                        "source_url": ["https://x"] * 3})
    ref = a.reference_statements(st_, ["full_cycle", "design_to_tapeout"], exclude=["claim"])
    assert list(ref["statement_id"]) == ["x", "y"]
    assert np.isinf(ref.loc[0, "hi"]) and ref.loc[0, "mid"] == 18
    empty = pd.DataFrame({"program": [], "lo": [], "hi": []})
    c = a.claim_percentile(9.0, empty, ref)
    assert c["percentile"] == 50 and c["n"] == 2


def test_params_defaults_and_rules():
    with pytest.raises(ValueError):
        Params(start_milestone="tapeout", end_milestone="design_start")
    with pytest.raises(ValueError):
        Params(cycle_scenarios_months=[])


def _refs(rows):
    st_ = pd.DataFrame(rows, columns=["statement_id", "organization", "phase", "min_months", "max_months"])
    st_["speaker"] = "s"
    st_["statement"] = "t"
    st_["source_url"] = "https://x"
    return a.reference_statements(st_, ["full_cycle", "design_to_deployment"])


def test_repeated_figure_counts_once():
    ref = _refs([("r", "RiverCore", "full_cycle", 18.0, 36.0), ("g", "Guide", "full_cycle", 18.0, 36.0),
                 ("m", "Meta", "full_cycle", 24.0, 24.0), ("o", "Open", "full_cycle", 18.0, np.nan),
                 ("t", "Google", "design_to_deployment", 18.0, 36.0)])
    d = a.distinct_statements(ref)
    # the two unsourced 18-36 statements of one phase are one figure; an open-ended 18+ and the same
    # range stated for another phase are different figures
    assert len(d) == 4
    row = d[d["statement_id"] == "r"].iloc[0]
    assert row["n_sources"] == 2 and row["organization"] == "RiverCore; Guide"
    assert np.isinf(d.loc[d["statement_id"] == "o", "hi"].item())
    assert "RiverCore and Guide both state 18 to 36 months" in ch.repeated_text(d)
    assert ch.repeated_text(a.distinct_statements(ref.iloc[2:4])) == ""
    c = a.claim_percentile(9.0, pd.DataFrame({"program": [], "lo": [], "hi": []}), d)
    assert c["n"] == 4


def test_statements_vs_dates_and_verdict():
    st_ = pd.DataFrame({"statement_id": ["tpu", "short"], "phase": ["design_to_deployment", "design_to_tapeout"],
                        "min_months": [15.0, 9.0], "max_months": [15.0, 9.0]})
    d = pd.DataFrame({"program": ["P", "Q"], "pair": ["design start → availability", "design start → tape-out"],
                      "lo": [12.0, 10.0], "mid": [24.0, 11.0], "hi": [36.0, 12.0]})
    s = a.statements_vs_dates(st_, d, links={"tpu": "P", "short": "Q"}).set_index("statement_id")
    assert s.loc["tpu", "consistent"] and not s.loc["tpu", "confirms"]
    assert ch.dates_verdict(s.loc["tpu"]) == "neither confirm nor contradict"
    assert ch.dates_verdict(s.loc["short"]) == "contradict"       # 9 outside [10, 12]
    narrow = d.assign(lo=[14.5, 8.5], hi=[15.5, 9.5])
    assert ch.dates_verdict(a.statements_vs_dates(st_, narrow, {"tpu": "P"}).iloc[0]) == "confirm"
    assert ch.dates_verdict(None) == "cannot test"


def test_claim_position_text_without_degenerate_range():
    assert ch.claim_position_text({"percentile": 0.0, "percentile_low": 0.0, "percentile_high": 0.0}) == \
        "is shorter than every comparison duration"
    t = ch.claim_position_text({"percentile": 20.0, "percentile_low": 10.0, "percentile_high": 30.0})
    assert t == "lies at percentile 20 (range 10 to 30 from date precision)"
    assert ch.claim_position_text({"percentile": 20.0, "percentile_low": 20.0, "percentile_high": 20.0}) == \
        "lies at percentile 20"


def test_workload_counts():
    acc = pd.DataFrame({"accelerator": ["a", "b", "c", "d", "d"], "vendor": ["V", "W", "W", "X", "X"],
                        "kind": ["custom_asic", "custom_asic", "custom_asic", "merchant_gpu", "merchant_gpu"],
                        "workload": ["inference", "both", "training", "both", "both"]})
    w = a.workload_counts(acc)
    assert (w["inference"], w["training"], w["both"], w["total"]) == (1, 1, 1, 3)
    assert w["vendors_training"] == ["W"]
    assert a.workload_counts(None)["total"] == 0


def test_durations_chart_claim_rule_on_its_row_only():
    from tokenfactory.tapeout import figures

    d = pd.DataFrame({"program": ["C", "M", "X"], "vendor": ["V", "W", "W"],
                      "pair": ["design start → tape-out", "design start → tape-out", "announcement → availability"],
                      "lo": [8.0, 39.0, 1.0], "mid": [14.0, 45.0, 2.0], "hi": [21.0, 52.0, 3.0],
                      "self_reported": [True, False, False]})
    spec = figures.durations_chart(d, 9.0, "claim", "design start → tape-out", "C").to_dict()
    rows = [r for ds in spec["datasets"].values() for r in ds if r.get("t") == "claim"]
    assert rows and {r["row"] for r in rows} == {"design start → tape-out (n=2)"}
    # the row's median leaves the claim's program out: only M (45)
    med = [r for ds in spec["datasets"].values() for r in ds if str(r.get("t", "")).startswith("median 45")]
    assert med


# --- cadence by population, technology rate, design budget -----------------------------------------------------------

def _gaps():
    d = pd.Timestamp
    return pd.DataFrame({
        "vendor": ["N", "N", "N", "N", "G", "G"], "family": ["gpu"] * 4 + ["asic"] * 2,
        "date": [d("2020-01-01"), d("2021-01-01"), d("2022-01-01"), d("2023-01-01"), d("2020-01-01"), d("2022-01-01")],
        "mid": [24.0, 12.0, 6.0, 8.0, 20.0, 30.0], "lo": [0.0] * 6, "hi": [0.0] * 6,
        "from_program": ["a"] * 6, "to_program": ["b"] * 6, "span": [1] * 6})


def test_median_gap_by_population_and_recent():
    wide = pd.DataFrame({"vendor": ["N", "G"], "family": ["gpu", "asic"], "kind": ["merchant_gpu", "custom_asic"]})
    g = a.gaps_with_kind(_gaps(), wide)
    assert a.median_gap(g, "merchant_gpu") == (10.0, 4)      # median of 24, 12, 6, 8
    assert a.median_gap(g, "custom_asic") == (25.0, 2)
    rec = a.recent_gaps(g, "N", 3)
    assert list(rec["mid"]) == [12.0, 6.0, 8.0]               # the last three by date, oldest first
    assert float(rec["mid"].median()) == 8.0


def test_technology_rate_recovers_a_known_doubling():
    # price-performance doubling every year exactly: the rate is 2 whatever the starting level
    pp = pd.DataFrame({"year": [2018.0, 2019.0, 2020.0, 2021.0], "tflops_per_usd": [0.01, 0.02, 0.04, 0.08]})
    t = a.technology_rate(pp)
    assert t["rate"] == pytest.approx(2.0)
    assert t["low"] == pytest.approx(2.0) and t["high"] == pytest.approx(2.0)   # no scatter, no error
    assert math.isnan(a.technology_rate(pp.iloc[:2])["rate"])                     # too few points


def test_gain_per_generation_hand_values():
    # at x2 a year: a 6-month generation brings sqrt(2) = 1.414, a 24-month one x4, a 3-month one 2 ** 0.25 = 1.189;
    # at x1.5 a year a 12-month generation brings x1.5 (the article's gain would need a yearly cycle at that rate)
    assert a.gain_per_generation(2.0, 6.0) == pytest.approx(1.41421, abs=1e-5)
    assert a.gain_per_generation(2.0, 24.0) == pytest.approx(4.0)
    assert a.gain_per_generation(2.0, 3.0) == pytest.approx(1.18921, abs=1e-5)
    assert a.gain_per_generation(1.5, 12.0) == pytest.approx(1.5)
    # halving the cycle does not double the yearly gain: two 6-month steps at x2 a year make x2, not x4
    assert a.gain_per_generation(2.0, 6.0) ** 2 == pytest.approx(2.0)


def test_design_budget_hand_case():
    b = a.design_budget([12.0, 6.0], floor_months=8.0, dated_design_months=40.0)
    assert b.loc[0, "design_budget_months"] == 4.0 and b.loc[0, "speedup_needed"] == 10.0
    assert not b.loc[1, "feasible"] and math.isnan(b.loc[1, "design_budget_months"])


def test_tied_projection_follows_the_rate_at_every_cycle():
    p = a.tied_projection([12.0, 6.0], rate_per_year=1.5, horizon_years=2)
    end = p[p["months"] == 24]
    assert end["efficiency"].tolist() == pytest.approx([1.5 ** 2, 1.5 ** 2])


def test_judgement_words_follow_the_numbers():
    assert ch.range_position_text(28.0, 18.0, 36.0) == "lies inside"
    assert ch.range_position_text(12.0, 18.0, 36.0) == "lies below"
    assert ch.range_position_text(40.0, 18.0, 36.0) == "lies above"
    assert ch.comparison_word(8.0, 16.0) == "shorter than"
    assert ch.comparison_word(16.2, 16.0, tol=0.5) == "as long as"
    assert ch.sample_text(4, 5).startswith("too few") and ch.sample_text(5, 5).startswith("enough")
    assert "cannot be told apart" in ch.trend_text(-1.0, 1.0)
    assert ch.trend_text(-3.0, 1.0).startswith("is shortening")


def test_estimates_text_counts():
    assert ch.estimates_text(4, 4).startswith("every one")
    assert ch.estimates_text(0, 3).startswith("none")
    assert ch.estimates_text(1, 3) == "1 of those 3 tape-outs are estimates or upper bounds"


def test_reference_rate_from_a_doubling_time():
    est = pd.DataFrame({"estimate_id": ["e"], "value": [2.0], "low": [1.0], "high": [4.0], "unit": ["years to double"],
                        "interval": ["95% confidence interval"]})
    r = ch.reference_rate(est, "e")
    # doubling every 2 years is sqrt(2) a year; the interval's ends swap (1 year -> x2, 4 years -> x2^0.25)
    assert r["rate"] == pytest.approx(math.sqrt(2))
    assert (r["low"], r["high"]) == (pytest.approx(2 ** 0.25), pytest.approx(2.0))
    assert math.isnan(ch.reference_rate(est, "missing")["rate"]) and math.isnan(ch.reference_rate(None, "e")["rate"])


def test_ai_duration_text():
    assert ch.ai_duration_text(pd.DataFrame({"min_months": [np.nan, np.nan]})).startswith("None states")
    assert ch.ai_duration_text(pd.DataFrame({"min_months": [3.0, np.nan]})) == "1 of them state a duration"


def test_with_floor_shifts_every_bound():
    d = pd.DataFrame({"lo": [1.0, 10.0], "hi": [3.0, 20.0], "mid": [2.0, 15.0]})
    out = a.with_floor(d, 6.0)
    assert list(out["lo"]) == [7.0, 16.0] and list(out["hi"]) == [9.0, 26.0] and list(out["mid"]) == [8.0, 21.0]


def test_sourced_design_and_tapeout_leaves_out_the_claim_and_targets():
    rows = [_row("A", "design_start", "2020-01-01", "month"), _row("A", "tapeout", "2021-01-01", "month"),
            _row("C", "design_start", "2020-01-01", "month"), _row("C", "tapeout", "2020-10-01", "month"),
            _row("T", "design_start", "2020-01-01", "month"), _row("T", "tapeout", "2020-06-01", "month")]
    progs = pd.DataFrame(rows)
    progs["date_kind"] = ["event", "inference", "event", "event", "event", "target"]
    d = a.sourced_design_and_tapeout(a.milestone_table(progs), exclude_program="C")
    assert list(d["program"]) == ["A"]  # C: the claim's own; T: its tape-out is only a target


def test_own_dates_words_on_both_sides_of_the_claim():
    claimed = 9.0
    assert ch.own_dates_word(float("nan"), float("nan"), claimed) == "cannot test"
    assert ch.own_dates_word(claimed + 0.01, claimed + 3, claimed) == "contradict"
    assert ch.own_dates_word(claimed - 0.01, claimed + 3, claimed) == "neither confirm nor contradict"
    assert ch.own_dates_word(claimed - 3, claimed, claimed) == "confirm"
    assert "no source dates" in ch.own_dates_text(float("nan"), float("nan"), "")
    assert "Q4 2026" in ch.own_dates_text(5.0, 8.0, "Q4 2026") and "5" in ch.own_dates_text(5.0, 8.0, "")
# --- Architecture cadence: refreshes are not generations; one product line at a time ---------------------------------

def _arch_case():
    """Five chips of one vendor, hand-dated: A (2020-01), A+ refresh (2021-01), B (2022-01), B+ refresh
    (2022-07), C (2024-01); and a second line of the same family (E1 2021-01, E2 2023-01)."""
    import pandas as pd
    from tokenfactory.tapeout import model as m

    rows = [("A", 1, "2020-01-01", "architecture", "main"), ("A+", 2, "2021-01-01", "refresh", "main"),
            ("B", 3, "2022-01-01", "architecture", "main"), ("B+", 4, "2022-07-01", "refresh", "main"),
            ("C", 5, "2024-01-01", "architecture", "main"),
            ("E1", 3, "2021-01-01", "architecture", "eff"), ("E2", 4, "2023-01-01", "architecture", "eff")]
    wide = pd.DataFrame({"program": [r[0] for r in rows], "vendor": "V", "family": "F",
                         "generation": [r[1] for r in rows], "accelerator": [r[0] for r in rows],
                         "kind": "merchant_gpu",
                         "availability_lo": pd.to_datetime([r[2] for r in rows]),
                         "availability_hi": pd.to_datetime([r[2] for r in rows])})
    acc = pd.DataFrame({"accelerator": [r[0] for r in rows], "generation_kind": [r[3] for r in rows],
                        "product_line": [r[4] for r in rows],
                        "fp8_dense_tflops": [100, 100, 300, 300, 900, 50, 100], "tdp_w": [100, 100, 150, 150, 300, 50, 50],
                        "memory_bandwidth_tb_s": [1, 1.5, 2, 3, 4, 1, 2]})
    return m, wide, acc


def test_architecture_gaps_skip_refreshes_and_stay_in_their_line():
    m, wide, acc = _arch_case()
    g = m.architecture_gaps(wide, acc)
    main = g[g["product_line"] == "main"]
    # A -> B is 24 months and B -> C 24 months; the refreshes A+ and B+ (12 and 6 months after) do not count
    assert list(main["to_program"]) == ["B", "C"]
    assert main["mid"].round(0).tolist() == [24.0, 24.0]
    # the second line is measured on its own: E1 -> E2, 24 months; never a jump from one line to the other
    eff = g[g["product_line"] == "eff"]
    assert list(zip(eff["from_program"], eff["to_program"])) == [("E1", "E2")]
    # counting refreshes as generations would halve the cadence: all five main dates give a median of 12 months
    med, n = m.line_cadence(g, "V")
    assert n == 3 and round(med) == 24


def test_inference_gains_per_architecture_at_fp8_and_bandwidth():
    m, wide, acc = _arch_case()
    g = m.architecture_gaps(wide, acc)
    gains = m.inference_gains(g, acc).set_index("to_program")
    # A -> B: FP8 per watt 1.0 -> 2.0 (x2), bandwidth 1 -> 2 (x2); B -> C: 2.0 -> 3.0 (x1.5), 2 -> 4 (x2)
    assert gains.loc["B", "fp8_per_watt_ratio"] == pytest.approx(2.0)
    assert gains.loc["C", "fp8_per_watt_ratio"] == pytest.approx(1.5)
    assert gains.loc["C", "bandwidth_ratio"] == pytest.approx(2.0)


def test_architecture_gaps_without_the_columns_count_every_chip():
    m, wide, acc = _arch_case()
    g = m.architecture_gaps(wide, acc.drop(columns=["generation_kind", "product_line"]))
    # no classification: every chip counts as an architecture of its family (one line), refreshes included
    assert "A+" in set(g["to_program"]) and set(g["product_line"]) == {"F"}


def test_the_manufacturing_floor_defaults_lie_within_their_data_rows():
    """fab_months and packaging_months rest on rows of data/asic_cycle_statements.csv (their basis names
    them): each default must lie within its row's stated range, converted from the source's weeks by
    hand (16-18 weeks = 3.7-4.1 months; 8-10 weeks = 1.8-2.3 months, at 7/30.44 months a week)."""
    from tokenfactory.data.load import load

    s = load("asic_cycle_statements").set_index("statement_id")
    p = Params()
    for field, sid, weeks in (("fab_months", "renesas_wafer_fab_16_18_weeks", (16, 18)),
                              ("packaging_months", "renesas_packaging_test_8_10_weeks", (8, 10))):
        row = s.loc[sid]
        assert sid in Params.model_fields[field].json_schema_extra["basis"]
        assert row["min_months"] == pytest.approx(weeks[0] * 7 / 30.44, abs=0.05)
        assert row["max_months"] == pytest.approx(weeks[1] * 7 / 30.44, abs=0.05)
        assert row["min_months"] <= getattr(p, field) <= row["max_months"]
