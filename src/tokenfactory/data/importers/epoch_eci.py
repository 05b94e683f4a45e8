"""Epoch AI's Capabilities Index file (epoch_capabilities_index.csv: one row per model version with
its ECI score, release date, organization and accessibility) -> benchmark_scores (benchmark eci) and
models (release date, developer, weights).

The file states no date of its own (no "Last modified" column): `--as-of` gives the date of the
snapshot (the producer's, e.g. the download page's or the copy's commit date), never the day it was
read. Model versions are mapped to models.csv names by the ids already named in benchmark_scores'
notes ("Version: gpt-4-0314."), the aliases below, and exact names.
"""

from __future__ import annotations

from .base import Field, Mapping, choice, iso_date, read_csv, sniff_csv, rounded, text

#: Epoch's "Model accessibility" -> models.weights (as data/training_compute.meta.yml describes)
ACCESS = {
    "API access": "closed", "Hosted access (no API)": "closed", "Unreleased": "closed",
    "Open weights (unrestricted)": "open", "Open source": "open",
    "Open weights (restricted use)": "open_restricted", "Open weights (non-commercial)": "open_restricted",
}

#: Epoch model versions or names whose models.csv name differs beyond spelling
ALIASES = {
    "GPT-4 (Mar 2023)": "GPT-4",
    "gpt-4-0314": "GPT-4",
    "Claude 3.5 Sonnet (October 2024)": "Claude 3.5 Sonnet",
    "PaLM 2-L": "PaLM 2",
    "text-davinci-003": "GPT-3.5 (text-davinci-003)",
}

LEARNED = r"Version: (\S+?)\.(?:\s|$)"

SCORES = Mapping(
    name="epoch-eci", producer="Epoch AI (Capabilities Index)", table="benchmark_scores",
    detect=("Model version", "ECI Score"),
    fields=(
        Field("model", "Model name", text, if_empty="skip"),
        Field("score", "ECI Score", rounded(2), if_empty="skip"),
    ),
    constants={"benchmark": "eci", "score_unit": "index", "evaluator": "Epoch AI"},
    if_present={"date_basis": "statement|snapshot|page_date"},
    source_url="https://epoch.ai/benchmarks/eci",
    match_on=("model", "benchmark", "evaluator"),
    scope={"benchmark": "eci", "evaluator": "Epoch AI"},
    # several versions of one model: the first (launch) version, as the table's meta says
    model_field="model", aliases=ALIASES, learned_ids=LEARNED, keep=("min", "Release date"),
    record_id="Model version",
    note="Version: {id}. Epoch Capabilities Index, imported from Epoch AI's file {file} (statement date "
         "{as_of}: the snapshot's own date). Score rounded to 0.01.",
)

FIRST_YEAR = "2023-01-01"  # models.csv covers models released from 2023 (older rows were added by hand)


def _recent(values: dict[str, str]) -> str | None:
    released = (values.get("Release date") or "").strip()
    if released and released[:10] < FIRST_YEAR:
        return f"released before {FIRST_YEAR[:4]} (the table covers {FIRST_YEAR[:4]} on)"
    return None


MODELS = Mapping(
    name="epoch-eci-models", producer="Epoch AI (Capabilities Index)", table="models",
    detect=("Model version", "ECI Score"),
    fields=(
        Field("model", "Model name", text, if_empty="skip"),
        # Epoch lists every organization ("Z.ai (Zhipu AI),Tsinghua University"); the table names the
        # developer: written on new rows, not compared with the table's
        Field("organization", "Organization", text, if_empty="skip", compare=False),
        Field("release_date", "Release date", iso_date, if_empty="skip"),
        Field("weights", "Model accessibility", choice(ACCESS), if_empty="skip"),
    ),
    constants={"release_date_precision": "day"},
    if_present={"date_basis": "statement|snapshot|page_date"},
    source_url="https://epoch.ai/benchmarks/eci",
    match_on=("model",),
    model_field="model", add_unknown_models=True, aliases=ALIASES, learned_ids=LEARNED,
    learned_from="benchmark_scores", keep=("min", "release_date"), record_id="Model version",
    select=_recent,
    note="Release date (earliest version, {id}), developer and accessibility imported from Epoch AI's "
         "Capabilities Index file {file} (statement date {as_of}). Parameters not in the file.",
)

MAPPINGS = (SCORES, MODELS)


#: A CSV producer: the shared reader and sniffer.
read, sniff = read_csv, sniff_csv
