"""Publishing a site is one atomic swap: the target is a link replaced in one step; the old tree goes."""

from __future__ import annotations

import os

from tokenfactory.build import pipeline


def _tree(path, text):
    (path / "html").mkdir(parents=True)
    (path / "html" / "index.html").write_text(text)
    return path


def test_the_target_becomes_a_link_and_each_publish_replaces_it(tmp_path):
    target = tmp_path / "default"
    _tree(target, "plain folder from an older build")
    pipeline._swap(_tree(tmp_path / ".staging-1", "first"), target)
    assert target.is_symlink() and (target / "html" / "index.html").read_text() == "first"
    first = target.resolve()
    pipeline._swap(_tree(tmp_path / ".staging-2", "second"), target)
    assert (target / "html" / "index.html").read_text() == "second"
    assert not first.exists(), "the replaced tree is removed"
    sites = sorted(p.name for p in (tmp_path / ".sites").iterdir())
    assert len(sites) == 1 and target.resolve().name == sites[0]


def test_other_targets_trees_are_left_alone(tmp_path):
    pipeline._swap(_tree(tmp_path / ".staging-a", "a"), tmp_path / "default")
    pipeline._swap(_tree(tmp_path / ".staging-b", "b"), tmp_path / "default-custom")
    pipeline._swap(_tree(tmp_path / ".staging-c", "c"), tmp_path / "default")
    assert (tmp_path / "default-custom" / "html" / "index.html").read_text() == "b"
    assert len(os.listdir(tmp_path / ".sites")) == 2
