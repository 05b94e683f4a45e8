"""The article's claims, read from data/claims.yaml and validated.

Why a pydantic model: the ledger is edited by hand, and a typo (a duplicated id, a chapter that
does not exist, a metric written without its chapter) would otherwise surface as a silently empty
row of evidence. Every refusal is a `ClaimsError` naming the file, the claim and the field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .. import paths
from ..data.load import read_yaml

#: Chapters that can test a claim (the claims chapter itself cannot).
TESTING_CHAPTERS = ("compute_gap", "inference_tax", "tapeout", "flywheel")
_METRIC = re.compile(r"^(compute_gap|inference_tax|tapeout|flywheel)\.[a-z][a-z0-9_]*$")


class ClaimsError(ValueError):
    """data/claims.yaml is missing, malformed or breaks a rule; the message says where."""


class Claim(BaseModel):
    """One claim of the article."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^C[1-9][0-9]*$")
    title: str = Field(min_length=3, max_length=60)
    claim: str = Field(min_length=10)
    chapter: Literal["compute_gap", "inference_tax", "tapeout", "flywheel"]
    metrics: list[str] = Field(default_factory=list)
    self_reported: bool
    stated_by: str = Field(min_length=1)
    self_reported_part: str = ""
    #: the article's own figures that the claim states, by the name of the claims parameter whose default
    #: they are (C9's "18 to 36 months", C10's "six or three months"): the parameters read them from here
    figures: dict[str, float] = Field(default_factory=dict)

    @field_validator("metrics")
    @classmethod
    def _metrics(cls, value: list[str]) -> list[str]:
        for m in value:
            if not _METRIC.match(m):
                raise ValueError(f"{m!r} is not 'chapter.key' with a chapter among {', '.join(TESTING_CHAPTERS)}")
        if len(set(value)) != len(value):
            raise ValueError("a metric is listed twice")
        return value

    @model_validator(mode="after")
    def _self_reported_says_what(self) -> "Claim":
        if self.self_reported and not self.self_reported_part.strip():
            raise ValueError("self_reported_part: must say what rests on the company's word when self_reported is true")
        return self

    @property
    def number(self) -> int:
        return int(self.id[1:])


class Ledger(BaseModel):
    """The whole file: claims with unique ids, in order C1, C2, ..."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    claims: list[Claim] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> "Ledger":
        ids = [c.id for c in self.claims]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate claim id(s): {', '.join(dup)}")
        return self

    def by_id(self) -> dict[str, Claim]:
        return {c.id: c for c in self.claims}


def _where(loc: tuple, data: dict) -> str:
    """'claim C3, field metrics' from a pydantic error location like ('claims', 2, 'metrics', 0)."""
    parts = list(loc)
    if len(parts) >= 2 and parts[0] == "claims" and isinstance(parts[1], int):
        items = data.get("claims") or []
        cid = items[parts[1]].get("id") if parts[1] < len(items) and isinstance(items[parts[1]], dict) else None
        label = f"claim {cid}" if cid else f"claim #{parts[1] + 1}"
        rest = [str(p) for p in parts[2:] if not isinstance(p, int)]
        return label + (f", field {'.'.join(rest)}" if rest else "")
    return "field " + ".".join(str(p) for p in parts) if parts else "file"


def parse(data: object, source: str = "data/claims.yaml") -> Ledger:
    """A validated ledger from already-parsed YAML, or ClaimsError listing every problem."""
    if not isinstance(data, dict):
        raise ClaimsError(f"{source}: expected a mapping with a 'claims' list, got {type(data).__name__}")
    try:
        return Ledger.model_validate(data)
    except ValidationError as exc:
        lines = [f"{source}: {_where(tuple(e['loc']), data)}: {e['msg']}" for e in exc.errors()]
        raise ClaimsError("\n".join(lines)) from None


def load(path: Path | None = None) -> Ledger:
    """Read and validate data/claims.yaml (or `path`)."""
    path = path or paths.data_dir() / "claims.yaml"
    source = f"data/{path.name}" if path.parent == paths.data_dir() else str(path)
    return parse(read_yaml(path, source, ClaimsError), source)
