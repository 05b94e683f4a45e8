"""What makes the build redo work: comparison pages are a function of the current results (not a file
written once), and a chapter's cache key moves with the code the chapter runs, not with the build's
own code (fast, no build)."""

from __future__ import annotations

import shutil

import pytest

from tokenfactory import paths
from tokenfactory.build import cache, compare, hashing
from tokenfactory.registry import CHAPTERS


# --- Comparison pages: regenerated from the current results ----------------------------------------

def test_a_comparison_page_follows_the_results_of_b():
    """Worked by hand: v is 1 in a and 2.5 in b: difference 1.5, relative +150%; b moved to 3:
    difference 2, +200%. The text of b's results is shown as given."""
    a = {"x": {"v": 1.0, "verdict": "supported"}}
    page = compare.comparison_page("a", "b", a, {"x": {"v": 2.5, "verdict": "partly supported"}})
    assert "| x | `v` | 1 | 2.5 | 1.5 | +150% |" in page
    assert "| x | `verdict` | supported | partly supported |  |  |" in page
    later = compare.comparison_page("a", "b", a, {"x": {"v": 3.0, "verdict": "supported"}})
    assert "| x | `v` | 1 | 3 | 2 | +200% |" in later and "+150%" not in later
    assert later != page


@pytest.fixture
def build_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENFACTORY_BUILD", str(tmp_path / "_build"))
    return tmp_path / "_build"


def test_every_build_regenerates_the_pages_asked_for(build_dir):
    """`compare A B` records the pair; the pages are made from the results handed in (those the
    build found), so the same request gives a new page when B's results change."""
    record = compare.request("default", "high")
    assert record == build_dir / "compare" / "default-vs-high.json"
    assert compare.requested() == [("default", "high")]
    base = {"c": {"k": 10.0}}
    first = compare.comparison_pages({"default": base, "high": {"c": {"k": 12.0}}})
    second = compare.comparison_pages({"default": base, "high": {"c": {"k": 15.0}}})
    assert list(first) == list(second) == ["book/compare/default-vs-high.md"]
    assert "| 10 | 12 | 2 | +20% |" in first["book/compare/default-vs-high.md"]
    assert "| 10 | 15 | 5 | +50% |" in second["book/compare/default-vs-high.md"]


def test_a_comparison_without_current_results_is_dropped_with_one_line(build_dir):
    compare.request("default", "high")
    compare.request("default", "gone")  # a scenario since removed: it has no results at all
    lines = []
    pages = compare.comparison_pages({"default": {"c": {"k": 1.0}}, "high": None}, lines.append)
    assert pages == {}
    assert len(lines) == 2
    assert "default vs high" in lines[1] and "high not built" in lines[1]
    assert "tokenfactory compare default high" in lines[1]
    assert "default vs gone" in lines[0] and "gone not built" in lines[0]


def test_a_page_written_once_by_the_old_compare_is_regenerated_not_republished(build_dir):
    """Before this change `compare` wrote `_build/compare/A-vs-B.md` and every build copied it; such
    a page now counts as a request, and its old text is never published."""
    folder = build_dir / "compare"
    folder.mkdir(parents=True)
    (folder / "default-vs-high.md").write_text("# stale numbers from last year\n", encoding="utf-8")
    assert compare.requested() == [("default", "high")]
    pages = compare.comparison_pages({"default": {"c": {"k": 1.0}}, "high": {"c": {"k": 2.0}}})
    assert "stale" not in pages["book/compare/default-vs-high.md"]
    assert "| 1 | 2 | 1 | +100% |" in pages["book/compare/default-vs-high.md"]
    compare.request("default", "high")  # asked again: the record replaces the old page
    assert not (folder / "default-vs-high.md").exists() and compare.requested() == [("default", "high")]


# --- The chapter key: the chapters' code and the environment, not the build --------------------------

@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    """A copy of the package's source that `hashing` reads instead of the installed one."""
    copy = tmp_path / "tokenfactory"
    shutil.copytree(paths.package_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(paths, "package_dir", lambda: copy)
    return copy


def _key(package: str) -> str:
    chapter = CHAPTERS["tapeout"]
    params = chapter.params().model_dump(mode="json")
    return cache.chapter_key(chapter, params, {}, package)


def test_editing_the_build_leaves_a_chapter_key_unchanged(package_copy):
    before_code, before_site = hashing.chapter_code_hash(), hashing.package_hash()
    before = _key(before_code)
    with open(package_copy / "build" / "site.py", "a", encoding="utf-8") as f:
        f.write("\n# an edit to the site assembly\n")
    with open(package_copy / "cli.py", "a", encoding="utf-8") as f:
        f.write("\n# an edit to the command line\n")
    assert hashing.chapter_code_hash() == before_code
    assert _key(hashing.chapter_code_hash()) == before
    assert hashing.package_hash() != before_site  # the site, which the build makes, is rebuilt


def test_editing_a_chapter_module_changes_every_chapter_key(package_copy):
    before = _key(hashing.chapter_code_hash())
    with open(package_copy / "tapeout" / "model.py", "a", encoding="utf-8") as f:
        f.write("\n# an edit to the science\n")
    assert _key(hashing.chapter_code_hash()) != before


def test_an_upgraded_distribution_changes_the_chapter_key(monkeypatch):
    before = _key(hashing.chapter_code_hash())
    env = dict(hashing.environment(), pandas="0.0.1")
    monkeypatch.setattr(hashing, "environment", lambda: env)
    assert _key(hashing.chapter_code_hash()) != before


def test_what_the_chapter_key_leaves_out_is_only_the_build_and_the_cli():
    every = {p.relative_to(paths.package_dir()).as_posix() for p in hashing.package_files()}
    kept = {p.relative_to(paths.package_dir()).as_posix()
            for p in hashing.package_files(exclude=hashing.NOT_CHAPTER_CODE)}
    assert every - kept == {f for f in every if f.startswith("build/")} | {"cli.py"}
    assert "tapeout/model.py" in kept and "nb.py" in kept and "data/load.py" in kept


# --- Walking the cache: what the pipeline sizes its work from and the Scenarios page reads ---------

def _defaults(cid: str) -> dict:
    return CHAPTERS[cid].params().model_dump(mode="json")


def test_an_empty_cache_keys_only_the_chapters_that_read_no_other():
    """Nothing cached: the chapters reading no other chapter are keyed and missing; every other one
    cannot be keyed before its upstream runs (counted, never looked up)."""
    asked = []
    found = cache.find(_defaults, list(CHAPTERS), lambda cid, key: asked.append(cid), "pkg")
    roots = {c for c, ch in CHAPTERS.items() if not ch.reads_chapters}
    assert roots and len(roots) < len(CHAPTERS)
    assert set(asked) == roots and {m.split("-")[0] for m in found.missing} == roots
    assert found.unknown == len(CHAPTERS) - len(roots) and found.results == {} and found.keys == {}


def test_a_full_cache_finds_every_chapter_and_keys_readers_from_their_upstream():
    """Every lookup hits: every chapter is found, nothing is missing; a reader's key moves with what
    its upstream's cached execution glued (the key of a chapter that reads none does not)."""
    def hits(value):
        return lambda cid, key: (None, {"results": {o.name: value for o in CHAPTERS[cid].contract.publishes}})

    one = cache.find(_defaults, list(CHAPTERS), hits(1.0), "pkg")
    assert set(one.keys) == set(CHAPTERS) and not one.missing and one.unknown == 0
    assert one.keys == cache.find(_defaults, list(CHAPTERS), hits(1.0), "pkg").keys  # a pure function
    other = cache.find(_defaults, list(CHAPTERS), hits(2.0), "pkg")
    same = {c for c in CHAPTERS if one.keys[c] == other.keys[c]}
    assert same == {c for c, ch in CHAPTERS.items() if not ch.reads_chapters}
