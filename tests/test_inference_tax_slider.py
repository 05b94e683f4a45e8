"""The in-page chart computes cost per token with the package's formula: render it with vl-convert
(the real Vega expression engine) at several slider positions and compare with the package."""

import re

import pytest
import vl_convert as vlc

from tokenfactory.inference_tax import figures, model as m

INP = dict(
    peak_tflops=1978.9, bandwidth_tb_s=3.35, memory_gb=80.0, tdp_w=700.0, price_usd=33600.0, vendor_margin=0.711,
    nre_per_unit_usd=0.0, server_network_usd=15000.0, total_params_b=70.0, active_params_b=70.0,
    bytes_per_weight=1.0, kv_bytes_per_token=327680.0, context_tokens=4096.0, batch_size=64.0,
    input_tokens_per_output=3.0, mfu=0.4, mbu=0.7, memory_usable=0.9, utilization=0.5,
    electricity_usd_per_kwh=0.08, pue=1.3, server_power_factor=1.5, depreciation_years=5.0,
    cost_of_capital=0.1, facility_usd_per_kw_month=150.0)


def _set_params(spec, values):
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


@pytest.mark.parametrize("u,e,price", [(0.5, 0.08, 33600.0), (0.1, 0.2, 10000.0), (0.95, 0.03, 60000.0),
                                       (0.33, 0.125, 0.0)])
def test_browser_formula_agrees_with_package(u, e, price):
    spec = figures.slider(INP, readout_format=".12g").to_dict()
    _set_params(spec, {"utilization": u, "electricity": e, "price": price})
    svg = vlc.vegalite_to_svg(spec)
    match = re.search(r"At these settings: ([0-9.eE+-]+) per million tokens", svg)
    assert match, "readout text not found in the rendered chart"
    browser = float(match.group(1))
    package = float(m.cost_per_mtok({**INP, "utilization": u, "electricity_usd_per_kwh": e,
                                     "price_usd": price})["total"])
    assert browser == pytest.approx(package, rel=1e-6)
