"""What every producer importer shares: the declared mapping, the diff against data/TABLE.csv,
validation by the table's schema, and the atomic write.

An importer is declared, not coded ad hoc: a `Mapping` names the producer, the table, the columns
that recognise the producer's file, one `Field` per table column it fills (with the producer column
it reads and the conversion), the constant columns, the rows of the table it owns (`scope`), and the
columns that pair a record of the file with a row of the table (`match_on`). The importer module adds
only a `records()` reader for the producer's file format.

Rules (the same for every producer):
- A row is *owned* by the producer when it matches the mapping's scope (e.g. benchmark = eci and
  evaluator = Epoch AI). Only owned rows are ever changed or removed; rows from other sources are
  never touched. A record whose match key hits a row of another source is skipped (and said so).
- *Changed* compares only the columns the mapping fills (its figures), numbers as numbers; a row the
  table states later than the file does is left alone (an older file cannot overrule it). A changed
  row keeps its source_url and notes (a line saying what changed is appended) and takes the new
  file's statement date as `as_of`; an unchanged row keeps its own statement date.
- *Removed* are owned rows absent from the file (for producers whose file is a snapshot of one date,
  like LMArena, only owned rows of the dates the file covers; never rows stated after the file's
  newest date, which an older file cannot withdraw).
- Every new or changed row is checked with the table's schema (and the foreign keys both ways) before
  anything is written; a bad file raises `ProducerFileError` naming the file's line and column.
- The statement date (`as_of`) is the producer's own date, from the file (a per-row "Last modified",
  a snapshot's publish date, genai-prices' `prices_checked`); a file that states none needs
  `--as-of`, never the day it was read.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from ..load import DataError, Problem, parse, table_path
from ..schemas import TABLES


class ProducerFileError(Exception):
    """A producer file that cannot be imported; `problems` name the file's line and column."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Record:
    """One record of a producer's file: its line (as a reader sees it; header = 1) and its cells by
    the producer's own column names."""

    line: int | None
    values: dict[str, str]
    #: the line of each value, where the format tells (nested files); else `line`
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, column: str | None) -> int | None:
        return self.lines.get(column or "", self.line)


# --- conversions: producer text -> table text; raise ValueError(rule) on a bad value ---------------

def text(v: str) -> str:
    return v.strip()


def number(v: str) -> str:
    v = v.strip()
    try:
        x = float(v)
    except ValueError:
        raise ValueError("must be a number") from None
    if not math.isfinite(x):
        raise ValueError("must be a finite number")
    return _num(x)


def scaled(factor: float, sig: int = 4) -> Callable[[str], str]:
    """A number multiplied by `factor` (units: FLOP/s -> TFLOPS is 1e-12), to `sig` significant figures."""

    def conv(v: str) -> str:
        x = float(number(v)) * factor
        return _num(float(f"{x:.{sig}g}"))

    return conv


def rounded(digits: int) -> Callable[[str], str]:
    def conv(v: str) -> str:
        return _num(round(float(number(v)), digits))

    return conv


def iso_date(v: str) -> str:
    """YYYY-MM-DD from a date or a timestamp ("2025-12-16 02:08:48+00:00")."""
    m = re.match(r"^\s*(\d{4}-\d{2}-\d{2})", v)
    if not m:
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        date.fromisoformat(m.group(1))
    except ValueError:
        raise ValueError("must be a real calendar date") from None
    return m.group(1)


def choice(table: dict[str, str]) -> Callable[[str], str]:
    """A producer vocabulary mapped to the table's (unknown words are a bad value)."""

    def conv(v: str) -> str:
        key = v.strip()
        if key in table:
            return table[key]
        raise ValueError("must be one of: " + ", ".join(sorted(table)))

    return conv


def _num(x: float) -> str:
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.10g}"


@dataclass(frozen=True)
class Field:
    column: str                      # table column
    source: str                      # producer column (for nested files, a dotted path)
    convert: Callable[[str], str] = text
    #: when the producer leaves it empty: "skip" the record (the table requires it) or "blank"
    if_empty: str = "blank"
    #: False: written on new rows only, never compared with (or changed on) existing rows (where the
    #: table's value was mended from another source or the producer's meaning differs)
    compare: bool = True


@dataclass(frozen=True)
class Mapping:
    name: str                         # short id: --producer NAME
    producer: str                     # who publishes the file, in words
    table: str
    detect: tuple[str, ...]           # producer columns (or keys) that identify the file
    fields: tuple[Field, ...]
    source_url: str                   # written on new rows; identifies the producer's rows
    match_on: tuple[str, ...]         # table columns pairing records with rows
    scope: dict[str, str] = field(default_factory=dict)  # owned rows: column == value
    constants: dict[str, str] = field(default_factory=dict)
    #: written only when the table has the column (e.g. date_basis, while tables gain one)
    if_present: dict[str, str] = field(default_factory=dict)
    model_field: str | None = None    # table column holding a name to resolve against `resolve_in`
    resolve_in: tuple[str, str] = ("models", "model")  # (table, column) of the known names
    add_unknown_models: bool = False  # models.csv itself: unknown names become new rows
    #: producer ids -> models.csv names, declared (beyond names that match once normalised)
    aliases: dict[str, str] = field(default_factory=dict)
    #: a regex on existing rows' notes capturing a producer id already mapped to the row's model
    learned_ids: str | None = None
    #: further producer columns tried, in order, when resolving a name (e.g. a display name)
    alt_names: tuple[str, ...] = ()
    #: when several records map to one row: ("max", column) keeps the record with the largest value
    #: of that column, ("min", column) the smallest (e.g. the earliest release date of a model's
    #: versions); the column is the table's, or else the producer's
    keep: tuple[str, str] | None = None
    #: a substring of source_url marking the producer's rows (default: source_url itself)
    owner: str = ""
    #: the table whose notes `learned_ids` reads (default: this table)
    learned_from: str | None = None
    #: records are snapshots: removal considers owned rows of the dates the file covers only
    snapshot: bool = False
    #: producer column holding the statement date of each record (empty: --as-of is needed)
    date_source: str | None = None
    note: str = ""                    # notes of new rows; {id}, {as_of}, {file} filled in
    estimate: str = "false"           # value of the `estimate` column on new rows, where the table has one
    record_id: str = ""               # producer column naming the record (for notes and messages)
    #: declared selection: a function of the record returning why it is left out, or None
    select: Callable[[dict[str, str]], str | None] | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """The table columns this mapping compares (its figures and constants)."""
        cols = [f.column for f in self.fields if f.compare] + list(self.constants)
        return tuple(c for c in dict.fromkeys(cols) if c not in ("source_url", "as_of", "notes"))


def present_values(mapping: Mapping, header: list[str]) -> dict[str, str]:
    """The `if_present` columns the table has; a value "a|b" is the first the column allows."""
    out = {}
    cols = {c.name: c for c in TABLES[mapping.table].columns}
    for c, v in mapping.if_present.items():
        if c not in header:
            continue
        options = v.split("|")
        allowed = cols[c].choices if c in cols else None
        out[c] = next((o for o in options if not allowed or o in allowed), options[0])
    return out


# --- model names --------------------------------------------------------------------------------

def norm(name: str) -> str:
    """A name reduced for matching: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


class Names:
    """Producer ids -> models.csv names: declared aliases, ids learned from existing rows' notes,
    then exact match after normalisation."""

    def __init__(self, mapping: Mapping, models: list[str], rows: pd.DataFrame):
        self.known = {norm(m): m for m in models}
        self.map: dict[str, str] = {}
        key = mapping.resolve_in[1]
        if mapping.learned_ids and "notes" in rows and key in rows:
            pattern = re.compile(mapping.learned_ids)
            for model, notes in zip(rows[key], rows["notes"]):
                for m in pattern.finditer(notes or ""):
                    for pid in re.split(r",\s*|\s+and\s+", " , ".join(g for g in m.groups() if g)):
                        pid = pid.strip().rstrip(".;)")
                        if pid:
                            self.map.setdefault(norm(pid), model)
        for pid, model in mapping.aliases.items():
            self.map[norm(pid)] = model

    def resolve(self, *candidates: str) -> str | None:
        for c in candidates:
            if not c:
                continue
            key = norm(c)
            if key in self.map:
                return self.map[key]
            if key in self.known:
                return self.known[key]
        return None


# --- reading the table --------------------------------------------------------------------------

def read_table(name: str, data_dir: Path | None = None) -> tuple[list[str], list[dict[str, str]]]:
    path = table_path(name, data_dir)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    return header, [dict(zip(header, r)) for r in rows[1:] if r]


def _same(a: str, b: str) -> bool:
    a, b = (a or "").strip(), (b or "").strip()
    if a == b or re.sub(r"\s*,\s*", ",", a) == re.sub(r"\s*,\s*", ",", b):
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=0.0)


@dataclass
class Change:
    key: tuple[str, ...]
    before: dict[str, str] | None      # None: added
    after: dict[str, str] | None       # None: removed
    diffs: list[tuple[str, str, str]] = field(default_factory=list)  # (column, old, new)
    origin: int | None = None          # line in the producer's file


@dataclass
class Plan:
    mapping: Mapping
    file: Path
    header: list[str]
    rows: list[dict[str, str]]         # the table after the import
    added: list[Change]
    changed: list[Change]
    removed: list[Change]
    skipped: list[str]                 # one line per kind of skipped record

    @property
    def summary(self) -> str:
        return f"added {len(self.added)}, changed {len(self.changed)}, removed {len(self.removed)}"


def _owned(row: dict[str, str], mapping: Mapping) -> bool:
    if (mapping.owner or mapping.source_url) not in (row.get("source_url") or ""):
        return False
    return all((row.get(c) or "").strip() == v for c, v in mapping.scope.items())


def build_rows(mapping: Mapping, records: Iterable[Record], file: Path, header: list[str],
               table_rows: list[dict[str, str]], models: list[str],
               as_of: str | None, data_dir: Path | None = None) -> tuple[dict, set[str], list[str]]:
    """The file's records as table rows, keyed by `match_on`: ({key: (row, record, other ids)}, skipped)."""
    problems: list[Problem] = []
    skipped: dict[str, list[str]] = {}
    names = None
    if mapping.model_field:
        learn_header, learn_rows = (header, table_rows) if not mapping.learned_from else read_table(mapping.learned_from, data_dir)
        names = Names(mapping, models, pd.DataFrame(learn_rows, columns=learn_header))
    out: dict[tuple[str, ...], tuple[dict[str, str], Record, list[str]]] = {}
    rel = file.name
    mentioned: set[str] = set()
    if not as_of and (not mapping.date_source or not any((r.values.get(mapping.date_source) or "").strip()
                                                         for r in records)):
        raise ProducerFileError([Problem(rel, None, mapping.date_source, None,
                                   "the file states no date of its own"
                                   + (f" (its column {mapping.date_source!r} is missing or empty)" if mapping.date_source else "")
                                   + ": give --as-of YYYY-MM-DD, the producer's date of this file (a snapshot's or "
                                   "download page's date, a copy's commit date), never the day it was read")])
    for rec in records:
        # the names this record gives (resolved where they can be): an owned row named here is not
        # "removed" even when the record itself is skipped
        ids = [rec.values.get(f.source, "") for f in mapping.fields if f.column in mapping.match_on]
        ids += [rec.values.get(c, "") for c in (mapping.record_id, *mapping.alt_names) if c]
        if names is not None:
            ids.append(names.resolve(*[i for i in ids if i]) or "")
        mentioned.update(norm(str(i)) for i in ids if i)
        skip_reason = mapping.select(rec.values) if mapping.select else None
        if skip_reason:
            skipped.setdefault(skip_reason, []).append(rec.values.get(mapping.record_id, "") or f"line {rec.line}")
            continue
        row: dict[str, str] = {}
        skip = None
        for f in mapping.fields:
            raw = rec.values.get(f.source, "")
            raw = "" if raw is None else str(raw)
            if not raw.strip():
                if f.if_empty == "skip":
                    skip = f"no {f.source}"
                    break
                row[f.column] = ""
                continue
            try:
                row[f.column] = f.convert(raw)
            except ValueError as exc:
                problems.append(Problem(rel, rec.line_of(f.source), f.source, raw.strip(),
                                        f"{exc} (for {mapping.table}.{f.column})"))
                skip = "bad"
                break
        if skip:
            if skip != "bad":
                skipped.setdefault(skip, []).append(rec.values.get(mapping.record_id, "") or f"line {rec.line}")
            continue
        row.update(mapping.constants)
        row.update(present_values(mapping, header))
        stated = rec.values.get(mapping.date_source, "") if mapping.date_source else ""
        if stated and stated.strip():
            try:
                row["as_of"] = iso_date(stated)
            except ValueError as exc:
                problems.append(Problem(rel, rec.line_of(mapping.date_source), mapping.date_source, stated, str(exc)))
                continue
        elif as_of:
            row["as_of"] = as_of
        else:
            where = f"its column {mapping.date_source!r} is empty" if mapping.date_source else "the file states no date"
            problems.append(Problem(rel, rec.line, mapping.date_source, None,
                                    f"no statement date: {where}; give --as-of YYYY-MM-DD, the producer's own "
                                    "date of this file (never the day it was read)"))
            continue
        if names is not None:
            pid = row[mapping.model_field]
            model = names.resolve(pid, rec.values.get(mapping.record_id, ""),
                                  *(rec.values.get(c, "") for c in mapping.alt_names))
            if model is None:
                if not mapping.add_unknown_models:
                    skipped.setdefault(f"not in data/{mapping.resolve_in[0]}.csv (add it there first)", []).append(pid)
                    continue
                model = pid
            row[mapping.model_field] = model
        key = tuple(row.get(c, "") for c in mapping.match_on)
        rid = rec.values.get(mapping.record_id, "") or row.get(mapping.model_field or "", "")
        if key in out:
            kept, kept_rec, others = out[key]
            how, col = mapping.keep or ("", "")
            # the column is the table's (converted) or else the producer's own
            mine = row[col] if col in row else rec.values.get(col, "")
            theirs = kept[col] if col in kept else kept_rec.values.get(col, "")
            better = _greater(mine, theirs) if how == "max" else _greater(theirs, mine) if how == "min" else False
            if better:
                others.append(kept_rec.values.get(mapping.record_id, ""))
                out[key] = (row, rec, others)
            else:
                others.append(rid)
            continue
        out[key] = (row, rec, [])
    if problems:
        raise ProducerFileError(problems)
    return out, mentioned, [f"{len(ids)} {why}: {', '.join(sorted(set(ids))[:12])}{' ...' if len(set(ids)) > 12 else ''}"
                 for why, ids in skipped.items()]


def _greater(a: str, b: str) -> bool:
    """a > b, as numbers where both are, else as text (ISO dates order as text); empty loses."""
    if not a or not b:
        return bool(a) and not b
    try:
        return float(a) > float(b)
    except ValueError:
        return a > b


def plan(mapping: Mapping, records: list[Record], file: Path, as_of: str | None = None,
         data_dir: Path | None = None) -> Plan:
    """What importing `records` would do to data/<table>.csv, validated; nothing is written."""
    header, rows = read_table(mapping.table, data_dir)
    missing = [c for c in mapping.columns if c not in header]
    if missing:
        raise ProducerFileError([Problem(f"data/{mapping.table}.csv", 1, c, None,
                                   f"the {mapping.producer} mapping fills this column but the table has none")
                           for c in missing])
    rt, rc = mapping.resolve_in
    models = [r[rc] for r in read_table(rt, data_dir)[1]] if mapping.model_field else []
    incoming, mentioned, skipped = build_rows(mapping, records, file, header, rows, models, as_of, data_dir)
    index: dict[tuple[str, ...], int] = {}
    for i, r in enumerate(rows):
        index.setdefault(tuple((r.get(c) or "").strip() for c in mapping.match_on), i)
    new_rows = [dict(r) for r in rows]
    added: list[Change] = []
    changed: list[Change] = []
    removed: list[Change] = []
    seen: set[int] = set()
    foreign: list[str] = []
    older: list[str] = []
    for key, (row, rec, others) in incoming.items():
        i = index.get(key)
        if i is not None and not _owned(rows[i], mapping):
            foreign.append(" | ".join(key))
            seen.add(i)
            continue
        if i is None:
            full = {c: "" for c in header}
            full.update({c: v for c, v in row.items() if c in header})
            full["source_url"] = row.get("source_url") or mapping.source_url
            if "estimate" in header:
                full["estimate"] = mapping.estimate
            rid = rec.values.get(mapping.record_id, "")
            note = mapping.note.format(id=rid, as_of=full.get("as_of", ""), file=file.name)
            if others:
                note += (f" Other ids mapped to this row ({mapping.keep[0] if mapping.keep else 'first kept'} "
                         f"{mapping.keep[1] if mapping.keep else ''} kept): {', '.join(o for o in others if o)}.")
            full["notes"] = note
            new_rows.append(full)
            added.append(Change(key, None, full, origin=rec.line))
            continue
        seen.add(i)
        old = rows[i]
        if row.get("as_of") and (old.get("as_of") or "") > row["as_of"]:
            older.append(" | ".join(key))
            continue  # the table states it later than this file does: an older file cannot overrule it
        # an empty cell in the producer's file says nothing: it never blanks a figure of the table
        diffs = [(c, old.get(c, ""), row.get(c, "")) for c in mapping.columns
                 if row.get(c, "") != "" and not _same(old.get(c, ""), row.get(c, ""))]
        if not diffs:
            continue
        upd = dict(old)
        for c, _, v in diffs:
            upd[c] = v
        upd.update(present_values(mapping, header))
        if row.get("as_of") and row["as_of"] != old.get("as_of"):
            diffs.append(("as_of", old.get("as_of", ""), row["as_of"]))
            upd["as_of"] = row["as_of"]
        was = "; ".join(f"{c} was {o or 'empty'}" for c, o, _ in diffs if c != "as_of")
        upd["notes"] = ((old.get("notes") or "").rstrip() + f" Updated from {mapping.producer}'s file "
                        f"(statement date {upd.get('as_of', '')}): {was}.").strip()
        new_rows[i] = upd
        changed.append(Change(key, old, upd, diffs, origin=rec.line))
    dates = {r.get("as_of", "") for r, _, _ in incoming.values()}
    file_date = max(dates | {as_of or ""})
    drop: set[int] = set()
    for i, r in enumerate(rows):
        if i in seen or not _owned(r, mapping):
            continue
        key = tuple((r.get(c) or "").strip() for c in mapping.match_on)
        name_col = mapping.model_field or mapping.match_on[0]
        if key in incoming or norm(r.get(name_col) or "") in mentioned:
            continue  # still in the file (skipped records included): not removed
        if mapping.snapshot and r.get("as_of", "") not in dates:
            continue
        if (r.get("as_of") or "") > file_date:
            continue  # stated after this file was: an older file cannot withdraw it
        drop.add(i)
        removed.append(Change(key, r, None))
    final = [r for i, r in enumerate(new_rows) if i not in drop]
    if older:
        skipped.append(f"{len(older)} stated later in the table than in this file (left as they are): "
                       + ", ".join(older[:12]) + (" ..." if len(older) > 12 else ""))
    if foreign:
        skipped.append(f"{len(foreign)} already in the table from another source (left as they are): "
                       + ", ".join(foreign[:12]) + (" ..." if len(foreign) > 12 else ""))
    result = Plan(mapping, file, header, final, added, changed, removed, skipped)
    validate(result, data_dir)
    return result


def validate(p: Plan, data_dir: Path | None = None) -> None:
    """The table after the import, checked with its schema and foreign keys; problems in new or
    changed rows are reported against the producer file's line."""
    name = p.mapping.table
    frame = pd.DataFrame([[r.get(c, "") for c in p.header] for r in p.rows], columns=p.header, dtype=str)
    frame.index = range(2, len(frame) + 2)
    origin: dict[int, int | None] = {}
    touched = {id(c.after): c.origin for c in p.added + p.changed}
    for line, r in zip(frame.index, p.rows):
        if id(r) in touched:
            origin[line] = touched[id(r)]
    problems: list[Problem] = []
    try:
        parse(name, frame[TABLES[name].column_names])
    except DataError as exc:
        for pr in exc.problems:
            problems.append(_blame(pr, origin, p))
    # foreign keys: this table's values must exist elsewhere, and removed keys must not be used elsewhere
    table = TABLES[name]
    for column, other, other_col in table.foreign_keys:
        known = {r.get(other_col, "") for r in read_table(other, data_dir)[1]}
        for line, r in zip(frame.index, p.rows):
            v = r.get(column, "")
            if v and v not in known and line in origin:
                problems.append(_blame(Problem(f"data/{name}.csv", line, column, v,
                                               f"not found in data/{other}.csv column {other_col}"), origin, p))
    for other_name, other in TABLES.items():
        for column, target, target_col in other.foreign_keys:
            if target != name or not p.removed:
                continue
            kept = {r.get(target_col, "") for r in p.rows}
            gone = {c.before.get(target_col, "") for c in p.removed if c.before} - kept
            if not gone:
                continue
            try:
                used = read_table(other_name, data_dir)[1]
            except FileNotFoundError:
                continue
            for v in sorted(gone & {r.get(column, "") for r in used}):
                problems.append(Problem(f"data/{name}.csv", None, target_col, v,
                                        f"would be removed ({p.mapping.producer}'s file no longer lists it) but "
                                        f"data/{other_name}.csv column {column} uses it: mend that table first"))
    if problems:
        raise ProducerFileError(list(dict.fromkeys(problems)))


def _blame(pr: Problem, origin: dict[int, int | None], p: Plan) -> Problem:
    if pr.line in origin and origin[pr.line] is not None:
        src = next((f.source for f in p.mapping.fields if f.column == pr.column), None)
        col = f"{src} (-> {p.mapping.table}.{pr.column})" if src else f"{p.mapping.table}.{pr.column}"
        return Problem(p.file.name, origin[pr.line], col, pr.value, pr.rule)
    return pr


def render(rows: list[dict[str, str]], header: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(c, "") for c in header])
    return buf.getvalue()


def write(p: Plan, data_dir: Path | None = None) -> Path:
    """Apply the plan: the whole table written to a temporary file beside it, then moved over it in
    one step (os.replace), so data/ holds either the old table or the new one, never half of one."""
    path = table_path(p.mapping.table, data_dir)
    text_out = render(p.rows, p.header)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".csv.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text_out)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def read_csv_records(path: Path) -> tuple[list[str], list[Record]]:
    """A producer CSV: header and records (line = the line a reader sees; quoted newlines counted)."""
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProducerFileError([Problem(path.name, line, None, None, "not valid UTF-8")]) from None
    reader = csv.reader(io.StringIO(content))
    try:
        header = next(reader)
    except StopIteration:
        raise ProducerFileError([Problem(path.name, None, None, None, "file is empty")]) from None
    records = []
    line = 2
    for cells in reader:
        start = line
        line = reader.line_num + 1
        if not cells:
            continue
        if len(cells) != len(header):
            raise ProducerFileError([Problem(path.name, start, None, None,
                                       f"has {len(cells)} cells, the header has {len(header)}")])
        records.append(Record(start, dict(zip(header, cells))))
    return header, records


def require_columns(path: Path, header: Iterable[str], mapping: Mapping) -> None:
    """Every producer column the mapping reads is in the file's header (the date column may be
    absent: --as-of then gives the date)."""
    have = set(header)
    needed = list(dict.fromkeys(f.source for f in mapping.fields))
    missing = [c for c in needed if c not in have]
    if missing:
        raise ProducerFileError([Problem(path.name, 1, c, None,
                                   f"column missing: the {mapping.name} mapping reads it from a {mapping.producer} "
                                   f"file (columns read: {', '.join(needed)})") for c in missing])


def read_csv(path: Path, mapping: Mapping) -> tuple[Mapping, list[Record]]:
    """A producer's CSV file, with the columns its mapping needs checked (the three Epoch AI files)."""
    header, records = read_csv_records(path)
    require_columns(path, header, mapping)
    return mapping, records


def sniff_csv(path: Path) -> set[str]:
    """The column names of a producer's CSV file (to recognise the producer)."""
    header, _ = read_csv_records(path)
    return set(header)
