"""The Reproduce page: the commands that rebuild the book and every parameter of every chapter,
generated from the scenarios and the chapters' parameter models."""

from __future__ import annotations

from ..params_base import describe
from ..registry import CHAPTERS
from .pagetext import cell, plain_value, words


def reproduce_page() -> str:
    """The Reproduce page: the CLI and every parameter, generated from the pydantic models."""
    from ..config import list_scenarios

    lines = [
        "# Reproduce and change the book",
        "",
        "Every number in this book is computed from the data in `data/` and the parameters below. To",
        "rebuild it on your machine (Python 3.11, no network needed beyond the package registry):",
        "",
        "```bash",
        "make book                  # creates .venv, installs the pinned requirements, builds the default book",
        "make test                  # the whole test suite",
        "```",
        "",
        "Then, with `.venv/bin/tokenfactory` (or `source .venv/bin/activate`):",
        "",
        "```bash",
        "tokenfactory params inference_tax                        # every parameter, with unit, range and meaning",
        "tokenfactory build --set inference_tax.utilization=0.4   # one chapter parameter changed",
        "tokenfactory build --scenario high_utilization           # a named scenario",
        "tokenfactory build --params my_assumptions.yaml          # your own file (same format as params/*.yaml)",
        "tokenfactory check                                       # validate data and parameters, execute nothing",
        "tokenfactory compare default high_utilization            # key results of two scenarios side by side",
        "```",
        "",
        "Precedence: package defaults < scenario < `--params` file < `--set`. Every value is validated",
        "before anything runs; a wrong name, type or range is refused with a message saying what is",
        "allowed. A build writes to `_build/<scenario>/` (or `_build/<scenario>-custom/` when you override",
        "parameters), re-executes only the chapters whose inputs changed, and never replaces the last",
        "good site with a failed one.",
        "",
        "## Scenarios",
        "",
        "| scenario | description |",
        "|---|---|",
    ]
    for name, scen in list_scenarios().items():
        lines.append(f"| `{name}` | {cell(scen.description)} |")
    for cid, chapter in CHAPTERS.items():
        lines += ["", f"## {chapter.title} (`{cid}`)", "",
                  "```{table}", ":class: tf-wrap tf-cols-4", "",
                  "| parameter | default | allowed | meaning and basis |", "|---|---|---|---|"]
        for info in describe(chapter.params):
            default = plain_value(info.default)
            unit = f" ({cell(info.unit)})" if info.unit else ""
            meaning = cell(info.meaning) + (f" *Basis:* {cell(info.basis)}" if info.basis else "")
            lines.append(f"| `{info.name}` ({info.type}) | {cell(default)}{unit} | {cell(words(info.allowed))} | "
                         f"{meaning} |")
        lines.append("```")
    return "\n".join(lines) + "\n"
