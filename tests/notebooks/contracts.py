"""Contracts of the stand-in chapters (TOKENFACTORY_CONTRACTS points here in the pipeline tests).

Every chapter of the registry has a stand-in that glues one `value`: its six rows of models plus the
values of the chapters it reads. A stand-in reads the same chapters as the real chapter's contract
(`tokenfactory.<id>.contract`), so the execution order of the tests is the book's, and a new chapter
needs nothing here: it gets a stand-in contract from its own, and `conftest.make_root` writes its
stand-in notebook when tests/notebooks has none.
"""

import importlib

from tokenfactory.contract import Contract, Output
from tokenfactory.registry import CHAPTERS  # the registry executes this file at the end of its import

_VALUE = (Output("value", "count of rows"),)


def _upstream(cid: str) -> tuple[str, ...]:
    return importlib.import_module(f"tokenfactory.{cid}.contract").CONTRACT.upstream_chapters


def __getattr__(name: str):
    """`CONTRACTS`, built when first read, not when the registry executes this file: the chapters'
    contract modules import their packages, which import the registry (a cycle at import time)."""
    if name == "CONTRACTS":
        return {cid: Contract(cid, _VALUE, {up: ("value",) for up in _upstream(cid)}) for cid in CHAPTERS}
    raise AttributeError(name)


#: The stand-in notebooks all load the models table.
READS_DATA = {cid: ("models",) for cid in CHAPTERS}
