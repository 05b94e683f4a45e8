"""From verdicts to what the page shows: the ledger table, the checks, the texts it glues."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..nb import fmt
from ..registry import CHAPTERS
from .rules import NOT_ASSESSED, NOT_SUPPORTED, PARTLY, SELF_REPORTED, SUPPORTED, VERDICTS, Verdict, counts

#: Result keys glued for the counts, as the issue names them.
COUNT_KEYS = {SUPPORTED: "claims_supported", PARTLY: "claims_partly", NOT_SUPPORTED: "claims_not_supported",
              SELF_REPORTED: "claims_unverifiable", NOT_ASSESSED: "claims_not_assessed"}

#: How each verdict reads in a sentence and in the table.
VERDICT_LABEL = {SUPPORTED: "supported", PARTLY: "partly supported", NOT_SUPPORTED: "not supported",
                 SELF_REPORTED: "self-reported (not independently verifiable)", NOT_ASSESSED: "not assessed"}


def ledger_table(verdicts: list[Verdict]) -> pd.DataFrame:
    """The table that opens the chapter: one row per claim."""
    rows = []
    for v in verdicts:
        rows.append({
            "claim": v.claim.id,
            "what the article says": v.claim.claim,
            "verdict": VERDICT_LABEL[v.verdict],
            "tested in": CHAPTERS[v.claim.chapter].title,
            "rests on a company's word": v.claim.self_reported_part if v.claim.self_reported else "no",
        })
    return pd.DataFrame(rows)


def checks_frame(verdicts: list[Verdict]) -> pd.DataFrame:
    """Every check of every claim, with its margin to the threshold (None where not a threshold)."""
    rows = []
    for v in verdicts:
        for c in v.checks:
            rows.append({"claim": v.claim.id, "metric": c.metric, "value": c.value, "test": c.test,
                         "passed": c.passed, "evidence": c.note, "margin": c.margin(), "verdict": v.verdict})
    return pd.DataFrame(rows, columns=["claim", "metric", "value", "test", "passed", "evidence", "margin", "verdict"])


def checks_table(verdicts: list[Verdict]) -> pd.DataFrame:
    """The checks as a reader reads them (formatted values, pass/fail in words)."""
    f = checks_frame(verdicts)
    return pd.DataFrame({
        "claim": f["claim"],
        "result (chapter.key)": f["metric"],
        "value": [fmt(x, sig=2) if x is not None else ("none" if p is False else "missing")
                  for x, p in zip(f["value"], f["passed"])],
        "test": f["test"],
        "outcome": [{True: "passes", False: "fails"}.get(p, "no evidence") for p in f["passed"]],
    })


def count_results(verdicts: list[Verdict]) -> dict[str, int]:
    """{result key: count}, e.g. {"claims_supported": 3, ...}."""
    c = counts(verdicts)
    return {COUNT_KEYS[v]: c[v] for v in VERDICTS}


def texts(v: Verdict) -> dict[str, str]:
    """The per-claim strings the page glues: verdict (in words), rule, evidence."""
    evidence = v.reason[:1].upper() + v.reason[1:] if v.reason else ""
    own = f" Rests on the company's word: {v.claim.self_reported_part}" if v.claim.self_reported else ""
    return {"verdict": VERDICT_LABEL[v.verdict], "rule": v.rule, "evidence": evidence + own,
            "claim": v.claim.claim}


def headline(verdicts: list[Verdict]) -> str:
    """One sentence with the counts, for the chart title and the short answer."""
    c = counts(verdicts)
    parts = [f"{c[SUPPORTED]} supported", f"{c[PARTLY]} partly", f"{c[NOT_SUPPORTED]} not supported",
             f"{c[SELF_REPORTED]} self-reported"]
    if c[NOT_ASSESSED]:
        parts.append(f"{c[NOT_ASSESSED]} not assessed")
    return f"Of {len(verdicts)} claims: " + ", ".join(parts)


def scenario_of(run_context: dict[str, Any] | None) -> str:
    return str((run_context or {}).get("scenario", "default"))


def glue_text(key: str, text: str) -> None:
    """Glue only `<key>_txt` (a display string for the prose): long texts stay out of results.json."""
    from myst_nb import glue as _glue

    _glue(f"{key}_txt", text, display=False)


def glue_all(verdicts: list[Verdict], ev_source: str) -> dict[str, Any]:
    """Glue everything the page and the summary page use; returns the glued results."""
    from .. import nb

    out: dict[str, Any] = {}
    for key, n in count_results(verdicts).items():
        out[key] = nb.glue(key, n, sig=3)
    out["claims_total"] = nb.glue("claims_total", len(verdicts), sig=3)
    for v in verdicts:
        cid = v.claim.id.lower()
        t = texts(v)
        out[f"verdict_{cid}"] = nb.glue(f"verdict_{cid}", v.verdict, text=t["verdict"])
        for part in ("rule", "evidence", "claim"):
            glue_text(f"{part}_{cid}", t[part])
    missing = count_results(verdicts)["claims_not_assessed"]
    glue_text("assessed_note", "every claim could be assessed" if missing == 0 else
              f"{fmt(missing, sig=3)} could not be assessed, for want of the results their rules read")
    glue_text("evidence_source", ev_source)
    glue_text("headline", headline(verdicts))
    return out


#: CSS classes of the book's stylesheet (_static/tokenfactory.css) per verdict.
VERDICT_CLASS = {SUPPORTED: "tf-verdict-supported", PARTLY: "tf-verdict-partly", NOT_SUPPORTED: "tf-verdict-not",
                 SELF_REPORTED: "tf-verdict-unverifiable", NOT_ASSESSED: "tf-verdict-unverifiable"}


def claim_html(v: Verdict) -> str:
    """One claim's block: the claim, its verdict, the rule, the evidence (all text escaped)."""
    import html

    t = texts(v)
    own = ""
    if v.claim.self_reported:
        own = (f"<p><b>Self-reported:</b> {html.escape(v.claim.self_reported_part)} "
               f"<small>(stated by {html.escape(v.claim.stated_by)})</small></p>")
    items = "".join(f"<li>{html.escape(c.note[:1].upper() + c.note[1:] if c.note else c.metric)}: "
                    f"<i>{ {True: 'passes', False: 'fails', None: 'no evidence'}[c.passed] }</i> "
                    f"<small>(test {html.escape(c.test)}; <code>{html.escape(c.metric)}</code>)</small></li>"
                    for c in v.checks)
    evidence = f"<ul>{items}</ul>" if items else "<p>No result of the book can test this claim.</p>"
    return (f'<blockquote><p>{html.escape(t["claim"])}</p></blockquote>'
            f'<p>Verdict: <span class="{VERDICT_CLASS[v.verdict]}">{html.escape(t["verdict"])}</span></p>'
            f"<p><b>Rule.</b> {html.escape(v.rule)}</p>"
            f"<p><b>Evidence.</b></p>{evidence}{own}")


def show_claim(v: Verdict) -> None:
    """Display one claim's block in the notebook."""
    from IPython.display import HTML, display

    display(HTML(claim_html(v)))
