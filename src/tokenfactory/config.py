"""Resolve the parameters of a run: defaults < scenario < --params file < --set, all validated
before any kernel starts.

Every refusal is a `ParamError` whose message names the chapter, the parameter, the value and what
is allowed; the CLI prints it and exits with code 2.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from . import paths
from .data.load import read_yaml as _read_yaml
from .params_base import ChapterParams, allowed_text, is_list_field
from .registry import CHAPTERS


class ParamError(Exception):
    """Bad input from the reader: a parameter, a scenario or a parameters file."""


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    chapters: dict[str, dict[str, Any]]


@dataclass
class Resolved:
    """The parameters of one run, validated."""

    scenario: str
    custom: bool
    params: dict[str, ChapterParams]
    #: chapter -> names the scenario, file or --set changed from the package default
    changed: dict[str, list[str]] = field(default_factory=dict)
    #: what was given on top of the scenario (for the rerun command)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {cid: p.model_dump(mode="json") for cid, p in self.params.items()}


def _suggest(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.5)
    return f" Did you mean {close[0]!r}?" if close else ""


def read_yaml(path: Path, label: str, error: type[Exception] = ParamError) -> Any:
    """Parse a YAML file, or raise `error` (ParamError) naming `label`, the line and the problem."""
    return _read_yaml(path, label, error)


def load_yaml(path: Path, what: str) -> dict[str, Any]:
    """A YAML mapping of chapters to parameters, or ParamError saying where the file is broken."""
    data = read_yaml(path, f"{what} {path}")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamError(f"{what} {path}: expected a mapping of chapters to parameters, got {type(data).__name__}")
    return data


def _chapters_block(data: dict[str, Any], source: str) -> dict[str, dict[str, Any]]:
    block = data.get("chapters", {} if "description" in data else data)
    if block is None:
        return {}
    if not isinstance(block, dict):
        raise ParamError(f"{source}: 'chapters' must be a mapping of chapter ids to parameters")
    out: dict[str, dict[str, Any]] = {}
    for cid, values in block.items():
        if cid in ("description", "chapters"):
            continue
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise ParamError(f"{source}: chapter {cid!r} must map parameter names to values")
        out[str(cid)] = dict(values)
    return out


def list_scenarios() -> dict[str, Scenario]:
    """Every named scenario in params/, by name."""
    out = {}
    for path in sorted(paths.params_dir().glob("*.yaml")):
        data = load_yaml(path, "scenario")
        out[path.stem] = Scenario(path.stem, str(data.get("description", "")).strip(),
                                  _chapters_block(data, f"scenario {path.name}"))
    return out


def load_scenario(name: str) -> Scenario:
    path = paths.params_dir() / f"{name}.yaml"
    if not path.exists():
        names = sorted(p.stem for p in paths.params_dir().glob("*.yaml"))
        raise ParamError(f"unknown scenario {name!r}; scenarios: {', '.join(names)}.{_suggest(name, names)}")
    data = load_yaml(path, "scenario")
    return Scenario(name, str(data.get("description", "")).strip(), _chapters_block(data, f"scenario {path.name}"))


def parse_set(item: str) -> tuple[str, str, str]:
    """`chapter.param=value` -> (chapter, param, raw value)."""
    if "=" not in item or "." not in item.split("=", 1)[0]:
        raise ParamError(f"--set {item!r}: expected CHAPTER.PARAM=VALUE, e.g. inference_tax.utilization=0.5")
    lhs, value = item.split("=", 1)
    chapter, name = lhs.strip().split(".", 1)
    return chapter, name.strip(), value


def _coerce_set_value(model: type[ChapterParams], name: str, raw: str) -> Any:
    """A --set value stays text; pydantic converts it to the declared type (so `007` given to a text
    parameter stays `007`). Lists are written `a,b` or `[a, b]`."""
    if is_list_field(model, name):
        raw = raw.strip()
        if raw.startswith("["):
            try:
                value = yaml.safe_load(raw)
            except yaml.YAMLError:
                raise ParamError(f"--set {name}={raw}: malformed list; write a,b,c or [a, b, c]") from None
            return [str(v) for v in value] if isinstance(value, list) else value
        return [v.strip() for v in raw.split(",") if v.strip()]
    return raw


def _check_names(layer: dict[str, dict[str, Any]], source: str) -> None:
    for cid, values in layer.items():
        if cid not in CHAPTERS:
            raise ParamError(f"{source}: unknown chapter {cid!r}; chapters: {', '.join(CHAPTERS)}."
                             f"{_suggest(cid, list(CHAPTERS))}")
        fields = list(CHAPTERS[cid].params.model_fields)
        for name in values:
            if name not in fields:
                raise ParamError(f"{source}: unknown parameter {cid}.{name}; parameters of {cid}: "
                                 f"{', '.join(fields) or '(none)'}.{_suggest(str(name), fields)}")


def _reject_non_finite(cid: str, name: str, value: Any, source: str) -> None:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, float) and (math.isnan(item) or math.isinf(item)):
            raise ParamError(f"{source}: {cid}.{name} = {item}: NaN and infinity are not allowed")


def _explain(cid: str, model: type[ChapterParams], exc: ValidationError, merged: dict[str, Any],
             origin: dict[str, str]) -> ParamError:
    err = exc.errors()[0]
    loc = [str(p) for p in err.get("loc", ())]
    name = loc[0] if loc else ""
    msg = err.get("msg", "invalid value")
    if err.get("type") == "finite_number":
        msg = "NaN and infinity are not allowed"
    if name in model.model_fields:
        value = merged.get(name, model.model_fields[name].default)
        allowed = allowed_text(model.model_fields[name])
        src = origin.get(name, "default")
        return ParamError(f"{src}: {cid}.{name} = {value!r}: {msg}; allowed: {allowed}")
    # a cross-field rule (model_validator): pydantic prefixes "Value error, "
    return ParamError(f"{cid}: {msg.removeprefix('Value error, ')}")


def resolve(scenario: str = "default", params_file: Path | None = None, sets: tuple[str, ...] | list[str] = ()) -> Resolved:
    """Validate everything and return the parameters of every chapter."""
    scen = load_scenario(scenario)
    layers: list[tuple[str, dict[str, dict[str, Any]]]] = [(f"scenario {scenario}", scen.chapters)]
    overrides: dict[str, dict[str, Any]] = {}
    if params_file is not None:
        data = load_yaml(Path(params_file), "parameters file")
        block = _chapters_block(data, f"parameters file {params_file}")
        layers.append((f"parameters file {params_file}", block))
        for cid, vals in block.items():
            overrides.setdefault(cid, {}).update(vals)
    set_layer: dict[str, dict[str, Any]] = {}
    for item in sets:
        cid, name, raw = parse_set(item)
        _check_names({cid: {name: raw}}, f"--set {item}")
        set_layer.setdefault(cid, {})[name] = _coerce_set_value(CHAPTERS[cid].params, name, raw)
    layers.append(("--set", set_layer))
    for cid, vals in set_layer.items():
        overrides.setdefault(cid, {}).update(vals)

    merged: dict[str, dict[str, Any]] = {cid: {} for cid in CHAPTERS}
    origin: dict[str, dict[str, str]] = {cid: {} for cid in CHAPTERS}
    for source, layer in layers:
        _check_names(layer, source)
        for cid, values in layer.items():
            for name, value in values.items():
                _reject_non_finite(cid, name, value, source)
                merged[cid][name] = value
                origin[cid][name] = source

    params: dict[str, ChapterParams] = {}
    changed: dict[str, list[str]] = {}
    for cid, chapter in CHAPTERS.items():
        model = chapter.params
        try:
            params[cid] = model(**merged[cid])
        except ValidationError as exc:
            raise _explain(cid, model, exc, merged[cid], origin[cid]) from None
        defaults = model()
        changed[cid] = [n for n in model.model_fields if getattr(params[cid], n) != getattr(defaults, n)]
    return Resolved(scenario=scenario, custom=bool(overrides), params=params, changed=changed, overrides=overrides)


def rerun_command(resolved: Resolved) -> str:
    """The command that reproduces a run (scenario plus every override as --set)."""
    import shlex

    parts = ["tokenfactory", "build", "--scenario", resolved.scenario]
    for cid, values in resolved.overrides.items():
        for name in values:
            value = getattr(resolved.params[cid], name)
            text = ",".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
            parts += ["--set", shlex.quote(f"{cid}.{name}={text}")]
    return " ".join(parts)
