"""`tokenfactory data import TABLE FILE`: refresh a table from a producer's published file.

One module per producer, each declaring its mapping(s) (see `base.Mapping`):

| module | producer file | table |
|---|---|---|
| `epoch_eci` | Epoch AI, Capabilities Index (epoch_capabilities_index.csv) | benchmark_scores (eci), models |
| `epoch_models` | Epoch AI, notable / large-scale AI models CSV | training_compute |
| `epoch_hardware` | Epoch AI, machine learning hardware CSV | accelerators |
| `lmarena` | LMArena leaderboard snapshot (dataset JSON/CSV, or leaderboard CSV) | benchmark_scores (lmarena_elo) |
| `genai_prices` | pydantic/genai-prices provider file (YAML/JSON) | api_prices |

The producer is recognised from the file's columns (or keys); `--producer NAME` names it outright.
"""

from __future__ import annotations

from pathlib import Path

from ..load import Problem
from . import epoch_eci, epoch_hardware, epoch_models, genai_prices, lmarena
from .base import ProducerFileError, Mapping, Plan, plan, write

MODULES = (epoch_eci, epoch_models, epoch_hardware, lmarena, genai_prices)
MAPPINGS: dict[str, tuple[Mapping, object]] = {m.name: (m, mod) for mod in MODULES for m in mod.MAPPINGS}

__all__ = ["ProducerFileError", "MAPPINGS", "Plan", "choose", "prepare", "tables", "write"]


def tables() -> dict[str, list[str]]:
    """Table -> the producers (mapping names) that can refresh it."""
    out: dict[str, list[str]] = {}
    for name, (m, _) in MAPPINGS.items():
        out.setdefault(m.table, []).append(name)
    return out


def choose(table: str, file: Path, producer: str | None = None) -> tuple[Mapping, object]:
    """The mapping for `file` into `table`: the one named, or the one whose identifying columns the
    file has. Clear errors for an unknown table, a missing file, or an unrecognised file."""
    known = tables()
    if table not in known:
        raise ProducerFileError([Problem(str(table), None, None, None,
                                   f"no producer file maps to this table; importable tables: {', '.join(sorted(known))}")])
    if not file.exists():
        raise ProducerFileError([Problem(str(file), None, None, None, "file not found")])
    if producer is not None:
        if producer not in MAPPINGS or MAPPINGS[producer][0].table != table:
            raise ProducerFileError([Problem(file.name, None, None, None,
                                       f"unknown producer {producer!r} for {table}; allowed: {', '.join(known[table])}")])
        return MAPPINGS[producer]
    sniffed: dict[object, set[str]] = {}
    for name in known[table]:
        m, mod = MAPPINGS[name]
        if mod not in sniffed:
            try:
                sniffed[mod] = mod.sniff(file)
            except ProducerFileError:
                sniffed[mod] = set()
        if set(m.detect) <= sniffed[mod]:
            return m, mod
    shapes = "; ".join(f"{n} (columns {', '.join(MAPPINGS[n][0].detect)})" for n in known[table])
    # the closest producer: name the identifying columns its file should have and this one lacks
    best = max(known[table], key=lambda n: len(set(MAPPINGS[n][0].detect) & sniffed.get(MAPPINGS[n][1], set())))
    m, mod = MAPPINGS[best]
    have = sniffed.get(mod, set())
    if set(m.detect) & have:
        raise ProducerFileError([Problem(file.name, 1, c, None,
                                   f"column missing: files from {m.producer} ({best}) have it; expected "
                                   f"{', '.join(m.detect)}") for c in m.detect if c not in have])
    raise ProducerFileError([Problem(file.name, 1, None, None,
                               f"not recognised as a producer file for {table}: expected one of {shapes}")])


def prepare(table: str, file: Path, as_of: str | None = None, producer: str | None = None,
            data_dir: Path | None = None) -> Plan:
    """Read `file`, map it, diff it against data/<table>.csv and validate the result (writes nothing)."""
    if as_of is not None:
        from .base import iso_date

        try:
            as_of = iso_date(as_of)
        except ValueError as exc:
            raise ProducerFileError([Problem("--as-of", None, None, as_of, str(exc))]) from None
    mapping, mod = choose(table, Path(file), producer)
    mapping, records = mod.read(Path(file), mapping)
    return plan(mapping, records, Path(file), as_of=as_of, data_dir=data_dir)
