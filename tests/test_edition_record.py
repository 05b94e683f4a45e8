"""`tokenfactory edition record`: an edition's results.json and edition.json from a synthetic
default build and the checkout it was made in (a tiny git repository with two data tables and its
own schema). Expectations are counted by hand from the rows written below."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import snapshot
from tokenfactory import cli
from tokenfactory.build import editions

# t: key (a, b); as_of newest 2026-02-01; one estimate of three rows (1/3); one empty as_of
T_CSV = ("a,b,v,as_of,estimate\n"
         "y,2,6,2026-02-01,false\n"
         "x,1,5,2025-12-31,true\n"
         "z,3,7,,\n")
# u: no as_of, no estimate column; its schema key names a column the CSV lacks
U_CSV = "name,v\nq,1\np,2\n"
SCHEMAS = '''
class T:
    def __init__(self, key):
        self.key = key

TABLES = {"t": T(("a", "b")), "u": T(("missing",))}
'''
COMMIT_DAY = "2026-03-04"


def _git(cwd: Path, *args: str) -> str:
    env = dict(os.environ, GIT_COMMITTER_DATE=f"{COMMIT_DAY}T12:00:00+00:00", GIT_AUTHOR_DATE=f"{COMMIT_DAY}T12:00:00+00:00")
    proc = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=cwd,
                          capture_output=True, text=True, env=env, check=True)
    return proc.stdout.strip()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def setup(tmp_path, monkeypatch):
    """A repository root (where editions/ is written) and a checkout at one commit with a default
    build of it in _build/default."""
    root = tmp_path / "repo"
    (root / "editions").mkdir(parents=True)
    monkeypatch.setenv("TOKENFACTORY_ROOT", str(root))
    monkeypatch.delenv("TOKENFACTORY_BUILD", raising=False)

    co = tmp_path / "checkout"
    (co / "data").mkdir(parents=True)
    (co / "data" / "t.csv").write_text(T_CSV, encoding="utf-8")
    (co / "data" / "u.csv").write_text(U_CSV, encoding="utf-8")
    pkg = co / "src" / "tokenfactory" / "data"
    pkg.mkdir(parents=True)
    (pkg.parent / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "schemas.py").write_text(SCHEMAS)
    (co / ".gitignore").write_text("_build/\n")
    _git(co, "init", "-q")
    _git(co, "add", "-A")
    _git(co, "commit", "-q", "-m", "data")
    build = co / "_build" / "default"
    build.mkdir(parents=True)
    payload = {"scenario": "default", "custom": False, "command": "tokenfactory build --scenario default",
               "results": {"ch": {"lag": 3.0, "word": "growing"}},
               "inputs": {"data": {n: _sha(co / "data" / n) for n in ("t.csv", "u.csv")}, "notebooks": {}, "package": "x"}}
    (build / "results.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return root, co, build


def test_records_results_and_tables(setup):
    root, co, build = setup
    target = editions.record(COMMIT_DAY, checkout=co)
    assert target == root / "editions" / COMMIT_DAY
    assert (target / "results.json").read_bytes() == (build / "results.json").read_bytes()
    meta = json.loads((target / "edition.json").read_text(encoding="utf-8"))
    assert list(meta) == ["edition", "commit", "commit_date", "built", "tables", "note"]
    assert meta["edition"] == COMMIT_DAY and meta["commit_date"] == COMMIT_DAY
    assert meta["commit"] == _git(co, "rev-parse", "--short", "HEAD")
    assert meta["built"].endswith("from a clean checkout of that commit (tokenfactory build, scenario default)")
    t, u = meta["tables"]["t"], meta["tables"]["u"]
    assert t == {"rows": 3, "newest": "2026-02-01", "estimate_share": pytest.approx(1 / 3),
                 "key": ["a", "b"], "keys": ["x | 1", "y | 2", "z | 3"]}
    assert u == {"rows": 2, "newest": None, "estimate_share": None, "key": None, "keys": None}


def test_the_recorded_keys_feed_row_changes(setup):
    """The keys recorded are those changes_page.row_changes compares with the data of a later build."""
    from tokenfactory.build import changes_page

    root, co, build = setup
    meta = json.loads((editions.record(COMMIT_DAY, checkout=co) / "edition.json").read_text())
    (root / "data").mkdir()
    (root / "data" / "t.csv").write_text("a,b,v,as_of,estimate\nx,1,5,2025-12-31,true\nw,9,1,2026-03-01,\n")
    assert changes_page.row_changes("t", meta["tables"]["t"]) == (["w | 9"], ["y | 2", "z | 3"])


def test_existing_edition_needs_force(setup):
    root, co, build = setup
    editions.record(COMMIT_DAY, checkout=co)
    before = snapshot(root / "editions")
    with pytest.raises(editions.EditionError, match="already exists.*--force"):
        editions.record(COMMIT_DAY, checkout=co)
    assert snapshot(root / "editions") == before
    payload = json.loads((build / "results.json").read_text())
    payload["results"]["ch"]["lag"] = 4.0
    (build / "results.json").write_text(json.dumps(payload))
    editions.record(COMMIT_DAY, checkout=co, force=True)
    assert json.loads((root / "editions" / COMMIT_DAY / "results.json").read_text())["results"]["ch"]["lag"] == 4.0
    assert sorted(p.name for p in (root / "editions").iterdir()) == [COMMIT_DAY]   # no staging left


@pytest.mark.parametrize("content, message", [
    (None, "results.json is missing"),
    ("{not json", "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"scenario": "default", "results": {"ch": 3}, "inputs": {"data": {"t.csv": "0"}}}', "`results` must map"),
    ('{"scenario": "default", "results": {}, "inputs": {"data": {"t.csv": "0"}}}', "`results` must map"),
    ('{"scenario": "cheap-chips", "results": {"ch": {}}, "inputs": {"data": {"t.csv": "0"}}}', "scenario 'cheap-chips'"),
    ('{"scenario": "default", "custom": true, "results": {"ch": {}}, "inputs": {"data": {"t.csv": "0"}}}', "custom parameters"),
    ('{"scenario": "default", "results": {"ch": {}}}', "inputs.data"),
])
def test_bad_build_is_refused_and_nothing_written(setup, content, message):
    root, co, build = setup
    if content is None:
        (build / "results.json").unlink()
    else:
        (build / "results.json").write_text(content)
    with pytest.raises(editions.EditionError, match=message):
        editions.record(COMMIT_DAY, checkout=co)
    assert snapshot(root / "editions") == {} and list((root / "editions").iterdir()) == []


def test_build_of_other_data_is_refused(setup):
    root, co, build = setup
    (co / "data" / "t.csv").write_text(T_CSV + "w,4,8,2026-03-01,false\n")
    (co / "data" / "new.csv").write_text("k\n1\n")
    with pytest.raises(editions.EditionError, match=r"data/new\.csv: in the checkout, not read.*|data/t\.csv: differs") as exc:
        editions.record(COMMIT_DAY, checkout=co)
    assert "data/t.csv: differs" in str(exc.value) and "data/new.csv: in the checkout" in str(exc.value)
    assert list((root / "editions").iterdir()) == []


@pytest.mark.parametrize("name, message", [
    ("december", "allowed is the commit's date"),
    ("2026-02-30", "not a calendar date"),
    ("../2026-03-04", "allowed is the commit's date"),
    ("2026-03-05", "named by the date of the commit.*2026-03-04"),
])
def test_bad_name_is_refused(setup, name, message):
    root, co, build = setup
    with pytest.raises(editions.EditionError, match=message):
        editions.record(name, checkout=co)
    assert list((root / "editions").iterdir()) == []


def test_suffix_name_and_dirty_checkout_are_said(setup):
    root, co, build = setup
    (co / "src" / "tokenfactory" / "data" / "schemas.py").write_text(SCHEMAS + "\n# edited\n")
    meta = json.loads((editions.record(COMMIT_DAY + "-b", checkout=co) / "edition.json").read_text())
    assert meta["edition"] == "2026-03-04-b" and "uncommitted changes" in meta["built"]


def test_not_a_git_checkout(setup, tmp_path):
    root, co, build = setup
    plain = tmp_path / "plain"
    (plain / "data").mkdir(parents=True)
    with pytest.raises(editions.EditionError, match="not a git checkout"):
        editions.record(COMMIT_DAY, build_dir=build, checkout=plain)


def test_cli_records_and_refuses(setup):
    root, co, build = setup
    runner = CliRunner()
    ok = runner.invoke(cli.app, ["edition", "record", COMMIT_DAY, "--checkout", str(co), "--from", str(build)])
    assert ok.exit_code == 0, ok.output
    assert "commit" in ok.output and (root / "editions" / COMMIT_DAY / "edition.json").exists()
    again = runner.invoke(cli.app, ["edition", "record", COMMIT_DAY, "--checkout", str(co)])
    assert again.exit_code == 2 and "already exists" in again.output
    missing = runner.invoke(cli.app, ["edition", "record", "2026-03-04-c", "--checkout", str(co),
                                      "--from", str(co / "nowhere")])
    assert missing.exit_code == 2 and "results.json is missing" in missing.output
    assert not (root / "editions" / "2026-03-04-c").exists()
