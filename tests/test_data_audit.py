"""`tokenfactory data audit` and `data status`, and the audit record on the Data page.

The draw is checked against an independent record: the December 2026 audit drew its sample A with
`random.seed(1206); random.sample(rows, 50)` over the data of commit debc696 and listed each row's
table and line (reviews/2026-12-data-audit.md, copied into data/audits.yaml); the same draw from the
package must give the same 50 rows.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenfactory import freshness
from tokenfactory.cli import app
from tokenfactory.data import audit

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def root(tmp_path, monkeypatch):
    dest = tmp_path / "repo"
    shutil.copytree(REPO / "data", dest / "data")
    monkeypatch.setenv("TOKENFACTORY_ROOT", str(dest))
    return dest


def test_draw_is_reproducible_and_seed_dependent(root):
    a = audit.sample(20, 7)
    assert a == audit.sample(20, 7)
    assert a != audit.sample(20, 8)
    assert len({(i.table, i.line) for i in a}) == 20  # without replacement
    only = audit.sample(5, 7, ["api_prices"])
    assert {i.table for i in only} == {"api_prices"}


def test_drawn_rows_are_the_rows_of_the_file(root):
    for it in audit.sample(10, 3):
        table = list(csv.DictReader(io.StringIO((root / "data" / f"{it.table}.csv").read_text(encoding="utf-8"))))
        cells = table[it.line - 2]  # line 2 = first data row
        assert cells.get("source_url", "") == it.source_url and cells.get("as_of", "") == it.as_of


def test_bad_requests_are_refused(root):
    with pytest.raises(ValueError, match="exceeds"):
        audit.sample(10 ** 7, 1)
    with pytest.raises(ValueError, match="unknown table"):
        audit.sample(1, 1, ["nope"])
    res = CliRunner().invoke(app, ["data", "audit", "--sample", "3", "--seed", "1", "--table", "nope"])
    assert res.exit_code == 2 and "unknown table" in res.output


def test_cli_writes_nothing_unless_out(root, tmp_path):
    before = sorted(p.name for p in (root / "data").iterdir())
    res = CliRunner().invoke(app, ["data", "audit", "--sample", "4", "--seed", "11"])
    assert res.exit_code == 0, res.output
    assert "Audit draw: 4 rows, seed 11" in res.output
    assert sorted(p.name for p in (root / "data").iterdir()) == before
    out = tmp_path / "check.csv"
    res = CliRunner().invoke(app, ["data", "audit", "--sample", "4", "--seed", "11", "--out", str(out)])
    assert res.exit_code == 0
    got = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["table"], int(r["line"])) for r in got] == [(i.table, i.line) for i in audit.sample(4, 11)]
    assert set(got[0]) == set(audit.CHECKLIST) and got[0]["verdict"] == ""


def _data_at(commit: str, dest: Path) -> bool:
    try:
        names = subprocess.run(["git", "-C", str(REPO), "ls-tree", "--name-only", f"{commit}:data"],
                               capture_output=True, text=True, check=True).stdout.split()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return False
    (dest / "data").mkdir(parents=True)
    for n in names:
        if n.endswith(".csv"):
            blob = subprocess.run(["git", "-C", str(REPO), "show", f"{commit}:data/{n}"], capture_output=True, check=True).stdout
            (dest / "data" / n).write_bytes(blob)
    return True


def test_the_december_draw_is_repeated(tmp_path, monkeypatch):
    record = audit.load_audits()[0]  # from the repository's data/audits.yaml
    if not _data_at(record.data_commit, tmp_path / "then"):
        pytest.skip(f"commit {record.data_commit} not available")
    monkeypatch.setenv("TOKENFACTORY_ROOT", str(tmp_path / "then"))
    drawn = [(i.table, i.line) for i in audit.sample(50, 1206)]
    listed = [(t, line) for s, _, t, line, _ in record.rows if s == "A"]
    assert drawn == listed


def test_the_december_record_adds_up():
    a = audit.load_audits()[0]
    # the report's own totals: sample A 50 rows, 41 verified, 3 mismatched, 6 wrong meaning; sample B 15 verified
    assert audit.counts(a.rows, "A") == {"rows": 50, "verified": 41, "mismatch": 3, "definition": 6, "unverifiable": 0}
    assert audit.counts(a.rows, "B") == {"rows": 15, "verified": 15, "mismatch": 0, "definition": 0, "unverifiable": 0}
    # its sample A by table, as the report states it
    by_table = {t: audit.counts(a.rows, "A", t)["rows"] for t in {r[2] for r in a.rows}}
    assert by_table == {"benchmark_scores": 38, "api_prices": 4, "models": 2, "serving_benchmarks": 2,
                        "training_compute": 2, "accelerators": 1, "asic_cycle_statements": 1}
    assert audit.verdict_text(audit.counts(a.rows, "A")) == \
        "50 rows: 41 verified, 3 mismatched, 6 right figure in the wrong meaning"


def test_audit_record_errors_are_named(root):
    (root / "data" / "audits.yaml").write_text("audits:\n  - id: x\n    date: 2026-12-01\n    rows:\n      - [A, A-1, models, 3, fine]\n")
    with pytest.raises(ValueError, match="verdict 'fine' not one of"):
        audit.load_audits()
    res = CliRunner().invoke(app, ["data", "status"])
    assert res.exit_code == 2 and "audits.yaml" in res.output


def test_status_date_basis_mix(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENFACTORY_ROOT", str(tmp_path))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("k,date_basis,as_of\n1,effective,2026-01-02\n2,page_date,2026-03-04\n"
                                             "3,effective,2025-01-01\n4,,2025-02-02\n")
    (tmp_path / "data" / "b.csv").write_text("k,as_of\n1,2024-05-06\n2,2024-05-07\n")
    a, b = freshness.table_status("a"), freshness.table_status("b")
    assert a.date_basis == (("effective", 2), ("event/unstated", 1), ("page_date", 1))
    assert a.newest == "2026-03-04"
    assert b.date_basis == (("event/unstated", 2),)
    res = CliRunner().invoke(app, ["data", "status"])
    assert res.exit_code == 0
    assert "effective 2, event/unstated 1, page_date 1" in res.output and "event/unstated 2" in res.output
    assert "never" in res.output  # no audits.yaml: never audited


def test_status_shows_the_last_audit(root):
    res = CliRunner().invoke(app, ["data", "status"])
    assert res.exit_code == 0
    assert "December 2026" in res.output


def test_data_page_shows_status_audit_and_commands(root, monkeypatch):
    from tokenfactory.build import data_page

    monkeypatch.setenv("TOKENFACTORY_BUILD", str(root / "_build"))
    page = data_page.data_page_text()
    assert "| date basis (rows) |" in page and "| last audited |" in page
    assert "## Audit of December 2026" in page
    assert "50 rows: 41 verified, 3 mismatched, 6 right figure in the wrong meaning" in page
    for cmd in ("tokenfactory data status", "tokenfactory data import TABLE FILE", "tokenfactory data audit --sample N --seed S"):
        assert cmd in page
    st = {s.table: s for s in freshness.all_tables()}
    assert f"| `api_prices` | {st['api_prices'].rows} | {st['api_prices'].newest} | {st['api_prices'].basis_text()} |" in page
