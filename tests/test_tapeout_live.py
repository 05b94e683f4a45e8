"""The tape-out page's live chart shows, at each check's setting, the cycle the package computes."""

import math

import pandas as pd
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


def _tiny_inputs():
    """Two programs dated by hand, the claim program, and two same-phase statements."""
    rows = [("A", "design_start", "2020-01-01", "day", "event", None),
            ("A", "tapeout", "2021-01-01", "day", "inference", "silicon exists: 'in testing'"),
            ("B", "design_start", "2018-01-01", "day", "event", None),
            ("B", "tapeout", "2020-01-01", "day", "event", None),
            ("OpenAI Jalapeño", "tapeout", "2025-01-01", "year", "inference", "taped out: inferred")]
    progs = pd.DataFrame([{"program": p, "vendor": "V", "family": p, "generation": 1, "accelerator": None,
                           "kind": "custom_asic", "milestone": ms, "date": pd.Timestamp(d), "date_precision": prec,
                           "self_reported": False, "date_kind": k, "date_basis": b, "source_url": "https://x",
                           "as_of": pd.Timestamp("2022-01-01"), "estimate": False, "notes": None}
                          for p, ms, d, prec, k, b in rows])
    # the parameters name statements of the data: the claim's id, and a same-phase statement (an id of the data,
    # given 10 months here)
    st = pd.DataFrame({"statement_id": ["openai_jalapeno_9_months", "celerity_9_months"], "speaker": ["X", "Y"],
                       "organization": ["X", "Y"], "statement": ["nine", "ten"], "phase": ["design_to_tapeout"] * 2,
                       "min_months": [9.0, 10.0], "max_months": [9.0, 10.0], "date_kind": ["event"] * 2,
                       "date_basis": [None] * 2, "source_url": ["https://x"] * 2,
                       "as_of": pd.to_datetime(["2026-01-01"] * 2), "notes": [None] * 2})
    return chapter.Inputs(programs=progs, statements=st, accelerators=None)


def test_live_chart_on_hand_dated_programs():
    """A: 2020-01-01 to 2021-01-01 (12.0 months), a date at which silicon existed: design 12.0 - 6 = 6.0;
    B: 2018-01-01 to 2020-01-01 (24.0 months), a tape-out: design 24.0; the statement: 10 months. Three
    durations, too few for a median: the chart takes the shortest (6) and the longest (24), plus the
    8-month floor (4 + 2 + 2): at no speed-up 14 to 32 months; at 20 times 8.3 to 9.2, shown "8 to 9"."""
    r = chapter.compute(Params(), _tiny_inputs())
    assert r.comparison["label"].tolist() == ["A", "Celerity as stated", "B"]
    checks = figures.live_cycle_checks(r)
    assert [c["set"] for c in checks] == [{"s": 1.0}, {"s": 4.0}, {"s": 20.0}]
    assert checks[0]["expect"] == ["takes 14 to 32 months"]
    assert checks[2]["expect"] == ["takes 8 to 9 months"]
    spec = figures.live_cycle(r).to_dict()
    _set(spec, {"s": 1.0})
    assert "takes 14 to 32 months" in vlc.vegalite_to_svg(spec)
    # the claim among them: 9 months lies between A (6) and the statement (10)
    assert chapter.texts(r)["claim_position"] == "2 of the 3 are longer and 1 shorter"
    # with enough durations (3 needed) the median design phase, 10 months, is the one line: 18 at no speed-up
    r3 = chapter.compute(Params(min_programs_typical=3), _tiny_inputs())
    assert figures.live_cycle_checks(r3)[0]["expect"] == ["takes 18 months"]
    assert r3.numbers["spec_to_silicon_median_months"] == pytest.approx(16.0, abs=0.05)   # 10 + 6
    assert not math.isnan(r3.numbers["nine_month_percentile"])
