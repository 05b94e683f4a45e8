"""The build pipeline end to end, on the small notebooks of tests/notebooks (fast).

Covers: output layout and results.json, incremental rebuilds, a failing chapter, the lock, an
interrupted build, bad input refused before anything runs, values reaching notebooks as data.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import run_cli, snapshot

pytestmark = pytest.mark.build


def _build(root: Path, *args: str) -> subprocess.CompletedProcess:
    proc = run_cli("build", *args, root=root)
    return proc


def test_cold_build_then_noop_then_one_change(book_root):
    proc = _build(book_root)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    target = book_root / "_build" / "default"
    assert (target / "html" / "index.html").exists()
    assert str(target / "html" / "index.html") in proc.stdout
    for cid in ("compute_gap", "inference_tax", "tapeout", "flywheel", "claims"):
        assert (target / "notebooks" / f"{cid}.ipynb").exists()
    results = json.loads((target / "results.json").read_text())
    # flywheel reads inference_tax and tapeout; claims reads all four: values add up through upstream
    base = results["results"]["compute_gap"]["value"]
    assert results["results"]["flywheel"]["value"] == pytest.approx(3 * base)
    assert results["results"]["claims"]["value"] == pytest.approx(base * (1 + 1 + 1 + 3 + 1))
    assert set(results["inputs"]["data"]) and results["inputs"]["package"]
    assert set(results["seconds"]) == set(results["results"])
    assert results["parameters"]["claims"] == {k: v for k, v in results["parameters"]["claims"].items()}

    before = snapshot(target)
    proc = _build(book_root)
    assert proc.returncode == 0, proc.stderr
    assert "nothing changed" in proc.stdout and "executing" not in proc.stdout
    assert snapshot(target) == before, "a no-op rebuild must not touch the site"

    # a parameter change goes to the -custom folder and leaves the scenario's own folder alone
    proc = _build(book_root, "--set", _claims_change())
    assert proc.returncode == 0, proc.stderr
    custom = book_root / "_build" / "default-custom"
    assert (custom / "html" / "index.html").exists()
    assert snapshot(target) == before
    assert "executing" in proc.stdout


def test_only_changed_chapters_rerun(book_root):
    assert _build(book_root, "--out", str(book_root / "_build" / "x")).returncode == 0
    nb_path = book_root / "notebooks" / "tapeout.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("An extra sentence."))
    nbformat.write(nb, nb_path)
    proc = _build(book_root, "--out", str(book_root / "_build" / "x"))
    assert proc.returncode == 0, proc.stderr
    assert "tapeout: executing" in proc.stdout
    # tapeout's results did not change, so its readers are reused
    assert "flywheel: unchanged, reused" in proc.stdout
    assert "compute_gap: unchanged, reused" in proc.stdout


def test_failing_chapter_keeps_previous_site(book_root):
    out = book_root / "_build" / "default"
    assert _build(book_root).returncode == 0
    before = {k: v for k, v in snapshot(out).items() if not k.startswith("failed/")}
    nb_path = book_root / "notebooks" / "inference_tax.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('deliberate failure for the test')"))
    nbformat.write(nb, nb_path)
    proc = _build(book_root)
    assert proc.returncode == 1
    assert "chapter inference_tax failed in cell" in proc.stderr
    assert "ValueError: deliberate failure for the test" in proc.stderr
    assert (out / "failed" / "inference_tax.ipynb").exists()
    after = {k: v for k, v in snapshot(out).items() if not k.startswith("failed/")}
    assert after == before, "the previous site must stay as it was"
    assert not list((book_root / "_build").glob(".staging-*")), "staging folder left behind"


def test_second_build_is_refused_while_locked(book_root):
    from filelock import FileLock

    (book_root / "_build").mkdir()
    lock = FileLock(str(book_root / "_build" / ".default.lock"))
    with lock.acquire(timeout=0):
        proc = _build(book_root)
    assert proc.returncode == 1
    assert "another build of" in proc.stderr and "is running" in proc.stderr
    assert not (book_root / "_build" / "default").exists()


def test_interrupted_build_leaves_last_good_site(book_root, monkeypatch):
    from tokenfactory import config, pipeline, site

    target = book_root / "_build" / "default"
    assert _build(book_root).returncode == 0
    before = snapshot(target)
    (book_root / "book" / "methods.md").write_text("# Methods\n\nChanged.\n")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(site, "build_html", interrupted)
    with pytest.raises(KeyboardInterrupt):
        pipeline.build(config.resolve("default"), log=lambda m: None)
    assert snapshot(target) == before
    assert not list((book_root / "_build").glob(".staging-*"))


def _claims_change() -> str:
    from tokenfactory.params_base import sample_change
    from tokenfactory.registry import CHAPTERS

    name, value = sample_change(CHAPTERS["claims"].params)
    return f"claims.{name}={value!r}"


def _bad_inputs() -> list[tuple[tuple[str, ...], str]]:
    from tokenfactory.params_base import sample_change
    from tokenfactory.registry import CHAPTERS

    name, _ = sample_change(CHAPTERS["claims"].params)
    typo = name[:-1] + ("x" if name[-1] != "x" else "y")
    return [
        (("--scenario", "nope"), "unknown scenario 'nope'"),
        (("--set", "nochapter.x=1"), "unknown chapter 'nochapter'"),
        (("--set", f"claims.{typo}=1"), f"Did you mean {name!r}?"),
        (("--set", f"claims.{name}=maybe"), f"claims.{name} = 'maybe'"),
        (("--set", f"claims.{name}=nan"), "NaN"),
        (("--set", f"claims.{name}=1e300"), "allowed"),
        (("--set", "broken"), "expected CHAPTER.PARAM=VALUE"),
    ]


def test_bad_input_exits_2_and_changes_nothing(book_root):
    assert _build(book_root).returncode == 0
    before = snapshot(book_root / "_build")
    for args, message in _bad_inputs():
        for command in ("build", "check"):
            proc = run_cli(command, *args, root=book_root)
            assert proc.returncode == 2, (command, args, proc.stdout, proc.stderr)
            assert message in proc.stderr, (args, proc.stderr)
            assert "Traceback" not in proc.stderr
    assert snapshot(book_root / "_build") == before


def test_malformed_params_file_and_bad_data_exit_2(book_root, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("claims: {anything: [true\n")
    proc = run_cli("build", "--params", str(bad), root=book_root)
    assert proc.returncode == 2 and "malformed YAML at line" in proc.stderr
    models = book_root / "data" / "models.csv"
    models.write_text(models.read_text(encoding="utf-8").replace("closed", "half-open", 1), encoding="utf-8")
    proc = run_cli("build", root=book_root)
    assert proc.returncode == 2
    assert "data/models.csv, line" in proc.stderr and "half-open" in proc.stderr
    assert not (book_root / "_build" / "default").exists()


def test_values_reach_notebooks_as_data(tmp_path):
    """A string with quotes, newlines and Python in it arrives unchanged (papermill writes a literal)."""
    import papermill

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("text = ''")
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell("from myst_nb import glue\nglue('echo', text, display=False)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    src, out = tmp_path / "echo.ipynb", tmp_path / "echo.out.ipynb"
    nbformat.write(nb, src)
    evil = 'x"; import os; os._exit(3) #\n\'\'\' """ {__import__("sys")} \\n <script>'
    papermill.execute_notebook(str(src), str(out), parameters={"text": evil}, kernel_name="python3",
                               progress_bar=False)
    from tokenfactory.results import glued

    assert glued(out)["echo"] == evil


def test_compare_two_scenarios(book_root):
    from tokenfactory import config

    names = list(config.list_scenarios())
    other = next((n for n in names if n != "default"), "default")
    proc = run_cli("compare", "default", other, root=book_root)
    assert proc.returncode == 0, proc.stderr
    assert "value" in proc.stdout and "difference" in proc.stdout
    page = book_root / "_build" / "default" / "html" / "book" / "compare" / f"default-vs-{other}.html"
    assert page.exists() and "<table" in page.read_text()  # a page of the book, not a standalone file
    assert f"compare/default-vs-{other}.html" in (page.parent.parent / "scenarios.html").read_text()
    proc = run_cli("compare", "default", "nope", root=book_root)
    assert proc.returncode == 2 and "unknown scenario 'nope'" in proc.stderr


def test_pdf_of_the_built_book(book_root):
    from tokenfactory import browser

    if browser.chromium() is None:
        pytest.fail("Chromium is missing: .ci/run installs it")
    assert run_cli("build", root=book_root).returncode == 0
    front = book_root / "_build" / "default" / "html" / "book" / "index.html"
    assert "token-factory.pdf" not in front.read_text()  # no link to a PDF that was not made
    proc = run_cli("pdf", root=book_root)
    assert proc.returncode == 0, proc.stderr
    assert 'href="../_static/token-factory.pdf"' in front.read_text()
    pdf = book_root / "_build" / "default" / "html" / "_static" / "token-factory.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "Test chart" in text  # the chart title, drawn by Vega before printing
        assert "Release date" in text  # an axis title: the chart is in the PDF, not an empty box
