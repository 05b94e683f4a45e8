"""The audit as a habit: draw rows at random for a person to check against their sources, and
read the record of past audits (data/audits.yaml).

The draw is the one the December 2026 audit used, so anyone can repeat it: every row of every table
(data/*.csv in name order, rows in file order), then `random.Random(seed).sample(rows, n)`. With
seed 1206 and n 50 on the data of commit debc696 it gives that audit's sample A, row for row.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from .schemas import TABLES

#: verdicts a checker gives a row (audits.yaml `rows`, and the checklist's `verdict` column)
VERDICTS = {
    "verified": "the figure matches the cited source, in the meaning the table gives it",
    "mismatch": "the figure or its date differs from the cited source",
    "definition": "the right figure in the wrong meaning (unit, definition, date basis)",
    "unverifiable": "the cited source could not be read",
}


@dataclass(frozen=True)
class Item:
    table: str
    line: int            # line in data/<table>.csv (header = 1)
    row: str             # the row's key, in words
    figure: str          # the figures to check, with their units
    source_url: str
    as_of: str


def _rows(tables: list[str] | None) -> list[tuple[str, int, dict[str, str]]]:
    files = sorted(paths.data_dir().glob("*.csv"))
    if tables:
        unknown = [t for t in tables if not (paths.data_dir() / f"{t}.csv").exists()]
        if unknown:
            known = ", ".join(p.stem for p in files)
            raise ValueError(f"unknown table(s) {', '.join(unknown)}; tables: {known}")
        files = [f for f in files if f.stem in tables]
    out = []
    for f in files:
        reader = csv.DictReader(io.StringIO(f.read_text(encoding="utf-8")))
        out += [(f.stem, i + 2, row) for i, row in enumerate(reader)]
    return out


def _figure(table: str, row: dict[str, str]) -> str:
    spec = TABLES.get(table)
    if spec is None:
        return ""
    parts = []
    for col in spec.columns:
        value = (row.get(col.name) or "").strip()
        if not value or col.name in spec.key or col.name == "as_of":
            continue
        if col.kind in ("number", "int") or (col.kind == "date" and col.name != "as_of"):
            unit = f" {col.unit}" if col.unit and not col.unit.startswith("see") else ""
            if col.name == "score" and row.get("score_unit"):
                unit = f" ({row['score_unit']})"
            parts.append(f"{col.name} = {value}{unit}")
    return "; ".join(parts)


def sample(n: int, seed: int, tables: list[str] | None = None) -> list[Item]:
    """`n` rows drawn at random (reproducible with `seed`) from all tables or the named ones."""
    rows = _rows(tables)
    if n < 1:
        raise ValueError("--sample must be at least 1")
    if n > len(rows):
        raise ValueError(f"--sample {n} exceeds the {len(rows)} rows available")
    picked = random.Random(seed).sample(rows, n)
    items = []
    for table, line, row in picked:
        spec = TABLES.get(table)
        key = " | ".join(row.get(k, "") for k in spec.key) if spec else ""
        items.append(Item(table, line, key, _figure(table, row), row.get("source_url", ""), row.get("as_of", "")))
    return items


CHECKLIST = ("table", "line", "row", "figure", "source_url", "as_of", "verdict", "checked_by", "notes")


def checklist(items: list[Item]) -> str:
    """The draw as a CSV checklist: a person fills `verdict` (one of VERDICTS), `checked_by`, `notes`."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CHECKLIST)
    for it in items:
        w.writerow([it.table, it.line, it.row, it.figure, it.source_url, it.as_of, "", "", ""])
    return buf.getvalue()


# --- the record of past audits (data/audits.yaml) -----------------------------------------------

@dataclass(frozen=True)
class Audit:
    id: str
    date: str
    date_text: str                  # the date as a reader reads it ("December 2026")
    title: str
    report: str
    data_commit: str
    method: str
    samples: dict[str, str]         # sample id -> what it drew
    rows: tuple[tuple[str, str, str, int, str], ...]  # (sample, id, table, line, verdict)
    findings: dict[str, str]        # table -> what the audit found beyond the sample
    population: str = "all"         # "all": the draw was from every table


def audits_path() -> Path:
    return paths.data_dir() / "audits.yaml"


def load_audits() -> list[Audit]:
    """Every recorded audit, oldest first; [] when data/audits.yaml does not exist."""
    import yaml

    path = audits_path()
    if not path.exists():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for i, a in enumerate(raw.get("audits") or []):
        where = f"data/audits.yaml, audit {i + 1}"
        for k in ("id", "date", "rows"):
            if k not in a:
                raise ValueError(f"{where}: key {k!r} is missing")
        rows = []
        for r in a["rows"]:
            if not (isinstance(r, list) and len(r) == 5):
                raise ValueError(f"{where}: row {r!r} must be [sample, id, table, line, verdict]")
            sample_id, rid, table, line, verdict = r
            if verdict not in VERDICTS:
                raise ValueError(f"{where}: row {rid}: verdict {verdict!r} not one of {', '.join(VERDICTS)}")
            if table not in TABLES:
                raise ValueError(f"{where}: row {rid}: unknown table {table!r}")
            rows.append((str(sample_id), str(rid), str(table), int(line), str(verdict)))
        out.append(Audit(str(a["id"]), str(a["date"]), str(a.get("date_text") or a["date"]), str(a.get("title", "")),
                         str(a.get("report", "")), str(a.get("data_commit", "")), str(a.get("method", "")),
                         {str(k): str(v) for k, v in (a.get("samples") or {}).items()},
                         tuple(rows), {str(k): str(v) for k, v in (a.get("findings") or {}).items()},
                         str(a.get("population", "all"))))
    return sorted(out, key=lambda a: a.date)


def counts(rows, sample_id: str | None = None, table: str | None = None) -> dict[str, int]:
    """Rows checked and verdict counts, for one sample and/or one table."""
    sel = [r for r in rows if (sample_id is None or r[0] == sample_id) and (table is None or r[2] == table)]
    out = {"rows": len(sel)}
    for v in VERDICTS:
        out[v] = sum(r[4] == v for r in sel)
    return out


def last_audit(table: str, audits: list[Audit] | None = None) -> tuple[Audit, dict[str, int]] | None:
    """The newest audit that covered `table` (drew from it, or recorded a finding on it), with the
    counts of its rows checked there (0 when the draw fell elsewhere)."""
    for a in reversed(audits if audits is not None else load_audits()):
        c = counts(a.rows, table=table)
        if c["rows"] or table in a.findings or a.population == "all":
            return a, c
    return None


def verdict_text(c: dict[str, int]) -> str:
    """"38 rows: 33 verified, 1 mismatched, 4 right figure in the wrong meaning"."""
    words = {"verified": "verified", "mismatch": "mismatched", "definition": "right figure in the wrong meaning",
             "unverifiable": "unverifiable"}
    parts = [f"{c[v]} {words[v]}" for v in VERDICTS if c.get(v)]
    if not c["rows"]:
        return "no row drawn"
    return f"{c['rows']} row{'s' if c['rows'] != 1 else ''}" + (": " + ", ".join(parts) if parts else "")
