"""The build's own state: sealed files, the Sphinx folder sync, the glue dependencies and the
bench's floor arithmetic (fast, no build)."""

from __future__ import annotations

import json
import os

import pytest

from tokenfactory.build import hashing
from tokenfactory.build.bench import cell_seconds, execution_floor, longest_chain
from tokenfactory.build.sitework import sync_tree
from tokenfactory.build.sphinx_glue_deps import readers_of


def test_sealed_file_round_trip(tmp_path):
    path = tmp_path / "s.json"
    payload = {"a": [1, 2.5, "x"], "b": {"c": None}}
    hashing.write_sealed(path, payload)
    assert hashing.read_sealed(path) == payload
    assert not list(tmp_path.glob(".*.tmp")), "temporary file left behind"


@pytest.mark.parametrize("damage", ["truncated", "edited", "no_hash", "empty", "binary"])
def test_damaged_sealed_file_is_refused(tmp_path, damage):
    path = tmp_path / "s.json"
    hashing.write_sealed(path, {"value": 1.0, "name": "flywheel"})
    raw = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "edited":  # still valid JSON, one number changed by hand
        doc = json.loads(raw)
        doc["payload"]["value"] = 2.0
        path.write_text(json.dumps(doc))
    elif damage == "no_hash":
        path.write_text(json.dumps({"value": 1.0}))
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(hashing.Damaged):
        hashing.read_sealed(path)


def test_missing_sealed_file_is_not_damage(tmp_path):
    with pytest.raises(FileNotFoundError):
        hashing.read_sealed(tmp_path / "absent.json")


def test_sync_tree_rewrites_only_changed_files(tmp_path):
    new, dest = tmp_path / "new", tmp_path / "dest"
    (new / "a").mkdir(parents=True)
    (new / "a" / "same.txt").write_text("same")
    (new / "changed.txt").write_text("new text")
    (new / "added.txt").write_text("added")
    (dest / "a").mkdir(parents=True)
    (dest / "a" / "same.txt").write_text("same")
    (dest / "changed.txt").write_text("old text")
    (dest / "gone.txt").write_text("gone")
    old_time = 1_000_000_000
    for p in dest.rglob("*.txt"):
        os.utime(p, (old_time, old_time))
    changed = sync_tree(new, dest)
    assert sorted(changed) == ["added.txt", "changed.txt", "gone.txt"]
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()) == \
        ["a/same.txt", "added.txt", "changed.txt"]
    assert (dest / "changed.txt").read_text() == "new text"
    assert (dest / "a" / "same.txt").stat().st_mtime == old_time  # untouched: Sphinx will not re-read it
    assert (dest / "changed.txt").stat().st_mtime > old_time


def test_readers_of_follows_glue_chains():
    # index glues from claims, claims from flywheel, flywheel from tapeout; data glues nothing
    table = {"index": {"claims"}, "claims": {"flywheel"}, "flywheel": {"tapeout"}, "data": set(), "tapeout": set()}
    assert readers_of(table, {"tapeout"}) == {"flywheel", "claims", "index"}
    assert readers_of(table, {"claims"}) == {"index"}
    assert readers_of(table, {"data"}) == set()
    assert readers_of(table, {"index"}) == set()


def test_floor_is_the_longer_of_chain_and_spread():
    reads = {"a": (), "b": (), "c": ("a", "b"), "d": ("c",)}
    # chain a -> c -> d = 1 + 3 + 1 = 5; b -> c -> d = 2 + 3 + 1 = 6; total 7 over 2 cores = 3.5
    seconds = {"a": 1.0, "b": 2.0, "c": 3.0, "d": 1.0}
    assert longest_chain(seconds, reads) == 6.0
    assert execution_floor(seconds, reads, cores=2) == 6.0
    # independent chapters: the spread over the cores binds
    flat = {"a": 4.0, "b": 4.0, "c": 4.0}
    assert execution_floor(flat, {"a": (), "b": (), "c": ()}, cores=2) == 6.0
    assert execution_floor(flat, {"a": (), "b": (), "c": ()}, cores=1) == 12.0


def test_cell_seconds_sums_papermill_durations():
    nb = {"cells": [{"metadata": {"papermill": {"duration": 0.25}}},
                    {"metadata": {"papermill": {"duration": None}}},  # a markdown cell
                    {"metadata": {}},
                    {"metadata": {"papermill": {"duration": 1.5}}}]}
    assert cell_seconds(nb) == 1.75


def test_compute_timings_time_every_chapter_at_defaults_without_upstream():
    """A stand-in registry of two chapters: each is loaded with the loader given and upstream=None
    before the clock starts, computed at its default parameters, and timed by the clock alone (a fake
    clock that advances 1 s per reading and 5 s inside each compute gives 6 s per chapter)."""
    from types import SimpleNamespace

    from tokenfactory.build.bench import compute_timings

    now = [0.0]
    calls = []

    def clock():
        now[0] += 1.0
        return now[0]

    class P:
        def __init__(self, **kw):
            assert not kw, "no parameter overridden: defaults are what a reader waits for"

    def module(cid):
        def load(loader, upstream="missing"):
            calls.append(("load", cid, loader, upstream))
            return f"inputs of {cid}"

        def compute(p, inputs):
            assert isinstance(p, P) and inputs == f"inputs of {cid}"
            calls.append(("compute", cid))
            now[0] += 5.0
        return SimpleNamespace(load=load, compute=compute)

    loader = object()
    chapters = {"a": SimpleNamespace(params=P), "b": SimpleNamespace(params=P)}
    out = compute_timings(chapters, loader, module=module, clock=clock)
    assert out == {"a_compute_s": 6.0, "b_compute_s": 6.0}
    assert calls == [("load", "a", loader, None), ("compute", "a"), ("load", "b", loader, None), ("compute", "b")]
