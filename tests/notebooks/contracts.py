"""Contracts of the stand-in chapters in this folder (TOKENFACTORY_CONTRACTS points here in the
pipeline tests): each glues one `value`; flywheel reads inference_tax's and tapeout's, claims reads
all four, as the book's chapters do."""

from tokenfactory.contract import Contract, Output

_VALUE = (Output("value", "count of rows"),)

CONTRACTS = {
    "compute_gap": Contract("compute_gap", _VALUE),
    "inference_tax": Contract("inference_tax", _VALUE),
    "tapeout": Contract("tapeout", _VALUE),
    "flywheel": Contract("flywheel", _VALUE, {"inference_tax": ("value",), "tapeout": ("value",)}),
    "claims": Contract("claims", _VALUE, {c: ("value",) for c in ("compute_gap", "inference_tax", "tapeout",
                                                                   "flywheel")}),
}

#: The stand-in notebooks all load the models table.
READS_DATA = {cid: ("models",) for cid in CONTRACTS}
