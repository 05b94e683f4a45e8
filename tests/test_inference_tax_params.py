"""The inference-tax parameters: defaults that rest on a row of data/ agree with it, the assumption
ranges are parameters with their checks, and a bad setting is refused by name."""

from __future__ import annotations

import pandas as pd
import pytest
from pydantic import ValidationError

from tokenfactory.data.load import load
from tokenfactory.inference_tax.params import RANGE_PAIRS, Params


def _basis(name: str) -> str:
    return Params.model_fields[name].json_schema_extra["basis"]


@pytest.fixture(scope="module")
def margins():
    return load("vendor_margins").set_index("product")


H100, DGX = "H100 SXM (GPU module)", "DGX H100 (8-GPU server with its networking)"


def test_server_and_gpu_share_defaults_rest_on_the_two_price_rows(margins):
    """Hand arithmetic on the rows: Raymond James's H100 at $25,000-30,000 (midpoint $27,500) and
    SemiAnalysis's DGX H100 at $269,010 (about $270,000 as its text rounds it). Host per GPU =
    (270,000 - 8 x 27,500) / 8 = 6,250; GPU share = 8 x 25,000 / 269,010 = 0.743 to 8 x 30,000 / 269,010 = 0.892."""
    d = Params()
    h100, dgx = margins.loc[H100], margins.loc[DGX]
    for name in ("server_usd_per_chip", "gpu_share_of_server_price"):
        assert H100 in _basis(name) and DGX in _basis(name)
    lo, hi, server = float(h100["price_usd_low"]), float(h100["price_usd_high"]), float(dgx["price_usd_low"])
    assert (lo, hi, server) == (25_000, 30_000, 269_010)
    assert d.server_usd_per_chip == (round(server, -4) - 8 * (lo + hi) / 2) / 8 == 6_250
    assert 8 * lo / server <= d.gpu_share_of_server_price <= 8 * hi / server
    assert 8 * lo / server == pytest.approx(0.7435, abs=1e-4) and 8 * hi / server == pytest.approx(0.8922, abs=1e-4)


def test_electricity_and_pue_defaults_agree_with_their_rows():
    est = load("published_estimates").set_index("estimate_id")
    d = Params()
    eia, uptime = est.loc["eia_2023_industrial_electricity_usd_per_kwh"], est.loc["uptime_2023_pue"]
    assert "eia_2023_industrial_electricity_usd_per_kwh" in _basis("electricity_usd_per_kwh")
    assert eia["unit"] == "USD per kWh" and d.electricity_usd_per_kwh == round(float(eia["value"]), 2) == 0.08
    # the PUE default is an assumption below the survey average (1.58), the range's top near it
    assert "uptime_2023_pue" in _basis("pue") and "uptime_2023_pue" in _basis("pue_high")
    assert uptime["unit"] == "ratio" and 1 < d.pue < float(uptime["value"]) == 1.58
    assert d.pue_high == pytest.approx(float(uptime["value"]), abs=0.05)


def test_workload_and_price_footing_defaults_agree_with_their_rows():
    d = Params()
    bench = load("serving_benchmarks")
    ix = bench[bench["source"].astype(str).str.startswith("SemiAnalysis InferenceX")]
    shortest = ix[ix["input_tokens"] == ix["input_tokens"].min()]
    assert "InferenceX" in _basis("input_tokens")
    assert d.input_tokens == shortest["input_tokens"].iloc[0] == 1024
    assert set(shortest["output_tokens"]) == {d.output_tokens}
    speeds = pd.to_numeric(ix["tokens_per_s_per_user"], errors="coerce").dropna()
    assert speeds.min() < d.tokens_per_second_per_user < speeds.max()
    rates = load("published_rates")
    epoch = rates[(rates["source"] == "Epoch AI") & (rates["benchmark"] == d.price_benchmark)
                  & (rates["reference_model"] == d.price_threshold_model) & (rates["price_basis"] == d.price_basis)]
    assert len(epoch) == 1


def test_no_basis_retypes_a_sourced_figure():
    """The figures that moved to data/ are not typed in any basis any more (review §3 items 1-5)."""
    text = " ".join(str(f.json_schema_extra.get("basis", "")) for f in Params.model_fields.values())
    for figure in ("25,000", "270,000", "27,500", "8 cents", "1.58", "6.5-8.5", "10.2 kW", "30 output tokens", "40x"):
        assert figure not in text, figure


def test_every_assumption_range_is_a_checked_pair():
    d = Params()
    for low, high in RANGE_PAIRS:
        assert getattr(d, low) < getattr(d, high)
        with pytest.raises(ValidationError, match=low):
            Params(**{low: getattr(d, high), high: getattr(d, low)})
    # a range that would not hold the value itself is refused
    with pytest.raises(ValidationError, match="chip_price_low_factor"):
        Params(chip_price_low_factor=1.1, chip_price_high_factor=1.3)


def test_an_unknown_claimant_vendor_is_refused_with_the_choices():
    with pytest.raises(ValidationError) as err:
        Params(claimant_vendor="Nvidia Corp")
    assert "claimant_vendor" in str(err.value) and "AMD" in str(err.value)
