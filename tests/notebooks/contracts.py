"""Contracts of the stand-in chapters in this folder (TOKENFACTORY_CONTRACTS points here in the
pipeline tests): each glues one `value`; flywheel reads inference_tax's and tapeout's, claims reads
all four, as the book's chapters do."""

import importlib

from tokenfactory.contract import Contract, Output

_VALUE = (Output("value", "count of rows"),)
_MODELS = ("models",)  # every stand-in notebook loads the models table


def _standin(cid: str, reads: dict | None = None) -> Contract:
    title = importlib.import_module(f"tokenfactory.{cid}.contract").CONTRACT.title  # the real chapter's title
    return Contract(cid, title=title, reads_data=_MODELS, publishes=_VALUE, reads=reads or {})


CONTRACTS = {
    "compute_gap": _standin("compute_gap"),
    "inference_tax": _standin("inference_tax"),
    "tapeout": _standin("tapeout"),
    "flywheel": _standin("flywheel", {"inference_tax": ("value",), "tapeout": ("value",)}),
    "claims": _standin("claims", {c: ("value",) for c in ("compute_gap", "inference_tax", "tapeout", "flywheel")}),
}
