"""The execution cache: which key a chapter's execution has, and the executed notebooks kept by key.

A chapter's executed notebook is a pure function of its key: its notebook, parameters, the data it
declares it reads, the upstream results it declares it reads, and the code the chapters run with
(`hashing.chapter_code_hash`: the package without the build, plus the installed distributions).
The pipeline and the Scenarios page both key and look up executions here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .. import paths
from ..registry import CHAPTERS, Chapter
from . import hashing


@dataclass
class ChapterRun:
    """One chapter of a build: its key, whether it was reused, how long it ran, what it glued."""

    id: str
    key: str
    reused: bool
    seconds: float
    results: dict[str, Any]


def upstream_for(chapter: Chapter, known: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """What a chapter is handed of its upstream chapters' results: only the keys its contract declares
    it reads (so that its cache key moves only when those move, and an undeclared read finds nothing)."""
    return chapter.contract.upstream_view({d: known[d] for d in chapter.reads_chapters if d in known})


def chapter_key(chapter: Chapter, params: dict[str, Any], upstream: dict[str, Any], package: str) -> str:
    """The key of one chapter's execution. `package` is `hashing.chapter_code_hash()`."""
    data = {p.name: hashing.file_hash(p) for t in chapter.reads_data
            for p in (paths.data_dir() / f"{t}.csv", paths.data_dir() / f"{t}.yaml") if p.exists()}
    return hashing.value_hash({
        "notebook": hashing.file_hash(chapter.notebook),
        "params": params,
        "data": data,
        "upstream": upstream,
        "package": package,
    })


def execution_waves_of(selected: list[str]) -> list[list[str]]:
    """The selected chapters in waves that can run together (each reads only earlier waves)."""
    from ..registry import execution_waves

    return [[c for c in wave if c in selected] for wave in execution_waves()]


def cache_dir() -> Path:
    """The shared execution cache (`_build/.cache`)."""
    return paths.build_dir() / ".cache"


class Cache:
    """Executed notebooks by key: this target's own and the shared, content-addressed cache.

    A chapter's executed notebook is a pure function of its key (notebook, parameters, data,
    upstream results, chapter code and environment), so a scenario or a custom build can reuse what another
    build already computed. Each entry's metadata is sealed and records the notebook's hash; an
    entry that fails either check is reported once, removed, and the chapter executes again.
    """

    def __init__(self, target: Path, previous: dict[str, Any], warn: Callable[[str], None]):
        self.target = target
        self.previous = previous
        self.warn = warn
        self._warned: set[str] = set()

    def _warn_once(self, what: str, reason: str) -> None:
        if what not in self._warned:
            self._warned.add(what)
            self.warn(f"warning: {what} is damaged ({reason}); recomputing")

    def lookup(self, cid: str, key: str) -> tuple[Path, dict[str, Any]] | None:
        prev = self.previous.get(cid, {})
        own = self.target / "notebooks" / f"{cid}.ipynb"
        if prev.get("key") == key and own.exists():
            if prev.get("notebook") == safe_hash(own):
                return own, prev
            self._warn_once(f"published notebook {cid}.ipynb", "its content differs from the recorded hash")
        nb_file = cache_dir() / f"{cid}-{key}.ipynb"
        meta_file = nb_file.with_suffix(".json")
        if not meta_file.exists() and not nb_file.exists():
            return None
        label = f"cache entry {cid}-{key[:12]}"
        try:
            meta = hashing.read_sealed(meta_file)
            if not isinstance(meta, dict) or "notebook" not in meta:
                raise hashing.Damaged("no notebook hash recorded")
        except FileNotFoundError:
            self._warn_once(label, "its metadata is missing")
            remove_files(nb_file, meta_file)
            return None
        except hashing.Damaged as exc:
            self._warn_once(label, str(exc))
            remove_files(nb_file, meta_file)
            return None
        if not nb_file.exists() or safe_hash(nb_file) != meta["notebook"]:
            self._warn_once(label, "the notebook does not match the hash recorded when it was written")
            remove_files(nb_file, meta_file)
            return None
        return nb_file, meta

    @staticmethod
    def store(cid: str, key: str, executed: Path, run: ChapterRun) -> None:
        cache = cache_dir()
        cache.mkdir(parents=True, exist_ok=True)
        nb_file = cache / f"{cid}-{key}.ipynb"
        data = executed.read_bytes()
        hashing.atomic_write_bytes(nb_file, data)
        hashing.write_sealed(nb_file.with_suffix(".json"), {
            "seconds": run.seconds, "results": run.results, "notebook": hashing.bytes_hash(data)})


def safe_hash(path: Path) -> str | None:
    """The file's hash, or None when it cannot be read."""
    try:
        return hashing.file_hash(path)
    except OSError:
        return None


def remove_files(*files: Path) -> None:
    """Remove each file that exists (errors ignored)."""
    for f in files:
        try:
            f.unlink()
        except OSError:
            pass


@dataclass
class Found:
    """What the cache holds for one scenario's chapters (see `find`)."""

    results: dict[str, dict[str, Any]]  # chapter -> the results of its cached execution
    keys: dict[str, str]                # chapter -> its key, for the chapters found
    missing: set[str]                   # "<chapter>-<key>" of the chapters keyed but not in the cache
    unknown: int                        # chapters that cannot be keyed: an upstream chapter is missing


def find(params_of: Callable[[str], dict[str, Any]], selected: list[str],
         lookup: Callable[[str, str], tuple[Path, dict[str, Any]] | None], package: str) -> Found:
    """Walk the selected chapters in dependency order, keying each from its parameters
    (`params_of(chapter)`, JSON) and the results found upstream, and looking the key up with
    `lookup(chapter, key)` (`Cache.lookup`). A chapter whose upstream was not found cannot be keyed
    before it runs. The pipeline sizes its work from this; the Scenarios page reads its results."""
    found = Found({}, {}, set(), 0)
    for wave in execution_waves_of(selected):
        for cid in wave:
            chapter = CHAPTERS[cid]
            deps = [d for d in chapter.reads_chapters if d in selected]
            if any(d not in found.results for d in deps):
                found.unknown += 1
                continue
            upstream = upstream_for(chapter, {d: found.results[d] for d in deps})
            key = chapter_key(chapter, params_of(cid), upstream, package)
            hit = lookup(cid, key)
            if hit is None:
                found.missing.add(f"{cid}-{key}")
            else:
                found.results[cid] = hit[1].get("results", {})
                found.keys[cid] = key
    return found
