"""The chapters of the book: what each one is called and which data it reads. What a chapter reads
from the others, and publishes for them, is its contract (`<chapter>/contract.py`, see
`tokenfactory.contract`); the pipeline orders execution from the contracts' reads.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .contract import Contract, check, contract_of
from .params_base import ChapterParams


@dataclass(frozen=True)
class Chapter:
    """One chapter: its id names its package (`tokenfactory.<id>`), notebook and contract."""

    id: str

    @property
    def contract(self) -> Contract:
        return contract_of(self.id)

    @property
    def title(self) -> str:
        return self.contract.title

    @property
    def reads_data(self) -> tuple[str, ...]:
        """The tables of data/ this chapter loads (from its contract)."""
        return self.contract.reads_data

    @property
    def reads_chapters(self) -> tuple[str, ...]:
        """The chapters whose results this one reads (from its contract)."""
        return self.contract.upstream_chapters

    @property
    def notebook(self) -> Path:
        return paths.notebooks_dir() / f"{self.id}.ipynb"

    @property
    def params(self) -> type[ChapterParams]:
        return importlib.import_module(f"tokenfactory.{self.id}.params").Params


#: The book's chapters, in the order of its table of contents. Adding a chapter: its package (with
#: `contract.py`), its notebook, this line and `_toc.yml` (see CONTRIBUTING.md).
CHAPTER_IDS = ("compute_gap", "inference_tax", "tapeout", "flywheel", "claims")

CHAPTERS: dict[str, Chapter] = {cid: Chapter(cid) for cid in CHAPTER_IDS}


def contracts(chapters: dict[str, Chapter] | None = None) -> dict[str, Contract]:
    chapters = CHAPTERS if chapters is None else chapters
    return {cid: ch.contract for cid, ch in chapters.items()}


def check_contracts(chapters: dict[str, Chapter] | None = None) -> None:
    """Refuse, before anything runs, a chapter that reads a result its upstream does not publish
    (ContractError names each such read)."""
    check(contracts(chapters))


def execution_waves(chapters: dict[str, Chapter] | None = None) -> list[list[str]]:
    """Chapters grouped so that each wave only reads results of earlier waves."""
    chapters = CHAPTERS if chapters is None else chapters
    done: set[str] = set()
    waves: list[list[str]] = []
    remaining = dict(chapters)
    while remaining:
        wave = [cid for cid, ch in remaining.items() if set(ch.reads_chapters) <= done]
        if not wave:
            raise ValueError(f"circular chapter dependencies among: {', '.join(remaining)}")
        waves.append(wave)
        done.update(wave)
        for cid in wave:
            remaining.pop(cid)
    return waves
