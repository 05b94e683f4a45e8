"""What the claims page shows and glues: the notebook layer of the claims chapter.

The science (rules, evidence, sensitivity, report texts) returns values, frames and HTML strings; this
module alone displays them and glues them, so that the science imports nothing of the notebook glue
(`tokenfactory.nb`, IPython). The layer test (tests/test_layers.py) holds a chapter's `page.py` to the
notebook layer's rules.
"""

from __future__ import annotations

from IPython.display import HTML, display

from .. import charts, nb
from . import chapter, figures, report, rules, sensitivity


def show_claim(r: chapter.Result, claim_id: str) -> None:
    """One claim's block on the page, with its table of what would flip the verdict."""
    display(HTML(report.claim_html(r.verdict(claim_id), sensitivity.claim_choices(r.choices, claim_id))))


def show_margin(r: chapter.Result, source: str) -> None:
    """The margin chart, or a line saying no result could be set against a threshold."""
    chart = figures.margin_chart(r.verdicts, sensitivity.nearest(r.flips))
    if chart is None:
        nb.md("*No result was available to set against a threshold.*")
    else:
        nb.show(chart, source=source)


def show_control(r: chapter.Result, source: str) -> None:
    """The live control: move a threshold, see which verdicts flip."""
    if r.thresholds is None or r.thresholds.empty:
        nb.md("*No threshold grid could be computed.*")
        return
    nb.show(figures.threshold_control(r.thresholds, chapter.CONTROL_START, sensitivity.GRID_STEPS), source=source,
            note="Choose a threshold, then move the slider: each step moves it by a fixed amount from this page's "
                 "setting", checks=chapter.control_checks(r))


def show_ledger(verdicts: list[rules.Verdict], ev_source: str) -> None:
    """Display the opening table, its caption, and a source line that says where the evidence came
    from (this build, or the last build when the page runs alone), at the weight of normal text."""
    head = "<p><b>The article's claims and the book's verdicts</b></p>"
    note = ("<p class=\"tf-caption\">Self-reported: the claim rests on a company's own statement that no public "
            "source can check; the label stays unless independent evidence contradicts the claim. Each claim's "
            "full wording, rule and evidence are in its section below.</p>")
    display(HTML(head + report.ledger_html(verdicts) + note + charts.caption(
        f"data/claims.yaml (the claims, in our words); verdicts computed on this page from {ev_source}; "
        f"{report.assessed_note(verdicts)}")))


def glue_flips(found: list[sensitivity.Flip]) -> dict[str, object]:
    """Glue what the "What would change the conclusion" section quotes: the nearest flip, in pieces
    short enough to read inside a sentence, and how many threshold tests would move a verdict."""
    out: dict[str, object] = {
        "flip_tests": nb.glue("flip_tests", len(found), sig=3),
        "flip_movers": nb.glue("flip_movers", sum(f.moves_verdict for f in found), sig=3),
    }
    near = sensitivity.nearest(found)
    if near is None:  # every key is still glued, so that the page builds: the prose then reads "none"
        for key in ("nearest_claim", "nearest_parameter", "nearest_test", "nearest_now", "nearest_flips_at",
                    "nearest_verdict_now", "nearest_verdict_after", "nearest_distance"):
            nb.glue_text(key, "none")
        return out
    out["nearest_claim"] = nb.glue("nearest_claim", near.claim)
    out["nearest_parameter"] = nb.glue("nearest_parameter", near.parameter)
    nb.glue_text("nearest_test", near.label)
    nb.glue_text("nearest_now", sensitivity.param_text(near.parameter, near.now))
    out["nearest_flips_at"] = nb.glue("nearest_flips_at", near.flips_at,
                                      text=f"{near.side} {sensitivity.param_text(near.parameter, near.flips_at)}")
    nb.glue_text("nearest_verdict_now", report.VERDICT_LABEL[near.verdict_now])
    nb.glue_text("nearest_verdict_after", report.VERDICT_LABEL[near.verdict_after])
    out["nearest_distance"] = nb.glue("nearest_distance", near.distance, sig=2)
    return out


def show_flips(found: list[sensitivity.Flip], source: str) -> None:
    """Display the flips table with its caption and source."""
    display(HTML("<p><b>Where each threshold would flip its test, nearest first</b></p>" + sensitivity.flips_html(found)
                 + charts.caption(source)))
