"""The package's layers hold: read from the imports themselves (every `from . import` in every module,
at module level or inside a function).

- core (contracts, formatting, units, paths, parameters, data, charts, freshness) imports no other layer;
- science (the chapter packages) imports core and science only: never the build, never the notebook
  glue (`nb`) — a chapter's `page.py`, what its notebook displays, belongs to the glue layer;
- glue (`nb`, `<chapter>/page.py`) imports core, science and glue, never the build;
- build (pipeline, site, CLI, ...) may import anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tokenfactory import registry

SRC = Path(registry.__file__).resolve().parent
CHAPTERS = set(registry.CHAPTER_IDS)
CORE = {"contract", "formatting", "memo", "units", "paths", "params_base", "data", "charts", "freshness"}
ALLOWED = {"core": {"core"}, "science": {"core", "science"}, "glue": {"core", "science", "glue"},
           "build": {"core", "science", "glue", "build"}}


def layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] in CHAPTERS:
        return "glue" if parts[-1] == "page" else "science"
    if parts[0] in CORE:
        return "core"
    if parts[0] == "nb":
        return "glue"
    return "build"


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[str, int]]:
    """The package modules `path` imports (relative imports, resolved), with their line."""
    here = _module(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - (node.level - 1)]
            names = [node.module] if node.module else [a.name for a in node.names]
            found += [(".".join([*base, *n.split(".")]), node.lineno) for n in names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tokenfactory."):
            found.append((node.module.removeprefix("tokenfactory."), node.lineno))
    return [(m, line) for m, line in found if m]


MODULES = sorted(p for p in SRC.rglob("*.py") if _module(p))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module(p))
def test_a_module_imports_only_its_layer_and_those_below(path):
    mine = layer(_module(path))
    wrong = [f"{target} ({layer(target)}) at line {line}" for target, line in imports(path)
             if layer(target) not in ALLOWED[mine]]
    assert not wrong, f"{_module(path)} ({mine}) imports {wrong}"


def test_the_layer_rules_catch_an_upward_import(tmp_path):
    """The scan itself: a science module importing the build or the glue is caught (a synthetic file)."""
    fake = SRC / "claims" / "_layer_probe.py"
    fake.write_text("from ..pipeline import build\nfrom .. import nb\nfrom ..formatting import fmt\n")
    try:
        got = [(t, layer(t)) for t, _ in imports(fake)]
    finally:
        fake.unlink()
    assert got == [("pipeline", "build"), ("nb", "glue"), ("formatting", "core")]
    assert {lay for _, lay in got} - ALLOWED["science"] == {"build", "glue"}
