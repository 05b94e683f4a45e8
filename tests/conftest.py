"""Shared fixtures: a throw-away copy of the repository, so builds never touch the real _build/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

REPO = Path(__file__).resolve().parents[1]
TOKENFACTORY = Path(sys.executable).parent / "tokenfactory"


def make_root(dest: Path, test_notebooks: bool = True) -> Path:
    """A copy of the repo's book inputs in `dest`; with `test_notebooks`, the small notebooks of
    tests/notebooks stand in for the chapters (fast pipeline tests)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(REPO / name, dest / name)
    for name in ("_static", "params", "data", "book"):
        shutil.copytree(REPO / name, dest / name)
    if test_notebooks:
        shutil.copytree(REPO / "tests" / "notebooks", dest / "notebooks", ignore=shutil.ignore_patterns("*.md"))
        shutil.copy2(REPO / "tests" / "notebooks" / "index.md", dest / "book" / "index.md")
        from tokenfactory.registry import CHAPTERS

        for cid, chapter in CHAPTERS.items():  # a chapter added to the registry gets a stand-in too
            if not (dest / "notebooks" / f"{cid}.ipynb").exists():
                write_standin(dest / "notebooks", cid, chapter.title)
    else:
        shutil.copytree(REPO / "notebooks", dest / "notebooks")
    return dest


def write_standin(folder: Path, cid: str, title: str) -> Path:
    """A stand-in notebook for chapter `cid` (the shape of every notebook in tests/notebooks): it
    validates the chapter's parameters, glues `value` = six rows of models + the values it reads from
    upstream, and shows one chart and one table."""
    import nbformat

    nb = nbformat.read(REPO / "tests" / "notebooks" / "compute_gap.ipynb", as_version=4)
    nb.cells[0].source = f"# {title} (pipeline test)\n\nThe value is {{glue:text}}`value_txt`."
    nb.cells[2].source = nb.cells[2].source.replace("'compute_gap'", repr(cid))
    for i, cell in enumerate(nb.cells):
        cell.id = f"{cid[:20]}-{i}"
    path = folder / f"{cid}.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def book_root(tmp_path, monkeypatch):
    """A repo copy with the test notebooks; TOKENFACTORY_ROOT/BUILD point at it."""
    root = make_root(tmp_path / "repo")
    monkeypatch.setenv("TOKENFACTORY_ROOT", str(root))
    monkeypatch.setenv("TOKENFACTORY_BUILD", str(root / "_build"))
    monkeypatch.setenv("TOKENFACTORY_CONTRACTS", str(root / "notebooks" / "contracts.py"))
    return root


@pytest.fixture(scope="session")
def standin_built(tmp_path_factory) -> Path:
    """The stand-in book (tests/notebooks) built once per test run with the defaults: a template that
    `built_root` copies, so that a test about a rebuild does not pay for a cold build first."""
    def make(folder: Path) -> None:
        root = make_root(folder / "repo")
        proc = run_cli("build", root=root)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    return _once(tmp_path_factory, "standin", make) / "repo"


@pytest.fixture
def built_root(standin_built, tmp_path, monkeypatch):
    """Like `book_root`, with the default stand-in book already built in it (a copy of the session's
    template: its execution cache, Sphinx folder and published site; the site's link is relative, so
    the copy is a build of its own, and a rebuild of it with nothing changed is a no-op)."""
    root = tmp_path / "repo"
    shutil.copytree(standin_built, root, symlinks=True)
    monkeypatch.setenv("TOKENFACTORY_ROOT", str(root))
    monkeypatch.setenv("TOKENFACTORY_BUILD", str(root / "_build"))
    monkeypatch.setenv("TOKENFACTORY_CONTRACTS", str(root / "notebooks" / "contracts.py"))
    return root


def run_cli(*args: str, root: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ, TOKENFACTORY_ROOT=str(root), TOKENFACTORY_BUILD=str(root / "_build"))
    standin = root / "notebooks" / "contracts.py"  # the stand-in chapters' contracts (tests/notebooks)
    if standin.exists():
        env["TOKENFACTORY_CONTRACTS"] = str(standin)
    else:
        env.pop("TOKENFACTORY_CONTRACTS", None)
    return subprocess.run([str(TOKENFACTORY), *args], capture_output=True, text=True, env=env, timeout=timeout)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder` with its size and mtime: to prove a refused command changed nothing."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- The real book, built once per test session (tests/test_book.py, tests/test_browser.py) ---

def _offline_prefix() -> list[str]:
    """Run with loopback only, where this machine allows it (root and util-linux's unshare)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("ip") is None:
        return []
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    return ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"'] if probe.returncode == 0 else []


def _build(out: Path, *args: str, cache: Path | None = None) -> subprocess.CompletedProcess:
    """A cold build: its own build folder, so no cached execution is reused (unless `cache` names
    another build's folder, whose unchanged chapters are then reused)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOKENFACTORY_")}
    env["TOKENFACTORY_BUILD"] = str(cache or out.parent / f"{out.name}-cache")
    # the serving fits are a pure function of data and code (tokenfactory.memo): computed once per
    # run, shared with the unit tests, which keep them under the repository's _build/
    env["TOKENFACTORY_FIT_CACHE"] = str(REPO / "_build" / ".cache" / "fits")
    cmd = [*_offline_prefix(), str(TOKENFACTORY), "build", "--out", str(out), *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO, timeout=1800)


def _shared(tmp_path_factory, name: str) -> Path:
    """A folder every pytest-xdist worker of this run shares (the run's base temp folder; without
    xdist, the session's own)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    return base / name


def _once(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """`make(folder)` run once per test run, whichever worker asks first; the others wait on a file
    lock and reuse the folder. A failed `make` leaves no `.done` mark, so the next asker tries again
    (and fails with its own message)."""
    from filelock import FileLock

    folder = _shared(tmp_path_factory, name)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder) + ".lock"):
        done = Path(str(folder) + ".done")
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A cold build of the default book (offline where possible), built once per test run and shared
    by every test (and every xdist worker) that reads it.

    TOKENFACTORY_TEST_SITE=_build/default reuses a site already built (while writing browser
    tests); `make test` always builds afresh."""
    given = os.environ.get("TOKENFACTORY_TEST_SITE")
    if given:
        return Path(given).resolve()

    def make(folder: Path) -> None:
        proc = _build(folder / "default")
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    return _once(tmp_path_factory, "book", make) / "default"
