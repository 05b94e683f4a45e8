"""The chapter end to end on small synthetic tables: params, results keys, responsiveness, charts."""

import ast
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tokenfactory.compute_gap import chapter, figures
from tokenfactory.compute_gap.params import Params

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


def run(p, tables, problems=None, other_draws=200):
    """The chapter on tables given as a dict (missing tables empty)."""
    return chapter.compute(p, chapter.Inputs(tables, problems or {}), other_draws=other_draws)


def _params(**kw):
    base = {"capex_companies": ["Alphabet", "Amazon"], "benchmark": "gpqa_diamond", "bootstrap_draws": 100,
            "leadership_start": "2023-01-01"}
    return Params.model_construct(**{**{k: f.default for k, f in Params.model_fields.items()}, **base, **kw})


def test_results_keys_exact_and_hand_values():
    res = run(_params(), _tables(), other_draws=100)
    r = res.results()
    assert set(r) == KEYS
    assert r["score_gap_latest"] == 10  # 70 - 60
    assert r["capex_total_latest_usd_bn"] == 120 and r["capex_cagr"] == pytest.approx(0.5)
    # C1 (40, 2023-01-01) first matched by O2 (52, 2024-01-01): 365 days
    assert res.main.lags.lag_months.iloc[0] == pytest.approx(365 / (365.25 / 12))
    # leadership: spells of 243 and 274 days, then one still open (censored)
    assert r["leadership_window_median_days"] == 274


def test_another_benchmark_changes_the_numbers():
    a = run(_params(benchmark="gpqa_diamond"), _tables(), other_draws=100).results()
    b = run(_params(benchmark="mmlu"), _tables(), other_draws=100).results()
    assert a["score_gap_latest"] != b["score_gap_latest"]


def test_open_definition_changes_the_open_set():
    res = run(_params(open_definition="open_only"), _tables(), other_draws=100)
    assert "O1" not in set(res.main.scores.model)


def test_missing_tables_degrade_to_nan_not_failure():
    res = run(_params(), {}, {"benchmark_scores": "file is missing"}, other_draws=100)
    r = res.results()
    assert set(r) == KEYS and all(np.isnan(v) for v in r.values())
    for name in ["frontier_chart", "gap_chart", "lag_chart", "leadership_chart", "capex_chart", "compute_chart",
                 "indexed_chart", "compute_gap_chart", "lag_average_chart"]:
        getattr(figures, name)(res).to_dict()


def test_charts_build_with_computed_titles():
    res = run(_params(), _tables(), other_draws=100)
    spec = figures.frontier_chart(res).to_dict()
    assert "10 percentage points" in json.dumps(spec["title"])
    assert any(p.get("name") == "bench" for p in spec["params"])
    for name in ["gap_chart", "lag_chart", "leadership_chart", "capex_chart", "indexed_chart"]:
        assert "title" in json.dumps(getattr(figures, name)(res).to_dict())


def test_glue_values_cover_the_results():
    res = run(_params(), _tables(), other_draws=100)
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
    res = run(_params(leadership_start="2023-06-01"), _tables(), other_draws=100)
    # C1 (from 2023-01-01) is left out: C2 ended after 274 days, C3 still leads (censored)
    assert list(res.windows.model) == ["C2", "C3"]
    assert res.window_median_days == 274 and res.leadership_start == pd.Timestamp("2023-06-01")
    assert len(res.windows_all) == 3 and res.window_median_all_days == 274
    # window_start later than leadership_start: the later date applies
    late = run(_params(leadership_start="2023-01-01", window_start="2023-06-01"), _tables(), other_draws=100)
    assert late.leadership_start == pd.Timestamp("2023-06-01")


def test_leadership_start_is_validated():
    with pytest.raises(ValueError, match="leadership_start"):
        Params(leadership_start="mid-2024")
    with pytest.raises(ValueError, match="leadership_start"):
        Params(leadership_start="2027-01-01")


def test_capex_table_has_each_company_and_the_total():
    res = run(_params(), _tables(), other_draws=100)
    tab = figures.capex_table(res)
    assert list(tab["Company"]) == ["Amazon", "Alphabet", "Total"]
    assert tab.iloc[-1]["Growth per year"] == "50%" and "2023 (USD bn)" in tab
    assert figures.capex_table(run(_params(), {}, other_draws=100)).empty


def test_tolerance_grid_and_small_sample_fit_text():
    res = run(_params(), _tables(), other_draws=100)
    assert list(res.tolerance_grid["tolerance"]) == list(chapter.TOLERANCE_GRID)
    # a wider tolerance finds the closed frontier at today's open level earlier: the backward lag never shrinks
    assert res.tolerance_grid["current_lag"].is_monotonic_increasing
    assert "none is reported" in chapter.window_fit_text(res.window_trend)


def test_selector_titles_follow_the_selected_benchmark():
    res = run(_params(), _tables(), other_draws=100)
    expr = figures.frontier_chart(res).to_dict()["title"]["text"]["expr"]
    # one title per benchmark, chosen by the selector's value
    assert 'bench === "gpqa_diamond"' in expr and "MMLU: the best closed model leads" in expr
    assert "GPQA Diamond: the best closed model leads the best open one by 10 percentage points" in expr


def test_new_charts_state_their_numbers():
    res = run(_params(), _tables(), other_draws=100)
    assert "averaged over time" in json.dumps(figures.lag_average_chart(res).to_dict()["title"])


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
