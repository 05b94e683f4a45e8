"""Epoch AI's "Notable AI models" / "Large-scale AI models" files (notable_ai_models.csv,
large_scale_ai_models.csv: one row per model with publication date, organization, training
compute, accessibility and a per-row "Last modified" timestamp) -> training_compute.

Selection (data/training_compute.meta.yml): models published from 2015 with a training-compute value
of at least 1e23 FLOP, or flagged "Frontier model" by Epoch. The statement date of each row is its "Last modified"
date. `frontier` is computed by the collector and is not read from the file.
"""

from __future__ import annotations

from .base import Field, Mapping, iso_date, read_csv, sniff_csv, scaled, text
from .epoch_eci import ACCESS
from .base import choice

THRESHOLD_FLOP = 1e23
FIRST_DATE = "2015-01-01"  # the table covers models published from 2015


def _select(values: dict[str, str]) -> str | None:
    published = (values.get("Publication date") or "").strip()[:10]
    if published and published < FIRST_DATE:
        return f"published before {FIRST_DATE[:4]}"
    raw = (values.get("Training compute (FLOP)") or "").strip()
    if not raw:
        return "without a training-compute value"
    try:
        flop = float(raw)
    except ValueError:
        return None  # a bad value: the mapping reports it with its line
    frontier = (values.get("Frontier model") or "").strip().lower() in ("true", "yes", "1")
    if flop < THRESHOLD_FLOP and not frontier:
        return f"below {THRESHOLD_FLOP:.0e} FLOP and not an Epoch frontier model"
    return None


MAPPING = Mapping(
    name="epoch-models", producer="Epoch AI (notable / large-scale AI models)", table="training_compute",
    detect=("Model", "Publication date", "Training compute (FLOP)"),
    fields=(
        Field("model", "Model", text, if_empty="skip"),
        Field("organization", "Organization", text),
        Field("publication_date", "Publication date", iso_date, if_empty="skip"),
        Field("training_compute_flop", "Training compute (FLOP)", scaled(1, 4), if_empty="skip"),
        Field("weights", "Model accessibility", choice(ACCESS)),
    ),
    if_present={"date_basis": "statement|snapshot|page_date"},
    source_url="https://epoch.ai/data/notable-ai-models",
    owner="https://epoch.ai/data/",
    match_on=("model",),
    date_source="Last modified",
    select=_select,
    estimate="true",
    record_id="Model",
    note="Imported from Epoch AI's file {file} (row last modified {as_of}). Training compute is Epoch AI's "
         "figure, usually an estimate (estimate=true). frontier not computed on import.",
)

MAPPINGS = (MAPPING,)


#: A CSV producer: the shared reader and sniffer.
read, sniff = read_csv, sniff_csv
