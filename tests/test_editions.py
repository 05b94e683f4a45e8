"""Editions and the "What changed" page: which results moved, by how much."""

import json

import pytest

from tokenfactory.build import changes_page

REPO = __import__("pathlib").Path(__file__).resolve().parents[1]


def _with_ledger(root):
    """A repo copy with the claims ledger (the claims chapter's defaults read data/claims.yaml)."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "data" / "claims.yaml").write_bytes((REPO / "data" / "claims.yaml").read_bytes())


def test_changed_results_hand_case():
    before = {"a": {"x": 10.0, "y": 2, "same": 1.5, "verdict": "partly", "gone": 1.0, "x_txt": "10"},
              "b": {"k": 0.0}}
    after = {"a": {"x": 12.5, "y": 2, "same": 1.5 * (1 + 1e-12), "verdict": "supported", "new": 3.0, "x_txt": "13"},
             "b": {"k": 4.0}}
    rows = {(r["chapter"], r["key"]): r for r in changes_page.changed_results(before, after)}
    assert set(rows) == {("a", "x"), ("a", "verdict"), ("a", "gone"), ("a", "new"), ("b", "k")}
    x = rows[("a", "x")]
    assert x["change"] == pytest.approx(2.5) and x["relative"] == pytest.approx(0.25)
    assert rows[("a", "verdict")]["kind"] == "text" and rows[("a", "verdict")]["after"] == "supported"
    assert rows[("a", "gone")]["kind"] == "removed" and rows[("a", "new")]["kind"] == "added"
    assert rows[("b", "k")]["relative"] == float("inf")   # from zero: no relative change


def test_booleans_and_numbers_are_not_compared_as_numbers():
    rows = changes_page.changed_results({"a": {"flag": True}}, {"a": {"flag": 1}})
    assert [r["kind"] for r in rows] == ["text"]


def test_first_edition_is_recorded_and_the_page_lists_moves(tmp_path, monkeypatch):
    from tokenfactory import paths

    monkeypatch.setenv("TOKENFACTORY_ROOT", str(tmp_path))
    _with_ledger(tmp_path)
    assert changes_page.previous_edition(None) is None                    # no editions folder: no "What changed"
    for name, lag, commit in (("2025-12-01", 1.0, "aaaaaaa"), ("2026-01-01", 3.0, "bbbbbbb")):
        ed = tmp_path / "editions" / name
        ed.mkdir(parents=True)
        (ed / "results.json").write_text(json.dumps({"results": {"compute_gap": {"lag": lag, "word": "growing"}}}))
        (ed / "edition.json").write_text(json.dumps({"edition": name, "commit": commit}))
    (tmp_path / "editions" / "2026-02-01").mkdir()                # a folder without results: not an edition
    name, results, meta = changes_page.previous_edition(None)
    assert (name, meta["commit"]) == ("2026-01-01", "bbbbbbb")    # the newest recorded edition
    assert results["results"]["compute_gap"]["lag"] == 3.0
    # a build of that edition's own commit (short or full id) compares with the edition before it
    assert changes_page.previous_edition("bbbbbbb")[0] == changes_page.previous_edition("bbbbbbb0123456789")[0] == "2025-12-01"
    assert changes_page.previous_edition("ccccccc")[0] == "2026-01-01"
    (tmp_path / "data").mkdir(exist_ok=True)
    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    glue = [{"output_type": "display_data", "metadata": {"scrapbook": {"name": k}},
             "data": {"application/papermill.record/text/plain": repr(v)}} for k, v in {"lag": 4.5, "word": "shrinking"}.items()]
    nb = {"cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": glue}], "metadata": {},
          "nbformat": 4, "nbformat_minor": 5}
    (nbdir / "compute_gap.ipynb").write_text(json.dumps(nb))
    page = changes_page.changes_page(nbdir)
    assert paths.root() == tmp_path
    assert "`lag` | 3 | 4.5 | 1.5 | 50%" in page
    assert "`word` | growing | shrinking" in page


def test_every_recorded_edition_names_its_commit_and_holds_results():
    """The repository's own editions (whatever their number): each is complete, so that the next one
    can be compared with it."""
    folders = sorted(d for d in changes_page.editions_dir().iterdir() if d.is_dir())
    for d in folders:
        meta = json.loads((d / "edition.json").read_text(encoding="utf-8"))
        assert meta.get("commit"), f"{d.name}: edition.json names no commit"
        assert json.loads((d / "results.json").read_text(encoding="utf-8"))["results"], f"{d.name}: no results"
    if folders:
        assert changes_page.previous_edition(None)[0] == folders[-1].name


def test_row_changes_by_key(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENFACTORY_ROOT", str(tmp_path))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "t.csv").write_text("a,b,v\nx,1,5\ny,2,6\nz,3,7\n", encoding="utf-8")
    added, removed = changes_page.row_changes("t", {"key": ["a", "b"], "keys": ["x | 1", "w | 0"]})
    assert added == ["y | 2", "z | 3"] and removed == ["w | 0"]
    assert changes_page.row_changes("t", {"rows": 3}) == ([], [])          # the edition recorded no keys
    assert changes_page.row_changes("t", {"key": ["nope"], "keys": []}) == ([], [])


def test_previous_edition_skips_the_commit_being_built(tmp_path, monkeypatch):
    """The newest edition whose commit is not the build's (short ids compared by prefix); an edition
    without edition.json is never skipped; folders not named by a date are ignored."""
    monkeypatch.setenv("TOKENFACTORY_ROOT", str(tmp_path))
    for name, commit in (("2026-01-01", "aaa1111"), ("2026-02-01", "bbb2222"), ("2026-02-01-b", "bbb2222"),
                         (".2026-03-01.tmp", "ccc3333")):
        d = tmp_path / "editions" / name
        d.mkdir(parents=True)
        (d / "results.json").write_text(json.dumps({"results": {"ch": {"x": name}}}))
        (d / "edition.json").write_text(json.dumps({"commit": commit}))
    assert changes_page.previous_edition(None)[0] == "2026-02-01-b"
    assert changes_page.previous_edition("ddd4444")[0] == "2026-02-01-b"
    assert changes_page.previous_edition("bbb2222")[0] == "2026-01-01"
    assert changes_page.previous_edition("bbb22229f")[0] == "2026-01-01"     # a longer id of the same commit
    assert changes_page.previous_edition("aaa1111")[0] == "2026-02-01-b"
    (tmp_path / "editions" / "2026-01-01" / "edition.json").unlink()
    assert changes_page.previous_edition("bbb2222")[0] == "2026-01-01"       # commit unknown: kept
    (tmp_path / "editions" / "2026-01-01" / "edition.json").write_text(json.dumps({"commit": "bbb2222"}))
    assert changes_page.previous_edition("bbb2222") is None
    # default: the commit of the repository at TOKENFACTORY_ROOT (not a git checkout here: none skipped)
    assert changes_page.previous_edition()[0] == "2026-02-01-b"
def test_changes_in_words_names_old_new_and_the_data_behind(tmp_path, monkeypatch):
    """One sentence per moved result: its name, old and new value; the chapter's changed tables
    (rows added, newest statement, a newest date going backwards explained)."""
    from types import SimpleNamespace

    monkeypatch.setenv("TOKENFACTORY_ROOT", str(tmp_path))
    _with_ledger(tmp_path)
    (tmp_path / "data" / "capex.csv").write_text("company,year,v\nA,2024,1\nA,2025,2\n", encoding="utf-8")
    rows = changes_page.changed_results({"compute_gap": {"capex_cagr": 0.2, "verdict_c3": "partly supported"}},
                                {"compute_gap": {"capex_cagr": 0.3, "verdict_c3": "supported"}})
    then = {"capex": {"rows": 1, "newest": "2026-11-24", "key": ["company", "year"], "keys": ["A | 2024"]}}
    statuses = [SimpleNamespace(table="capex", rows=2, newest="2026-07-30")]
    text = "\n".join(changes_page.changes_in_words(rows, then, statuses))
    assert "Growth of the leaders&#x27; capital spending: 0.2 → 0.3 (+50%)." in text
    assert "`capex` 1 row added, 0 removed, newest statement 2026-11-24 → 2026-07-30 (the newest rows" in text
    assert "**partly supported** to **supported**" in text  # C3 reads compute_gap.capex_cagr (claims.yaml)
    assert changes_page.changes_in_words([], then, statuses) == ["No result moved.", ""]


def test_an_edition_recorded_on_the_builds_own_day_is_not_the_previous_one(tmp_path, monkeypatch):
    """Recording today's edition (from an earlier commit of the same day) must not make the page compare
    the book with itself: editions dated on or after the build's day are passed over."""
    monkeypatch.setenv("TOKENFACTORY_ROOT", str(tmp_path))
    for name, commit in (("2026-11-26", "aaa1111"), ("2026-12-06", "bbb2222")):
        d = tmp_path / "editions" / name
        d.mkdir(parents=True)
        (d / "results.json").write_text(json.dumps({"results": {}}))
        (d / "edition.json").write_text(json.dumps({"commit": commit}))
    monkeypatch.setattr(changes_page, "edition", lambda: ("2026-12-06", "ccc3333"))
    assert changes_page.previous_edition()[0] == "2026-11-26"
    monkeypatch.setattr(changes_page, "edition", lambda: ("2026-12-07", "ccc3333"))
    assert changes_page.previous_edition()[0] == "2026-12-06"
