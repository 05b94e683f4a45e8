"""One book, one answer: no chapter page states a conclusion on a claim that the ledger contradicts.

A chapter that concludes on a claim glues `claim_verdict_<id>`, computed by the ledger's own rule from
that chapter's results (`claims.rules.chapter_verdict`). These tests run the ledger itself (the claims
chapter, as the build does) on the same results and require the same word, on the real data and on
synthetic variants that move the verdict; and they forbid a chapter notebook from typing a verdict word
about a claim instead of gluing it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from tokenfactory.claims import chapter as claims_chapter
from tokenfactory.claims import ledger
from tokenfactory.claims.params import Params as ClaimsParams
from tokenfactory.claims.rules import NOT_SUPPORTED, SELF_REPORTED, VERDICTS
from tokenfactory.data import load
from tokenfactory.tapeout import chapter as tapeout
from tokenfactory.tapeout.params import Params as TapeoutParams

ROOT = Path(__file__).resolve().parents[1]
CHAPTER_NOTEBOOKS = ("compute_gap", "inference_tax", "tapeout", "flywheel")


def _ledger_verdicts(upstream: dict) -> dict[str, str]:
    """The ledger's verdicts as the claims chapter computes and glues them."""
    r = claims_chapter.compute(ClaimsParams(), claims_chapter.load(load, upstream))
    return {k[len("verdict_"):].upper(): v for k, (v, _) in claims_chapter.glue_values(r).items()
            if k.startswith("verdict_c")}


def _page_and_ledger(inputs: tapeout.Inputs, **params) -> tuple[dict[str, str], dict[str, str]]:
    r = tapeout.compute(TapeoutParams(**params), inputs)
    glued = {k: v for k, (v, _) in tapeout.glue_values(r).items()}
    page = {k[len("claim_verdict_"):].upper(): v for k, v in glued.items() if k.startswith("claim_verdict_c")}
    ledger_v = _ledger_verdicts({"tapeout": {k: v for k, v in glued.items() if not k.startswith("claim_verdict_")}})
    return page, ledger_v


def _refuting_inputs() -> tapeout.Inputs:
    """The real tables plus a sourced design start of the claim's own chip two years before its tape-out:
    a dated event that refutes the nine months (synthetic, to move the verdict)."""
    base = tapeout.load(load)
    progs = base.programs
    tape = progs[(progs["program"] == "OpenAI Jalapeño") & (progs["milestone"] == "tapeout")].iloc[0]
    row = tape.copy()
    row["milestone"], row["date_kind"], row["date_basis"] = "design_start", "event", None
    row["date"] = tape["date"] - pd.DateOffset(years=3)
    return tapeout.Inputs(pd.concat([progs, row.to_frame().T], ignore_index=True), base.statements,
                          base.accelerators, base.estimates, base.problems)


def test_the_tapeout_page_glues_the_ledgers_verdict_for_each_of_its_claims():
    page, ledger_v = _page_and_ledger(tapeout.load(load))
    tested_here = {c.id for c in ledger.load().claims if c.chapter == "tapeout"}
    assert set(page) == tested_here
    for cid, word in page.items():
        assert word in VERDICTS
        assert word == ledger_v[cid], f"{cid}: the tape-out page says {word!r}, the ledger {ledger_v[cid]!r}"


@pytest.mark.parametrize("params", [{"claimed_months": 60.0}, {"claimed_months": 2.0}, {"fab_months": 12.0},
                                    {"vendors": ["Microsoft"]}])
def test_page_and_ledger_agree_when_the_inputs_move(params):
    page, ledger_v = _page_and_ledger(tapeout.load(load), **params)
    assert all(page[c] == ledger_v[c] for c in page)


def test_page_and_ledger_agree_when_a_dated_event_refutes_the_claim():
    page, ledger_v = _page_and_ledger(_refuting_inputs())
    assert page["C9"] == ledger_v["C9"] == NOT_SUPPORTED
    # and without that event the company's word stands on both
    page0, ledger0 = _page_and_ledger(tapeout.load(load))
    assert page0["C9"] == ledger0["C9"] == SELF_REPORTED


_VERDICT = "|".join(sorted((re.escape(v) for v in VERDICTS), key=len, reverse=True))
_TYPED = re.compile(r"\*\*(" + _VERDICT + r")\*\*", re.I)
_CLAIM = re.compile(r"\bC\d{1,2}\b")
_GLUE = re.compile(r"\{glue:[a-z]+\}`[^`]*`")


def typed_claim_verdicts(markdown: str) -> list[str]:
    """Sentences that name a claim and state a verdict word in bold typed by hand (not glued)."""
    out = []
    for block in re.split(r"\n\s*\n", markdown):
        if not _CLAIM.search(block):
            continue
        text = _GLUE.sub("", block)
        out += [m.group(0) for m in _TYPED.finditer(text)]
    return out


def test_typed_verdict_detector_on_hand_cases():
    assert typed_claim_verdicts("Claim C9 is **not supported** here.") == ["**not supported**"]
    assert typed_claim_verdicts("Claim C9 is {glue:text}`claim_verdict_c9_txt`.") == []
    assert typed_claim_verdicts("No claim named; **self-reported** dates.") == []


@pytest.mark.parametrize("name", CHAPTER_NOTEBOOKS)
def test_no_chapter_page_types_a_verdict_on_a_claim(name):
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            found += typed_claim_verdicts("".join(cell["source"]))
    assert not found, f"{name}.ipynb types verdicts by hand (glue claim_verdict_<id> instead): {found}"


def test_the_tapeout_page_states_its_claims_verdicts_by_glue():
    nb = json.loads((ROOT / "notebooks" / "tapeout.ipynb").read_text(encoding="utf-8"))
    text = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "claim_verdict_c9_txt" in text and "claim_verdict_c12_txt" in text
