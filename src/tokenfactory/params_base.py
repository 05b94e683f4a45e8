"""How a chapter declares its parameters: once, in a pydantic model, with unit, bounds and meaning.

Why pydantic: one declaration gives validation (types, bounds, NaN/inf refused), the
`tokenfactory params` listing and the generated "Reproduce" page, so the three never disagree.
"""

from __future__ import annotations

import functools
import math
import typing
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.fields import FieldInfo


def param(
    default: Any,
    *,
    unit: str,
    meaning: str,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
    choices_from: tuple[str, str] | None = None,
    basis: str | None = None,
) -> Any:
    """A chapter parameter.

    `unit` and `meaning` are required because every number a reader can change must say what it
    is. `choices_from=(table, column)` restricts a text (or each item of a list) to the values of a
    data column, so that the allowed choices follow the data. `basis` says where a default comes
    from.
    """
    extra: dict[str, Any] = {"unit": unit}
    if choices_from is not None:
        extra["choices_from"] = list(choices_from)
    if basis:
        extra["basis"] = basis
    return Field(default, description=meaning, ge=ge, le=le, gt=gt, lt=lt, json_schema_extra=extra)


@functools.lru_cache(maxsize=64)
def _column_values(table: str, column: str, stamp: float) -> tuple[str, ...]:
    import pandas as pd

    from . import paths

    path = paths.data_dir() / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return tuple(sorted({v for v in frame[column] if v}))


def data_choices(table: str, column: str) -> tuple[str, ...]:
    """The distinct non-empty values of a data column (cached while the file is unchanged)."""
    from . import paths

    path = paths.data_dir() / f"{table}.csv"
    if not path.exists():
        return ()
    return _column_values(table, column, path.stat().st_mtime)


class ChapterParams(BaseModel):
    """Base of every chapter's parameters: unknown names, NaN and infinity are refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)

    @model_validator(mode="after")
    def _values_from_data(self) -> "ChapterParams":
        for name, field in type(self).model_fields.items():
            extra = field.json_schema_extra or {}
            if not isinstance(extra, dict) or "choices_from" not in extra:
                continue
            allowed = data_choices(*extra["choices_from"])
            value = getattr(self, name)
            items = value if isinstance(value, (list, tuple)) else [value]
            for item in items:
                if allowed and item not in allowed:
                    raise ValueError(f"{name}: {item!r} is not in the data; allowed: {', '.join(allowed)}")
        return self


@dataclass(frozen=True)
class ParamInfo:
    """What a reader needs to know about one parameter."""

    name: str
    type: str
    default: Any
    allowed: str
    unit: str
    meaning: str
    basis: str


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return "choice"
    if origin in (list, tuple):
        (inner, *_) = typing.get_args(annotation) or (str,)
        return f"list of {_type_name(inner)}"
    return {float: "number", int: "integer", str: "text", bool: "true/false"}.get(annotation, str(annotation))


def _literal_choices(annotation: Any) -> tuple[Any, ...]:
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return typing.get_args(annotation)
    if origin in (list, tuple):
        args = typing.get_args(annotation)
        return _literal_choices(args[0]) if args else ()
    return ()


def _fmt_bound(value: float) -> str:
    return f"{value:g}"


def allowed_text(field: FieldInfo) -> str:
    """A short human statement of what a field accepts ("0 < x ≤ 1", "one of: a, b")."""
    choices = _literal_choices(field.annotation)
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    if not choices and "choices_from" in extra:
        choices = data_choices(*extra["choices_from"])
    if choices:
        return "one of: " + ", ".join(str(c) for c in choices)
    lower = upper = ""
    for meta in field.metadata:
        if getattr(meta, "ge", None) is not None:
            lower = f"{_fmt_bound(meta.ge)} ≤ "
        if getattr(meta, "gt", None) is not None:
            lower = f"{_fmt_bound(meta.gt)} < "
        if getattr(meta, "le", None) is not None:
            upper = f" ≤ {_fmt_bound(meta.le)}"
        if getattr(meta, "lt", None) is not None:
            upper = f" < {_fmt_bound(meta.lt)}"
    if lower or upper:
        return f"{lower}x{upper}"
    return "any " + _type_name(field.annotation)


def describe(model: type[ChapterParams]) -> list[ParamInfo]:
    """Every parameter of a chapter, in declaration order."""
    out = []
    for name, field in model.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        default = field.get_default(call_default_factory=True)
        out.append(
            ParamInfo(
                name=name,
                type=_type_name(field.annotation),
                default=default,
                allowed=allowed_text(field),
                unit=str(extra.get("unit", "")),
                meaning=field.description or "",
                basis=str(extra.get("basis", "")),
            )
        )
    return out


def is_list_field(model: type[ChapterParams], name: str) -> bool:
    return typing.get_origin(model.model_fields[name].annotation) in (list, tuple)


def finite(value: Any) -> bool:
    return not (isinstance(value, float) and (math.isnan(value) or math.isinf(value)))


def sample_change(model: type[ChapterParams]) -> tuple[str, float] | None:
    """A valid new value for the first numeric parameter of `model` (for tests and benchmarks)."""
    defaults = model()
    for name, field in model.model_fields.items():
        default = getattr(defaults, name)
        if field.annotation is not float or isinstance(default, bool):
            continue
        for factor in (0.9, 1.1, 0.5, 2.0):
            candidate = float(default) * factor if default else 0.5
            try:
                model(**{name: candidate})
            except ValueError:
                continue
            if candidate != default:
                return name, candidate
    return None
