"""The chapters of the book: what each one is called and which data it reads. What a chapter reads
from the others, and publishes for them, is its contract (`<chapter>/contract.py`, see
`tokenfactory.contract`); the pipeline orders execution from the contracts' reads.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from dataclasses import dataclass, replace
from pathlib import Path

from . import paths
from .contract import Contract, check
from .params_base import ChapterParams


@dataclass(frozen=True)
class Chapter:
    id: str
    title: str
    reads_data: tuple[str, ...]

    @property
    def contract(self) -> Contract:
        override = _override_contracts()
        if override is not None:
            return override[self.id]
        return importlib.import_module(f"tokenfactory.{self.id}.contract").CONTRACT

    @property
    def reads_chapters(self) -> tuple[str, ...]:
        """The chapters whose results this one reads (from its contract)."""
        return self.contract.upstream_chapters

    @property
    def notebook(self) -> Path:
        return paths.notebooks_dir() / f"{self.id}.ipynb"

    @property
    def params(self) -> type[ChapterParams]:
        return importlib.import_module(f"tokenfactory.{self.id}.params").Params


def _override_contracts() -> dict[str, Contract] | None:
    """Contracts from the file named by TOKENFACTORY_CONTRACTS (a Python file defining `CONTRACTS`),
    or None. Only the pipeline's tests use it: their stand-in notebooks publish other results than
    the book's chapters."""
    path = os.environ.get("TOKENFACTORY_CONTRACTS")
    if not path:
        return None
    spec = importlib.util.spec_from_file_location("tokenfactory_contracts_override", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"TOKENFACTORY_CONTRACTS: cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CONTRACTS


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
                        "token_volumes", "model_architectures", "serving_benchmarks",
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
        ),
        Chapter(
            "claims",
            "The claims ledger",
            reads_data=("claims", "accelerators", "token_volumes", "utilization_evidence", "chip_programs"),
        ),
    )
}


def contracts(chapters: dict[str, Chapter] | None = None) -> dict[str, Contract]:
    chapters = CHAPTERS if chapters is None else chapters
    return {cid: ch.contract for cid, ch in chapters.items()}


def check_contracts(chapters: dict[str, Chapter] | None = None) -> None:
    """Refuse, before anything runs, a chapter that reads a result its upstream does not publish
    (ContractError names each such read)."""
    check(contracts(chapters))


def _apply_override_reads() -> None:
    """Stand-in chapters (tests) may declare other tables (`READS_DATA` in TOKENFACTORY_CONTRACTS)."""
    path = os.environ.get("TOKENFACTORY_CONTRACTS")
    if not path:
        return
    spec = importlib.util.spec_from_file_location("tokenfactory_contracts_override_data", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    for cid, tables in getattr(module, "READS_DATA", {}).items():
        CHAPTERS[cid] = replace(CHAPTERS[cid], reads_data=tuple(tables))


_apply_override_reads()


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
