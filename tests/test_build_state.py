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
