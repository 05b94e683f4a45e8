"""How fresh the data are: per table its rows, newest statement date (`as_of`), share of
estimates and the mix of date bases, for `tokenfactory data status`, the Data page and the date
every chapter page shows.

Why read the CSV directly (not the validated loader): a page must show its data date even while a
table is being edited, and this reads one column cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pandas as pd

from . import paths


@dataclass(frozen=True)
class TableStatus:
    table: str
    rows: int
    newest: str | None          # newest as_of, ISO date
    estimate_share: float | None  # share of rows flagged estimate (None: the table has no such column)
    #: rows per `date_basis` value, most frequent first; a table without that column counts all its
    #: rows as UNSTATED (its dates are event dates or their basis is not recorded)
    date_basis: tuple[tuple[str, int], ...] = ()

    def basis_text(self) -> str:
        """"effective 81, page_date 60, ..." (shares as counts, most frequent first)."""
        return ", ".join(f"{name} {n}" for name, n in self.date_basis)


UNSTATED = "event/unstated"


def table_status(name: str, data_dir: Path | None = None) -> TableStatus | None:
    """The status of data/<name>.csv (in `data_dir`, default the repository's data/), None when the
    table is not a CSV there."""
    path = Path(data_dir or paths.data_dir()) / f"{name}.csv"
    if not path.exists():
        return None
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    newest = None
    if "as_of" in frame:
        dates = pd.to_datetime(frame["as_of"].replace("", None), errors="coerce").dropna()
        newest = dates.max().date().isoformat() if len(dates) else None
    share = None
    if "estimate" in frame and len(frame):
        share = float((frame["estimate"].str.strip().str.lower() == "true").mean())
    if "date_basis" in frame:
        basis = frame["date_basis"].str.strip().replace("", UNSTATED)
        counts = basis.value_counts()
        mix = tuple(sorted(((str(k), int(v)) for k, v in counts.items()), key=lambda kv: (-kv[1], kv[0])))
    else:
        mix = ((UNSTATED, len(frame)),) if len(frame) else ()
    return TableStatus(name, len(frame), newest, share, mix)


def all_tables() -> list[TableStatus]:
    """Every CSV table in data/, by name."""
    out = [table_status(p.stem) for p in sorted(paths.data_dir().glob("*.csv"))]
    return [s for s in out if s is not None]


def newest(tables: Iterable[str]) -> tuple[str | None, list[TableStatus]]:
    """The newest statement date among `tables`, and each table's status."""
    found = [s for s in (table_status(t) for t in tables) if s is not None]
    dates = [s.newest for s in found if s.newest]
    return (max(dates) if dates else None), found
