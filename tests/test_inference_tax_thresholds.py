"""The values at which the chapter's verdicts flip ("What would change the conclusion"), and the
conversion of reported token volumes to the break-even's unit."""

import pandas as pd
import pytest

from tokenfactory.inference_tax import analysis, chapter, model as m
from tokenfactory.inference_tax.params import Params

#: An owned B200-like chip at 4,000 output tokens/s (inputs of the cost model).
INP = dict(tokens_per_s=4000.0, tdp_w=1000.0, price_usd=35000.0, vendor_margin=0.711, nre_per_unit_usd=0.0,
           server_network_usd=11250.0, rental_usd_per_hour=0.0, utilization=0.5, electricity_usd_per_kwh=0.08,
           pue=1.3, server_power_factor=1.5, depreciation_years=5.0, cost_of_capital=0.1,
           facility_usd_per_kw_month=150.0)


def test_margin_for_tax_share_round_trips():
    cost = {k: float(v) for k, v in m.cost_per_mtok(INP).items()}
    # at the margin it returns for the current share, the share is the current one
    assert analysis.margin_for_tax_share(cost, cost["tax_share"]) == pytest.approx(INP["vendor_margin"])
    target = 0.25
    margin = analysis.margin_for_tax_share(cost, target)
    share = float(m.cost_per_mtok({**INP, "vendor_margin": margin})["tax_share"])
    assert share == pytest.approx(target)


def test_margin_for_tax_share_hand_case():
    # chip price is half the total: a 25% tax share needs a 50% margin
    cost = {"chip_at_cost": 0.3, "vendor_margin": 0.2, "total": 1.0}
    assert analysis.margin_for_tax_share(cost, 0.25) == pytest.approx(0.5)
    assert analysis.margin_for_tax_share({"chip_at_cost": 0.0, "vendor_margin": 0.0, "total": 1.0}, 0.25) == float("inf")


def test_perf_ratio_at_parity_equalizes_costs():
    p = Params()
    gpu_total = float(m.cost_per_mtok(INP)["total"])
    r = chapter.perf_ratio_at_parity(p, INP, gpu_total)
    assert r is not None and 0.01 < r < 10
    asic = m.asic_inputs(INP, unit_cost_usd=p.asic_unit_cost_usd, partner_margin=p.partner_margin, perf_ratio=r,
                         power_w=p.asic_power_w, nre_usd=p.asic_nre_usd, volume_units=p.asic_volume_units,
                         program_years=p.asic_program_years)
    assert float(m.cost_per_mtok(asic)["total"]) == pytest.approx(gpu_total, rel=1e-6)
    # a chip dearer than the GPU at any speed never reaches parity
    dear = p.model_copy(update={"asic_unit_cost_usd": 1e6, "partner_margin": 0.0})
    assert chapter.perf_ratio_at_parity(dear, INP, gpu_total, hi=2.0) is None


def test_nre_at_parity_makes_program_volume_the_break_even():
    p = Params()
    gpu_total = 1.0
    nre = analysis.nre_at_parity(p, gpu_total, asic_marginal=0.6, program_tokens_per_year=1e15)
    annual = float(m.nre_per_year(nre, p.cost_of_capital, p.asic_program_years))
    assert float(m.breakeven_tokens_per_year(gpu_total, 0.6, annual)) == pytest.approx(1e15)
    assert analysis.nre_at_parity(p, 1.0, asic_marginal=1.2, program_tokens_per_year=1e15) == 0.0


def test_halving_utilization_roughly_doubles_cost():
    ratio = analysis.cost_ratio_at_utilization(INP, 0.5)
    # fixed costs double, electricity per token does not: a bit under 2
    assert 1.8 < ratio < 2.0


def test_reported_volumes_are_annualized_and_converted_to_output_tokens():
    vols = pd.DataFrame({
        "provider": ["A", "A", "B"], "product": ["x", "x", "y"],
        "date": pd.to_datetime(["2025-01-01", "2025-06-01", "2025-03-01"]),
        "tokens": [1e12, 2e12, 1e9], "per": ["month", "month", "minute"],
    })
    out = analysis.annual_token_volumes(vols, input_tokens_per_output=3.0)
    a = out[out["provider"] == "A"].iloc[0]
    assert a["tokens_per_year"] == pytest.approx(24e12)          # latest statement only
    assert a["output_tokens_per_year"] == pytest.approx(6e12)    # 1 of every 4 tokens is output
    b = out[out["provider"] == "B"].iloc[0]
    assert b["tokens_per_year"] == pytest.approx(1e9 * 60 * 24 * 365.25)   # the book's year: 365.25 days
    # a weekly statement: 365.25 / 7 = 52.18 weeks a year (not 52), as every chapter annualizes it
    weekly = analysis.annual_token_volumes(pd.DataFrame({"provider": ["C"], "product": ["z"],
                                                         "date": pd.to_datetime(["2025-01-01"]), "tokens": [7e9],
                                                         "per": ["week"]}))
    assert weekly["tokens_per_year"].item() == pytest.approx(365.25e9)
    assert len(analysis.largest_per_provider(out)) == 2
