"""Content hashes: what decides whether a chapter must run again, and what proves that the build's
own files (cache entries, state) are the ones that were written.

Sealed files: `write_sealed` stores a JSON payload together with the SHA-256 of its canonical form,
written to a temporary file and renamed into place; `read_sealed` returns the payload only when the
file parses and the hash matches, and otherwise raises `Damaged` with a one-line reason. A file
truncated by a crash, or edited by hand, is thus told apart from a good one without trusting it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterable

from .. import paths


class Damaged(Exception):
    """A build file that is not what was written: truncated, edited, or unreadable."""


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def bytes_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tree_hash(files: Iterable[Path], base: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(files):
        h.update(str(path.relative_to(base)).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


#: What the chapters do not run: the build subpackage and the command line. Editing them changes
#: the book's site (see `package_hash`), never what a notebook computes.
NOT_CHAPTER_CODE = ("build", "cli.py")


def package_files(exclude: tuple[str, ...] = ()) -> list[Path]:
    """The package's source files, without those under the top-level names in `exclude`
    (a subpackage's folder or a module's file name)."""
    pkg = paths.package_dir()
    return sorted(p for p in pkg.rglob("*.py")
                  if "__pycache__" not in p.parts and p.relative_to(pkg).parts[0] not in exclude)


def package_hash() -> str:
    """Every source file of the package and the environment it runs in: what the site as a whole
    (its generated pages and assembly) is a function of."""
    return value_hash({"code": tree_hash(package_files(), paths.package_dir()), "environment": environment()})


def chapter_code_hash() -> str:
    """The code a chapter's notebook runs with: every source file of the package except the build
    and the CLI (`NOT_CHAPTER_CODE`), and the environment (Python and every installed distribution's
    version: an upgrade of pandas or Altair must not reuse notebooks executed with the old one).
    This is the `package` part of every chapter's cache key."""
    files = package_files(exclude=NOT_CHAPTER_CODE)
    return value_hash({"code": tree_hash(files, paths.package_dir()), "environment": environment()})


@functools.lru_cache(maxsize=1)
def environment() -> dict[str, str]:
    """The Python version and every installed distribution's version (this package's own excepted:
    its code is hashed file by file)."""
    from importlib import metadata

    versions = {}
    for dist in metadata.distributions():
        name = (dist.metadata["Name"] or "").lower()
        if name and name != "tokenfactory":
            versions[name] = dist.version
    return {"python": sys.version, **dict(sorted(versions.items()))}


def value_hash(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _canonical(payload: Any) -> bytes:
    return json.dumps(payload, sort_keys=True, default=str, separators=(",", ":")).encode()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a reader sees the old file or the new one, never half of it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def write_sealed(path: Path, payload: Any) -> None:
    """Store `payload` (JSON) with the hash of its content, atomically."""
    doc = {"sha256": bytes_hash(_canonical(payload)), "payload": payload}
    atomic_write_bytes(path, json.dumps(doc, indent=1, default=str).encode())


def read_sealed(path: Path) -> Any:
    """The payload `write_sealed` stored in `path`; `FileNotFoundError` if absent, `Damaged` if the
    file does not parse or its content no longer matches the hash recorded when it was written."""
    raw = path.read_bytes()
    try:
        doc = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise Damaged(f"{path.name} is not valid JSON (truncated?)") from None
    if not isinstance(doc, dict) or "payload" not in doc or "sha256" not in doc:
        raise Damaged(f"{path.name} has no recorded content hash")
    if bytes_hash(_canonical(doc["payload"])) != doc["sha256"]:
        raise Damaged(f"{path.name} does not match the content hash recorded when it was written")
    return doc["payload"]


def cached_text(path: Path, compute: Callable[[], str]) -> str:
    """The text in `path` if it is intact (its hash, recorded beside it when written, matches),
    else `compute()`, stored with its hash for next time. A damaged or half-written file is thus
    recomputed, never used. `path`'s name must carry the key of what `compute` depends on."""
    mark = path.with_name(path.name + ".sha256")
    try:
        data = path.read_bytes()
        if mark.read_text(encoding="utf-8").strip() == bytes_hash(data):
            return data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    text = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        atomic_write_bytes(path, data)
        atomic_write_bytes(mark, bytes_hash(data).encode())
    except OSError:
        pass
    return text
