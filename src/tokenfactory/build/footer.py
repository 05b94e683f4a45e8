"""The edition, the repository and the citation: the footer line under every page and the "Cite
this book" block of the home page, from the last commit and CITATION.cff."""

from __future__ import annotations

import html
import subprocess
from pathlib import Path

from .. import paths


def git(*args: str) -> str | None:
    """The output of `git ARGS` in the repository, stripped; None outside a checkout or on failure."""
    try:
        proc = subprocess.run(["git", "-C", str(paths.root()), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 and proc.stdout.strip() else None


def edition() -> tuple[str, str | None]:
    """The edition's date and commit: those of the repository's last commit, or today's date (and
    no commit) outside a git checkout."""
    import datetime

    found = git("log", "-1", "--format=%cs %h")
    if found:
        day, commit = found.split()
        return day, commit
    return datetime.date.today().isoformat(), None


def citation() -> dict:
    """CITATION.cff, read (the book's title, authors, version, date, repository)."""
    import yaml

    path = paths.root() / "CITATION.cff"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


def repository_url() -> str | None:
    """The public repository, from CITATION.cff (`repository-code`), if it names one."""
    url = str(citation().get("repository-code") or "")
    return url if url.startswith(("https://", "http://")) else None


def author_names(cff: dict) -> str:
    """The authors named in CITATION.cff, comma-separated (the contributors when it names none)."""
    names = []
    for a in cff.get("authors") or []:
        if "name" in a:
            names.append(str(a["name"]))
        else:
            names.append(" ".join(str(a[k]) for k in ("given-names", "family-names") if a.get(k)))
    return ", ".join(names) or "The Token Factory contributors"


def cite_block() -> str:
    """Markdown: "Cite this book", in words and as BibTeX, from CITATION.cff and the edition."""
    cff = citation()
    day, commit = edition()
    title = cff.get("title", "The Token Factory")
    authors = author_names(cff)
    url = repository_url()
    where = f" {url}" if url else ""
    version = f", commit {commit}" if commit else ""
    key = "tokenfactory" + day[:4]
    bib = [f"@book{{{key},", f"  title  = {{{title}}},", f"  author = {{{authors}}},", f"  year   = {{{day[:4]}}},",
           f"  note   = {{Edition of {day}{version}}},"]
    if url:
        bib.append(f"  url    = {{{url}}},")
    bib.append("}")
    return "\n".join([
        "## Cite this book", "",
        f"{authors}. *{title}*. Edition of {day}{version}.{where}", "",
        "```bibtex", *bib, "```", "",
        "The data tables carry their own sources: cite those too when you use a figure (see [Data](data.md)).",
        "",
    ])


def footer_html(has_archive: bool) -> str:
    """The line under every page: edition date, commit, repository, citation. Links are written for
    pages one folder deep (book/, notebooks/) and corrected in the page for the others
    (`data-tf-root`, read by _static/tf-charts.js against Sphinx's content root)."""
    day, commit = edition()
    parts = [f"Edition of {html.escape(day)}" + (f" (commit <code>{html.escape(commit)}</code>)" if commit else "")]
    url = repository_url()
    if url:
        parts.append(f'<a href="{html.escape(url)}">Repository</a>')
    if has_archive:
        parts.append('<a href="../_static/token-factory-source.tar.gz" data-tf-root="_static/token-factory-source.tar.gz" '
                     'class="tf-source">Source code (.tar.gz)</a>')
    parts.append('<a href="../book/index.html#cite-this-book" data-tf-root="book/index.html#cite-this-book" '
                 'class="tf-cite-link">Cite this book</a>')
    return '<p class="tf-edition">' + " · ".join(parts) + "</p>"


def write_source_archive(dest: Path) -> bool:
    """The repository at the edition's commit, as a tarball beside the site (so the repository is
    one click away even offline). False outside a git checkout."""
    if git("rev-parse", "--verify", "HEAD") is None:
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["git", "-C", str(paths.root()), "archive", "--format=tar.gz", "--prefix=token-factory/",
                           "-o", str(dest), "HEAD"], capture_output=True, text=True)
    return proc.returncode == 0 and dest.exists()


