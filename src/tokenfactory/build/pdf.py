"""The whole book as one PDF: Chromium prints jupyter-book's single-page build.

Chromium runs the page's scripts before printing, so every Altair chart is drawn and lands in the PDF
as static vector graphics. The PDF is written next to the site (`html/_static/token-factory.pdf`),
and only then does the front page get a link to it (a site without its PDF links to nothing).
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
    link_pdf(target / "html", dest)
    return dest


PDF_LINK_CLASS = "tf-pdf-link"


def link_pdf(html_dir: Path, pdf: Path) -> bool:
    """Add "Download the whole book as a PDF" to the front page, above "Cite this book" (or at the
    end of the article). Idempotent; False when the front page is not there."""
    import html as h
    import re

    page = html_dir / "book" / "index.html"
    if not page.exists():
        return False
    text = page.read_text(encoding="utf-8")
    size = pdf.stat().st_size / 1e6
    para = (f'<p class="{PDF_LINK_CLASS}">Download <a href="../_static/{h.escape(pdf.name)}">the whole book as a PDF</a> '
            f"({size:.1f} MB).</p>\n")
    text = re.sub(rf'<p class="{PDF_LINK_CLASS}">.*?</p>\n', "", text, flags=re.S)
    for anchor in ('<section id="cite-this-book">', "</article>"):
        if anchor in text:
            text = text.replace(anchor, para + anchor, 1)
            break
    else:
        return False
    tmp = page.with_suffix(".html.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, page)
    return True
