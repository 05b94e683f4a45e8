"""Checks beyond one cell's type: what a date is, which sources are refused, units, one definition per
series, and rules across tables.

Why a module of its own: these rules are general (every table may opt in) and the per-table schemas in
schemas.py only declare which apply. Each function returns `Problem`s naming the file, the line, the
column, the value and the rule, like the cell checks in load.py, so a bad row is found without reading
code.

- **Date basis.** A date in data/ is either the day something happened (an `event`: a launch, a price
  change) or the day a source said something. Those are not the same and must not be mixed: a figure
  for a year cannot be stated on the year's last day, and a bot's capture of a page is not the page's
  own date. Tables whose dates are not all event dates carry a `date_basis` column; rules that need a
  certain kind of date read only those rows through `rows_with_basis`.
- **Denied sources.** AI-written wikis restate figures without a source of their own; a row citing one
  is refused (`DENIED_SOURCE_DOMAINS`).
- **Units.** One unit per column: the unit is in the column name (`_gb`, `_tb_s`, ...), the schema's
  unit must agree with the name, and a cell whose value the row's own notes give in another unit
  (``144 GiB`` in a GB column) is refused.
- **One definition per series.** A table may name, in its meta file, the definition each series uses
  (capex: purchases of property and equipment with or without finance leases, per company); every row
  of the series must carry exactly that definition.
- **Across tables.** No price or score is dated before its model's release; no `current` price is
  dated on or after the day its provider retired the model.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable
from urllib.parse import urlparse

import pandas as pd

from .records import Problem, period_end

if TYPE_CHECKING:  # pragma: no cover
    from .schemas import Table

# --------------------------------------------------------------------------------------------- date basis

#: What a date can be. Every `date_basis` column takes these values and no others.
DATE_BASES: dict[str, str] = {
    "event": "the day the thing happened (a launch, a price taking effect), as its maker states it",
    "statement": "the day the source stated the figure (filing or release date, a dated file's own date)",
    "page_date": "the date printed on (or recorded for) the page the figure was seen on: the figure held "
                 "that day, not a change date",
    "undated_earliest": "the source carries no date: the earliest day it can speak of (e.g. the model's "
                        "release), with the reason in notes",
    "scraped": "the day a bot or a copy captured the source (e.g. a scraper's run date, a copy's commit): "
               "the figure held that day, the source's own date is unknown",
}


def rows_with_basis(frame: pd.DataFrame, allowed: Iterable[str], *, rule: str) -> pd.DataFrame:
    """The rows whose `date_basis` is one `rule` may read (e.g. a trend of price changes reads only
    `event` dates). Raises ValueError naming the rule when the frame has no `date_basis` or a basis
    asked for is not a known one, so a rule can never silently read every row."""
    allowed = tuple(allowed)
    unknown = [b for b in allowed if b not in DATE_BASES]
    if unknown:
        raise ValueError(f"{rule}: unknown date basis {unknown} (allowed: {', '.join(DATE_BASES)})")
    if "date_basis" not in frame:
        raise ValueError(f"{rule}: the table has no date_basis column, so it cannot tell which dates it may read")
    return frame[frame["date_basis"].isin(allowed)]


def date_basis_problems(name: str, table: "Table", raw: pd.DataFrame, typed: pd.DataFrame) -> list["Problem"]:
    """Rules a table declares on its date bases (Table.basis_rules):

    - ``statement_after_period``: a reported figure dated by a `statement` must be dated after the
      period it covers (`period_end`): a full-year figure cannot be stated on the year's last day
      (guidance, a statement about the future, is exempt).
    - ``estimate_unless_statement``: a reported figure whose date is not a statement (read on an
      aggregator's page, a scrape) must be marked `estimate` with its basis in notes.
    - ``events_stated_at_the_time``: a launch or price cut dated as an `event` is stated by a source of
      that time (as_of within 90 days after the date, or before it when announced in advance and the
      notes say "announced"); a price read only in a later statement is an inference that it held from
      the date, so the row must be marked `estimate`.
    """

    rel = f"data/{name}.csv"
    out: list[Problem] = []
    if "date_basis" not in typed:
        return out
    basis = typed["date_basis"]
    rules = set(table.basis_rules)
    if "statement_after_period" in rules:
        reported = typed["row_type"] == "reported" if "row_type" in typed else pd.Series(True, index=typed.index)
        bad = reported & (basis == "statement") & typed["period_end"].notna() & (typed["as_of"] <= typed["period_end"])
        for line in typed.index[bad.fillna(False)]:
            out.append(Problem(rel, int(line), "as_of", raw.at[line, "as_of"],
                               f"a statement about a period ending {raw.at[line, 'period_end']} cannot be dated on "
                               "or before that day: use the filing or release date"))
    if "estimate_unless_statement" in rules and "estimate" in typed:
        reported = typed["row_type"] == "reported" if "row_type" in typed else pd.Series(True, index=typed.index)
        has_figure = typed[[c for c in typed.columns if c.endswith("_usd_bn")]].notna().any(axis=1)
        bad = reported & has_figure & (basis != "statement") & (typed["estimate"] != True)  # noqa: E712
        for line in typed.index[bad.fillna(False)]:
            out.append(Problem(rel, int(line), "date_basis", raw.at[line, "date_basis"],
                               "a reported figure not read in the company's own statement must be marked "
                               "estimate=true with its basis in notes"))
    if "events_stated_at_the_time" in rules:
        is_event = typed["event"].isin(["launch", "price_cut"]) & (basis == "event")
        lag = (typed["as_of"] - typed["date"]).dt.days
        announced = raw["notes"].str.contains("announced", case=False, na=False)
        estimated = typed["estimate"] == True if "estimate" in typed else pd.Series(False, index=typed.index)  # noqa: E712
        bad = is_event & (((lag > 90) & ~estimated.fillna(False)) | ((lag < 0) & ~announced))
        for line in typed.index[bad.fillna(False)]:
            out.append(Problem(rel, int(line), "as_of", raw.at[line, "as_of"],
                               f"a launch or price cut dated as an event ({raw.at[line, 'date']}) must be stated "
                               "by a source of that time: as_of within 90 days after it (before it only when "
                               "announced in advance, notes saying so); otherwise cite the provider's "
                               "announcement or changelog, or mark the row estimate=true (price inferred from a "
                               "later statement)"))
    return out


# ------------------------------------------------------------------------------------------ denied sources

#: Domains refused as sources, with the reason. AI-written wikis restate figures without a source of
#: their own. Another helper may keep its own list; this is the general one.
DENIED_SOURCE_DOMAINS: dict[str, str] = {
    "grokipedia.com": "an AI-written wiki",
    "aiwiki.ai": "an AI-written wiki",
}

#: Tables exempt from the deny list, each with the reason (none: chip_programs was mended in the
#: December 2026 edition).
DENY_LIST_PENDING: dict[str, str] = {}


def _domain(url: str) -> str:
    host = urlparse(url.strip()).hostname or ""
    return host.lower().removeprefix("www.")


def denied_domain(url: str) -> str | None:
    """The denied domain a URL belongs to (subdomains included), or None."""
    host = _domain(url)
    for domain in DENIED_SOURCE_DOMAINS:
        if host == domain or host.endswith("." + domain):
            return domain
    return None


def denied_source_problems(name: str, table: "Table", raw: pd.DataFrame) -> list["Problem"]:
    """One problem per cited URL on the deny list (every url column of the table)."""

    if name in DENY_LIST_PENDING:
        return []
    rel = f"data/{name}.csv"
    out: list[Problem] = []
    for col in table.columns:
        if col.kind != "url":
            continue
        for line, cell in raw[col.name].items():
            for url in str(cell or "").split(" ; "):
                domain = denied_domain(url) if url.strip() else None
                if domain:
                    out.append(Problem(rel, int(line), col.name, url.strip(),
                                       f"{domain} is {DENIED_SOURCE_DOMAINS[domain]} and not a source: cite the "
                                       "page it copies from (denied: " + ", ".join(DENIED_SOURCE_DOMAINS) + ")"))
    return out


# ------------------------------------------------------------------------------------------------- units

#: Column-name suffix -> the unit the schema must declare for it. Longest suffix wins.
UNIT_SUFFIXES: dict[str, str] = {
    "_usd_per_mtok": "USD per million tokens",
    "_usd_per_chip": "USD",
    "_usd_bn": "USD billions",
    "_tb_s": "TB/s",
    "_tflops": "TFLOPS",
    "_flop": "FLOP",
    "_gib": "GiB",
    "_gb": "GB",
    "_usd": "USD",
    "_w": "W",
    "_b": "billions",
    "_months": "months",
}

#: Units a figure in a column of the given unit is easily confused with (binary prefixes, other scale).
CONFUSABLE_UNITS: dict[str, tuple[str, ...]] = {
    "GB": ("GiB",),
    "GiB": ("GB",),
    "TB/s": ("TiB/s",),
}


def unit_of_name(column: str) -> str | None:
    for suffix in sorted(UNIT_SUFFIXES, key=len, reverse=True):
        if column.endswith(suffix):
            return UNIT_SUFFIXES[suffix]
    return None


def schema_unit_problems(tables: Iterable["Table"]) -> list[str]:
    """Schema self-check: a numeric column named with a unit suffix declares that unit."""
    out = []
    for table in tables:
        for col in table.columns:
            if col.kind not in ("number", "int"):
                continue
            named = unit_of_name(col.name)
            if named is not None and col.unit != named:
                out.append(f"{table.name}.{col.name}: the name says {named!r} but the schema says {col.unit!r}")
    return out


def _number_texts(value: float) -> set[str]:
    texts = {f"{value:g}", f"{value:,.0f}" if value == int(value) else f"{value:g}"}
    if value == int(value):
        texts.add(str(int(value)))
    return texts


def unit_in_notes_problems(name: str, table: "Table", raw: pd.DataFrame, typed: pd.DataFrame) -> list["Problem"]:
    """A number cell whose value the row's own notes state in a confusable unit ('144 GiB' beside
    memory_gb = 144): the figure was copied without converting."""

    if "notes" not in raw:
        return []
    rel = f"data/{name}.csv"
    out: list[Problem] = []
    for col in table.columns:
        others = CONFUSABLE_UNITS.get(col.unit)
        if col.kind != "number" or not others:
            continue
        for line in typed.index[typed[col.name].notna()]:
            notes = str(raw.at[line, "notes"] or "")
            for text in _number_texts(float(typed.at[line, col.name])):
                for other in others:
                    if re.search(rf"(?<![\d.,]){re.escape(text)}\s*{re.escape(other)}(?![A-Za-z])", notes):
                        out.append(Problem(rel, int(line), col.name, raw.at[line, col.name],
                                           f"the notes give this figure in {other}, the column is in {col.unit}: "
                                           f"convert it (1 GiB = 1.073741824 GB) and keep the source's figure in notes"))
    return out


# ------------------------------------------------------------------------------------- series definitions

def series_definition_problems(name: str, table: "Table", raw: pd.DataFrame, meta: dict | None) -> list["Problem"]:
    """Each series (rows sharing the values of Table.series) carries one definition, the one its meta
    file names under `series_definitions` (keys: the series values joined by ' | ')."""

    if not table.series:
        return []
    rel = f"data/{name}.csv"
    declared = (meta or {}).get("series_definitions") or {}
    if not declared:
        return [Problem(f"data/{name}.meta.yml", None, "series_definitions", None,
                        "is missing: name the one definition of each series (" + " | ".join(table.series) + ")")]
    out: list[Problem] = []
    for line in raw.index:
        key = " | ".join(str(raw.at[line, c]) for c in table.series)
        if key not in declared:
            out.append(Problem(rel, int(line), ", ".join(table.series), key,
                               f"series not named in {name}.meta.yml series_definitions (named: "
                               + "; ".join(declared) + ")"))
        elif str(raw.at[line, "definition"]).strip() != str(declared[key]).strip():
            out.append(Problem(rel, int(line), "definition", raw.at[line, "definition"],
                               f"series {key!r} is defined in {name}.meta.yml as {declared[key]!r}: one definition "
                               "per series (convert the figure or start a new series)"))
    return out


# ---------------------------------------------------------------------------------------- across tables

def _release_start(models: pd.DataFrame) -> pd.Series:
    """Earliest possible release day of each model (its release_date: the first day of its period)."""
    return models.dropna(subset=["model"]).set_index("model")["release_date"]


def before_release_problems(frames: dict[str, pd.DataFrame]) -> list["Problem"]:
    """No price and no score dated before its model's earliest possible release day."""

    if "models" not in frames:
        return []
    release = _release_start(frames["models"])
    out: list[Problem] = []
    for name, column in (("api_prices", "date"), ("api_prices", "as_of"), ("benchmark_scores", "as_of")):
        frame = frames.get(name)
        if frame is None:
            continue
        when = frame[column]
        if name == "api_prices" and column == "date":
            # a quarter- or month-precise date may fall anywhere in its period: compare the period's end
            when = period_end(frame, "date")
        rel_release = frame["model"].map(release)
        bad = when.notna() & rel_release.notna() & (when < rel_release)
        if name == "api_prices" and column == "as_of":
            bad &= ~frame["notes"].str.contains("announced", case=False, na=False)
        for i in frame.index[bad]:
            out.append(Problem(f"data/{name}.csv", int(i) + 2, column, frame.at[i, column].date().isoformat(),
                               f"dated before {frame.at[i, 'model']} was released "
                               f"({rel_release[i].date().isoformat()} in data/models.csv): fix the date or the "
                               "model's release date"))
    return out


def retired_current_problems(frames: dict[str, pd.DataFrame]) -> list["Problem"]:
    """No `current` price on or after the day its provider retired the model (api_prices.retired_date,
    stated on any row of that provider and model)."""

    prices = frames.get("api_prices")
    if prices is None or "retired_date" not in prices:
        return []
    retired = prices.dropna(subset=["retired_date"]).groupby(["provider", "model"])["retired_date"].min()
    out: list[Problem] = []
    for i, row in prices.iterrows():
        when = retired.get((row["provider"], row["model"]))
        if when is None or pd.isna(row["date"]):
            continue
        if row["event"] == "current" and row["date"] >= when:
            out.append(Problem("data/api_prices.csv", int(i) + 2, "event", "current",
                               f"{row['provider']} retired {row['model']} on {when.date().isoformat()}: a price "
                               f"dated {row['date'].date().isoformat()} cannot be current (date it while listed, "
                               "or drop the row)"))
    return out


def cross_table_problems(frames: dict[str, pd.DataFrame]) -> list["Problem"]:
    return before_release_problems(frames) + retired_current_problems(frames)
