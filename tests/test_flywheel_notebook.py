"""The flywheel chapter end to end: compute, texts, glue values and every figure on the real data."""

from __future__ import annotations

import dataclasses
import json
import math

import pandas as pd
import pytest

from tokenfactory.data import load
from tokenfactory.flywheel import chapter, figures
from tokenfactory.flywheel.model import FACTOR_LABELS, FACTORS
from tokenfactory.flywheel.params import Params
from tokenfactory.formatting import fmt

REQUIRED = ("crossover_month", "cost_per_mtok_ratio_y5", "cumulative_advantage_y5_usd_bn", "lead_share_tax",
            "lead_share_cycle", "lead_share_data", "most_sensitive_parameter", "share_of_runs_integrated_ahead",
            "morris_share_ahead")


def test_chapter_runs_and_every_figure_builds():
    r = chapter.compute(Params(sensitivity_trajectories=6, grid_resolution=3), chapter.load(load, {}))
    g = chapter.glue_values(r)
    for key in REQUIRED:
        assert key in g
    n = r.numbers
    assert math.isclose(n["lead_share_tax"] + n["lead_share_cycle"] + n["lead_share_data"], 1.0, rel_tol=1e-9)
    assert len(r.grid) == 9 and r.grid["b_index"].nunique() == 3
    # each title states the result it draws: its direction and its number
    cash = _title(figures.cash_figure(r))
    assert ("ahead" if n["cumulative_advantage_y5_usd_bn"] > 0 else "behind") in cash
    assert f"{fmt(abs(n['relative_lead_y5']), pct=True)} " in cash and chapter.crossover_phrase(n["crossover_month"]) in cash
    assert f"cost {fmt(n['cost_per_mtok_ratio_y5'])}× the merchant lab's" in _title(figures.cost_figure(r))
    cycle = _title(figures.cycle_figure(r))
    assert (f"more than {fmt(n['cycle_threshold_months'])} months apart" in cycle
            if n["cycle_threshold_months"] == n["cycle_threshold_months"] else "every merchant generation gap" in cycle)
    top = max(FACTORS, key=lambda f: abs(r.decomposition[f]))
    assert f"of the lead: {FACTOR_LABELS[top]}" in _title(figures.decomposition_chart(r))
    assert "params" in figures.grid_slider_chart(r).to_dict()      # the live control
    assert all(isinstance(t, str) for t in chapter.texts(r).values())
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.numbers = {}   # the Result is frozen: a chart cannot change what the page glues


def _title(chart) -> str:
    return json.dumps(chart.to_dict()["title"], ensure_ascii=False)


def test_titles_follow_hand_set_results():
    """The chart functions on hand-set numbers: a lead behind, no crossover, a ratio, a threshold, the
    largest source of the lead (by absolute contribution, a negative one included)."""
    traj = pd.DataFrame({"month": [0, 60, 0, 60], "strategy": ["merchant", "merchant", "integrated", "integrated"],
                         "variable": ["cum"] * 2 + ["cost"] * 2, "value": [0.0, 2e9, 1.0, 0.5]})
    behind = _title(figures.cash_chart(traj, float("nan"), -3.0, -0.15, 60))
    assert "pulls ahead never within the horizon; 15% behind at year 5" in behind and "USD 3 billion" in behind
    ahead = _title(figures.cash_chart(traj, 30.0, 4.0, 0.4, 48))
    assert "pulls ahead from month 30; 40% ahead at year 4" in ahead
    assert "tokens cost 0.62× the merchant lab's" in _title(figures.cost_chart(traj, 0.62, 60))
    sweep = pd.DataFrame({"merchant_cycle_months": [6.0, 12.0, 24.0], "relative_lead": [-0.1, 0.05, 0.2],
                          "crossover_month": [float("nan"), 50.0, 30.0], "advantage_usd_bn": [-1.0, 0.5, 2.0]})
    cyc = _title(figures.cycle_chart(sweep, 24.0, 9.5, 0.2))
    assert "more than 9.5 months apart" in cyc and "20% at the cadence used" in cyc
    assert "at every merchant generation gap" in _title(figures.cycle_chart(sweep, 24.0, float("nan"), 0.2))
    dec = {"tax": 1.0, "cycle": -3.0, "data": 0.5, "lead": -1.5, "share_tax": -2 / 3, "share_cycle": 2.0,
           "share_data": -1 / 3}
    t = _title(figures.decomposition_chart(type("R", (), {"decomposition": dec})()))
    assert f"200% of the lead: {FACTOR_LABELS['cycle']}" in t and "USD -1.5 billion" in t


def test_grid_checks_are_on_the_grid():
    r = chapter.compute(Params(sensitivity_trajectories=6, grid_resolution=5), chapter.load(load, {}))
    checks = figures.grid_checks(r)
    assert len(checks) == 3
    grid_values = set(r.grid["b"].round(12))
    for c in checks:
        assert round(c["set"]["b_value"], 12) in grid_values
        assert c["expect"][0].startswith("at " + r.grid["b_label"].iloc[0])
