"""The flywheel chapter end to end: compute, texts, glue values and every figure on the real data."""

from __future__ import annotations

import math

from tokenfactory.data import load
from tokenfactory.flywheel import chapter, figures
from tokenfactory.flywheel.params import Params

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
    for f in (figures.cash_figure(r), figures.cost_figure(r), figures.cycle_figure(r), figures.decomposition_chart(r),
              figures.grid_slider_chart(r)):
        spec = f.to_dict()
        assert spec["title"]["text"]
    assert "params" in figures.grid_slider_chart(r).to_dict()      # the live control
    assert all(isinstance(t, str) for t in chapter.texts(r).values())


def test_grid_checks_are_on_the_grid():
    r = chapter.compute(Params(sensitivity_trajectories=6, grid_resolution=5), chapter.load(load, {}))
    checks = figures.grid_checks(r)
    assert len(checks) == 3
    grid_values = set(r.grid["b"].round(12))
    for c in checks:
        assert round(c["set"]["b_value"], 12) in grid_values
        assert c["expect"][0].startswith("at " + r.grid["b_label"].iloc[0])
