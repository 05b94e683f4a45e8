"""Where the claims ledger gets its evidence: the other chapters' glued results.

In a build, the pipeline hands the notebook `upstream = {chapter: {key: value}}`. Run alone (no
upstream), the notebook must not execute the other chapters; it falls back to the results of the
last default build (`_build/default/results.json`) when there is one, and otherwise reports every
claim as not assessed. The page says which source it used.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from .. import paths
from ..contract import UndeclaredRead

#: A key present with this value means "the chapter computed it and found none" (a break-even volume
#: that is never reached, a crossover that never happens): glue turns infinity and NaN into None.
MISSING = object()


@dataclass(frozen=True)
class Evidence:
    """Flat results, keyed "chapter.key", and a sentence saying where they came from."""

    values: Mapping[str, Any]
    source: str
    kind: str  # "upstream", "fallback" or "none"
    #: facts read from data/ by this chapter (the vendor of each accelerator, the reference workload,
    #: measured fleet occupancy): see `chapter.facts`
    facts: Mapping[str, Any] = field(default_factory=dict)
    #: the metrics a rule declared it reads (None: unrestricted); reading any other raises, so that a
    #: rule's reads, and the claims chapter's contract built from them, cannot drift from its code
    declared: frozenset[str] | None = None

    def restricted(self, metrics: tuple[str, ...] | frozenset[str]) -> "Evidence":
        """The same evidence, readable only through `metrics` (a rule's declared reads)."""
        return replace(self, declared=frozenset(metrics))

    def _check(self, metric: str) -> None:
        if self.declared is not None and metric not in self.declared:
            raise UndeclaredRead(f"a rule read {metric}, which it does not declare: add it to the rule's "
                                 "reads (@rule(...)), which make the claims chapter's contract")

    def has(self, metric: str) -> bool:
        self._check(metric)
        return metric in self.values

    def get(self, metric: str) -> Any:
        """The value, None when the chapter glued no number, MISSING when the key is absent."""
        self._check(metric)
        return self.values.get(metric, MISSING)

    def missing(self, *metrics: str) -> list[str]:
        """The metrics absent from the evidence (a chapter that has not glued them, or not run)."""
        for m in metrics:
            self._check(m)
        return [m for m in metrics if m not in self.values]

    def text(self, metric: str) -> str | None:
        """A non-empty string value, or None."""
        self._check(metric)
        v = self.values.get(metric)
        return v if isinstance(v, str) and v.strip() and v.strip() != "n/a" else None

    def with_values(self, changes: Mapping[str, Any]) -> "Evidence":
        """The same evidence with some values replaced (a measurement choice of the flip tables)."""
        return replace(self, values={**self.values, **changes})

    def with_facts(self, facts: Mapping[str, Any]) -> "Evidence":
        return replace(self, facts={**self.facts, **facts})

    def number(self, metric: str) -> float | None:
        """A finite float, or None (absent, null, text, NaN)."""
        self._check(metric)
        v = self.values.get(metric)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return None
        v = float(v)
        return v if math.isfinite(v) else None


def flatten(results: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """{chapter: {key: v}} -> {"chapter.key": v}; display strings keep their `_txt` suffix (a rule may
    quote a label that a chapter glues only as text, such as the name of its reference accelerator)."""
    out: dict[str, Any] = {}
    for chapter, keys in (results or {}).items():
        if not isinstance(keys, Mapping):
            continue
        for key, value in keys.items():
            out[f"{chapter}.{key}"] = value
    return out


def fallback_path() -> Path:
    return paths.build_dir() / "default" / "results.json"


def collect(upstream: Mapping[str, Mapping[str, Any]] | None, fallback: Path | None = None) -> Evidence:
    """The evidence of this run: upstream when given, else the last default build, else nothing."""
    if upstream:
        return Evidence(flatten(upstream), "the results of the other chapters in this build", "upstream")
    path = fallback or fallback_path()
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        results = payload["results"]
    except (FileNotFoundError, json.JSONDecodeError, KeyError, TypeError):
        return Evidence({}, "none: this page was run alone and no earlier build of the book was found, "
                            "so no claim could be assessed", "none")
    scenario = payload.get("scenario", "default") if isinstance(payload, dict) else "default"
    return Evidence(flatten(results), f"the last build of scenario '{scenario}' ({path.name} of that build), "
                                      "because this page was run alone", "fallback")
