"""The referee's findings on the tape-out chapter, each against a hand-made case: tape-out to availability on
the footing of what the tape-out date shows, architecture gaps that span an undated generation, the ledger's
C9 and C10 below the sample a median needs, and the programs table's stated coverage."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml

from tokenfactory import paths
from tokenfactory.claims import evidence, ledger, rules
from tokenfactory.claims.params import Params as ClaimsParams
from tokenfactory.tapeout import chapter as ch
from tokenfactory.tapeout import model as m
from tokenfactory.tapeout.intervals import DAYS_PER_MONTH


def _row(program, milestone, date, precision="day", generation=1, kind="event", basis=None, accelerator=None):
    return {"program": program, "vendor": "V", "family": "F", "generation": generation, "accelerator": accelerator,
            "kind": "merchant_gpu", "milestone": milestone, "date": pd.Timestamp(date), "date_precision": precision,
            "self_reported": False, "date_kind": kind, "date_basis": basis, "source_url": "https://x",
            "as_of": pd.Timestamp("2026-01-01"), "estimate": False, "notes": None}


def _t2a_case() -> pd.DataFrame:
    """Four programs, each dated from tape-out (or what stands for it) to general availability, by the day:
    T (a tape-out event, 100 days), W (wafers out, 200 days), S (silicon exists, 300 days) and I (an inferred
    'taped out' date, a later statement that it had taped out: 400 days)."""
    rows = []
    for name, basis, kind, days in (("T", None, "event", 100), ("W", "wafers out: x", "inference", 200),
                                    ("S", "silicon exists: x", "inference", 300),
                                    ("I", "taped out: said so later", "inference", 400)):
        rows.append(_row(name, "tapeout", "2024-01-01", kind=kind, basis=basis))
        rows.append(_row(name, "general_availability", pd.Timestamp("2024-01-01") + pd.Timedelta(days=days)))
    return pd.DataFrame(rows)


def test_tapeout_to_availability_is_a_lower_bound_when_the_date_is_later_than_the_tapeout():
    progs = _t2a_case()
    wide = m.milestone_table(progs)
    d = m.tapeout_to_availability(wide, m.tapeout_basis(progs)).set_index("program")
    # day precision on both ends: the duration is exact, days / days per month
    assert d.loc["W", "mid"] == pytest.approx(200 / DAYS_PER_MONTH)
    assert d.loc["W", "basis"] == "wafers out" and d.loc["S", "basis"] == "silicon exists"
    # only the tape-out event itself starts at the tape-out; the other three start no earlier than it
    assert d["lower_bound"].to_dict() == {"T": False, "W": True, "S": True, "I": True}


def test_tapeout_to_availability_text_gives_the_range_below_the_sample_a_median_needs():
    progs = _t2a_case()
    d = m.tapeout_to_availability(m.milestone_table(progs), m.tapeout_basis(progs))
    few = ch.tapeout_to_ga_text(d, needed=5)
    # 100 and 400 days are 3.3 and 13 months: the range with its programs, no median
    assert "run from 3.3 to 13 months" in few and "median" not in few.split("too few")[0]
    assert "too few (4 of the 5 a median would need)" in few
    assert "3 of those start from a date no earlier than the tape-out" in few
    assert "W from wafers out of the fab" in few and "S from silicon that already existed" in few
    assert "I from a later statement that it had taped out" in few and "T from" not in few
    # with enough durations a median (200 and 300 days: 250 days = 8.2 months), itself only a lower bound
    enough = ch.tapeout_to_ga_text(d, needed=4)
    assert enough.startswith(f"the median of the 4 dated durations is {250 / DAYS_PER_MONTH:.1f} months")
    assert enough.endswith("and so is the median")
    # only tape-out events: a plain median, nothing to qualify
    only_t = d[~d["lower_bound"]]
    assert ch.tapeout_to_ga_text(only_t, needed=1) == f"the median of the 1 dated durations is {100 / DAYS_PER_MONTH:.1f} months"
    assert ch.tapeout_to_ga_text(d.iloc[0:0], needed=5) == "no program dates both its tape-out and its availability"


def _arch_with_gap():
    """One product line, architectures at generations 1, 2, 3: generation 2 has no availability date."""
    wide = pd.DataFrame({"program": ["G1", "G2", "G3"], "vendor": "V", "family": "F", "generation": [1, 2, 3],
                         "accelerator": ["G1", "G2", "G3"], "kind": "custom_asic",
                         "availability_lo": pd.to_datetime(["2020-01-01", None, "2024-01-01"]),
                         "availability_hi": pd.to_datetime(["2020-01-01", None, "2024-01-01"])})
    acc = pd.DataFrame({"accelerator": ["G1", "G2", "G3"], "generation_kind": "architecture", "product_line": "L"})
    return wide, acc


def test_an_architecture_gap_names_the_undated_generation_it_spans():
    wide, acc = _arch_with_gap()
    g = m.architecture_gaps(wide, acc)
    # one gap, G1 to G3 (48 months), which spans G2: two generations read as one unless said so
    assert list(zip(g["from_program"], g["to_program"])) == [("G1", "G3")]
    assert g.loc[0, "mid"] == pytest.approx((pd.Timestamp("2024-01-01") - pd.Timestamp("2020-01-01")).days / DAYS_PER_MONTH)
    assert g.loc[0, "undated_between"] == "G2"
    # dated, G2 splits the gap in two and nothing is spanned
    wide.loc[1, ["availability_lo", "availability_hi"]] = pd.Timestamp("2022-01-01")
    g2 = m.architecture_gaps(wide, acc)
    assert list(g2["to_program"]) == ["G2", "G3"] and set(g2["undated_between"]) == {""}
    # an undated program of another line is not spanned
    wide.loc[1, ["availability_lo", "availability_hi"]] = pd.NaT
    other = acc.assign(product_line=["L", "M", "L"])
    assert m.architecture_gaps(wide, other).loc[0, "undated_between"] == ""


# --- the ledger (C9, C10) below the sample a median needs ---------------------------------------------------------

_TAPEOUT = {"nine_month_percentile": 0.125, "nine_month_percentile_low": 0.125, "nine_month_percentile_high": 0.125,
            "programs_with_design_and_tapeout": 3, "n_comparison": 4, "claimed_months": 9.0,
            "silicon_floor_months": 6.0, "claim_spec_to_silicon_months": 15.0, "spec_to_silicon_median_months": 27.0,
            "spec_to_silicon_lo": 24.0, "spec_to_silicon_hi": 30.0, "claim_deployment_targeted": 0.0,
            "median_design_to_tapeout_months": 21.0, "min_feasible_cycle_months": 4.0,
            "nvidia_architecture_gap_months": 24.0, "min_programs_typical": 5,
            "comparison_spec_min_months": 15.0, "comparison_spec_max_months": 45.0,
            "comparison_design_min_months": 9.0, "comparison_design_max_months": 39.0,
            "claim_position_summary": "3 of the 4 are longer and 1 shorter",
            "spec_to_silicon_summary": "the 4 comparison durations run from 15 to 45 months"}


def _verdict(cid: str, **changes):
    flat = evidence.flatten({"tapeout": {**_TAPEOUT, **changes}})
    return next(v for v in rules.assess(ledger.load(), evidence.Evidence(flat, "test", "upstream", {}), ClaimsParams())
                if v.claim.id == cid)


def test_c9_below_the_sample_quotes_the_count_and_the_range_never_a_percentile_or_median():
    v = _verdict("C9")
    checks = {c.metric: c for c in v.checks}
    pct = checks["tapeout.nine_month_percentile"]
    assert pct.value == "3 of the 4 are longer and 1 shorter"
    assert "percentile of those durations" not in pct.note and "3 of the 4 are longer" in pct.note
    spec = checks["tapeout.spec_to_silicon_median_months"]
    assert spec.value == "15 to 45 months (range)"
    assert "13th percentile" not in v.rule + v.reason
    # with five durations the same rule quotes the percentile and the median
    v5 = _verdict("C9", n_comparison=5)
    checks5 = {c.metric: c for c in v5.checks}
    assert checks5["tapeout.nine_month_percentile"].value == pytest.approx(0.125)
    assert "percentile of those durations" in checks5["tapeout.nine_month_percentile"].note
    assert checks5["tapeout.spec_to_silicon_median_months"].value == pytest.approx(27.0)


def test_c10_gives_the_design_range_below_the_sample_and_the_median_above_it():
    few = _verdict("C10").rule
    assert "design now takes 9 to 39 months across the 4 comparison durations, too few for a median" in few
    assert "at the median" not in few
    many = _verdict("C10", n_comparison=6).rule
    assert "design now takes 21 months at the median" in many


# --- the data: one first-deployment standard, and the coverage the metadata states ------------------------------

def test_the_programs_metadata_states_no_count_the_rows_contradict():
    meta = yaml.safe_load((paths.data_dir() / "chip_programs.meta.yml").read_text(encoding="utf-8"))
    rows = pd.read_csv(paths.data_dir() / "chip_programs.csv")
    for n in re.findall(r"[Cc]overs (\d+) programs", meta["description"]):
        assert int(n) == rows["program"].nunique(), f"chip_programs.meta.yml says {n} programs"
    assert "First deployment, one standard for every generation" in meta["description"]


def test_every_dated_nvidia_generation_has_an_availability_that_happened():
    """Under one first-deployment standard no NVIDIA generation whose first units reached a customer is left as a
    target: each program of the family has an availability that is an event or an inference, not only a target."""
    from tokenfactory.data import load

    progs = load("chip_programs")
    wide = m.milestone_table(progs, load("accelerators")).set_index("program")
    nv = wide[wide["vendor"] == "NVIDIA"]
    assert nv["availability_lo"].notna().all(), nv.index[nv["availability_lo"].isna()].tolist()
    rubin = progs[(progs["program"] == "NVIDIA Rubin") & (progs["milestone"] == "first_deployment")].iloc[0]
    assert rubin["date_kind"] in m.HAPPENED and pd.Timestamp(rubin["date"]) <= pd.Timestamp(rubin["as_of"])
