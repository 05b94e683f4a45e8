"""The fit cache: same inputs, one computation; new inputs or a damaged entry, a new computation."""

from __future__ import annotations

from tokenfactory import memo


def _counted(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENFACTORY_BUILD", str(tmp_path))
    calls = []
    code = tmp_path / "pkg" / "mod.py"
    code.parent.mkdir()
    code.write_text("x = 1\n")

    @memo.disk_memo("square", code)
    def square(v: float) -> float:
        calls.append(v)
        return v * v

    return square, calls, code


def test_same_arguments_compute_once_even_across_processes(tmp_path, monkeypatch):
    square, calls, _ = _counted(tmp_path, monkeypatch)
    assert square(3.0) == 9.0 and square(3.0) == 9.0
    assert calls == [3.0]
    square.cache_clear()            # a new process: the memory is empty, the disk entry is read
    assert square(3.0) == 9.0 and calls == [3.0]
    assert square(4.0) == 16.0 and calls == [3.0, 4.0]


def test_a_damaged_entry_is_recomputed_and_replaced(tmp_path, monkeypatch):
    square, calls, _ = _counted(tmp_path, monkeypatch)
    square(5.0)
    (entry,) = memo.cache_dir().glob("square-*.pkl")
    entry.write_bytes(b"not a pickle")
    square.cache_clear()
    assert square(5.0) == 25.0 and calls == [5.0, 5.0]
    square.cache_clear()
    assert square(5.0) == 25.0 and calls == [5.0, 5.0]  # the replaced entry is good


def test_a_change_to_the_code_is_a_new_key(tmp_path, monkeypatch):
    square, calls, code = _counted(tmp_path, monkeypatch)
    square(2.0)
    code.write_text("x = 2\n")
    memo._code_hash.cache_clear()
    square.cache_clear()
    square(2.0)
    assert calls == [2.0, 2.0]
