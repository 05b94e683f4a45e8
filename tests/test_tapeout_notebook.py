"""The tape-out notebook: its parameters cell matches the pydantic defaults, and the charts build
from the real data (or the chapter says why not)."""

from __future__ import annotations

import ast

import nbformat

from tokenfactory import paths
from tokenfactory.tapeout import chapter, figures
from tokenfactory.tapeout.params import Params


def _parameters_cell() -> dict:
    nb = nbformat.read(paths.notebooks_dir() / "tapeout.ipynb", as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    assert "remove-cell" in cells[0].metadata["tags"]
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    values = {}
    for node in ast.parse(cells[0].source).body:
        values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


def test_parameters_cell_equals_defaults():
    values = _parameters_cell()
    defaults = Params().model_dump()
    assert values.pop("upstream") == {} and values.pop("run_context") == {}
    assert values == defaults


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
