"""Parameter resolution: precedence, and every kind of bad input refused with a useful message."""

from __future__ import annotations

import math

import pytest

from tokenfactory import config
from tokenfactory.params_base import describe
from tokenfactory.registry import CHAPTERS


def _first_numeric(bounded: bool = True):
    """A (chapter, name, info) of a float parameter with bounds, from the real models."""
    for cid, ch in CHAPTERS.items():
        for info in describe(ch.params):
            if info.type == "number" and ("≤" in info.allowed or "<" in info.allowed):
                return cid, info
    pytest.skip("no bounded number parameter declared yet")


def test_defaults_resolve_and_nothing_changed():
    resolved = config.resolve("default")
    assert set(resolved.params) == set(CHAPTERS)
    assert not resolved.custom
    assert all(names == [] for names in resolved.changed.values())


def test_precedence_scenario_file_set(tmp_path, monkeypatch):
    cid, info = _first_numeric()
    params_dir = tmp_path / "params"
    params_dir.mkdir()
    (params_dir / "default.yaml").write_text("description: d\nchapters: {}\n")
    scen_value, file_value, set_value = _three_values(cid, info.name)
    (params_dir / "s.yaml").write_text(f"description: s\nchapters:\n  {cid}:\n    {info.name}: {scen_value}\n")
    monkeypatch.setattr(config.paths, "params_dir", lambda: params_dir)
    assert getattr(config.resolve("s").params[cid], info.name) == pytest.approx(scen_value)
    pfile = tmp_path / "mine.yaml"
    pfile.write_text(f"{cid}:\n  {info.name}: {file_value}\n")
    r = config.resolve("s", pfile)
    assert getattr(r.params[cid], info.name) == pytest.approx(file_value) and r.custom
    r = config.resolve("s", pfile, [f"{cid}.{info.name}={set_value}"])
    assert getattr(r.params[cid], info.name) == pytest.approx(set_value)
    assert r.changed[cid] == [info.name]
    assert f"--set {cid}.{info.name}={set_value}" in config.rerun_command(r)


def _three_values(cid: str, name: str) -> tuple[float, float, float]:
    """Three distinct valid values of a numeric parameter, inside its bounds."""
    field = CHAPTERS[cid].params.model_fields[name]
    lo, hi = -math.inf, math.inf
    for meta in field.metadata:
        lo = max(lo, getattr(meta, "ge", None) or getattr(meta, "gt", None) or lo)
        hi = min(hi, getattr(meta, "le", None) or getattr(meta, "lt", None) or hi)
    default = float(field.default)
    lo = lo if math.isfinite(lo) else default - 1
    hi = hi if math.isfinite(hi) else default + 1
    return tuple(lo + (hi - lo) * f for f in (0.3, 0.5, 0.7))  # type: ignore[return-value]


@pytest.mark.parametrize("item, expected", [
    ("nochapter.x=1", "unknown chapter 'nochapter'"),
    ("compute_gapp.x=1", "Did you mean 'compute_gap'?"),
    ("no_equals_sign", "expected CHAPTER.PARAM=VALUE"),
])
def test_bad_set_items(item, expected):
    with pytest.raises(config.ParamError, match=expected.replace("(", r"\(").replace("?", r"\?")):
        config.resolve("default", None, [item])


def test_unknown_parameter_suggests_closest():
    cid, info = _first_numeric()
    typo = info.name[:-1] + ("x" if info.name[-1] != "x" else "y")
    with pytest.raises(config.ParamError) as exc:
        config.resolve("default", None, [f"{cid}.{typo}=1"])
    assert f"unknown parameter {cid}.{typo}" in str(exc.value)
    assert f"Did you mean {info.name!r}" in str(exc.value)


@pytest.mark.parametrize("value, fragment", [
    ("abc", "valid number"),
    ("nan", "NaN"),
    ("inf", "infinity"),
    ("-inf", "infinity"),
    ("1e9", "allowed"),
    ("-1e9", "allowed"),
])
def test_bad_numeric_values(value, fragment):
    cid, info = _first_numeric()
    with pytest.raises(config.ParamError) as exc:
        config.resolve("default", None, [f"{cid}.{info.name}={value}"])
    message = str(exc.value)
    assert f"{cid}.{info.name}" in message and value in message
    assert fragment.lower() in message.lower() or "allowed" in message


def test_unknown_scenario_lists_the_known_ones():
    with pytest.raises(config.ParamError, match="unknown scenario 'nope'.*default"):
        config.resolve("nope")


def test_malformed_yaml_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("inference_tax:\n  utilization: [0.5\n")
    with pytest.raises(config.ParamError, match=r"malformed YAML at line \d+"):
        config.resolve("default", bad)


def test_yaml_nan_refused(tmp_path):
    cid, info = _first_numeric()
    f = tmp_path / "p.yaml"
    f.write_text(f"{cid}:\n  {info.name}: .nan\n")
    with pytest.raises(config.ParamError, match="NaN"):
        config.resolve("default", f)


def test_parameters_file_must_be_a_mapping(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("- a\n- b\n")
    with pytest.raises(config.ParamError, match="expected a mapping"):
        config.resolve("default", f)


def test_every_parameter_is_documented():
    """A meaning for every parameter; every number parameter states its unit and a range (an
    assumption with a range, not "any number")."""
    for cid, ch in CHAPTERS.items():
        for info in describe(ch.params):
            assert info.meaning, f"{cid}.{info.name} has no meaning"
            if info.type == "number":
                assert info.unit.strip(), f"{cid}.{info.name}: a number without a unit"
                assert not info.allowed.startswith("any"), f"{cid}.{info.name}: a number without a range"


def test_allowed_text_states_the_declared_bounds():
    """The range shown to readers, on a hand-made model: bounds as declared, "any" when none."""
    from typing import Literal

    from pydantic import Field

    from tokenfactory.params_base import ChapterParams

    class Toy(ChapterParams):
        share: float = Field(0.5, gt=0, le=1, description="a share")
        months: float = Field(12.0, ge=3, description="months")
        free: float = Field(1.0, description="no bound")
        word: Literal["a", "b"] = Field("a", description="a choice")

    allowed = {i.name: i.allowed for i in describe(Toy)}
    assert allowed == {"share": "0 < x ≤ 1", "months": "3 ≤ x", "free": "any number", "word": "one of: a, b"}


def test_all_scenarios_validate():
    for name in config.list_scenarios():
        resolved = config.resolve(name)
        assert resolved.scenario == name
