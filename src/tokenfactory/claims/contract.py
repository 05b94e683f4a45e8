"""What the claims ledger reads (every rule's declared metrics, `rules.RULES[...].reads`, and the
results its flip tables read in their place) and publishes
for the book's front page: one verdict and its basis per claim, and the count of each verdict.
See `tokenfactory.contract`."""

from ..contract import Contract, Output, reads_from_keys
from . import rules, sensitivity

#: The chapters whose results the rules may read (the ledger's upstream).
UPSTREAM = ("compute_gap", "inference_tax", "tapeout", "flywheel")

#: One id per claim in data/claims.yaml (C1 ... C12): the verdict and its one-line basis are published
#: for each. A test checks this against the ledger.
CLAIM_IDS = tuple(f"c{i}" for i in range(1, 13))

COUNTS = ("claims_total", "claims_supported", "claims_partly", "claims_not_supported", "claims_inconclusive",
          "claims_unverifiable", "claims_not_testable")

CONTRACT = Contract(
    chapter="claims",
    title="The claims ledger",
    reads_data=("claims", "accelerators", "token_volumes", "utilization_evidence", "chip_programs"),
    publishes=(
        *(Output(f"verdict_{c}", "", "verdict") for c in CLAIM_IDS),
        *(Output(f"basis_{c}", "", "text") for c in CLAIM_IDS),
        *(Output(f"verdict_reason_{c}", "", "text") for c in CLAIM_IDS),
        *(Output(f"title_{c}", "", "text") for c in CLAIM_IDS),
        *(Output(k, "claims", "count") for k in COUNTS),
    ),
    # every rule's metrics, and the results the flip tables read in their place (sensitivity.CHOICES)
    reads=reads_from_keys([*(m for r in rules.RULES.values() for m in r.reads),
                           *(src for choices in sensitivity.CHOICES.values() for c in choices
                             for src in c.subs.values())], UPSTREAM),
)
