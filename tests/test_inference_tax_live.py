"""The in-page chart computes the cost with the package's formula: render it with vl-convert (the real
Vega expression engine) at several control settings and compare its readout with the package."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc

from tokenfactory.inference_tax import chapter, figures, model as m
from tokenfactory.inference_tax.params import Params

GRID = pd.DataFrame([
    {"accelerator": acc, "speed": float(s), "tps": tps0 / (1 + s / 40), "capital": cap, "chip_usd": chip,
     "facility_per_year": 2700.0, "power_per_hour": 0.156}
    for acc, tps0, cap, chip in (("GPU A", 6000.0, 46250.0, 35000.0), ("GPU B", 3000.0, 38600.0, 27000.0))
    for s in chapter.LIVE_SPEEDS])
DEFAULTS = {"accelerator": "GPU A", "speed": 30.0, "utilization": 0.5, "margin": 0.711,
            "crf": float(m.capital_recovery_factor(0.1, 5.0))}


def _set(spec, values):
    found = set()

    def walk(node):
        if isinstance(node, dict):
            for prm in node.get("params", []) or []:
                if prm.get("name") in values:
                    prm["value"] = values[prm["name"]]
                    found.add(prm["name"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    assert found == set(values)


def _package_cost(acc, speed, util):
    rows = GRID[GRID["accelerator"] == acc]
    row = rows.iloc[int(np.argmin(np.abs(np.log(rows["speed"]) - np.log(speed))))]
    inp = {"tokens_per_s": row["tps"], "tdp_w": 0.0, "price_usd": row["chip_usd"], "vendor_margin": 0.5,
           "nre_per_unit_usd": 0.0, "server_network_usd": row["capital"] - row["chip_usd"], "rental_usd_per_hour": 0.0,
           "utilization": util, "electricity_usd_per_kwh": 0.0, "pue": 1.0, "server_power_factor": 1.0,
           "depreciation_years": 5.0, "cost_of_capital": 0.1, "facility_usd_per_kw_month": 0.0}
    base = float(m.cost_per_mtok(inp)["total"])
    extra = (row["facility_per_year"] / (m.HOURS_PER_YEAR * util) + row["power_per_hour"]) / (row["tps"] * 3600) * 1e6
    return base + extra


@pytest.mark.parametrize("acc,speed,util", [("GPU A", 30.0, 0.5), ("GPU B", 10.0, 0.9), ("GPU A", 100.0, 0.2),
                                            ("GPU B", 55.0, 0.65)])
def test_in_page_cost_agrees_with_the_package(acc, speed, util):
    spec = figures.live_cost(GRID, DEFAULTS, readout_format=".12g").to_dict()
    _set(spec, {"acc": acc, "speed": speed, "util": util})
    svg = vlc.vegalite_to_svg(spec)
    match = re.search(re.escape(acc) + r": \$([0-9.eE+-]+) per million", svg)
    assert match, "title readout not found"
    assert float(match.group(1)) == pytest.approx(_package_cost(acc, speed, util), rel=1e-6)


def test_d3_r2_matches_d3_two_significant_digits():
    assert chapter.d3_r2(0.1) == "0.10" and chapter.d3_r2(0.187) == "0.19" and chapter.d3_r2(1.26) == "1.3"
    assert chapter.d3_r2(12.4) == "12"


@pytest.mark.parametrize("i", [0, 1, 2])
def test_live_checks_are_what_the_rendered_chart_shows(i):
    """The checks handed to the browser test are themselves right: render the chart at each check's
    settings with the Vega engine and find the expected text."""
    r = type("R", (), {})()
    r.p = Params.model_construct(**{**Params().model_dump(), "accelerator": "GPU A"})
    checks = chapter.live_checks(r, GRID)
    check = checks[i]
    spec = figures.live_cost(GRID, DEFAULTS).to_dict()
    _set(spec, check["set"])
    svg = vlc.vegalite_to_svg(spec).replace("&#39;", "'")
    assert check["expect"][0] in svg


def test_at_the_defaults_the_live_chart_shows_the_glued_headline():
    """The chart's grid is anchored on the stated speed and takes throughput as the headline does
    (measured first), so at the defaults its readout is the glued cost (the page rounds the throughput to
    three decimals)."""
    from tokenfactory.data import load
    inp = chapter.load(load)
    # no measured table: the fallback efficiency, fast; the measured path is tested in test_inference_tax_measured
    inputs = chapter.Inputs({k: v for k, v in inp.tables.items() if k != "serving_benchmarks"}, inp.problems)
    r = chapter.compute(Params(mc_draws=200), inputs)
    grid = chapter.live_grid(r, inputs)
    spec = figures.live_cost(grid, chapter.live_defaults(r), readout_format=".12g").to_dict()
    svg = vlc.vegalite_to_svg(spec)
    match = re.search(re.escape(r.p.accelerator) + r": \$([0-9.eE+-]+) per million", svg)
    assert match
    assert float(match.group(1)) == pytest.approx(chapter.glue_values(r)["cost_per_mtok_gpu_usd"][0], rel=1e-6)


def test_the_live_grid_follows_each_chip_to_its_fastest_speed_and_says_so_past_it():
    grid = GRID.assign(max_speed=np.where(GRID["accelerator"] == "GPU B", 60.0, 150.0))
    grid = grid[grid["speed"] <= grid["max_speed"]]
    spec = figures.live_cost(grid, DEFAULTS).to_dict()
    _set(spec, {"acc": "GPU B", "speed": 120.0, "util": 0.5})
    svg = vlc.vegalite_to_svg(spec).replace("&#39;", "'")
    assert "GPU B serves at most 60 tokens/s per user" in svg
    _set(spec, {"acc": "GPU A", "speed": 120.0, "util": 0.5})
    assert "serves at most" not in vlc.vegalite_to_svg(spec)


def test_live_speeds_pass_through_the_anchor_and_are_geometric():
    s = chapter.live_speeds(30.0, 200.0)
    assert np.any(np.isclose(s, 30.0)) and s[0] <= 5.0 * chapter.LIVE_STEP and s[-1] <= 200.0
    assert np.allclose(s[1:] / s[:-1], chapter.LIVE_STEP)
    # a stated speed below the axis's usual start still starts the grid: the chart passes through the headline
    slow = chapter.live_speeds(3.0, 200.0)
    assert np.isclose(slow[0], 3.0) and np.allclose(slow[1:] / slow[:-1], chapter.LIVE_STEP)
