"""From verdicts to what the page shows: the ledger table, the checks, the texts it glues."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..formatting import fmt
from .rules import (INCONCLUSIVE, NOT_SUPPORTED, NOT_TESTABLE, PARTLY, SELF_REPORTED, SUPPORTED, VERDICTS,
                    Verdict, counts)

#: Result keys glued for the counts, as the issue names them.
COUNT_KEYS = {SUPPORTED: "claims_supported", PARTLY: "claims_partly", NOT_SUPPORTED: "claims_not_supported",
              INCONCLUSIVE: "claims_inconclusive", SELF_REPORTED: "claims_unverifiable",
              NOT_TESTABLE: "claims_not_testable"}

#: How each verdict reads in a sentence and in the table.
VERDICT_LABEL = {SUPPORTED: "supported", PARTLY: "partly supported", NOT_SUPPORTED: "not supported",
                 SELF_REPORTED: "self-reported (not independently verifiable)",
                 NOT_TESTABLE: "not testable (a framing or a forecast)",
                 INCONCLUSIVE: "inconclusive (the data or the test's power cannot decide)"}


def ledger_table(verdicts: list[Verdict]) -> pd.DataFrame:
    """The ledger as a data frame, one row per claim (the page shows the narrower `ledger_html`)."""
    rows = []
    for v in verdicts:
        rows.append({
            "claim": v.claim.id,
            "what the article says": v.claim.claim,
            "verdict": VERDICT_LABEL[v.verdict],
            "tested in": chapter_title(v.claim.chapter),
            "rests on a company's word": v.claim.self_reported_part if v.claim.self_reported else "no",
        })
    return pd.DataFrame(rows)


#: Short chapter names for the narrow ledger table (the full titles wrap over three lines at 700 px).
SHORT_CHAPTER = {"compute_gap": "Model gap, compute gap", "inference_tax": "Inference tax", "tapeout": "Tape-out",
                 "flywheel": "Flywheel"}
#: The verdict as the table's badge: the self-reported label is explained in the caption.
SHORT_VERDICT = {SUPPORTED: "supported", PARTLY: "partly supported", NOT_SUPPORTED: "not supported",
                 SELF_REPORTED: "self-reported", NOT_TESTABLE: "not testable", INCONCLUSIVE: "inconclusive"}


def heading(claim) -> str:
    """The claim's section heading in the notebook (a test checks the notebook uses exactly this)."""
    return f"{claim.id}: {claim.title}" + (" (self-reported)" if claim.self_reported else "")


def anchor(claim) -> str:
    """The HTML id Sphinx gives the claim's section (docutils' own slug function)."""
    from docutils.nodes import make_id

    return make_id(heading(claim))


def ledger_html(verdicts: list[Verdict]) -> str:
    """The table that opens the chapter, narrow enough for a 700-px column: one row per claim, its
    short title linking to its section, the verdict in its color, and the chapter that tests it.
    The long wording of each claim is in its section, one click away. All text is escaped."""
    import html

    rows = []
    for v in verdicts:
        c = v.claim
        rows.append(
            f'<tr><td>{html.escape(c.id)}</td>'
            f'<td><a href="#{html.escape(anchor(c))}">{html.escape(c.title)}</a></td>'
            f'<td style="white-space:nowrap"><span class="{VERDICT_CLASS[v.verdict]}">'
            f'{html.escape(SHORT_VERDICT[v.verdict])}</span></td>'
            f'<td style="white-space:nowrap"><a href="{html.escape(c.chapter)}.html">'
            f'{html.escape(SHORT_CHAPTER[c.chapter])}</a></td></tr>')
    return ('<table class="tf-table tf-ledger"><thead><tr><th>claim</th><th>what the article says (short)</th>'
            '<th>verdict</th><th>tested in</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>")


def checks_frame(verdicts: list[Verdict]) -> pd.DataFrame:
    """Every check of every claim, with its margin to the threshold (None where not a threshold)."""
    rows = []
    for v in verdicts:
        for c in v.checks:
            rows.append({"claim": v.claim.id, "metric": c.metric, "label": c.label or c.metric.split(".")[1],
                         "value": c.value, "test": c.test, "passed": c.passed, "evidence": c.note,
                         "margin": c.margin(), "verdict": v.verdict, "role": c.role, "outcome": c.outcome})
    return pd.DataFrame(rows, columns=["claim", "metric", "label", "value", "test", "passed", "evidence", "margin",
                                       "verdict", "role", "outcome"])


def checks_table(verdicts: list[Verdict]) -> pd.DataFrame:
    """The checks as a reader reads them (formatted values, pass/fail in words)."""
    f = checks_frame(verdicts)
    return pd.DataFrame({
        "claim": f["claim"],
        "result (chapter.key)": f["metric"],
        "value": [fmt(x, sig=2) if x is not None else
                  ("not measured" if r == "untested" else "none" if p is False else "missing")
                  for x, p, r in zip(f["value"], f["passed"], f["role"])],
        "test": f["test"],
        "outcome": f["outcome"],
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
            "claim": v.claim.claim, "basis": basis(v), "title": v.claim.title}


def basis(v: Verdict) -> str:
    """What the verdict rests on, in one clause: the notes of its deciding tests (or of its context
    when nothing is tested), and the results it lacked."""
    from .rules import TEST

    decided = [c for c in v.checks if c.role == TEST] or list(v.checks)
    parts = [f"{c.note} ({plain_outcome(c)})" for c in decided if c.note]
    if v.missing:
        parts.append("missing: " + ", ".join(v.missing))
    text = "; ".join(parts) if parts else v.reason.rstrip(".")
    return text[:1].upper() + text[1:]


def headline(verdicts: list[Verdict]) -> str:
    """One sentence with the counts, for the chart title and the short answer."""
    c = counts(verdicts)
    parts = [f"{c[SUPPORTED]} supported", f"{c[PARTLY]} partly", f"{c[NOT_SUPPORTED]} not supported",
             f"{c[INCONCLUSIVE]} inconclusive", f"{c[SELF_REPORTED]} self-reported", f"{c[NOT_TESTABLE]} not testable"]
    return f"Of {len(verdicts)} claims: " + ", ".join(parts)


def headline_lines(verdicts: list[Verdict]) -> tuple[str, str]:
    """The headline in two short lines, for a chart title and its first subtitle line."""
    c = counts(verdicts)
    first = f"Of {len(verdicts)} claims, {c[SUPPORTED]} supported, {c[PARTLY]} partly"
    second = (f"{c[NOT_SUPPORTED]} not supported, {c[INCONCLUSIVE]} inconclusive, {c[SELF_REPORTED]} self-reported, "
              f"{c[NOT_TESTABLE]} not testable")
    return first, second


def assessed_note(verdicts: list[Verdict]) -> str:
    """Whether every rule found the results it reads, or how many did not (the page run alone, say)."""
    missing = sum(1 for v in verdicts if v.missing)
    return ("every rule found the results it reads" if missing == 0 else
            f"{fmt(missing, sig=3)} rule{'s' if missing > 1 else ''} lacked results they read (named in each claim)")


def scenario_of(run_context: dict[str, Any] | None) -> str:
    return str((run_context or {}).get("scenario", "default"))


#: CSS classes of the book's stylesheet (_static/tokenfactory.css) per verdict.
VERDICT_CLASS = {SUPPORTED: "tf-verdict-supported", PARTLY: "tf-verdict-partly", NOT_SUPPORTED: "tf-verdict-not",
                 SELF_REPORTED: "tf-verdict-unverifiable", NOT_TESTABLE: "tf-verdict-unverifiable",
                 INCONCLUSIVE: "tf-verdict-unverifiable"}


def claim_html(v: Verdict, flip_rows: pd.DataFrame | None = None) -> str:
    """One claim's block: the claim, its verdict, the rule with its test, sample and power, the
    evidence, and the table of what would flip the verdict (all text escaped)."""
    import html

    t = texts(v)
    own = ""
    if v.claim.self_reported:
        own = (f"<p><b>Self-reported:</b> {html.escape(v.claim.self_reported_part)} "
               f"<small>(stated by {html.escape(v.claim.stated_by)})</small></p>")
    items = "".join(f"<li>{html.escape(c.note[:1].upper() + c.note[1:] if c.note else c.metric)}: "
                    f"<i>{html.escape(plain_outcome(c))}</i> "
                    + (f"<small>(test {html.escape(c.test)}; <code>{html.escape(c.metric)}</code>)</small>"
                       if c.role == "test" else f"<small>(<code>{html.escape(c.metric)}</code>)</small>"
                       if c.role == "context" else "") + "</li>"
                    for c in v.checks)
    evidence = f"<ul>{items}</ul>" if items else "<p>No result of the book can test this claim.</p>"
    facts = [("Test", v.test), ("Sample", v.sample), ("What the test could detect", v.power),
             ("Missing results", ", ".join(v.missing))]
    facts_html = "".join(f"<li><b>{html.escape(k)}:</b> {html.escape(x)}</li>" for k, x in facts if x)
    flips = ""
    if flip_rows is not None and len(flip_rows) == 1:
        flips = ("<p><b>What would flip the verdict.</b> No measurement choice or threshold of this page: "
                 f"the verdict is {html.escape(str(flip_rows['verdict'].iloc[0]))} whatever the data.</p>")
    elif flip_rows is not None and len(flip_rows):
        body = "".join(f"<tr><td>{html.escape(str(r['choice']))}</td><td>{html.escape(str(r['verdict']))}</td></tr>"
                       for _, r in flip_rows.iterrows())
        flips = ("<p><b>What would flip the verdict.</b></p><table class=\"tf-table\"><thead><tr><th>measurement "
                 "choice or threshold</th><th>verdict under it</th></tr></thead><tbody>" + body + "</tbody></table>")
    return (f'<blockquote><p>{html.escape(t["claim"])}</p></blockquote>'
            f'<p>Verdict: <span class="{VERDICT_CLASS[v.verdict]}">{html.escape(t["verdict"])}</span>. '
            f'{html.escape(reason_line(v))}</p>'
            f"<p><b>Rule.</b> {html.escape(v.rule)}</p>"
            + (f"<ul>{facts_html}</ul>" if facts_html else "")
            + f"<p><b>Evidence.</b></p>{evidence}{own}{flips}")


# --- The ledger at a glance: plain words and one line per claim ---------------------------------------------------

def _num(x: Any, pct: bool) -> str:
    return fmt(x, sig=2, pct=pct)


def plain_outcome(c) -> str:
    """A check's outcome in plain words: what it shows, never a bare "(fails)" that reads as evidence
    against the claim. A power check that falls short says the test was underpowered, and with what
    probability it could have detected the effect; a non-significant test says so."""
    from .rules import CONTEXT, UNTESTED

    if c.role == UNTESTED:
        return "not measured: no data in the book, so the verdict stays below supported"
    if c.role == CONTEXT:
        return "shown for context; decides nothing"
    label = (c.label or c.metric).lower()
    v, thr = c.value, c.threshold
    numeric = isinstance(v, (int, float)) and not isinstance(v, bool)
    pct = numeric and thr is not None and 0 < thr <= 1 and ("power" in label or "share" in label
                                                            or "use" in label or "growth" in label)
    if "power" in label and c.passed is False:
        detect = c.note
        for old, new in (("the test detects ", ""), ("The test detects ", "")):
            detect = detect.replace(old, new)
        return f"underpowered: could detect {detect}" if detect else "underpowered"
    if "p-value" in label and c.passed is False and numeric:
        return f"not significant (p = {_num(v, False)}, above {_num(thr, False)})"
    if c.passed is None:
        return "undecided: the evidence does not settle it either way"
    if thr is not None and numeric and c.direction in ("le", "ge"):
        sign = {("le", True): "≤", ("le", False): ">", ("ge", True): "≥", ("ge", False): "<"}[(c.direction, c.passed)]
        word = "holds" if c.passed else "does not hold"
        return f"{word} ({_num(v, pct)} {sign} {_num(thr, pct)})"
    return "holds" if c.passed else "does not hold"


def reason_line(v: Verdict) -> str:
    """The verdict's reason in one sentence, computed from the rule's own summary or its checks: the
    deciding tests (passing ones for a supported claim, failing ones against it, all of them when
    undecided), then what is not measured."""
    from .rules import TEST, UNTESTED

    tests = [c for c in v.checks if c.role == TEST]
    if v.summary:
        core = v.summary
    elif v.verdict == NOT_TESTABLE:
        core = v.rule.split(". ")[0].removeprefix("Not testable: ")
    elif not v.checks:
        core = v.reason.rstrip(".")
    else:
        if v.verdict == SUPPORTED:
            pick = [c for c in tests if c.passed]
        elif v.verdict == PARTLY:
            # what holds and what does not: a partial verdict shown with its passing test alone reads as
            # support (the December referee's K2)
            pick = [c for c in tests if c.passed][:1] + [c for c in tests if not c.passed][:1]
        elif v.verdict == NOT_SUPPORTED:
            pick = [c for c in tests if c.passed is False]
        else:
            pick = tests
        parts = []
        for i, c in enumerate(pick[:2]):
            what = c.note if i == 0 and c.note else (c.label or c.metric)
            parts.append(f"{what}: {plain_outcome(c)}")
        core = "; ".join(parts) if parts else v.reason.rstrip(".")
        gaps = [c.label for c in v.checks if c.role == UNTESTED and c.label]
        if v.verdict == PARTLY and gaps:
            core += "; not measured: " + ", ".join(gaps)
    if v.verdict == SELF_REPORTED and v.claim.self_reported_part:
        core = f"rests on the company's word ({v.claim.self_reported_part.rstrip('.')}); " + core
    if v.missing:
        core += "; missing results: " + ", ".join(v.missing)
    core = core.strip().rstrip(".")
    return core[:1].upper() + core[1:] + "."


def evidence_table(verdicts: list[Verdict]) -> pd.DataFrame:
    """Every check of every claim as a reader reads it: what was measured, its value, the test, and
    the outcome in plain words (not "(passes)" or "(fails)"), and what the check does to the verdict."""
    from .rules import CONTEXT, UNTESTED

    rows = []
    for v in verdicts:
        for c in v.checks:
            value = ("not measured" if c.role == UNTESTED else "missing" if c.value is None
                     else fmt(c.value, sig=2) if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)
                     else str(c.value))
            role = ("caps the verdict at partly" if c.role == UNTESTED else "context" if c.role == CONTEXT
                    else "decides")
            rows.append({"claim": v.claim.id, "verdict": SHORT_VERDICT[v.verdict],
                         "what was measured": c.label or c.metric, "value": value,
                         "test": c.test if c.role not in (UNTESTED, CONTEXT) else "",
                         "in plain words": plain_outcome(c), "role": role})
    return pd.DataFrame(rows, columns=["claim", "verdict", "what was measured", "value", "test", "in plain words",
                                       "role"])


def ledger_lines(verdicts: list[Verdict]) -> list[str]:
    """Twelve plain lines: claim, verdict, one-sentence reason (the front page's list)."""
    return [f"{v.claim.id} {v.claim.title}: {SHORT_VERDICT[v.verdict]}. {reason_line(v)}" for v in verdicts]


def chapter_title(chapter_id: str) -> str:
    """The title of the chapter a claim is tested in (from that chapter's contract)."""
    import importlib

    return importlib.import_module(f"tokenfactory.{chapter_id}.contract").CONTRACT.title
