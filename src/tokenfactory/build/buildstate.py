"""The state a build leaves in its folder, and the fast no-op check (imports nothing heavy).

`state.json` is sealed (`hashing.write_sealed`): it records the key of every chapter, the hash of
the executed notebook published for it, the key of the site, and the *request key*: a hash of the
command's request (scenario, parameters file, `--set` values, output folder) and of every input
file (parameters, data, notebooks, pages, static files, configuration, package source). Parameters
are resolved, validated and executed as a pure function of these, so a build whose request key
equals the one recorded beside a published site has nothing to do (the key also covers what the
generated pages read: the execution cache's entries, comparisons, sibling sites, the edition): `quick_noop` answers that in a
few milliseconds, before pandas or pydantic are even imported. Anything else takes the full path.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from . import hashing
from .. import paths

STATE = "state.json"
ROOT_FILES = ("_config.yml", "_toc.yml", "CITATION.cff")


def read_state(target: Path, warn: Callable[[str], None] | None = None) -> dict[str, Any]:
    """The sealed state of a build folder; {} when absent or damaged (with a one-line warning)."""
    try:
        state = hashing.read_sealed(target / STATE)
    except FileNotFoundError:
        return {}
    except (hashing.Damaged, OSError) as exc:
        if warn is not None:
            warn(f"warning: build state of {target.name} is damaged ({exc}); recomputing")
        return {}
    return state if isinstance(state, dict) else {}


def input_files() -> list[Path]:
    """Every repository file a build reads."""
    root = paths.root()
    files = [root / n for n in ROOT_FILES if (root / n).exists()]
    for folder in (paths.book_dir(), root / "_static", paths.data_dir(), paths.notebooks_dir(), paths.params_dir(),
                   root / "editions"):
        if folder.exists():
            files += [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                      and ".ipynb_checkpoints" not in p.parts]
    return files


def _generated_inputs(target: Path) -> dict[str, Any]:
    """A cheap superset of what the generated pages read beyond the repository's files: the
    executions in the cache (Scenarios page), the comparisons written, the sites built beside this
    one (this one counted as built: the key is recorded as its site is published), and the
    edition (last commit)."""
    import subprocess

    build = paths.build_dir()
    compare = sorted((build / "compare").glob("*.md")) if (build / "compare").exists() else []
    try:
        head = subprocess.run(["git", "-C", str(paths.root()), "log", "-1", "--format=%cs %H"],
                              capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        head = ""
    return {
        "cache": sorted(p.name for p in (build / ".cache").glob("*.json")) if (build / ".cache").exists() else [],
        "compare": hashing.tree_hash(compare, build) if compare else "",
        "sites": sorted({p.parent.parent.name for p in build.glob("*/html/index.html")}
                        | ({target.name} if target.parent == build else set())),
        "edition": head,
    }


def request_key(scenario: str, params_file: Path | None, sets: list[str] | tuple[str, ...],
                target: Path) -> str:
    params_bytes = None
    if params_file is not None:
        try:
            params_bytes = hashing.file_hash(Path(params_file))
        except OSError:
            params_bytes = "unreadable"
    return hashing.value_hash({
        "scenario": scenario, "params_file": params_bytes, "sets": list(sets or ()),
        "target": str(target), "inputs": hashing.tree_hash(input_files(), paths.root()),
        "package": hashing.package_hash(), "generated": _generated_inputs(target),
    })


def default_target(scenario: str, params_file: Path | None, sets: Any, out: Path | None) -> Path:
    if out is not None:
        return Path(out).resolve()
    custom = params_file is not None or bool(sets)
    return paths.build_dir() / (scenario + ("-custom" if custom else ""))


def quick_noop(scenario: str, params_file: Path | None, sets: Any, out: Path | None) -> Path | None:
    """The target folder if it already holds exactly this request's site, else None."""
    target = default_target(scenario, params_file, sets, out)
    if not (target / STATE).exists() or not (target / "html" / "index.html").exists():
        return None
    state = read_state(target)
    recorded = state.get("request_key")
    if not recorded:
        return None
    try:
        key = request_key(scenario, params_file, sets, target)
    except OSError:
        return None
    return target if key == recorded else None


def pid_tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")
