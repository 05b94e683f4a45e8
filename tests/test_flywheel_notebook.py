"""The flywheel notebook: its parameters cell matches the pydantic defaults; the chapter runs with
and without upstream results, fast enough for the book."""

from __future__ import annotations

import ast

import nbformat

from tokenfactory import paths
from tokenfactory.flywheel import chapter, model
from tokenfactory.flywheel.params import Params


def _parameters_cell() -> dict:
    nb = nbformat.read(paths.notebooks_dir() / "flywheel.ipynb", as_version=4)
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


def test_runs_with_upstream_and_fast():
    import time

    from tokenfactory.data import load

    p = Params()
    v0, _, _ = chapter.monthly_volume(load("token_volumes"), p.volume_provider)
    up = {"inference_tax": {"cost_per_mtok_gpu_usd": 1.0, "cost_per_mtok_asic_usd": 0.4, "tax_share_gpu": 0.6},
          "tapeout": {"median_generation_gap_months": 20.0, "min_feasible_cycle_months": 8.0}}
    t0 = time.perf_counter()
    x, sources = chapter.resolve_inputs(p, up, v0)
    assert not sources["from"].str.contains("fallback").any()
    base = model.outcomes(model.simulate(x, p.horizon_months))
    chapter.grid_map(x, p, p.horizon_months)
    chapter.sensitivity(x, p, p.horizon_months)
    assert time.perf_counter() - t0 < 10
    # responds to its parameters: dearer chip programs shrink the lead
    x2, _ = chapter.resolve_inputs(Params(nre_per_generation_usd_bn=5.0), up, v0)
    assert model.outcomes(model.simulate(x2, p.horizon_months))["advantage_usd_bn"][0] < base["advantage_usd_bn"][0]
