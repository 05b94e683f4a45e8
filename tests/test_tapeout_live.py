"""The tape-out page's live chart shows, at each check's setting, the cycle the package computes."""

import re

import pytest
import vl_convert as vlc

from tokenfactory.tapeout import chapter, figures
from tokenfactory.tapeout.params import Params


@pytest.fixture(scope="module")
def result():
    from tokenfactory.data import load
    return chapter.compute(Params(), chapter.load(load))


def _set(spec, values):
    for prm in spec.get("params", []):
        if prm.get("name") in values:
            prm["value"] = values[prm["name"]]


def test_every_check_is_what_the_chart_draws(result):
    checks = figures.live_cycle_checks(result)
    assert len(checks) >= 3
    for check in checks:
        spec = figures.live_cycle(result).to_dict()
        _set(spec, check["set"])
        svg = vlc.vegalite_to_svg(spec)
        assert check["expect"][0] in svg


def test_no_speedup_gives_todays_design_phase_plus_the_floor(result):
    design = result.numbers["median_design_to_tapeout_months"]
    (first, *_) = figures.live_cycle_checks(result)
    assert first["set"] == {"s": 1.0}
    assert first["expect"][0] == f"takes {design + result.floor_months:.0f} months"
