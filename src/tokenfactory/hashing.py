"""Content hashes that decide whether a chapter must run again."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterable

from . import paths


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_hash(files: Iterable[Path], base: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(files):
        h.update(str(path.relative_to(base)).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def package_hash() -> str:
    """Every source file of the package: a change in the analysis code re-runs the chapters."""
    pkg = paths.package_dir()
    return tree_hash((p for p in pkg.rglob("*.py") if "__pycache__" not in p.parts), pkg)


def value_hash(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()
