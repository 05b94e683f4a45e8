"""Parameters: notebook defaults equal the model's; the vendor margin comes from the data."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tokenfactory.inference_tax import analysis
from tokenfactory.inference_tax.params import Params

NB = Path(__file__).resolve().parents[1] / "notebooks" / "inference_tax.ipynb"


def test_notebook_parameters_equal_defaults():
    cells = json.loads(NB.read_text())["cells"]
    (cell,) = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    ns: dict = {}
    exec("".join(cell["source"]), {}, ns)
    defaults = Params().model_dump()
    assert {k: ns[k] for k in defaults} == defaults
    assert ns["upstream"] == {} and ns["run_context"] == {}


def test_active_cannot_exceed_total():
    with pytest.raises(ValueError, match="active_params_b"):
        Params(total_params_b=10, active_params_b=20)


def financials():
    return pd.DataFrame({
        "period": ["FY2024", "FY2025", "FY2025Q4", "FY2026"],
        "period_type": ["fiscal_year", "fiscal_year", "quarter", "fiscal_year"],
        "fiscal_year": [2024, 2025, 2025, 2026],
        "gross_margin": [0.70, 0.75, 0.9, np.nan],
    })


def test_margin_is_latest_fiscal_year_with_a_margin():
    assert analysis.vendor_margin_from_data(financials()) == (0.75, "FY2025")


def accel():
    return pd.DataFrame([{
        "accelerator": "Chip X", "bf16_dense_tflops": 1000.0, "fp8_dense_tflops": 2000.0, "memory_gb": 80.0,
        "memory_bandwidth_tb_s": 3.0, "tdp_w": 700.0, "price_usd": 30000.0}])


def test_run_on_synthetic_frames(monkeypatch):
    monkeypatch.setattr("tokenfactory.params_base.data_choices", lambda *a: ())
    p = Params(accelerator="Chip X", mc_draws=1000)
    r = analysis.run(p, accel(), financials())
    assert r.gpu["vendor_margin"] == 0.75 and r.gpu["peak_tflops"] == 2000.0
    assert r.gpu_cost["tax_share"] == pytest.approx(r.gpu_cost["vendor_margin"] / r.gpu_cost["total"])
    assert 0 < r.gpu_cost["tax_share"] < 0.75
    d = r.decomposition()
    assert d.groupby("chip")["usd_per_mtok"].sum()["Merchant GPU"] == pytest.approx(r.gpu_cost["total"])
    # higher utilization -> cheaper tokens, through the whole pipeline
    r2 = analysis.run(Params(accelerator="Chip X", mc_draws=1000, utilization=0.9), accel(), financials())
    assert r2.gpu_cost["total"] < r.gpu_cost["total"]
    # override wins over the data; price override too
    r3 = analysis.run(Params(accelerator="Chip X", mc_draws=1000, vendor_margin_override=0.5,
                             chip_price_override_usd=20000), accel(), financials())
    assert r3.gpu["vendor_margin"] == 0.5 and r3.gpu["price_usd"] == 20000


def test_missing_price_is_a_clear_error(monkeypatch):
    monkeypatch.setattr("tokenfactory.params_base.data_choices", lambda *a: ())
    a = accel().assign(price_usd=np.nan)
    with pytest.raises(analysis.InputError, match="no price"):
        analysis.run(Params(accelerator="Chip X", mc_draws=1000), a, financials())


def test_lowest_margin_ignores_quarters_and_gaps():
    assert analysis.lowest_margin(financials()) == (0.70, "FY2024")


def test_breakeven_at_matches_run_and_is_infinite_when_gpu_is_cheaper(monkeypatch):
    monkeypatch.setattr("tokenfactory.params_base.data_choices", lambda *a: ())
    r = analysis.run(Params(accelerator="Chip X", mc_draws=1000), accel(), financials())
    assert r.breakeven_at(r.gpu_cost["total"]) == pytest.approx(r.breakeven_tokens_per_year)
    assert r.breakeven_at(r.asic_marginal_mtok * 0.9) == float("inf")
    # a dearer GPU token makes the custom chip pay off sooner
    assert r.breakeven_at(r.gpu_cost["total"] * 2) < r.breakeven_tokens_per_year
