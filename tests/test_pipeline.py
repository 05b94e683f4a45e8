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


def expected_values(root: Path, rows: int = 6) -> dict[str, float]:
    """What each stand-in chapter of `root` glues as `value`, from its contract alone: its rows of
    models plus the values of the chapters it reads."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("standin_contracts", root / "notebooks" / "contracts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    contracts = module.CONTRACTS
    values: dict[str, float] = {}

    def value(cid: str) -> float:
        if cid not in values:
            values[cid] = rows + sum(value(up) for up in contracts[cid].reads)
        return values[cid]

    return {cid: value(cid) for cid in contracts}


def test_cold_build_then_noop_then_one_change(book_root):
    proc = _build(book_root)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    target = book_root / "_build" / "default"
    assert (target / "html" / "index.html").exists()
    assert str(target / "html" / "index.html") in proc.stdout
    for cid in ("compute_gap", "inference_tax", "tapeout", "flywheel", "claims"):
        assert (target / "notebooks" / f"{cid}.ipynb").exists()
    results = json.loads((target / "results.json").read_text())
    # each stand-in glues its six rows of models plus the values of the chapters it reads: the values
    # add up through the declared reads (flywheel 6 + 6 + 6 = 18, claims 6 + 6 + 6 + 6 + 18 = 42)
    assert {cid: r["value"] for cid, r in results["results"].items()} == pytest.approx(expected_values(book_root))
    assert results["results"]["claims"]["value"] == pytest.approx(42.0)
    assert set(results["inputs"]["data"]) and results["inputs"]["package"]
    assert set(results["seconds"]) == set(results["results"])
    from tokenfactory import config
    defaults = config.resolve("default").params
    assert results["parameters"] == {cid: p.model_dump(mode="json") for cid, p in defaults.items()}

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


def test_only_changed_chapters_rerun(built_root):
    book_root = built_root
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


def test_failing_chapter_keeps_previous_site(built_root):
    book_root = built_root
    out = book_root / "_build" / "default"
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


def test_interrupted_build_leaves_last_good_site(built_root, monkeypatch):
    from tokenfactory import config
    from tokenfactory.build import pipeline, sitework

    book_root = built_root
    target = book_root / "_build" / "default"
    before = snapshot(target)
    (book_root / "book" / "methods.md").write_text("# Methods\n\nChanged.\n")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sitework.WarmSphinx, "build", interrupted)
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


def test_bad_input_exits_2_and_changes_nothing(built_root):
    book_root = built_root
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
    from tokenfactory.build.results import glued

    assert glued(out)["echo"] == evil


def test_compare_two_scenarios(built_root):
    book_root = built_root
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


def test_pdf_of_the_built_book(built_root):
    from tokenfactory.build import browser

    book_root = built_root
    if browser.chromium() is None:
        pytest.fail("Chromium is missing: .ci/run installs it")
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


def _pasted(html_file: Path) -> list[str]:
    """The glued values a page shows, in order."""
    import re

    return re.findall(r'<span class="pasted-text">([^<]*)</span>', html_file.read_text(encoding="utf-8"))


def _pages(html_dir: Path) -> dict[str, list[str]]:
    return {p.relative_to(html_dir).as_posix(): _pasted(p) for p in sorted(html_dir.rglob("*.html"))
            if "_static" not in p.parts and p.name not in ("genindex.html", "search.html")}


def test_one_parameter_rebuild_shows_new_numbers_on_every_page(built_root, tmp_path):
    """tapeout's value depends on one of its parameters; flywheel and claims read it, and the front
    page glues claims' value. After a one-parameter rebuild (incremental: Sphinx re-reads only what
    changed and what glues from it) every page shows what a cold build of the same parameters shows,
    and the front page, the claims page and the chapter itself show new numbers."""
    from tokenfactory.params_base import sample_change
    from tokenfactory.registry import CHAPTERS

    book_root = built_root
    name, value = sample_change(CHAPTERS["tapeout"].params)
    nb_path = book_root / "notebooks" / "tapeout.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    code = next(c for c in nb.cells if "nb.glue('value', value)" in c.source)
    code.source = code.source.replace("nb.glue('value', value)", f"value += 1000 * float(p.{name})\nnb.glue('value', value)")
    nbformat.write(nb, nb_path)

    out = book_root / "_build" / "inc"
    assert _build(book_root, "--out", str(out)).returncode == 0
    before = _pages(out / "html")
    proc = _build(book_root, "--out", str(out), "--set", f"tapeout.{name}={value!r}")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert "compute_gap: unchanged, reused" in proc.stdout and "inference_tax: unchanged, reused" in proc.stdout
    log = (out / "sphinx.log").read_text(encoding="utf-8")
    assert "book/data" not in log.split("updating environment")[1], "an unchanged page was read again"
    after = _pages(out / "html")
    for page in ("book/index.html", "notebooks/claims.html", "notebooks/flywheel.html", "notebooks/tapeout.html"):
        assert after[page] != before[page], f"{page} still shows the old numbers"

    # the same parameters built cold, in a build folder of their own: identical pages
    env = dict(os.environ, TOKENFACTORY_ROOT=str(book_root), TOKENFACTORY_BUILD=str(tmp_path / "cold-build"))
    from conftest import TOKENFACTORY

    cold = subprocess.run([str(TOKENFACTORY), "build", "--out", str(tmp_path / "cold"), "--set",
                           f"tapeout.{name}={value!r}"], capture_output=True, text=True, env=env, timeout=600)
    assert cold.returncode == 0, cold.stderr
    assert _pages(tmp_path / "cold" / "html") == after


def _cache_files(book_root: Path, cid: str) -> tuple[Path, Path]:
    nbs = sorted((book_root / "_build" / ".cache").glob(f"{cid}-*.ipynb"))
    assert len(nbs) == 1, nbs
    return nbs[0], nbs[0].with_suffix(".json")


def _assert_recovered(proc: subprocess.CompletedProcess, warning: str) -> None:
    assert proc.returncode == 0, proc.stderr + proc.stdout
    text = proc.stdout + proc.stderr
    lines = [line for line in text.splitlines() if "warning:" in line and warning in line]
    assert len(lines) == 1, text
    assert "Traceback" not in text


def test_damaged_cache_entries_are_recomputed_never_published(built_root):
    """A truncated executed notebook and an edited (still valid JSON) metadata file in the shared
    execution cache: each is reported in one line, its chapter executes again, and the site built
    from it shows the true numbers, not the edited ones."""
    book_root = built_root
    a = book_root / "_build" / "a"
    assert _build(book_root, "--out", str(a)).returncode == 0
    truth = json.loads((a / "results.json").read_text())["results"]

    nb_file, _ = _cache_files(book_root, "tapeout")
    nb_file.write_bytes(nb_file.read_bytes()[: nb_file.stat().st_size // 2])
    _, meta_file = _cache_files(book_root, "compute_gap")
    doc = json.loads(meta_file.read_text())
    doc["payload"]["results"]["value"] = 999.0
    meta_file.write_text(json.dumps(doc))

    b = book_root / "_build" / "b"
    proc = _build(book_root, "--out", str(b))
    _assert_recovered(proc, "cache entry tapeout-")
    _assert_recovered(proc, "cache entry compute_gap-")
    assert "tapeout: executing" in proc.stdout and "compute_gap: executing" in proc.stdout
    assert json.loads((b / "results.json").read_text())["results"] == truth
    assert "999" not in (b / "html" / "book" / "index.html").read_text()


def test_damaged_state_and_sphinx_folder_are_rebuilt(built_root):
    """A half-written state file, a published notebook edited behind the state's back, and an
    edited file in the kept Sphinx folder: one warning each, rebuilt, nothing damaged published."""
    book_root = built_root
    out = book_root / "_build" / "default"
    truth = json.loads((out / "results.json").read_text())["results"]
    state = out / "state.json"
    state.write_bytes(state.read_bytes()[:40])
    proc = _build(book_root)
    _assert_recovered(proc, "build state of default is damaged")
    assert "Site built" in proc.stdout  # not mistaken for a no-op
    assert json.loads((out / "results.json").read_text())["results"] == truth

    published = out / "notebooks" / "flywheel.ipynb"
    published.write_text(published.read_text().replace('"cells"', '"cells" ', 1))
    (book_root / "book" / "methods.md").write_text("# Methods\n\nChanged.\n")  # so the build is not a no-op
    proc = _build(book_root)
    _assert_recovered(proc, "published notebook flywheel.ipynb is damaged")

    env_pickle = next((book_root / "_build" / ".sphinx").glob("*/out/_build/.doctrees/environment.pickle"))
    env_pickle.write_bytes(env_pickle.read_bytes()[:100])
    (book_root / "book" / "methods.md").write_text("# Methods\n\nChanged again.\n")
    proc = _build(book_root)
    _assert_recovered(proc, "is damaged")
    assert "Sphinx folder" in proc.stdout
    assert "Changed again." in (out / "html" / "book" / "methods.html").read_text()
    assert json.loads((out / "results.json").read_text())["results"] == truth


#: The scenarios kept for the all-scenarios test: the default, one that moves only inference_tax
#: (so compute_gap and tapeout are shared with the default) and one that moves tapeout and flywheel.
#: Three show the sharing as well as ten, at a third of the Sphinx builds.
SHARING_SCENARIOS = ("default", "high_utilization", "fast_chip_cycles")


def test_all_scenarios_share_executions(book_root):
    from tokenfactory import config

    for extra in (book_root / "params").glob("*.yaml"):
        if extra.stem not in SHARING_SCENARIOS:
            extra.unlink()
    names = list(config.list_scenarios())
    assert sorted(names) == sorted(SHARING_SCENARIOS), names
    proc = run_cli("build", "--all-scenarios", root=book_root)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    for name in names:
        assert (book_root / "_build" / name / "html" / "index.html").exists()
    # a chapter executes once per distinct key: its parameters differ, or its upstream results
    # (the test notebooks' results ignore parameters, so only the first wave's parameters count)
    for cid in ("compute_gap", "inference_tax", "tapeout"):
        distinct = {json.dumps(config.resolve(n).params[cid].model_dump(mode="json"), sort_keys=True) for n in names}
        assert proc.stdout.count(f"▶ {cid}: executing") == len(distinct), proc.stdout
    assert "shared with another scenario" in proc.stdout or "unchanged, reused" in proc.stdout
    proc = run_cli("build", "--all-scenarios", root=book_root)
    assert proc.returncode == 0 and "executing" not in proc.stdout, proc.stdout
    other = next(n for n in names if n != "default")  # --scenario default is the flag's own default
    proc = run_cli("build", "--all-scenarios", "--scenario", other, root=book_root)
    assert proc.returncode == 2
