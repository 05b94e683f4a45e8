"""What adding a chapter takes: a sixth chapter, added in a throw-away copy of the repository (its
book inputs and its package) the way CONTRIBUTING.md ("Adding a chapter") says, executes, publishes
its result, and is read by another chapter; the places touched are counted.

The five chapters run as their stand-ins (tests/notebooks, as in tests/test_pipeline.py); the new
chapter runs its own notebook, written here. The copied package is the one the build imports
(PYTHONPATH), so the registry entry and the chapter package are real edits of real files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from conftest import REPO, TOKENFACTORY, make_root, run_cli

pytestmark = pytest.mark.build

NEW = "sixth"

PACKAGE = {
    "__init__.py": f'"""Chapter `{NEW}`: a stand-in that shows what a new chapter needs."""\n',
    "params.py": '''"""Parameters of the chapter "A sixth chapter"."""

from ..params_base import ChapterParams, param


class Params(ChapterParams):
    weight: float = param(1.0, unit="× rows", meaning="Weight of each model row in the value", gt=0, le=10,
                          basis="a stand-in: no source")
''',
    "contract.py": f'''"""What the chapter `{NEW}` publishes and reads. See `tokenfactory.contract`."""

from ..contract import Contract, Output

CONTRACT = Contract(
    chapter="{NEW}",
    title="A sixth chapter",
    reads_data=("models",),
    publishes=(Output("value", "weighted rows"),),
    reads={{"tapeout": ("min_feasible_cycle_months",)}},
)
''',
}


def _notebook() -> nbformat.NotebookNode:
    """The new chapter's notebook: thin, as the book's are (title, parameters cell equal to the
    defaults, then load, compute, glue, show)."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("upstream = {}\nrun_context = {}\nweight = 1.0")
    params.metadata["tags"] = ["parameters", "remove-cell"]
    code = nbformat.v4.new_code_cell(
        "from tokenfactory import nb\n"
        "from tokenfactory.data import load\n"
        f"p = nb.setup({NEW!r}, globals())\n"
        "models = load('models').head(6)\n"
        "value = p.weight * len(models) + sum(v.get('value', 0) for v in upstream.values())\n"
        "nb.glue('value', value)\n"
        "nb.table(models[['model', 'notes']], caption='The rows counted')")
    code.metadata["tags"] = ["remove-input"]
    nb.cells = [nbformat.v4.new_markdown_cell("# A sixth chapter\n\nThe value is {glue:text}`value_txt`."),
                params, code]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _insert(path: Path, anchor: str, text: str, before: bool = True, replace: bool = False) -> None:
    source = path.read_text(encoding="utf-8")
    assert source.count(anchor) == 1, f"{path}: the anchor {anchor!r} is not found once; update this test"
    new = text if replace else text + anchor if before else anchor + text
    path.write_text(source.replace(anchor, new), encoding="utf-8")


def add_chapter(root: Path) -> list[str]:
    """Add the chapter `NEW` to the repository copy at `root`; return the places touched."""
    src = root / "src" / "tokenfactory"
    # 1. the registry: the chapter's id, at the end of CHAPTER_IDS
    _insert(src / "registry.py", '"claims")\n', f'"claims", "{NEW}")\n', replace=True)
    # 2. the chapter's package: its parameters and its contract (title, data tables, results; in a
    #    real chapter also its model)
    (src / NEW).mkdir()
    for name, text in PACKAGE.items():
        (src / NEW / name).write_text(text, encoding="utf-8")
    # 3. its notebook
    nbformat.write(_notebook(), root / "notebooks" / f"{NEW}.ipynb")
    # 4. its place in the table of contents
    _insert(root / "_toc.yml", "      - file: notebooks/claims\n", f"      - file: notebooks/{NEW}\n")
    return ["src/tokenfactory/registry.py", f"src/tokenfactory/{NEW}/", f"notebooks/{NEW}.ipynb", "_toc.yml"]


def read_by_flywheel(root: Path) -> list[str]:
    """The reader's side: the flywheel declares that it reads the new chapter's value."""
    path = root / "src" / "tokenfactory" / "flywheel" / "contract.py"
    _insert(path, "    reads={\n", f'        "{NEW}": ("value",),\n', before=False)
    return ["src/tokenfactory/flywheel/contract.py"]


def test_a_sixth_chapter_executes_publishes_and_is_read(tmp_path, monkeypatch):
    root = make_root(tmp_path / "repo")
    shutil.copytree(REPO / "src", root / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    monkeypatch.setenv("PYTHONPATH", str(root / "src"))   # the build imports the copied package

    touched = add_chapter(root)
    assert len(touched) <= 4, touched
    reader = read_by_flywheel(root)

    # the book's own contracts (not the stand-ins') accept the new chapter and its reader
    env = {k: v for k, v in os.environ.items() if k != "TOKENFACTORY_CONTRACTS"}
    env.update(TOKENFACTORY_ROOT=str(root), TOKENFACTORY_BUILD=str(root / "_build"))
    check = subprocess.run([str(TOKENFACTORY), "check"], capture_output=True, text=True, env=env, timeout=600)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "contracts of 6 chapters are valid" in check.stdout

    proc = run_cli("build", root=root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert f"{NEW}: executing" in proc.stdout
    out = root / "_build" / "default"
    results = json.loads((out / "results.json").read_text())["results"]
    # by hand: six rows each; sixth reads tapeout (6 + 6); flywheel reads inference_tax, tapeout and
    # sixth (6 + 6 + 6 + 12); claims reads compute_gap, inference_tax, tapeout, flywheel (6 + 18 + 30)
    assert results[NEW]["value"] == pytest.approx(12.0)
    assert results["flywheel"]["value"] == pytest.approx(30.0)
    assert results["claims"]["value"] == pytest.approx(54.0)
    page = (out / "html" / "notebooks" / f"{NEW}.html").read_text(encoding="utf-8")
    from tokenfactory.nb import fmt
    assert "A sixth chapter" in page and f'<span class="pasted-text">{fmt(12.0)}</span>' in page

    # its parameter is a parameter of the book: --set reaches it, and its reader follows
    proc = run_cli("build", "--set", f"{NEW}.weight=2", root=root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "compute_gap: unchanged, reused" in proc.stdout
    custom = json.loads((root / "_build" / "default-custom" / "results.json").read_text())["results"]
    assert custom[NEW]["value"] == pytest.approx(18.0) and custom["flywheel"]["value"] == pytest.approx(36.0)

    print(f"places touched to add a chapter: {len(touched)} ({', '.join(touched)}); "
          f"to read it from another: {len(reader)} ({', '.join(reader)})")
