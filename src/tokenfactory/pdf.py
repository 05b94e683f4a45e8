"""The whole book as one PDF: Chromium prints jupyter-book's single-page build.

Chromium runs the page's scripts before printing, so every Altair chart is drawn and lands in the PDF
as static vector graphics. The PDF is written next to the site (`html/_static/token-factory.pdf`),
where the front page links to it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import browser, site

PDF_NAME = "token-factory.pdf"


class PdfError(Exception):
    pass


def build_pdf(target: Path) -> Path:
    """Print the scenario in `target` (a built site) to `target/html/_static/token-factory.pdf`."""
    exe = browser.chromium()
    if exe is None:
        raise PdfError("Chromium is not installed (apt-get install -y chromium); the PDF was not made")
    executed = target / "notebooks"
    if not (target / "html" / "index.html").exists():
        raise PdfError(f"{target} holds no built site; run tokenfactory build first")
    with tempfile.TemporaryDirectory(prefix="tf-pdf-") as tmp:
        src = Path(tmp) / "src"
        site.assemble(src, executed)
        jb = str(Path(sys.executable).parent / "jupyter-book")
        proc = subprocess.run([jb, "build", "--all", "--builder", "singlehtml", "--path-output", str(Path(tmp) / "out"),
                               str(src)], capture_output=True, text=True)
        single = Path(tmp) / "out" / "_build" / "singlehtml"
        if proc.returncode != 0 or not (single / "index.html").exists():
            raise PdfError("the single-page build failed:\n" + (proc.stdout + proc.stderr)[-2000:])
        # the root page is book/index.html, but its assets are linked as if it sat at the top
        page = "index.html"
        if (single / "book" / "index.html").exists():
            shutil.copytree(single / "_static", single / "book" / "_static", dirs_exist_ok=True)
            page = "book/index.html"
        pdf_tmp = Path(tmp) / PDF_NAME
        with browser.serve(single) as base, tempfile.TemporaryDirectory() as profile:
            subprocess.run([exe, *browser.FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=30000",
                            "--no-pdf-header-footer", f"--print-to-pdf={pdf_tmp}", f"{base}/{page}"],
                           capture_output=True, text=True, timeout=300)
        if not pdf_tmp.exists() or pdf_tmp.stat().st_size < 10_000:
            raise PdfError("Chromium did not print the book")
        dest = target / "html" / "_static" / PDF_NAME
        dest.parent.mkdir(parents=True, exist_ok=True)
        staged = dest.with_suffix(".pdf.tmp")
        shutil.copy2(pdf_tmp, staged)
        os.replace(staged, dest)
    return dest
