"""The flywheel chapter runs with and without upstream results (the parameters cell is checked
for every chapter in tests/test_notebooks.py)."""

from __future__ import annotations

from tokenfactory.flywheel import chapter, model
from tokenfactory.flywheel.params import Params


def test_runs_with_upstream():
    """(Its speed is measured by `make bench`, not asserted here.)"""
    from tokenfactory.data import load

    p = Params()
    v0, _, _ = chapter.monthly_volume(load("token_volumes"), p.volume_provider)
    up = {"inference_tax": {"cost_per_mtok_gpu_usd": 1.0, "cost_per_mtok_asic_usd": 0.4, "tax_share_gpu": 0.6,
                            "asic_nre_at_parity_usd": 2e9, "breakeven_tokens_per_year": 1e14,
                            "breakeven_total_tokens_per_year": 4e14},
          "tapeout": {"median_generation_gap_months": 20.0, "min_feasible_cycle_months": 8.0}}
    x, sources = chapter.resolve_inputs(p, up, v0)
    assert not sources["from"].str.contains("fallback").any()
    base = model.outcomes(model.simulate(x, p.horizon_months))
    chapter.grid_map(x, p, p.horizon_months)
    chapter.sensitivity(x, p, p.horizon_months)
    # responds to its parameters: dearer chip programs shrink the lead
    x2, _ = chapter.resolve_inputs(Params(nre_per_generation_usd_bn=5.0), up, v0)
    assert model.outcomes(model.simulate(x2, p.horizon_months))["advantage_usd_bn"][0] < base["advantage_usd_bn"][0]
