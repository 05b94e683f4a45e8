"""The claims notebook and the summary page: parameters cell = defaults, a section per claim, and the
summary page glues only keys that the claims notebook glues."""

from __future__ import annotations

import ast
import re

import nbformat

from tokenfactory import paths
from tokenfactory.claims import chapter, ledger, report, sensitivity
from tokenfactory.claims.params import Params


def _nb():
    return nbformat.read(paths.notebooks_dir() / "claims.ipynb", as_version=4)


def _glued_text_keys() -> set[str]:
    """The `_txt` keys the notebook glues for the real ledger (chapter.glue_values, chapter.texts,
    sensitivity.glue_flips)."""
    import pandas as pd

    inputs = chapter.Inputs(ledger.load(), {}, {}, {"compute_gap": {"x": 1}})
    r = chapter.compute(Params(), inputs)
    keys = {f"{k}_txt" for k in chapter.glue_values(r)} | {f"{k}_txt" for k in chapter.texts(r)}
    return keys | {f"{k}_txt" for k in sensitivity.GLUED_KEYS}


def test_every_claim_has_its_section_and_every_glue_key_exists():
    text = "\n".join(c.source for c in _nb().cells if c.cell_type == "markdown")
    used = set(re.findall(r"\{glue:text\}`([a-z0-9_]+)`", text))
    assert used <= _glued_text_keys()
    for claim in ledger.load().claims:
        heading = f"### {report.heading(claim)}"
        assert heading + "\n\nTested in [" in text, f"{claim.id}: section missing or its heading differs from the ledger"
        assert f"]({claim.chapter}.ipynb)" in text


def test_summary_page_uses_only_glued_claims_keys_with_the_text_format():
    index = (paths.book_dir() / "index.md").read_text(encoding="utf-8")
    refs = re.findall(r"\{glue:text\}`\.\./notebooks/([a-z_]+)\.ipynb::([a-z0-9_]+):s`", index)
    assert len(refs) >= 10
    assert {k for nb, k in refs if nb == "claims"} <= _glued_text_keys()
    # every cross-page glue carries the ':s' format spec (without it the build fails)
    assert len(re.findall(r"\{glue:text\}`[^`]*::", index)) == len(refs)


def test_the_counts_cover_the_six_verdicts_and_sum_to_the_ledger():
    r = chapter.compute(Params(), chapter.Inputs(ledger.load(), {}, {}, {"compute_gap": {"x": 1}}))
    g = chapter.glue_values(r)
    keys = ("claims_supported", "claims_partly", "claims_not_supported", "claims_inconclusive",
            "claims_unverifiable", "claims_not_testable")
    assert sum(g[k][0] for k in keys) == len(ledger.load().claims) == g["claims_total"][0]
    assert {g[f"verdict_{c.id.lower()}"][0] for c in ledger.load().claims} <= set(report.VERDICT_LABEL)
