"""What the loader and the data checks share: a problem found in a file, and the last day of the
period a date stands for (a module of its own, so that neither imports the other for it)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Problem:
    """One problem in a data file: where (file, line, column), the value, and the rule it breaks."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = self.file + (f", line {self.line}" if self.line else "")
        col = f", column {self.column}" if self.column else ""
        val = f", value {self.value!r}" if self.value is not None else ""
        return f"{where}{col}{val}: {self.rule}"


#: How far past its date each precision's period runs (its last day).
PERIOD = {"day": pd.DateOffset(days=0), "month": pd.DateOffset(months=1, days=-1),
          "quarter": pd.DateOffset(months=3, days=-1), "year": pd.DateOffset(years=1, days=-1)}


def period_end(typed: pd.DataFrame, column: str) -> pd.Series:
    """Last day of the period a date stands for, from its `<column>_precision` (day if none)."""
    precision = typed.get(f"{column}_precision")
    if precision is None:
        return typed[column]
    out = typed[column].copy()
    for name, offset in PERIOD.items():
        mask = (precision == name) & typed[column].notna()
        if mask.any():
            out[mask] = typed.loc[mask, column] + offset
    return out
