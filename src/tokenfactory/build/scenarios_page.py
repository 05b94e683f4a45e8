"""The Scenarios page: what each named scenario changes, its key results and its verdicts beside
the default's, from the executions found in the build's cache."""

from __future__ import annotations

import html
import math
from typing import Any

from .. import paths
from ..registry import CHAPTERS
from . import cache, hashing
from .pagetext import KEY_RESULTS, is_number, plain_value, result_label, show_result


def scenario_results() -> dict[str, dict[str, dict] | None]:
    """The results of every named scenario found in the execution cache (`_build/.cache`), which
    every build fills: a scenario whose chapters have all been executed with its current inputs
    (notebooks, parameters, data, chapter code, environment) has results; any other is None ("not
    built")."""
    from ..config import list_scenarios, resolve

    package = hashing.chapter_code_hash()
    lookup = cache.Cache(paths.build_dir() / ".no-target", {}, lambda message: None).lookup  # read only
    out: dict[str, dict[str, dict] | None] = {}
    for name in list_scenarios():
        resolved = resolve(name)
        found = cache.find(lambda cid: resolved.params[cid].model_dump(mode="json"), list(CHAPTERS), lookup, package)
        out[name] = found.results if len(found.results) == len(CHAPTERS) else None
    return out


def verdict_class(verdict: str) -> str:
    """The CSS class that colours a verdict's cell."""
    v = verdict.lower()
    if v.startswith("supported"):
        return "tf-verdict-supported"
    if v.startswith("partly"):
        return "tf-verdict-partly"
    if v.startswith("not supported"):
        return "tf-verdict-not"
    return "tf-verdict-unverifiable"


def scenarios_page(found: dict[str, dict[str, dict] | None] | None = None,
                   comparisons: list[tuple[str, str]] | None = None) -> str:
    """The Scenarios page: what each named scenario changes, its key results and its verdicts,
    side by side with the default. Cells that differ from the default are highlighted.

    `found`: each scenario's results or None (default: `scenario_results()`); `comparisons`: the
    pairs whose comparison page this book carries (default: none), linked from the page."""
    from ..claims import ledger
    from ..config import list_scenarios

    e = html.escape
    scenarios = list_scenarios()
    found = scenario_results() if found is None else found
    every = ["default", *[n for n in scenarios if n != "default"]] if "default" in scenarios else list(scenarios)
    names = [n for n in every if found.get(n)]
    missing = [n for n in every if not found.get(n)]
    base = found.get("default") or {}
    claims = ledger.load().claims

    def head() -> str:
        # a scenario's name leads to what it changes and which verdicts move (on this page: a
        # scenario's own site is built beside this one, outside the published folder)
        cells = []
        for n in names:
            label = e(n).replace("_", "_<wbr>")
            cells.append(f'<th scope="col"><a href="#scenario-{e(n)}">{label}</a></th>')
        return '<thead><tr><th scope="col">result</th>' + "".join(cells) + "</tr></thead>"

    lines = [
        "# Scenarios",
        "",
        "Each named scenario changes a few of the book's assumptions (the list below; every parameter is",
        "described in [Reproduce](reproduce.md)). This page sets their key results and verdicts beside",
        "those of the default, from the executions this build found in its cache; a highlighted cell",
        "differs from the default. A scenario marked *not built* has not been executed with the current",
        "data and code: `tokenfactory build --all-scenarios` builds them all (or",
        "`tokenfactory build --scenario NAME` one of them), and the next build of this book shows it.",
        "Each scenario's own site is built beside this one (`_build/NAME/html/`, by",
        "`tokenfactory build --scenario NAME`); `tokenfactory compare default NAME` writes every result",
        "of two scenarios side by side.",
        "",
        "## What each scenario changes, and which verdicts move",
        "",
    ]
    rows = []
    for n in every:
        scen = scenarios[n]
        changes = [f"<code>{e(cid)}.{e(k)} = {e(plain_value(v))}</code>" for cid, vals in scen.chapters.items()
                   for k, v in vals.items()]
        status = "" if found.get(n) else "<br><em>not built</em>"
        moves = scenario_verdict_note(n, scen, found.get(n), base if n != "default" else None, claims)
        rows.append(f'<tr id="scenario-{e(n)}"><td><code>{e(n)}</code>{status}</td>'
                    f"<td>{'<br>'.join(changes) or 'nothing (the defaults)'}</td>"
                    f"<td>{e(' '.join(str(scen.description).split()))}</td><td>{moves}</td></tr>")
    lines += ['<div class="tf-scroll"><table class="tf-table tf-wrap tf-cols-4">',
              '<thead><tr><th scope="col">scenario</th><th scope="col">premise it changes</th>'
              '<th scope="col">description</th><th scope="col">verdicts that move</th></tr></thead>',
              "<tbody>" + "".join(rows) + "</tbody></table></div>", ""]
    if missing:
        lines += ["Not built yet with the current data and code, so not in the tables below: "
                  + ", ".join(f"`{n}`" for n in missing) + ". Run `tokenfactory build --all-scenarios`.", ""]
    if not names:
        return "\n".join(lines) + "\n"

    if comparisons:
        lines += ["Comparisons of every result asked for with `tokenfactory compare A B`: "
                  + ", ".join(f"[{a} vs {b}](compare/{a}-vs-{b}.md)" for a, b in sorted(comparisons))
                  + ".", ""]
    lines += ["## Key results", ""]
    body = []
    for cid, key, label, kind in KEY_RESULTS:
        cells = []
        for n in names:
            res = found[n]
            value = res.get(cid, {}).get(key)
            changed = n != "default" and base and value != base.get(cid, {}).get(key)
            cls = ' class="tf-changed"' if changed else ""
            cells.append(f"<td{cls}>{e(show_result(value, kind))}</td>")
        body.append(f"<tr><td>{e(label)}</td>{''.join(cells)}</tr>")
    lines += ['<div class="tf-scroll"><table class="tf-table tf-grid">', head(),
              "<tbody>" + "".join(body) + "</tbody></table></div>", ""]

    lines += ["## Verdicts", "",
              "The claims ledger's verdict on each claim of the article, under each scenario (the rules are in",
              "[the claims ledger](../notebooks/claims.ipynb)).", ""]
    body = []
    for claim in claims:
        key = f"verdict_{claim.id.lower()}"
        cells = []
        for n in names:
            res = found[n]
            verdict = str(res.get("claims", {}).get(key, "n/a"))
            changed = n != "default" and base and verdict != str(base.get("claims", {}).get(key, "n/a"))
            cls = verdict_class(verdict) + (" tf-changed" if changed else "")
            cells.append(f'<td class="{cls}">{e(verdict)}</td>')
        body.append(f"<tr><td><b>{e(claim.id)}</b> {e(claim.title)}</td>{''.join(cells)}</tr>")
    lines += ['<div class="tf-scroll"><table class="tf-table tf-grid">', head(),
              "<tbody>" + "".join(body) + "</tbody></table></div>", ""]
    return "\n".join(lines) + "\n"


def differs(a: object, b: object) -> bool:
    """Whether two results differ: numbers beyond 1e-9 relative, anything else by equality."""
    if is_number(a) and is_number(b):
        return not math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return a != b


def scenario_verdict_note(name: str, scen: Any, res: dict | None, base: dict | None, claims: list) -> str:
    """HTML for the Scenarios page: which verdicts a scenario moves (old → new), and where none
    moves, why: none of the results the verdict rules read changes, or those that change stay on
    the same side of every rule's threshold (named with the claims that read them)."""
    e = html.escape
    if base is None:
        return "the reference: every other scenario is compared with it"
    if not res:
        return "<em>not built</em>"
    moved, touched = [], []
    for claim in claims:
        key = f"verdict_{claim.id.lower()}"
        old, new = base.get("claims", {}).get(key), res.get("claims", {}).get(key)
        if old is not None and new is not None and old != new:
            moved.append(f"<b>{e(claim.id)}</b> {e(claim.title)}: {e(str(old))} → {e(str(new))}")
            continue
        changed = [m for m in claim.metrics
                   if differs(base.get(m.split(".", 1)[0], {}).get(m.split(".", 1)[1]),
                              res.get(m.split(".", 1)[0], {}).get(m.split(".", 1)[1]))]
        if changed:
            touched.append((claim, changed))
    parts = []
    if moved:
        parts.append("; ".join(moved) + ".")
    if touched:
        names = ", ".join(e(c.id) for c, _ in touched)
        example_claim, keys = touched[0]
        chapter, key = keys[0].split(".", 1)
        kind = next((k for c, kk, _, k in KEY_RESULTS if (c, kk) == (chapter, key)), "")
        before, after = show_result(base.get(chapter, {}).get(key), kind), show_result(res.get(chapter, {}).get(key), kind)
        parts.append(("No verdict moves. " if not moved else "Also: ")
                     + f"Results read by {names} change (for example {e(result_label(chapter, key).lower())}: "
                     f"{e(before)} → {e(after)}), but their rules still give the same verdicts: no test crosses its "
                     "threshold, or the tests that pass and fail still add up to the same verdict (\"partly "
                     "supported\" holds while some tests pass and some fail).")
    elif not moved:
        shifted = sorted(f"{cid}.{k}" for cid in set(base) | set(res) if cid != "claims"
                         for k in set(base.get(cid, {})) | set(res.get(cid, {}))
                         if not k.endswith("_txt") and differs(base.get(cid, {}).get(k), res.get(cid, {}).get(k)))
        if shifted:
            where = ", ".join(sorted({s.split(".", 1)[0] for s in shifted}))
            parts.append(f"No verdict moves: this scenario moves {len(shifted)} result{'s' if len(shifted) != 1 else ''} "
                         f"({e(where)}), none of which a "
                         "verdict rule reads; the rules test measured data and results it leaves unchanged.")
        else:
            parts.append("No verdict moves: this scenario moves none of the book's results.")
    return " ".join(parts)
