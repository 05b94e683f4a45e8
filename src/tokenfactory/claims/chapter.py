"""The claims ledger as one chapter: load, compute, the texts and the glued values.

`load` reads the ledger and the few data tables the rules need beside the other chapters' results
(the vendor of each accelerator, the stated token volumes, measured fleet use); `compute` turns them
and the upstream results into verdicts, flip tables and texts; `glue_values` is what the page and
the summary page glue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import pandas as pd

from . import evidence as evidence_mod
from . import ledger as ledger_mod
from . import report, rules, sensitivity
from .params import Params
from .. import units

#: Data tables the rules read (beside data/claims.yaml).
TABLES = ("accelerators", "token_volumes", "utilization_evidence", "chip_programs")

#: Periods of a stated token count, per year (the calendar of tokenfactory.units).
PER_YEAR = units.PER_YEAR


@dataclass(frozen=True)
class Inputs:
    ledger: ledger_mod.Ledger
    tables: Mapping[str, pd.DataFrame]
    #: tables that could not be read, with the reason (the rules that need them become inconclusive)
    problems: Mapping[str, str] = field(default_factory=dict)
    #: the other chapters' results (chapter -> key -> value), as the pipeline hands them to the page
    upstream: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def load(loader: Callable[[str], pd.DataFrame], upstream: Mapping[str, Mapping[str, Any]] | None = None) -> Inputs:
    """The ledger, the tables and the other chapters' results; a table that fails to load becomes a
    named problem, not a crash."""
    tables, problems = {}, {}
    for name in TABLES:
        try:
            tables[name] = loader(name)
        except Exception as exc:  # noqa: BLE001 - any failure to read a table is reported, not raised
            problems[name] = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return Inputs(ledger_mod.load(), tables, problems, dict(upstream or {}))


def tokens_per_year(volumes: pd.DataFrame) -> pd.DataFrame:
    """Each provider and product's latest stated volume, in tokens per year (as stated: input and
    output together, as companies count them)."""
    if volumes is None or volumes.empty:
        return pd.DataFrame(columns=["provider", "product", "date", "tokens_per_year"])
    out = volumes.dropna(subset=["tokens"]).copy()
    out["tokens_per_year"] = out["tokens"] * out["per"].map(PER_YEAR)
    out = out.dropna(subset=["tokens_per_year"]).sort_values("date")
    return out.groupby(["provider", "product"], as_index=False).tail(1).reset_index(drop=True)


def facts(inputs: Inputs, p: Params) -> dict[str, Any]:
    """What the rules read from data/: vendors, the reference workload, custom-chip companies' volumes,
    measured fleet occupancy."""
    out: dict[str, Any] = {}
    acc = inputs.tables.get("accelerators")
    if acc is not None and len(acc):
        out["vendors"] = dict(zip(acc["accelerator"], acc["vendor"]))
    # companies running their own chips in service: a sourced deployment (first deployment or general
    # availability, not a target) in chip_programs, never the claim's own subject (rules.deployed_custom_chips)
    deployed, excluded = rules.deployed_custom_chips(inputs.tables.get("chip_programs"), p.claim_subject)
    custom = set(deployed)
    out["custom_chip_deployments"] = deployed
    out["custom_chip_excluded"] = excluded
    vol = tokens_per_year(inputs.tables.get("token_volumes"))
    if len(vol):
        ref = vol[(vol["provider"] == p.reference_provider) & (vol["product"] == p.reference_product)]
        if len(ref):
            row = ref.iloc[-1]
            out["reference_tokens_per_year"] = float(row["tokens_per_year"])
            out["reference_name"] = f"{row['provider']}'s {row['product']} ({pd.Timestamp(row['date']).date()})"
        largest = vol.groupby("provider")["tokens_per_year"].max()
        out["custom_chip_volumes"] = {c: float(v) for c, v in largest.items() if c in custom}
    ue = inputs.tables.get("utilization_evidence")
    if ue is not None and len(ue):
        ok = ue[ue["value"].notna()]
        out["fleet_occupancy"] = [(str(r.operator), float(r.value)) for r in ok.itertuples()]
    return out


@dataclass(frozen=True)
class Result:
    p: Params
    evidence: evidence_mod.Evidence
    verdicts: list[rules.Verdict]
    flips: list[sensitivity.Flip]
    choices: pd.DataFrame
    problems: Mapping[str, str]
    #: every claim's verdict with one threshold moved by steps (the page's live control)
    thresholds: pd.DataFrame = field(default_factory=pd.DataFrame)

    def verdict(self, claim_id: str) -> rules.Verdict:
        return next(v for v in self.verdicts if v.claim.id == claim_id)


def compute(p: Params, inputs: Inputs) -> Result:
    """Every claim's verdict on the upstream results in `inputs` and the facts of the tables."""
    ev = evidence_mod.collect(inputs.upstream).with_facts(facts(inputs, p))
    verdicts = rules.assess(inputs.ledger, ev, p)
    return Result(p=p, evidence=ev, verdicts=verdicts, flips=sensitivity.flips(verdicts, ev, p),
                  choices=sensitivity.choices_frame(verdicts, ev, p), problems=dict(inputs.problems),
                  thresholds=sensitivity.threshold_grid(verdicts, ev, p))


def glue_values(r: Result) -> dict[str, tuple[Any, dict[str, Any]]]:
    """key -> (value, nb.glue options): counts, verdicts, the nearest flip."""
    out: dict[str, tuple[Any, dict[str, Any]]] = {}
    for key, n in report.count_results(r.verdicts).items():
        out[key] = (n, {"sig": 3})
    out["claims_total"] = (len(r.verdicts), {"sig": 3})
    for v in r.verdicts:
        out[f"verdict_{v.claim.id.lower()}"] = (v.verdict, {"text": v.verdict})
        # the verdict's reason in one sentence, for the front page's twelve lines
        out[f"verdict_reason_{v.claim.id.lower()}"] = (report.reason_line(v), {"text": report.reason_line(v)})
    g = r.thresholds
    out["control_thresholds"] = (int(g["parameter"].nunique()) if len(g) else 0, {"sig": 3})
    out["control_moving"] = (int(g.loc[g["n_flips"] > 0, "parameter"].nunique()) if len(g) else 0, {"sig": 3})
    out["control_steps"] = (sensitivity.GRID_STEPS, {"sig": 3})
    out.update(c7_glue(r))
    out["choices_moving"] = (int(r.choices["moves"].sum()) if len(r.choices) else 0, {"sig": 3})
    out["choices_total"] = (int((~r.choices["default"]).sum()) if len(r.choices) else 0, {"sig": 3})
    return out


def texts(r: Result) -> dict[str, str]:
    """Every sentence fragment of the page that depends on a result."""
    out = {"headline": report.headline(r.verdicts), "assessed_note": report.assessed_note(r.verdicts),
           "evidence_source": r.evidence.source}
    for v in r.verdicts:
        cid = v.claim.id.lower()
        for part, text in report.texts(v).items():
            if part != "verdict":  # the verdict is glued with its value (glue_values)
                out[f"{part}_{cid}"] = text
    return out


#: The threshold the live control starts on.
CONTROL_START = "catch_up_months_max"


def control_checks(r: Result, settings: tuple[tuple[str, int], ...] | None = None) -> list[dict[str, Any]]:
    """What the live control must show at a few settings (the browser test moves it there): the
    threshold's value in words and how many verdicts flip, from the package's own grid."""
    grid = r.thresholds
    if grid is None or grid.empty:
        return []
    if settings is None:
        moving = grid[grid["n_flips"] > 0].drop_duplicates(["parameter", "step"])
        settings = ((CONTROL_START, 0),) + tuple(zip(moving["parameter"].head(2), moving["step"].head(2)))
    out = []
    for name, k in settings:
        text, n, _ = sensitivity.flip_summary(grid, name, int(k))
        out.append({"set": {"thr": name, "k": int(k)},
                    "expect": [f"At {text},", f"{n} verdict{'' if n == 1 else 's'} flip"]})
    return out


def c7_glue(r: Result) -> dict[str, tuple[Any, dict[str, Any]]]:
    """C7's counts and the program cost at which its verdict flips (rules.c7_flip)."""
    from ..formatting import fmt

    facts = r.evidence.facts
    flip, after = rules.c7_flip(r.evidence, r.p)
    be = r.evidence.number("inference_tax.breakeven_total_tokens_per_year")
    vols = dict(facts.get("custom_chip_volumes") or {})
    above = sum(1 for v in vols.values() if be is not None and v >= be)
    return {
        "c7_flip_program_cost_usd": (flip, {"text": fmt(flip, sig=2, unit="USD") if flip is not None else "none"}),
        "c7_verdict_beyond_flip": (after or "unchanged", {"text": after or "unchanged"}),
        "c7_verdict_at_low_program_cost": (rules.c7_verdict_at_cost(r.evidence, r.p, r.p.program_cost_low_usd) or "n/a",
                                           {"text": rules.c7_verdict_at_cost(r.evidence, r.p, r.p.program_cost_low_usd)
                                            or "n/a"}),
        "c7_verdict_at_high_program_cost": (rules.c7_verdict_at_cost(r.evidence, r.p, r.p.program_cost_high_usd) or "n/a",
                                            {"text": rules.c7_verdict_at_cost(r.evidence, r.p, r.p.program_cost_high_usd)
                                             or "n/a"}),
        "c7_companies_deployed": (len(facts.get("custom_chip_deployments") or {}), {"sig": 3}),
        "c7_companies_with_volume": (len(vols), {"sig": 3}),
        "c7_companies_above_breakeven": (above, {"sig": 3}),
    }
