"""Text from the data is shown as text: a `<script>` or quotes in a data cell never run or break
the page (table and chart tooltip data)."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import run_cli

pytestmark = [pytest.mark.build, pytest.mark.browser]

EVIL = '<script>document.title="pwned"</script> "double" \'single\' & <b>bold</b>'


def test_data_strings_render_as_text(book_root):
    from tokenfactory import browser

    if browser.chromium() is None:
        pytest.fail("Chromium is missing: .ci/run installs it (apt-get install -y chromium)")
    path = book_root / "data" / "models.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[1][rows[0].index("notes")] = EVIL
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    proc = run_cli("build", root=book_root)
    assert proc.returncode == 0, proc.stderr
    html_dir = book_root / "_build" / "default" / "html"
    page = (html_dir / "notebooks" / "compute_gap.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title=" in page  # escaped in the table
    with browser.serve(html_dir) as base:
        dom = browser.dump_dom(f"{base}/notebooks/compute_gap.html")
    assert "<title>pwned</title>" not in dom
    assert "&lt;script&gt;document.title=" in dom
    assert 'class="marks"' in dom  # the chart carrying the same string in its tooltip data rendered
    # the chart's data holds the string with every "<" escaped inside its script element; parsed,
    # it is the same text, which vega-tooltip shows as text (its default sanitizer)
    assert json.dumps(EVIL)[1:-1].replace("<", "\\u003c") in page
