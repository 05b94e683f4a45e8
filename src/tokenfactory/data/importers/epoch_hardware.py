"""Epoch AI's "Machine learning hardware" file (ml_hardware.csv: one row per chip with peak
throughput in FLOP/s, memory in bytes, bandwidth in byte/s, TDP, release date and a per-row "Last
modified" timestamp) -> accelerators.

Units are converted to the table's: FLOP/s -> TFLOPS (x 1e-12), bytes -> GB (decimal, x 1e-9),
byte/s -> TB/s (x 1e-12), to 6 significant figures (Epoch's own precision: 2516.6 TFLOPS). `kind` is not in Epoch's file: it follows from
the manufacturer, declared below; a chip from an undeclared manufacturer is skipped and said so.
Hardware names are mapped to accelerators.csv keys by the Epoch names already quoted in its notes
("Epoch row 'NVIDIA Tesla V100 SXM2'") and the aliases below.
"""

from __future__ import annotations

from .base import Field, Mapping, iso_date, number, read_csv, sniff_csv, scaled, text

#: Epoch "Manufacturer" -> (accelerators.vendor, accelerators.kind)
MAKERS = {
    "NVIDIA": ("NVIDIA", "merchant_gpu"), "AMD": ("AMD", "merchant_gpu"), "Intel": ("Intel", "merchant_gpu"),
    "Google": ("Google", "custom_asic"), "Amazon AWS": ("Amazon", "custom_asic"), "Amazon": ("Amazon", "custom_asic"),
    "Meta": ("Meta", "custom_asic"), "Microsoft": ("Microsoft", "custom_asic"),
    "Groq": ("Groq", "startup"), "Cerebras": ("Cerebras", "startup"),
}

ALIASES = {
    "NVIDIA H100 SXM5 80GB": "NVIDIA H100 SXM",
    "Intel Habana Gaudi3": "Intel Gaudi 3",
    "Amazon Trainium2": "AWS Trainium2", "Amazon Trainium3": "AWS Trainium3",
    "NVIDIA GB200": "NVIDIA GB200 (per GPU)", "NVIDIA GB300 (Blackwell Ultra)": "NVIDIA GB300 (per GPU)",
    "Google TPU v7 Ironwood": "Google TPU7x (Ironwood)",
    "AMD Radeon Instinct MI250X": "AMD Instinct MI250X",
    "Intel Habana Gaudi2": "Intel Gaudi 2",
    "GroqChip LPU v1": "Groq LPU (GroqChip v1)",
}

#: the table covers data-centre AI accelerators from 2016 (data/accelerators.meta.yml; TPU v1 was
#: added by hand): consumer and workstation cards, and older chips, are left out
FIRST_DATE = "2016-01-01"
CONSUMER = ("GeForce", "Quadro", "TITAN", "Titan", "Radeon RX", "Radeon Pro", "RTX A", "RTX PRO")


def _vendor(v: str) -> str:
    if v.strip() in MAKERS:
        return MAKERS[v.strip()][0]
    raise ValueError("manufacturer not declared in importers/epoch_hardware.MAKERS (" + ", ".join(MAKERS) + ")")


def _select(values: dict[str, str]) -> str | None:
    if (values.get("Manufacturer") or "").strip() not in MAKERS:
        return "from manufacturers outside the table's scope (declare them in epoch_hardware.MAKERS)"
    name = values.get("Hardware name") or ""
    if any(word in name for word in CONSUMER):
        return "consumer or workstation cards"
    released = (values.get("Release date") or "").strip()[:10]
    if released and released < FIRST_DATE:
        return f"released before {FIRST_DATE[:4]}"
    return None


def kind_of(values: dict[str, str]) -> str:
    return MAKERS[values["Manufacturer"].strip()][1]


MAPPING = Mapping(
    name="epoch-hardware", producer="Epoch AI (machine learning hardware)", table="accelerators",
    detect=("Hardware name", "Manufacturer", "Tensor-FP16/BF16 performance (FLOP/s)"),
    fields=(
        Field("accelerator", "Hardware name", text, if_empty="skip"),
        Field("vendor", "Manufacturer", _vendor, if_empty="skip"),
        Field("kind", "Manufacturer", lambda v: MAKERS[v.strip()][1] if v.strip() in MAKERS else _vendor(v)),
        # Epoch's "Release date" is an announcement for some chips and availability for others: it
        # dates new rows only; the table's dates, mended from vendors, are not compared with it
        Field("available_date", "Release date", iso_date, compare=False),
        Field("available_date_precision", "Release date", lambda v: "day" if iso_date(v) else "", compare=False),
        Field("bf16_dense_tflops", "Tensor-FP16/BF16 performance (FLOP/s)", scaled(1e-12, 6)),
        Field("fp8_dense_tflops", "FP8 performance (FLOP/s)", scaled(1e-12, 6)),
        Field("memory_gb", "Memory (bytes)", scaled(1e-9, 6)),
        Field("memory_bandwidth_tb_s", "Memory bandwidth (byte/s)", scaled(1e-12, 6)),
        Field("tdp_w", "TDP (W)", number),
    ),
    constants={},
    if_present={"date_basis": "statement|snapshot|page_date"},
    source_url="https://epoch.ai/data/machine-learning-hardware",
    match_on=("accelerator",),
    model_field="accelerator", resolve_in=("accelerators", "accelerator"), add_unknown_models=True,
    aliases=ALIASES, learned_ids=r"Epoch row '([^']+)'",
    date_source="Last modified",
    select=_select,
    record_id="Hardware name",
    note="Imported from Epoch AI's ML hardware file {file} (Epoch row '{id}', last modified {as_of}); "
         "units converted (FLOP/s to TFLOPS, bytes to GB, byte/s to TB/s). Dense figures as Epoch lists them.",
)

MAPPINGS = (MAPPING,)


#: A CSV producer: the shared reader and sniffer.
read, sniff = read_csv, sniff_csv
