"""The contract between chapters: what each chapter publishes and what it reads from the others.

Why a declared contract: chapters hand each other results by name (`inference_tax` glues
`cost_per_mtok_gpu_usd`, `flywheel` reads it). With untyped strings, a read of a key that nobody
publishes fails silently, and the reader falls back to a default without anyone noticing (the
November edition read `inference_tax.depreciation_years`, which was never glued, so the flywheel kept
a five-year fleet life whatever the reader set). Here each chapter declares:

- `title` and `reads_data`: what the chapter is called and the tables of data/ it loads;
- `publishes`: the results other chapters and the book's pages may read, each with a unit and a kind;
- `reads`: for each upstream chapter, the keys it reads.

The build refuses, before anything runs, a read of a key its chapter does not publish (`check`), and
after a chapter runs, a published key the chapter did not glue (`missing_outputs`). At run time a
chapter reads through `Contract.read`, which refuses an undeclared read by name.

This module is core: it imports nothing of the build, the notebooks or the chapters.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import os
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

#: What a published result is. "number" (a float or int with a unit), "count" (an integer), "share"
#: (a fraction 0-1), "text" (a label or a sentence), "verdict" (one of the ledger's six words),
#: "date" (ISO date string).
KINDS = ("number", "count", "share", "text", "verdict", "date")


class ContractError(ValueError):
    """A read that no chapter publishes, or a published result a chapter did not produce."""


class UndeclaredRead(KeyError):
    """A chapter read a key of another chapter that its contract does not declare."""

    def __str__(self) -> str:  # KeyError quotes its argument; the message reads better plain
        return str(self.args[0]) if self.args else "undeclared read"


@dataclass(frozen=True)
class Output:
    """One published result: its glued name, its unit (empty for text) and its kind."""

    name: str
    unit: str
    kind: str = "number"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.name.endswith("_txt"):
            raise ValueError(f"{self.name}: publish the value, not its display string (drop '_txt'); "
                             "nb.glue stores the display string beside it")


@dataclass(frozen=True)
class Contract:
    """What one chapter publishes and reads. `reads` maps an upstream chapter id to its keys."""

    chapter: str
    title: str = ""
    #: the tables of data/ the chapter loads (its cache key hashes them; loading another is refused)
    reads_data: tuple[str, ...] = ()
    publishes: tuple[Output, ...] = ()
    reads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = [o.name for o in self.publishes]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"{self.chapter}: published twice: {', '.join(dupes)}")
        if self.chapter in self.reads:
            raise ValueError(f"{self.chapter}: a chapter cannot read its own results")

    @property
    def published_names(self) -> frozenset[str]:
        return frozenset(o.name for o in self.publishes)

    @property
    def upstream_chapters(self) -> tuple[str, ...]:
        return tuple(self.reads)

    def declares(self, chapter: str, key: str) -> bool:
        return key in self.reads.get(chapter, ())

    def read(self, upstream: Mapping[str, Mapping[str, Any]] | None, chapter: str, key: str) -> Any:
        """The value `chapter` published under `key` in this build (None when absent).

        Raises UndeclaredRead when this chapter's contract does not declare the read, so that a
        typo or a new read cannot go unnoticed."""
        if not self.declares(chapter, key):
            raise UndeclaredRead(f"{self.chapter} reads {chapter}.{key}, which its contract does not declare; "
                                 f"add it to {self.chapter}'s contract reads (and to {chapter}'s publishes)")
        return ((upstream or {}).get(chapter) or {}).get(key)

    def number(self, upstream: Mapping[str, Mapping[str, Any]] | None, chapter: str, key: str) -> float | None:
        """`read`, as a finite float, or None (absent, null, text, NaN, infinite)."""
        value = self.read(upstream, chapter, key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        value = float(value)
        return value if math.isfinite(value) else None

    def upstream_view(self, results: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
        """Of the upstream chapters' results, only what this chapter declares it reads."""
        return {ch: {k: results.get(ch, {})[k] for k in keys if k in results.get(ch, {})}
                for ch, keys in self.reads.items()}


def reads_from_keys(keys: Iterable[str], chapters: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """"chapter.key" strings grouped by chapter (keys of other prefixes, such as facts, are skipped)."""
    known = set(chapters)
    out: dict[str, list[str]] = {}
    for full in keys:
        chapter, _, key = full.partition(".")
        if chapter in known and key:
            out.setdefault(chapter, [])
            if key not in out[chapter]:
                out[chapter].append(key)
    return {ch: tuple(ks) for ch, ks in out.items()}


def check(contracts: Mapping[str, Contract]) -> None:
    """Every declared read names a chapter of the book and a key that chapter publishes; the reads
    form no cycle. Raises ContractError listing every problem."""
    problems: list[str] = []
    for cid, c in contracts.items():
        if c.chapter != cid:
            problems.append(f"{cid}: its contract names chapter {c.chapter!r}")
        for up, keys in c.reads.items():
            if up not in contracts:
                problems.append(f"{cid} reads chapter {up!r}, which is not a chapter of the book "
                                f"(chapters: {', '.join(contracts)})")
                continue
            for key in keys:
                if key not in contracts[up].published_names:
                    problems.append(f"{cid} reads {up}.{key}, which {up} does not publish")
    if problems:
        raise ContractError("chapter contract broken:\n  " + "\n  ".join(problems))


def missing_outputs(contract: Contract, glued: Mapping[str, Any]) -> list[str]:
    """The published results a chapter's run did not glue (a value of None counts as glued: the
    chapter computed it and found none). A text result the book's pages alone read may be glued as
    its display string only (`name_txt`); one another chapter reads must be glued as a value."""
    return [o.name for o in contract.publishes
            if o.name not in glued and not (o.kind == "text" and f"{o.name}_txt" in glued)]


def contract_of(chapter_id: str) -> Contract:
    """A chapter's contract: `tokenfactory.<chapter_id>.contract.CONTRACT`, or, when the environment
    names a file of stand-in contracts (TOKENFACTORY_CONTRACTS, a Python file defining `CONTRACTS`;
    only the pipeline's tests use it, whose stand-in notebooks publish other results), its entry."""
    path = os.environ.get("TOKENFACTORY_CONTRACTS")
    if path:
        spec = importlib.util.spec_from_file_location("tokenfactory_standin_contracts", path)
        if spec is None or spec.loader is None:
            raise FileNotFoundError(f"TOKENFACTORY_CONTRACTS: cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.CONTRACTS[chapter_id]
    return importlib.import_module(f"tokenfactory.{chapter_id}.contract").CONTRACT
