"""Compare the key results of two scenarios: a table of values and differences."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from .. import paths


class CompareError(Exception):
    pass


def _results(name: str) -> dict[str, Any]:
    path = paths.build_dir() / name / "results.json"
    if not path.exists():
        raise CompareError(f"scenario {name!r} has not been built ({path} is missing); "
                           f"run: tokenfactory build --scenario {name}")
    return json.loads(path.read_text(encoding="utf-8"))


def compare(a: str, b: str) -> pd.DataFrame:
    """One row per (chapter, key) numeric or text result of either scenario."""
    ra, rb = _results(a)["results"], _results(b)["results"]
    rows = []
    for chapter in list(dict.fromkeys([*ra, *rb])):
        keys = list(dict.fromkeys([*ra.get(chapter, {}), *rb.get(chapter, {})]))
        for key in keys:
            va, vb = ra.get(chapter, {}).get(key), rb.get(chapter, {}).get(key)
            diff = rel = None
            if _num(va) and _num(vb):
                diff = vb - va
                rel = (vb - va) / abs(va) if va else None
            rows.append({"chapter": chapter, "result": key, a: va, b: vb, "difference": diff, "relative": rel})
    return pd.DataFrame(rows, columns=["chapter", "result", a, b, "difference", "relative"])


def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def cell(v: Any) -> str:
    from ..formatting import fmt

    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)  # counts, months, years: exact
    if isinstance(v, float):
        return fmt(v, sig=3)
    return str(v)


def markdown(a: str, b: str, frame: pd.DataFrame) -> str:
    lines = [f"# Scenarios compared: `{a}` and `{b}`", "",
             f"Every result of the two scenarios as built (from `_build/{a}/results.json` and "
             f"`_build/{b}/results.json`), written by `tokenfactory compare {a} {b}`. "
             f"Difference = {b} − {a}; relative = difference / |{a}|. The key results and verdicts of every "
             "scenario are on the [Scenarios](../scenarios.md) page.", "",
             "| chapter | result | " + f"{a} | {b} | difference | relative |", "|---|---|---|---|---|---|"]
    for row in frame.itertuples(index=False):
        rel = "" if row.relative is None or (isinstance(row.relative, float) and math.isnan(row.relative)) \
            else f"{row.relative * 100:+.0f}%"
        lines.append(f"| {row.chapter} | `{row.result}` | {cell(row[2])} | {cell(row[3])} | {cell(row.difference)} | {rel} |")
    return "\n".join(lines) + "\n"


def write_page(a: str, b: str, frame: pd.DataFrame) -> Path:
    """Write `_build/compare/<a>-vs-<b>.md`: every book built from now on carries it as a page
    under Scenarios (book/compare/<a>-vs-<b>.html). Returns its path."""
    folder = paths.build_dir() / "compare"
    folder.mkdir(parents=True, exist_ok=True)
    md_path = folder / f"{a}-vs-{b}.md"
    tmp = md_path.with_suffix(".md.tmp")
    tmp.write_text(markdown(a, b, frame), encoding="utf-8")
    tmp.replace(md_path)
    return md_path


def page_in_site(scenario: str, a: str, b: str) -> Path:
    """Where the comparison page sits in the site of `scenario`."""
    return paths.build_dir() / scenario / "html" / "book" / "compare" / f"{a}-vs-{b}.html"
