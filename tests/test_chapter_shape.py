"""One shape for every chapter (CONTRIBUTING.md, "The chapter's four calls"): `load(loader, upstream=None)`
and `compute(p, inputs)` in the package, and the same two lines in every notebook's compute cell.

Read from the registry, so a new chapter is held to it with no edit here."""

from __future__ import annotations

import importlib
import inspect
import json

import pytest

from tokenfactory.registry import CHAPTERS

TWO_LINES = "inputs = chapter.load(load, upstream)\nr = chapter.compute(p, inputs)\n"


def _chapter(cid: str):
    return importlib.import_module(f"tokenfactory.{cid}.chapter")


@pytest.mark.parametrize("cid", list(CHAPTERS))
def test_load_and_compute_have_the_one_signature(cid):
    mod = _chapter(cid)
    load = inspect.signature(mod.load).parameters
    assert list(load) == ["loader", "upstream"], f"{cid}.load{tuple(load)}: expected (loader, upstream=None)"
    assert load["upstream"].default is None, f"{cid}.load: upstream must default to None (a chapter run alone)"
    compute = inspect.signature(mod.compute).parameters
    assert list(compute) == ["p", "inputs"], f"{cid}.compute{tuple(compute)}: expected (p, inputs)"


@pytest.mark.parametrize("cid", list(CHAPTERS))
def test_the_notebook_computes_in_the_same_two_lines(cid):
    nb = json.loads(CHAPTERS[cid].notebook.read_text(encoding="utf-8"))
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code" and "chapter.compute(" in
             "".join(c["source"])]
    assert len(cells) == 1, f"{cid}: {len(cells)} cells call chapter.compute (expected one)"
    assert cells[0].startswith(TWO_LINES), f"{cid}: the compute cell must begin with\n{TWO_LINES}"


def test_a_chapter_that_reads_nothing_upstream_ignores_it():
    """compute_gap reads no other chapter: handing it upstream results changes nothing it loads."""
    from tokenfactory.compute_gap import chapter

    calls = []

    def loader(name):
        calls.append(name)
        raise FileNotFoundError(name)

    alone, fed = chapter.load(loader), chapter.load(loader, {"tapeout": {"x": 1.0}})
    assert alone.problems == fed.problems and set(alone.tables) == set(fed.tables)
    assert calls == list(chapter.TABLES) * 2
