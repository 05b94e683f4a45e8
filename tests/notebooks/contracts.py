"""Contracts of the stand-in chapters (TOKENFACTORY_CONTRACTS points here in the pipeline tests).

Every chapter of the registry has a stand-in that glues one `value`: its six rows of models plus the
values of the chapters it reads. A stand-in has the real chapter's title and reads the same chapters
as the real chapter's contract (`tokenfactory.<id>.contract`), so the execution order of the tests
is the book's; and a new chapter needs nothing here: it gets a stand-in contract from its own, and
`conftest.make_root` writes its stand-in notebook when tests/notebooks has none.
"""

import importlib

from tokenfactory.contract import Contract, Output
from tokenfactory.registry import CHAPTER_IDS

_VALUE = (Output("value", "count of rows"),)
_MODELS = ("models",)  # every stand-in notebook loads the models table


def _standin(cid: str) -> Contract:
    real = importlib.import_module(f"tokenfactory.{cid}.contract").CONTRACT
    return Contract(cid, title=real.title, reads_data=_MODELS, publishes=_VALUE,
                    reads={up: ("value",) for up in real.upstream_chapters})


CONTRACTS = {cid: _standin(cid) for cid in CHAPTER_IDS}
