"""The chapter end to end on small synthetic tables: params, results keys, responsiveness, charts."""

import ast
import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tokenfactory.compute_gap import chapter, figures
from tokenfactory.compute_gap.params import Params
from tokenfactory.formatting import fmt

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "compute_gap.ipynb"
KEYS = {"open_lag_months_latest", "open_lag_months_average", "open_lag_trend_months_per_year", "score_gap_latest",
        "leadership_window_median_days", "capex_total_latest_usd_bn", "capex_cagr", "capex_cagr_recent",
        "training_compute_growth_per_year", "training_compute_open_lag_months", "training_compute_closed_open_ratio"}
GLUED = KEYS | {"leadership_windows_n", "leadership_data_end"}
D = pd.to_datetime


def _tables():
    t = chapter.empty_tables()
    models = pd.DataFrame({"model": ["C1", "C2", "C3", "O1", "O2", "O3"],
                           "organization": ["OpenAI", "Anthropic", "Google", "Meta", "DeepSeek", "Alibaba"],
                           "release_date": D(["2023-01-01", "2023-09-01", "2024-06-01", "2023-05-01", "2024-01-01",
                                              "2024-10-01"]),
                           "weights": ["closed"] * 3 + ["open_restricted", "open", "open"]})
    rows = []
    for b, vals in {"gpqa_diamond": [40, 50, 70, 38, 52, 60], "mmlu": [86, 88, 90, 80, 87, 89]}.items():
        rows += [dict(model=m, benchmark=b, score=float(v), score_unit="percent", evaluator="Epoch AI",
                      source_url="https://example.org", as_of=D("2025-06-01")) for m, v in zip(models.model, vals)]
    t["models"] = models
    t["benchmark_scores"] = pd.DataFrame(rows)
    t["leaderboard_leaders"] = pd.DataFrame({
        "leaderboard": "lmarena_text", "model": ["C1", "C2", "C3"], "organization": ["OpenAI", "Anthropic", "Google"],
        "start_date": D(["2023-01-01", "2023-09-01", "2024-06-01"]), "end_date": D(["2023-09-01", "2024-06-01", None]),
        "source_url": "https://example.org", "as_of": D("2025-06-01")})
    t["capex"] = pd.DataFrame({"company": ["Alphabet", "Amazon", "Alphabet", "Amazon"], "fiscal_year": [2023, 2023, 2024, 2024],
                               "fiscal_year_end": D(["2023-12-31"] * 2 + ["2024-12-31"] * 2), "row_type": "reported",
                               "capex_usd_bn": [30.0, 50.0, 50.0, 70.0], "capex_low_usd_bn": np.nan,
                               "capex_high_usd_bn": np.nan, "definition": "x", "source_url": "https://example.org",
                               "estimate": False})
    return t


def run(p, tables, problems=None):
    """The chapter on tables given as a dict (missing tables empty)."""
    return chapter.compute(p, chapter.Inputs(tables, problems or {}))


def _params(**kw):
    base = {"capex_companies": ["Alphabet", "Amazon"], "benchmark": "gpqa_diamond", "bootstrap_draws": 100,
            "leadership_start": "2023-01-01"}
    return Params.model_construct(**{**{k: f.default for k, f in Params.model_fields.items()}, **base, **kw})


def test_results_keys_exact_and_hand_values():
    res = run(_params(), _tables())
    r = res.results()
    assert set(r) == KEYS
    assert r["score_gap_latest"] == 10  # 70 - 60
    assert r["capex_total_latest_usd_bn"] == 120 and r["capex_cagr"] == pytest.approx(0.5)
    # C1 (40, 2023-01-01) first matched by O2 (52, 2024-01-01): 365 days
    assert res.main.lags.lag_months.iloc[0] == pytest.approx(365 / (365.25 / 12))
    # leadership: spells of 243 and 274 days, then one still open (censored)
    assert r["leadership_window_median_days"] == 274
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.main = None   # the Result is frozen


DAYS_PER_MONTH = 365.25 / 12


def test_each_benchmark_gives_its_own_hand_computed_gap_lags_and_trend():
    # GPQA Diamond: closed 40, 50, 70; open 38, 52, 60 -> latest gap 70 - 60 = 10. C1 (40) and C2 (50) are
    # matched within one point by O2 (52, 2024-01-01): 365 and 122 days; C3 (70) is never matched, so its
    # lag is censored at the data's date 2025-06-01: at least 365 days. Two exact lags: no trend is fitted.
    a = run(_params(benchmark="gpqa_diamond"), _tables())
    assert a.results()["score_gap_latest"] == 10
    assert list(a.main.lags["censored"]) == [False, False, True]
    assert a.main.lags["lag_months"].to_numpy() == pytest.approx(np.array([365, 122, 365]) / DAYS_PER_MONTH)
    assert np.isnan(a.main.trend.slope)
    # MMLU: closed 86, 88, 90; open 80, 87, 89 -> gap 90 - 89 = 1. C1 matched by O2 (87 >= 85): 365 days; C2
    # by O2 (87 >= 87): 122 days; C3 by O3 (89 >= 89, 2024-10-01): 122 days; none censored.
    b = run(_params(benchmark="mmlu"), _tables())
    assert b.results()["score_gap_latest"] == 1
    assert not b.main.lags["censored"].any()
    y = np.array([365, 122, 122]) / DAYS_PER_MONTH
    assert b.main.lags["lag_months"].to_numpy() == pytest.approx(y)
    # without censored records the censored (Tobit) fit is ordinary least squares: an independent np.polyfit
    x = np.array([2023.0, 2023 + 243 / 365, 2024 + 152 / 366])   # 2023-01-01, 2023-09-01, 2024-06-01
    assert b.main.trend.slope == pytest.approx(np.polyfit(x, y, 1)[0], rel=0.01)
    assert b.main.trend.slope < 0   # the lags fall from 12 to 4 months


def test_open_definition_changes_the_open_set():
    res = run(_params(open_definition="open_only"), _tables())
    assert "O1" not in set(res.main.scores.model)


def test_missing_tables_degrade_to_nan_not_failure():
    res = run(_params(), {}, {"benchmark_scores": "file is missing"})
    r = res.results()
    assert set(r) == KEYS and all(np.isnan(v) for v in r.values())
    for name in ["frontier_chart", "gap_chart", "lag_chart", "leadership_chart", "capex_chart", "compute_chart",
                 "indexed_chart", "compute_gap_chart", "lag_average_chart"]:
        getattr(figures, name)(res).to_dict()


def _title(chart) -> str:
    return json.dumps(chart.to_dict().get("title"))


def test_chart_titles_state_the_hand_computed_findings():
    res = run(_params(), _tables())
    spec = figures.frontier_chart(res).to_dict()
    assert "10 percentage points" in json.dumps(spec["title"])   # 70 - 60
    assert any(p.get("name") == "bench" for p in spec["params"])
    # best closed minus best open to date: 40 - 38 = 2 (O1, May 2023), 50 - 38 = 12, 50 - 52 = -2 (O2, Jan 2024),
    # 70 - 52 = 18, 70 - 60 = 10 at the end
    assert "went from 2 to a low of -2 (Jan 2024), then back to 10 percentage points" in _title(figures.gap_chart(res))
    # two caught-up records only (C3 is never matched): too few for a trend
    assert "too few caught-up records" in _title(figures.lag_chart(res))
    # spells of 243 and 274 days and one still running: Kaplan-Meier median 274 days (270 to two figures)
    assert "median 270 days" in _title(figures.leadership_chart(res))
    # capex 30 + 50 = 80 in 2023, 50 + 70 = 120 in 2024: +50% a year
    assert "grew 50% a year, 2023-2024, to USD 120 billion" in _title(figures.capex_chart(res))


def test_glue_values_cover_the_results():
    res = run(_params(), _tables())
    g = chapter.glue_values(res)
    assert GLUED <= set(g)


def test_params_bounds_and_window():
    with pytest.raises(ValueError):
        Params(window_start="2025-01-01", window_end="2024-01-01")
    with pytest.raises(ValueError):
        Params(window_start="January 2023")
    with pytest.raises(ValueError):
        Params(bootstrap_draws=10)
    assert Params(open_definition="open_only").open_kinds == ("open",)


def test_leadership_start_drops_earlier_spells_and_keeps_whole_history_for_comparison():
    res = run(_params(leadership_start="2023-06-01"), _tables())
    # C1 (from 2023-01-01) is left out: C2 ended after 274 days, C3 still leads (censored)
    assert list(res.windows.model) == ["C2", "C3"]
    assert res.window_median_days == 274 and res.leadership_start == pd.Timestamp("2023-06-01")
    assert len(res.windows_all) == 3 and res.window_median_all_days == 274
    # window_start later than leadership_start: the later date applies
    late = run(_params(leadership_start="2023-01-01", window_start="2023-06-01"), _tables())
    assert late.leadership_start == pd.Timestamp("2023-06-01")


def test_leadership_start_is_validated():
    with pytest.raises(ValueError, match="leadership_start"):
        Params(leadership_start="mid-2024")
    with pytest.raises(ValueError, match="leadership_start"):
        Params(leadership_start="2027-01-01")


def test_capex_table_has_each_company_and_the_total():
    res = run(_params(), _tables())
    tab = figures.capex_table(res)
    assert list(tab["Company"]) == ["Amazon", "Alphabet", "Total"]
    assert tab.iloc[-1]["Growth per year"] == "50%" and "2023 (USD bn)" in tab
    assert figures.capex_table(run(_params(), {})).empty


def test_tolerance_grid_and_small_sample_fit_text():
    res = run(_params(), _tables())
    assert list(res.tolerance_grid["tolerance"]) == list(chapter.TOLERANCE_GRID)
    # a wider tolerance finds the closed frontier at today's open level earlier: the backward lag never shrinks
    assert res.tolerance_grid["current_lag"].is_monotonic_increasing
    assert "none is reported" in chapter.window_fit_text(res.window_trend)


def test_selector_titles_follow_the_selected_benchmark():
    res = run(_params(), _tables())
    expr = figures.frontier_chart(res).to_dict()["title"]["text"]["expr"]
    # one title per benchmark, chosen by the selector's value
    assert 'bench === "gpqa_diamond"' in expr and "MMLU: the best closed model leads" in expr
    assert "GPQA Diamond: the best closed model leads the best open one by 10 percentage points" in expr


def test_the_time_averaged_lag_is_the_area_under_the_sawtooth():
    """The backward lag (GPQA Diamond, tolerance 1) by hand: O1 (38) reaches C1's level (40, 2023-01-01) on
    2023-05-01, so the lag grows from 120 to 365 days until O2 (52) arrives on 2024-01-01; no closed model has
    reached 51 until C3 on 2024-06-01, so the lag is 0 for 152 days; from then (O3, 60, is also first reached
    by C3) it grows from 0 to 365 days at the data's date 2025-06-01. The mean over the 762 days is
    (245 * 242.5 + 152 * 0 + 365 * 182.5) / 762 = 165.4 days = 5.43 months (the chapter samples weekly)."""
    res = run(_params(), _tables())
    la = res.lag_averages
    assert la.average == pytest.approx((245 * 242.5 + 365 * 182.5) / 762 / DAYS_PER_MONTH, abs=0.15)
    assert la.series["lag_months"].iloc[-1] == pytest.approx(365 / DAYS_PER_MONTH)
    title = _title(figures.lag_average_chart(res))
    # the title states both numbers: the average (as glued) and the lag on the data's last day (12 months)
    assert f"open models are {fmt(la.average, sig=2)} months behind" in title
    assert "on the data's last day, 12 months" in title


def test_the_interval_level_reaches_every_interval_and_its_text():
    """One parameter sets the level of every interval the chapter computes; a narrower level gives a
    narrower interval around the same point estimate, and the glued text follows it."""
    tables = _tables()
    wide, narrow = run(_params(benchmark="mmlu"), tables), run(_params(benchmark="mmlu", interval_level=0.5), tables)
    assert wide.main.trend.slope == narrow.main.trend.slope
    assert narrow.main.trend.low >= wide.main.trend.low and narrow.main.trend.high <= wide.main.trend.high
    assert chapter.glue_values(wide)["interval_level"] == (0.9, {"text": "90%"})
    assert chapter.glue_values(narrow)["interval_level"][1] == {"text": "50%"}
    assert "50% interval" in _title(figures.lag_chart(narrow)) and "90%" not in _title(figures.lag_chart(narrow))


def test_defaults_that_rest_on_a_data_row_agree_with_it():
    """The basis of compute_since_year and lag_average_start names a row of published_estimates.csv, and
    leadership_start rests on the caveats of leaderboard_leaders: each default must equal what its row says
    (a newer estimate with another window shows up here, not silently)."""
    from tokenfactory import paths
    from tokenfactory.compute_gap.params import Params
    from tokenfactory.data.load import load

    est = load("published_estimates").set_index("estimate_id")
    d = Params()
    assert "epoch_compute_growth" in Params.model_fields["compute_since_year"].json_schema_extra["basis"]
    assert d.compute_since_year == est.loc["epoch_compute_growth", "window_start"].year
    assert "epoch_2025_lag_months" in Params.model_fields["lag_average_start"].json_schema_extra["basis"]
    assert pd.Timestamp(d.lag_average_start) == est.loc["epoch_2025_lag_months", "window_start"]
    meta = (paths.data_dir() / "leaderboard_leaders.meta.yml").read_text()
    assert f"Before {d.leadership_start}" in meta


def test_the_benchmarks_compared_are_the_parameters_choices_and_the_datas():
    """One list of benchmarks: the parameter's choices, each a `benchmark` the data schema allows."""
    import typing

    from tokenfactory.compute_gap.params import Benchmark
    from tokenfactory.data.schemas import TABLES

    choices = typing.get_args(Benchmark)
    allowed = next(c.choices for c in TABLES["benchmark_scores"].columns if c.name == "benchmark")
    assert set(choices) <= set(allowed)
    assert tuple(chapter.BENCHMARKS) == choices
