"""Source notebooks: stored without outputs, and their parameters cell equals the package defaults.

The one check of every chapter's notebook (a new chapter in the registry is checked with no edit
here); chapter test files need not repeat it."""

from __future__ import annotations

import ast
import json

import pytest

from tokenfactory.nb import RESERVED
from tokenfactory.registry import CHAPTERS

CHAPTER_IDS = list(CHAPTERS)


def _nb(cid):
    path = CHAPTERS[cid].notebook
    if not path.exists():
        pytest.fail(f"{path} is missing")
    return json.loads(path.read_text(encoding="utf-8"))


def _parameters_cell(nb):
    cells = [c for c in nb["cells"] if "parameters" in (c.get("metadata", {}).get("tags") or [])]
    assert len(cells) == 1, "exactly one cell must be tagged 'parameters'"
    assert "remove-cell" in cells[0]["metadata"]["tags"], "the parameters cell must be tagged 'remove-cell'"
    return "".join(cells[0]["source"])


@pytest.mark.parametrize("cid", CHAPTER_IDS)
def test_stored_without_outputs(cid):
    nb = _nb(cid)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"{cid}: a code cell holds outputs"
            assert cell.get("execution_count") is None, f"{cid}: a code cell holds an execution count"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("cid", CHAPTER_IDS)
def test_parameters_cell_matches_the_package_defaults(cid):
    source = _parameters_cell(_nb(cid))
    values = {}
    for node in ast.parse(source).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, "only plain assignments"
        values[node.targets[0].id] = ast.literal_eval(node.value)
    model = CHAPTERS[cid].params
    defaults = model().model_dump(mode="json")
    for name in RESERVED:
        assert name in values, f"{cid}: parameters cell lacks {name}"
        assert values.pop(name) == {}, f"{cid}: {name} must be empty in the notebook (the pipeline fills it)"
    assert set(values) == set(defaults), f"{cid}: names differ: {set(values) ^ set(defaults)}"
    for name, default in defaults.items():
        assert values[name] == default, f"{cid}.{name}: notebook {values[name]!r} != package {default!r}"


@pytest.mark.parametrize("cid", CHAPTER_IDS)
def test_first_cell_is_the_title(cid):
    first = _nb(cid)["cells"][0]
    assert first["cell_type"] == "markdown"
    assert "".join(first["source"]).lstrip().startswith("# ")
