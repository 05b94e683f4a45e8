"""Read a table from data/, type its columns and check it against its schema.

Every problem becomes one line naming the file, the row (as the line number a reader sees in an
editor, header = line 1), the column, the value and the rule, so a broken row can be found and
fixed without reading code.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from pathlib import Path

import pandas as pd
import yaml
import pandera.pandas as pa

from .. import paths
from . import checks
from .records import Problem, period_end
from .schemas import TABLES, Col, Table

_TRUE = {"true": True, "false": False}


class DataError(Exception):
    """One or more problems in the data; `str()` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def table_path(name: str, data_dir: Path | None = None) -> Path:
    return (data_dir or paths.data_dir()) / f"{name}.csv"


def read_raw(name: str, data_dir: Path | None = None) -> pd.DataFrame:
    """The CSV as text cells (empty = ""), after checking encoding, header and shape."""
    path = table_path(name, data_dir)
    rel = f"data/{path.name}"
    if not path.exists():
        raise DataError([Problem(rel, None, None, None, "file is missing")])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError([Problem(rel, line, None, repr(raw[exc.start:exc.start + 4]),
                                 "not valid UTF-8 (save the file as UTF-8)")]) from None
    if not text.strip():
        raise DataError([Problem(rel, None, None, None, "file is empty (expected a header row and data rows)")])
    table = TABLES[name]
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    missing = [c for c in table.column_names if c not in header]
    unknown = [c for c in header if c not in table.column_names]
    problems = [Problem(rel, 1, c, None, "required column is missing") for c in missing]
    problems += [Problem(rel, 1, c, None, f"unknown column (allowed: {', '.join(table.column_names)})") for c in unknown]
    for i, row in enumerate(rows[1:], start=2):
        if row and len(row) != len(header):
            problems.append(Problem(rel, i, None, None, f"has {len(row)} cells, the header has {len(header)}"))
    if problems:
        raise DataError(problems)
    frame = pd.DataFrame([r for r in rows[1:] if r], columns=header, dtype=str)
    if frame.empty:
        raise DataError([Problem(rel, None, None, None, "has a header but no data rows")])
    frame.index = range(2, len(frame) + 2)  # index = line number in the file
    return frame[table.column_names]


def _parse_column(col: Col, values: pd.Series, rel: str, problems: list[Problem]) -> pd.Series:
    s = values.fillna("").astype(str).str.strip()
    empty = s == ""
    if col.kind in ("number", "int"):
        out = pd.to_numeric(s.where(~empty), errors="coerce")
        bad = out.isna() & ~empty
        rule = "must be a number (plain digits, no units or commas)"
        if col.kind == "int":
            bad |= out.notna() & (out % 1 != 0)
            rule = "must be a whole number"
        for line in s.index[bad]:
            problems.append(Problem(rel, int(line), col.name, s[line], rule))
        return out.astype("float64") if col.kind == "number" else out.astype("Int64")
    if col.kind == "date":
        out = pd.to_datetime(s.where(~empty), format="%Y-%m-%d", errors="coerce")
        for line in s.index[out.isna() & ~empty]:
            problems.append(Problem(rel, int(line), col.name, s[line], "must be a date written YYYY-MM-DD"))
        return out
    if col.kind == "bool":
        low = s.str.lower()
        bad = ~low.isin(list(_TRUE)) & ~empty
        for line in s.index[bad]:
            problems.append(Problem(rel, int(line), col.name, s[line], "must be true or false"))
        return low.map(_TRUE).astype("boolean")
    return s.where(~empty, None).astype(object)


def _schema(table: Table) -> pa.DataFrameSchema:
    columns = {}
    for col in table.columns:
        checks = []
        if col.choices:
            checks.append(pa.Check.isin(col.choices, error=f"must be one of: {', '.join(col.choices)}"))
        if col.ge is not None:
            checks.append(pa.Check.ge(col.ge, error=f"must be ≥ {col.ge:g}"))
        if col.le is not None:
            checks.append(pa.Check.le(col.le, error=f"must be ≤ {col.le:g}"))
        if col.kind == "url":
            checks.append(pa.Check(lambda s: s.str.split(" ; ").map(
                lambda urls: all(u.strip().startswith(("http://", "https://")) for u in urls)),
                element_wise=False, error="must be one or more http(s) URLs separated by ' ; '"))
        columns[col.name] = pa.Column(checks=checks, nullable=not col.required, coerce=False)
    return pa.DataFrameSchema(columns, unique=list(table.key), report_duplicates="all")


def _rule_text(check: str, column: str | None) -> str:
    if check == "not_nullable":
        return "is required and may not be empty"
    if check in ("multiple_fields_uniqueness", "field_uniqueness"):
        return "duplicate key: another row has the same values in the key columns"
    return check


#: names a foundry, not a process node (accelerators.process_node)
FOUNDRIES = ("tsmc", "samsung", "intel", "globalfoundries", "smic", "umc")


def read_meta(name: str, data_dir: Path | None = None) -> dict | None:
    """The table's meta file as a dict, or None when there is none."""
    import yaml

    path = (data_dir or paths.data_dir()) / f"{name}.meta.yml"
    if not path.exists():
        return None
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def source_caption(name: str, data_dir: Path | None = None, most: int = 5) -> str:
    """A chart's source line for a table, from its meta file's producers (the one place they are
    named): "Epoch AI, Our World in Data; data/training_compute.csv". More than `most` producers are
    shortened to the first few and a count."""
    producers = [str(p) for p in ((read_meta(name, data_dir) or {}).get("producers") or [])]
    if len(producers) > most:
        producers = producers[:most - 1] + [f"{len(producers) - most + 1} others"]
    return (", ".join(producers) + "; " if producers else "") + f"data/{name}.csv"


def parse(name: str, raw: pd.DataFrame, meta: dict | None = None) -> pd.DataFrame:
    """Typed frame, or DataError listing every problem. `meta` (the table's meta file) is needed for
    tables whose series must each carry the one definition the meta file names."""
    table = TABLES[name]
    rel = f"data/{name}.csv"
    problems: list[Problem] = []
    typed = pd.DataFrame({c.name: _parse_column(c, raw[c.name], rel, problems) for c in table.columns},
                         index=raw.index)
    try:
        _schema(table).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        for _, row in fc.iterrows():
            line = int(row["index"]) if pd.notna(row["index"]) else None
            column = row["column"] if isinstance(row["column"], str) else None
            if column in table.key and len(table.key) > 1 and "uniqueness" in str(row["check"]):
                column = ", ".join(table.key)
            value = None if pd.isna(row["failure_case"]) else str(row["failure_case"])
            if line is not None and column in raw.columns and "uniqueness" not in str(row["check"]):
                value = raw.at[line, column]
            problems.append(Problem(rel, line, column, value, _rule_text(str(row["check"]), column)))
    for early, late in table.date_order:
        # a date known to the month may fall anywhere in it: compare the end of the later period
        late_end = period_end(typed, late)
        both = typed[early].notna() & typed[late].notna()
        for line in typed.index[both & (typed[early] > late_end)]:
            problems.append(Problem(rel, int(line), late, raw.at[line, late],
                                    f"must not be before {early} ({raw.at[line, early]})"))
    if "percent_in_range" in table.extra_checks:
        pct = (typed["score_unit"] == "percent") & ~typed["score"].between(0, 100)
        for line in typed.index[pct.fillna(False)]:
            problems.append(Problem(rel, int(line), "score", raw.at[line, "score"],
                                    "a percent score must be between 0 and 100"))
    if "total_at_least_output" in table.extra_checks:
        low = typed["total_tokens_per_s_per_chip"] < typed["output_tokens_per_s_per_chip"]
        for line in typed.index[low.fillna(False)]:
            problems.append(Problem(rel, int(line), "total_tokens_per_s_per_chip",
                                    raw.at[line, "total_tokens_per_s_per_chip"],
                                    "total tokens per second must not be below output tokens per second"))
    if "low_at_most_high" in table.extra_checks:
        bad = typed["gross_margin_low"] > typed["gross_margin_high"]
        for line in typed.index[bad.fillna(False)]:
            problems.append(Problem(rel, int(line), "gross_margin_low", raw.at[line, "gross_margin_low"],
                                    "the low end must not exceed the high end"))
    if "date_kind_basis" in table.extra_checks:
        need = typed["date_kind"].isin(["target", "inference"]) & typed["date_basis"].isna()
        for line in typed.index[need.fillna(False)]:
            problems.append(Problem(rel, int(line), "date_basis", raw.at[line, "date_basis"],
                                    f"a {typed.at[line, 'date_kind']} date needs its basis (who announced it, or how "
                                    "it is derived)"))
    if "node_not_foundry" in table.extra_checks:
        node = typed["process_node"].fillna("").str.strip().str.lower()
        for line in typed.index[node.isin(FOUNDRIES)]:
            problems.append(Problem(rel, int(line), "process_node", raw.at[line, "process_node"],
                                    "is a foundry, not a process node: put it in `foundry` and the node (e.g. N3, "
                                    "5 nm class) here, or leave it empty"))
    if "server_capex_not_chip_price" in table.extra_checks:
        # the server around the chip cannot cost as much as a server price per chip that already includes it
        both = typed["server_capex_usd_per_chip"].notna() & typed["price_usd"].notna()
        per_chip = typed["price_basis"].isin(["server_per_chip", "system_per_chip"])
        same = both & per_chip & ((typed["server_capex_usd_per_chip"] - typed["price_usd"]).abs()
                                  <= 0.05 * typed["price_usd"])
        for line in typed.index[same.fillna(False)]:
            problems.append(Problem(rel, int(line), "server_capex_usd_per_chip", raw.at[line, "server_capex_usd_per_chip"],
                                    f"equals price_usd ({raw.at[line, 'price_usd']}), a {raw.at[line, 'price_basis']} "
                                    "price that already includes the server: give only the server around the chip"))
    if table.column_names and "date_basis" in table.column_names:
        problems += checks.date_basis_problems(name, table, raw, typed)
    problems += checks.denied_source_problems(name, table, raw)
    problems += checks.unit_in_notes_problems(name, table, raw, typed)
    if table.series:
        problems += checks.series_definition_problems(name, table, raw, meta)
    if problems:
        # one line per problem, in file order
        unique = list(dict.fromkeys(problems))
        unique.sort(key=lambda p: (p.line or 0, p.column or ""))
        raise DataError(unique)
    return typed.reset_index(drop=True)


#: (chapter, tables it declares) while a chapter notebook runs (set by `declare_reads` from nb.setup);
#: None elsewhere (tests, the CLI). The build keys a chapter's cache on the tables it declares, so a
#: table read without being declared would let a changed table reuse a stale execution.
_declared: tuple[str, frozenset[str]] | None = None


class UndeclaredTable(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


def declare_reads(chapter: str, tables: tuple[str, ...] | frozenset[str]) -> None:
    """From now on in this process, `load` serves only `tables` (the chapter's `reads_data`)."""
    global _declared
    _declared = (chapter, frozenset(tables))


def coverage_end(frame: pd.DataFrame) -> str:
    """The newest statement date of a loaded table: the largest `as_of` of its rows (ISO date, or "" when
    none). Computed, never stated in the meta file, so that it cannot fall behind the data."""
    if "as_of" not in frame or frame["as_of"].dropna().empty:
        return ""
    return pd.Timestamp(frame["as_of"].max()).date().isoformat()


def load(name: str, data_dir: Path | None = None) -> pd.DataFrame:
    """A table from data/, typed (dates as datetime64, booleans, floats) and checked."""
    if name not in TABLES:
        raise KeyError(f"unknown table {name!r}; tables: {', '.join(TABLES)}")
    if _declared is not None and name not in _declared[1]:
        chapter, tables = _declared
        raise UndeclaredTable(f"chapter {chapter} loads table {name!r}, which it does not declare: add it to "
                              f"its reads_data in tokenfactory/registry.py (declared: {', '.join(sorted(tables))})")
    return parse(name, read_raw(name, data_dir), read_meta(name, data_dir) if TABLES[name].series else None)


def check_all(data_dir: Path | None = None) -> list[Problem]:
    """Every problem in every table, foreign keys included (empty list: all good)."""
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        try:
            frames[name] = load(name, data_dir)
        except DataError as exc:
            problems.extend(exc.problems)
    problems.extend(checks.cross_table_problems(frames))
    for name, table in TABLES.items():
        if name not in frames:
            continue
        for column, other, other_col in table.foreign_keys:
            if other not in frames:
                continue
            known = set(frames[other][other_col].dropna())
            frame = frames[name]
            for i in frame.index[~frame[column].isin(known) & frame[column].notna()]:
                problems.append(Problem(f"data/{name}.csv", int(i) + 2, column, frame.at[i, column],
                                        f"not found in data/{other}.csv column {other_col}"))
    return problems


def read_yaml(path: Path, label: str, error: type[Exception] = ValueError) -> Any:
    """Parse a YAML file, or raise `error` naming `label`, the line and the problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{label}: file is missing") from None
    except UnicodeDecodeError:
        raise error(f"{label}: not valid UTF-8") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"{label}: malformed YAML{where}: {problem}") from None
