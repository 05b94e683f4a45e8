"""The chapters of the book: what each one is called, which data it reads and which chapters'
results it reads. The pipeline orders execution from `reads_chapters`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .params_base import ChapterParams


@dataclass(frozen=True)
class Chapter:
    id: str
    title: str
    reads_data: tuple[str, ...]
    reads_chapters: tuple[str, ...] = ()

    @property
    def notebook(self) -> Path:
        return paths.notebooks_dir() / f"{self.id}.ipynb"

    @property
    def params(self) -> type[ChapterParams]:
        return importlib.import_module(f"tokenfactory.{self.id}.params").Params


CHAPTERS: dict[str, Chapter] = {
    c.id: c
    for c in (
        Chapter(
            "compute_gap",
            "The model gap and the compute gap",
            reads_data=("models", "benchmark_scores", "leaderboard_leaders", "capex", "nvidia_financials",
                        "training_compute", "published_estimates", "compute_owned"),
        ),
        Chapter(
            "inference_tax",
            "The inference tax: what a token costs",
            reads_data=("accelerators", "nvidia_financials", "api_prices", "models", "benchmark_scores",
                        "token_volumes", "compute_spend", "model_architectures", "serving_benchmarks",
                        "rental_prices", "vendor_margins", "utilization_evidence", "published_rates"),
        ),
        Chapter(
            "tapeout",
            "Tape-out timelines",
            reads_data=("chip_programs", "asic_cycle_statements", "accelerators", "published_estimates"),
        ),
        Chapter(
            "flywheel",
            "The vertical-integration flywheel",
            reads_data=("token_volumes", "chip_programs", "asic_cycle_statements", "accelerators"),
            reads_chapters=("inference_tax", "tapeout"),
        ),
        Chapter(
            "claims",
            "The claims ledger",
            reads_data=("claims", "accelerators", "token_volumes", "utilization_evidence"),
            reads_chapters=("compute_gap", "inference_tax", "tapeout", "flywheel"),
        ),
    )
}


def execution_waves(chapters: dict[str, Chapter] | None = None) -> list[list[str]]:
    """Chapters grouped so that each wave only reads results of earlier waves."""
    chapters = CHAPTERS if chapters is None else chapters
    done: set[str] = set()
    waves: list[list[str]] = []
    remaining = dict(chapters)
    while remaining:
        wave = [cid for cid, ch in remaining.items() if set(ch.reads_chapters) <= done]
        if not wave:
            raise ValueError(f"circular chapter dependencies among: {', '.join(remaining)}")
        waves.append(wave)
        done.update(wave)
        for cid in wave:
            remaining.pop(cid)
    return waves
