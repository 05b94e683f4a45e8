"""Cost per token: hand cases, capital counted once, rental, and the chapter's properties."""

import numpy as np
import pandas as pd
import pytest

from tokenfactory.inference_tax import chapter, model as m
from tokenfactory.inference_tax.params import Params

BASE = dict(tokens_per_s=1000.0, tdp_w=1000.0, price_usd=30000.0, vendor_margin=0.75, nre_per_unit_usd=0.0,
            server_network_usd=10000.0, rental_usd_per_hour=0.0, utilization=0.5, electricity_usd_per_kwh=0.1,
            pue=1.0, server_power_factor=1.0, depreciation_years=4.0, cost_of_capital=0.0,
            facility_usd_per_kw_month=0.0)


def test_cost_hand_case():
    # capital 40,000 over 4 years at 0% = 10,000 a year, served half of the book's year (365.25 days x 24 h =
    # 8,766 h) = 4,383 h -> 2.28154 $/h; power 1 kW x $0.1 = 0.1 $/h; 1,000 tokens/s = 3.6 M tokens/h
    # -> (2.28154 + 0.1) / 3.6 = 0.661539 $ per million
    assert float(m.cost_per_mtok(BASE)["total"]) == pytest.approx((10000 / 4383 + 0.1) / 3.6, rel=1e-9)


def test_decomposition_sums_to_total_and_margin_is_a_split_not_a_cost():
    c = m.cost_per_mtok(BASE)
    parts = sum(float(c[k]) for k in m.COMPONENTS)
    assert parts == pytest.approx(float(c["total"]))
    other = m.cost_per_mtok({**BASE, "vendor_margin": 0.2})
    assert float(other["total"]) == pytest.approx(float(c["total"]))
    assert float(c["vendor_margin"]) / float(c["chip_at_cost"]) == pytest.approx(3.0)


def test_rental_is_paid_every_hour_and_spread_over_the_hours_served():
    c = m.cost_per_mtok({**BASE, "price_usd": 0.0, "server_network_usd": 0.0, "rental_usd_per_hour": 2.0,
                         "electricity_usd_per_kwh": 0.0})
    # $2 per hour for every hour, half of them served at 3.6 M tokens/h -> 2 / 0.5 / 3.6
    assert float(c["total"]) == pytest.approx(2.0 / 0.5 / 3.6)
    assert float(c["rental"]) == pytest.approx(float(c["total"]))


def test_a_server_price_gets_no_second_server_charge():
    p = Params()
    server = chapter.capital_split(270000 / 8, "server_per_chip", p)
    chip = chapter.capital_split(30000.0, "chip", p)
    assert server["chip_usd"] + server["server_usd"] == pytest.approx(270000 / 8)   # nothing added to the price
    assert chip["server_usd"] == p.server_usd_per_chip                              # the host is added once
    assert server["network_usd"] == chip["network_usd"] == p.network_usd_per_chip


def test_price_basis_reads_the_column_or_recognizes_a_server_price_in_the_notes():
    assert chapter.price_basis(pd.Series({"price_basis": "server_per_chip"})) == "server_per_chip"
    assert chapter.price_basis(pd.Series({"price_basis": "chip"})) == "chip"
    assert chapter.price_basis(pd.Series({"notes": "DGX H100 8-GPU server at $269k / 8"})) == "server_per_chip"
    assert chapter.price_basis(pd.Series({"notes": "midpoint of $30,000-$40,000 per unit"})) == "chip"


@pytest.mark.parametrize("low,high,word", [
    (0.05, 0.08, "a small part of a token's cost"),
    (0.30, 0.45, "a large share of a token's cost, though not most of it"),
    (0.40, 0.55, "a large share of a token's cost, and possibly most of it"),
    (0.55, 0.60, "most of a token's cost"),
    (0.12, None, "a large share of a token's cost, though not most of it"),
])
def test_tax_size_words_sit_on_each_side_of_their_thresholds(low, high, word):
    assert chapter.tax_size_word(low, high) == word


def test_compare_word_has_a_tolerance_band():
    assert chapter.compare_word(0.9, 1.0) == "cheaper than"
    assert chapter.compare_word(1.02, 1.0) == "about the same as"
    assert chapter.compare_word(1.2, 1.0) == "dearer than"


# ---- the chapter on the book's own data (the default accelerator and model) ------------------------

@pytest.fixture(scope="module")
def inputs():
    from tokenfactory.data import load
    inp = chapter.load(load)
    # the fit is not what these tests are about: drop the measured table so they run fast and stable
    tables = {k: v for k, v in inp.tables.items() if k != "serving_benchmarks"}
    return chapter.Inputs(tables, inp.problems)


def test_cost_rises_with_speed_per_user(inputs):
    costs = [chapter.compute(Params(tokens_per_second_per_user=s, mc_draws=200), inputs).gpu_cost["total"]
             for s in (10.0, 30.0, 60.0)]
    assert costs[0] < costs[1] < costs[2]


def test_the_tax_range_orders_low_below_high_and_the_margin_moves_only_the_split(inputs):
    r = chapter.compute(Params(mc_draws=200), inputs)
    assert r.tax_high is None or r.tax_low <= r.tax_high
    r2 = chapter.compute(Params(mc_draws=200, vendor_margin_override=0.3), inputs)
    assert r2.gpu_cost["total"] == pytest.approx(r.gpu_cost["total"])
    assert r2.gpu_cost["tax_share"] < r.gpu_cost["tax_share"]


def test_a_model_without_architecture_is_refused_by_name(inputs):
    with pytest.raises(ValueError, match="reference_model"):
        Params(reference_model="GPT-4")          # not in data/model_architectures.csv: refused before running
    arch = inputs.tables["model_architectures"].copy()
    arch.loc[arch["model"] == "Llama 3.3 70B", "kv_heads"] = np.nan
    broken = chapter.Inputs({**inputs.tables, "model_architectures": arch}, {})
    with pytest.raises(chapter.InputError, match="kv_heads"):
        chapter.compute(Params(mc_draws=200), broken)


def test_a_speed_no_system_reaches_is_refused_with_the_fastest(inputs):
    with pytest.raises(chapter.InputError, match="tokens_per_second_per_user"):
        chapter.compute(Params(tokens_per_second_per_user=2000.0, mc_draws=200), inputs)


def test_glued_values_are_the_results(inputs):
    """The glue carries the results and the parameters other chapters read. Hand case: with 3,072 prompt
    tokens per 1,024 output tokens, the cost spread over all tokens is a quarter of the cost per output token."""
    r = chapter.compute(Params(mc_draws=200, input_tokens=3072, claimant_vendor="AMD"), inputs)
    g = chapter.glue_values(r)
    assert g["cost_per_mtok_gpu_usd"][0] == r.gpu_cost["total"]
    assert g["cost_per_mtok_all_tokens_usd"][0] == pytest.approx(r.gpu_cost["total"] / 4)
    assert g["claimant_vendor"][0] == "AMD"
    # the modeled cheapest chip is judged by its vendor in data/accelerators.csv against the vendor named
    cheapest = r.cheapest_model["accelerator"]
    vendor = inputs.tables["accelerators"].set_index("accelerator").loc[cheapest, "vendor"]
    assert chapter.texts(r)["vendor_claim_model"] == ("holds" if vendor == "AMD" else "does not hold")


def test_calibration_verdict_reads_the_target_parameters():
    """Held-out median miss ×1.2 and 90% of points within ×2: within the default targets (×1.3, 85%),
    outside a median target of ×1.1 or a share target of 95%."""
    from types import SimpleNamespace

    c = SimpleNamespace(heldout_median_abs_log10_error=float(np.log10(1.2)), heldout_share_within_2x=0.9)
    assert chapter.calibration_verdict(c, Params()).startswith("within ")
    assert chapter.calibration_verdict(c, Params(calibration_target_median_miss=1.1)).startswith("outside ")
    out = chapter.calibration_verdict(c, Params(calibration_target_share_within_2x=0.95))
    assert out.startswith("outside ") and "95%" in out
    assert chapter.calibration_verdict(None, Params()).startswith("not checked")


def test_level_word_has_a_tolerance_band():
    assert chapter.level_word(0.8, 0.5) == "above"
    assert chapter.level_word(0.51, 0.5) == "about the same as"
    assert chapter.level_word(0.3, 0.5) == "below"
