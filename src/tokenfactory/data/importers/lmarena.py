"""An LMArena text leaderboard snapshot -> benchmark_scores (benchmark lmarena_elo).

Two shapes are read:
- the leaderboard dataset (Hugging Face lmarena-ai/leaderboard-dataset, as JSON
  `{"meta": {"leaderboard_publish_date": ...}, "rows": [...]}`, a JSON list of rows, or a CSV export),
  rows with model_name, rating, category and leaderboard_publish_date; only category "overall" is read
  (the raw rating, not style-controlled);
- the leaderboard table as CSV (rank, model, arena_score, 95_pct_ci, votes, ...), which states no date:
  give --as-of, the snapshot's own date.

One snapshot is one date: rows of other dates are never removed. Ids are mapped to models.csv names by
the ids already quoted in the notes ("LMArena id gpt-4-1106-preview", "also claude-opus-4-6") and the
aliases below; where several ids map to one model the highest rating is kept (as the table's meta
says), the others named in notes. Ratings are truncated to 0.1 Elo, as in the table.
"""

from __future__ import annotations

import json
import math

from .base import Field, ProducerFileError, Mapping, Problem, Record, number, read_csv_records, require_columns, text

CATEGORY = "overall"
LEARNED = r"LMArena id (\S+?)[.;,]?(?:\s|$)|also ([^)]+)\)"
#: LMArena ids -> models.csv names, beyond the ids already quoted in benchmark_scores' notes
ALIASES = {
    "gpt-4-0314": "GPT-4", "gpt-4-0613": "GPT-4", "gpt-4": "GPT-4",
    "claude-opus-4-6": "Claude Opus 4.6", "claude-opus-4-6-thinking": "Claude Opus 4.6",
    "gemini-3.1-pro-preview": "Gemini 3.1 Pro",
    "Amazon Nova Pro 1.0": "Amazon Nova Pro", "amazon-nova-pro-v1.0": "Amazon Nova Pro",
}


def truncated(v: str) -> str:
    x = float(number(v))
    return f"{math.floor(x * 10) / 10:.1f}"


_COMMON = dict(
    table="benchmark_scores",
    constants={"benchmark": "lmarena_elo", "score_unit": "elo", "evaluator": "LMArena"},
    if_present={"date_basis": "statement|snapshot|page_date"},
    owner="lmarena.ai/leaderboard",
    match_on=("model", "benchmark", "as_of", "evaluator"),
    scope={"benchmark": "lmarena_elo", "evaluator": "LMArena"},
    model_field="model", aliases=ALIASES, learned_ids=LEARNED, keep=("max", "score"), snapshot=True,
)

DATASET = Mapping(
    name="lmarena-dataset", producer="LMArena (leaderboard dataset)",
    detect=("model_name", "rating"),
    fields=(Field("model", "model_name", text, if_empty="skip"), Field("score", "rating", truncated, if_empty="skip")),
    source_url="https://lmarena.ai/leaderboard ; https://huggingface.co/datasets/lmarena-ai/leaderboard-dataset",
    date_source="leaderboard_publish_date",
    record_id="model_name",
    select=lambda v: None if (v.get("category") or CATEGORY) == CATEGORY else f"in categories other than {CATEGORY}",
    note="LMArena id {id}. Rating of the '" + CATEGORY + "' category (not style-controlled) of LMArena's "
         "leaderboard dataset, leaderboard_publish_date {as_of}, imported from {file}; value truncated to 0.1. "
         "Compare Elo only within one snapshot.",
    **_COMMON,
)

TABLE = Mapping(
    name="lmarena-table", producer="LMArena (leaderboard table)",
    detect=("model", "arena_score"),
    fields=(Field("model", "model", text, if_empty="skip"), Field("score", "arena_score", truncated, if_empty="skip")),
    source_url="https://lmarena.ai/leaderboard",
    record_id="model",
    note="LMArena id {id}. Displayed leaderboard rating (arena_score) of the text leaderboard snapshot "
         "dated {as_of}, imported from {file}. Compare Elo only within one snapshot.",
    **_COMMON,
)

MAPPINGS = (DATASET, TABLE)


def _json(path):
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ProducerFileError([Problem(path.name, exc.lineno, None, None, f"not valid JSON: {exc.msg}")]) from None
    meta, rows = {}, data
    if isinstance(data, dict):
        meta, rows = data.get("meta") or {}, data.get("rows")
    if not isinstance(rows, list):
        raise ProducerFileError([Problem(path.name, None, "rows", None, "expected a list of leaderboard rows")])
    text_json = path.read_text(encoding="utf-8")
    records, pos = [], 0
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ProducerFileError([Problem(path.name, None, f"rows[{i}]", None, "expected an object")])
        values = {k: "" if v is None else str(v) for k, v in row.items()}
        if "leaderboard_publish_date" not in values and meta.get("leaderboard_publish_date"):
            values["leaderboard_publish_date"] = str(meta["leaderboard_publish_date"])
        # the line of this row in the file: the next "model_name" key after the previous one
        at = text_json.find('"model_name"', pos)
        line = text_json.count("\n", 0, at) + 1 if at >= 0 else None
        pos = at + 1 if at >= 0 else pos
        records.append(Record(line, values))
    return set().union(*(r.values for r in records)) if records else set(), records


def read(path, mapping):
    if path.suffix.lower() == ".json":
        header, records = _json(path)
    else:
        header, records = read_csv_records(path)
    require_columns(path, header, mapping)
    return mapping, records


def sniff(path) -> set[str]:
    if path.suffix.lower() == ".json":
        return _json(path)[0]
    return set(read_csv_records(path)[0])


