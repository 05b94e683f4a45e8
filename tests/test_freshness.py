"""Data freshness: per-table status, the CLI table and the date on every chapter page."""

from typer.testing import CliRunner

from tokenfactory import freshness


def _write(tmp_path, name, text):
    d = tmp_path / "data"
    d.mkdir(exist_ok=True)
    (d / f"{name}.csv").write_text(text, encoding="utf-8")


def test_status_counts_rows_newest_date_and_estimates(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENFACTORY_ROOT", str(tmp_path))
    _write(tmp_path, "t", "a,as_of,estimate\n1,2024-01-02,true\n2,2025-03-04,false\n3,,false\n4,2023-12-31,false\n")
    _write(tmp_path, "u", "a\n1\n")
    s = freshness.table_status("t")
    assert (s.rows, s.newest, s.estimate_share) == (4, "2025-03-04", 0.25)
    u = freshness.table_status("u")
    assert (u.rows, u.newest, u.estimate_share) == (1, None, None)
    assert freshness.table_status("missing") is None
    date, found = freshness.newest(["u", "t", "missing"])
    assert date == "2025-03-04" and [f.table for f in found] == ["u", "t"]


def test_cli_data_status_prints_every_table(tmp_path, monkeypatch):
    from tokenfactory.cli import app

    monkeypatch.setenv("TOKENFACTORY_ROOT", str(tmp_path))
    _write(tmp_path, "alpha", "a,as_of\n1,2026-05-01\n")
    res = CliRunner().invoke(app, ["data", "status"])
    assert res.exit_code == 0
    assert "alpha" in res.output and "2026-05-01" in res.output


def test_run_box_shows_the_newest_data_date_of_the_chapters_tables(tmp_path, monkeypatch):
    """On fixture tables with dates written by hand: the box shows the newest date of the tables the
    chapter declares it reads (a later date in a table it does not read is ignored), and "n/a" when
    none of them has a date."""
    from dataclasses import replace

    from tokenfactory import nb, paths
    from tokenfactory.registry import CHAPTERS

    cid = next(iter(CHAPTERS))
    params = CHAPTERS[cid].params()            # built from the real data, before the data folder moves
    real = CHAPTERS[cid].contract
    monkeypatch.setattr(paths, "data_dir", lambda: tmp_path / "data")
    _write(tmp_path, "older", "a,as_of\n1,2024-05-06\n2,2023-01-01\n")
    _write(tmp_path, "newer", "a,as_of\n1,2025-02-03\n2,\n")
    _write(tmp_path, "undated", "a\n1\n")
    _write(tmp_path, "unread", "a,as_of\n1,2030-01-01\n")

    def reads(*tables):
        monkeypatch.setattr(nb, "contract_of", lambda chapter: replace(real, reads_data=tables))

    reads("older", "newer", "undated")
    assert 'tf-data-date">2025-02-03<' in nb.run_box(cid, params, {})
    reads("undated")
    assert 'tf-data-date">n/a<' in nb.run_box(cid, params, {})
