"""Compare the key results of two scenarios: a table of values and differences."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from . import paths


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
    from .nb import fmt

    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int):
        return str(v)  # counts, months, years: exact
    if isinstance(v, float):
        return fmt(v, sig=3)
    return str(v)


def markdown(a: str, b: str, frame: pd.DataFrame) -> str:
    lines = [f"# Scenarios compared: `{a}` and `{b}`", "",
             f"Key results of the two scenarios as built (from `_build/{a}/results.json` and "
             f"`_build/{b}/results.json`). Difference = {b} − {a}; relative = difference / |{a}|.", "",
             "| chapter | result | " + f"{a} | {b} | difference | relative |", "|---|---|---|---|---|---|"]
    for row in frame.itertuples(index=False):
        rel = "" if row.relative is None or (isinstance(row.relative, float) and math.isnan(row.relative)) \
            else f"{row.relative * 100:+.0f}%"
        lines.append(f"| {row.chapter} | `{row.result}` | {cell(row[2])} | {cell(row[3])} | {cell(row.difference)} | {rel} |")
    return "\n".join(lines) + "\n"


def html_page(a: str, b: str, frame: pd.DataFrame) -> str:
    """The comparison as a standalone page (no scripts, text escaped), to open next to the books."""
    import html as h

    rows = []
    for row in frame.itertuples(index=False):
        rel = "" if row.relative is None or (isinstance(row.relative, float) and math.isnan(row.relative)) \
            else f"{row.relative * 100:+.0f}%"
        cells = [row.chapter, row.result, cell(row[2]), cell(row[3]), cell(row.difference), rel]
        rows.append("<tr>" + "".join(f"<td>{h.escape(str(c))}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{h.escape(c)}</th>" for c in ["chapter", "result", a, b, "difference", "relative"])
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{h.escape(a)} vs {h.escape(b)}</title>"
            "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#1f2328}"
            "table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}"
            "</style></head><body>"
            f"<h1>Scenarios compared: {h.escape(a)} and {h.escape(b)}</h1>"
            f"<p>Key results as built (<code>_build/{h.escape(a)}/results.json</code>, "
            f"<code>_build/{h.escape(b)}/results.json</code>). Difference = {h.escape(b)} − {h.escape(a)}.</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></body></html>\n")


def write_pages(a: str, b: str, frame: pd.DataFrame) -> tuple:
    """Write `_build/compare/<a>-vs-<b>.md` and `.html`; return their paths."""
    folder = paths.build_dir() / "compare"
    folder.mkdir(parents=True, exist_ok=True)
    md_path, html_path = folder / f"{a}-vs-{b}.md", folder / f"{a}-vs-{b}.html"
    md_path.write_text(markdown(a, b, frame), encoding="utf-8")
    html_path.write_text(html_page(a, b, frame), encoding="utf-8")
    return md_path, html_path
