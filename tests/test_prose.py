"""No typed number in the book's prose: book/*.md and every notebook's markdown.

A number a reader sees in text must be glued from a result (`{glue:text}`), so that it changes when
the result does. The allow-list in tokenfactory.prose is short and explicit: names that contain
digits (H100, GPT-4, Llama 3.3 70B), claim ids (C1..C12), dates in citations, quotations of a
source, and method notation (a standard error); an interval's level is glued.
"""

from __future__ import annotations

import json

import pytest

from tokenfactory import paths, prose


def _sources() -> dict[str, str]:
    out = {f"book/{p.name}": p.read_text(encoding="utf-8") for p in sorted(paths.book_dir().glob("*.md"))}
    for p in sorted(paths.notebooks_dir().glob("*.ipynb")):  # every notebook, new ones included
        nb = json.loads(p.read_text(encoding="utf-8"))
        out[f"notebooks/{p.name}"] = "\n\n".join("".join(c["source"]) for c in nb["cells"]
                                                  if c["cell_type"] == "markdown")
    return out


def test_every_notebook_and_book_page_is_checked():
    names = set(_sources())
    assert {f"notebooks/{p.name}" for p in paths.notebooks_dir().glob("*.ipynb")} <= names
    assert {"book/index.md", "book/methods.md"} <= names


@pytest.mark.parametrize("name", sorted(_sources()))
def test_no_typed_number_in_prose(name):
    hits = prose.typed_numbers(_sources()[name])
    assert not hits, f"{name}: typed numbers (glue them from a result): {hits}"


@pytest.mark.parametrize("text, hits", [
    ("The lag is {glue:text}`lag_txt` on an H100 serving Llama 3.3 70B (C9).", 0),
    ("GPT-4 and DeepSeek-V3 ([Epoch AI, 2024](https://epoch.ai/x)), as of March 2025, 2025-03-01.", 0),
    ("A {glue:text}`level_txt` interval; the source says \"about 4x a year\".", 0),
    ("The trend is -2 months per year (90% interval -3 to -1).", 4),   # an interval's level is glued too
    ("The lag is 12.7 months.", 1),
    ("Utilization matters: 60% of peak, and 3 programs.", 2),
    ("Growth since 2018 is fast.", 1),
])
def test_the_checker_on_hand_made_prose(text, hits):
    assert len(prose.typed_numbers(text)) == hits


@pytest.mark.parametrize("name", sorted(_sources()))
def test_no_typed_judgement_word_in_prose(name):
    hits = prose.typed_judgements(_sources()[name])
    assert not hits, f"{name}: typed judgements (glue them from a package function): {hits}"


def test_the_judgement_checker_on_hand_made_prose():
    assert prose.typed_judgements("Electricity barely matters; utilization is the biggest lever.") != []
    assert prose.typed_judgements("The lead is {glue:text}`most_sensitive_txt`; \"barely\" said the source.") == []
