"""Assemble the book's source tree in a staging folder, from the repository and the executed notebooks.

The tree holds the top-level `_config.yml`/`_toc.yml` (staged with the footer and the comparison
pages), the hand-written pages in `book/`, the executed notebooks, the generated pages (Reproduce,
Data, What changed, Scenarios, comparisons), the offline Vega bundle and downloadable copies of the
data and of the source. Building from that folder keeps the repository free of build products;
`sitework` runs Sphinx on it.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Callable

from .. import paths
from . import compare, hashing
from .changes_page import changes_page
from .data_page import data_page
from .footer import cite_block, citation, edition, footer_html, repository_url, write_source_archive
from .reproduce_page import reproduce_page
from .scenarios_page import scenario_results, scenarios_page

#: The repository's top-level files that configure the book.
CONFIG_FILES = ("_config.yml", "_toc.yml")


def offline_vega_js() -> str:
    """Vega, Vega-Lite and vega-embed in one file, so charts render with no network.

    Altair's HTML output loads these from a CDN unless `window.VEGA_DEBUG` names the versions it
    asks for; we set those from the installed altair (never typed) and wrap the bundle in a function
    because it declares a top-level `_` that clashes with Sphinx's own. Bundling takes seconds and
    depends only on the installed altair and vl-convert: the result is kept in the environment
    (`<venv>/share/tokenfactory/`), keyed by their versions, and checked by hash when reused.
    """
    import altair as alt
    import vl_convert

    key = hashing.value_hash([alt.__version__, alt.VEGA_VERSION, alt.VEGALITE_VERSION, alt.VEGAEMBED_VERSION,
                              getattr(vl_convert, "__version__", "")])[:16]
    return hashing.cached_text(Path(sys.prefix) / "share" / "tokenfactory" / f"altair-offline-{key}.js",
                               offline_vega_js_text)


def offline_vega_js_text() -> str:
    """The offline Vega bundle, computed (uncached)."""
    import altair as alt
    import vl_convert

    versions = (f'{{"vega_version": "{alt.VEGA_VERSION}", "vegalite_version": "{alt.VEGALITE_VERSION}", '
                f'"vegaembed_version": "{alt.VEGAEMBED_VERSION}"}}')
    bundle = vl_convert.javascript_bundle()
    return (f"window.VEGA_DEBUG = {versions};\n(function(){{\n{bundle}\n"
            "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;\n})();\n")


def assemble(src: Path, executed: Path, extra_pages: dict[str, str] | None = None,
             warn: Callable[[str], None] | None = None) -> None:
    """Lay out the book's source tree in `src` from the repo and the executed notebooks. `warn`
    receives one line per comparison page dropped because a scenario it compares is not built."""
    root = paths.root()
    src.mkdir(parents=True, exist_ok=True)
    for name in CONFIG_FILES:
        shutil.copy2(root / name, src / name)
    shutil.copytree(paths.book_dir(), src / "book", dirs_exist_ok=True)
    shutil.copytree(root / "_static", src / "_static", dirs_exist_ok=True)
    (src / "notebooks").mkdir(exist_ok=True)
    static_nb = src / "_static" / "notebooks"
    static_nb.mkdir(parents=True, exist_ok=True)
    for nb in sorted(executed.glob("*.ipynb")):
        shutil.copy2(nb, src / "notebooks" / nb.name)
        shutil.copy2(nb, static_nb / nb.name)
    static_data = src / "_static" / "data"
    static_data.mkdir(parents=True, exist_ok=True)
    for path in sorted(paths.data_dir().glob("*")):
        if path.suffix in (".csv", ".yml", ".yaml"):
            shutil.copy2(path, static_data / path.name)
    vega = src / "_static" / "vega"
    vega.mkdir(parents=True, exist_ok=True)
    (vega / "altair-offline.js").write_text(offline_vega_js(), encoding="utf-8")
    has_archive = write_source_archive(src / "_static" / "token-factory-source.tar.gz")
    stage_config(src / "_config.yml", footer_html(has_archive))
    found = scenario_results()
    comparisons = compare.comparison_pages(found, warn)
    pairs = [pair for pair in compare.requested() if compare.page_path(*pair) in comparisons]
    pages = {"book/reproduce.md": reproduce_page(), "book/data.md": data_page(),
             "book/changes.md": changes_page(executed), "book/scenarios.md": scenarios_page(found, pairs)}
    pages.update(comparisons)
    pages.update(extra_pages or {})
    stage_toc(src / "_toc.yml", sorted(comparisons))
    for rel, text in pages.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text, encoding="utf-8")
    index = src / "book" / "index.md"
    if index.exists():
        index.write_text(index.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + cite_block(), encoding="utf-8")


def generated_inputs() -> str:
    """What the generated pages depend on beyond the repository's files (the scenarios found in the
    execution cache, the comparisons asked for, the edition): a build whose other inputs are
    unchanged rebuilds its site when this changes."""
    found = scenario_results()
    comparisons = compare.comparison_pages(found)
    pairs = [pair for pair in compare.requested() if compare.page_path(*pair) in comparisons]
    return hashing.value_hash({"scenarios": scenarios_page(found, pairs), "compare": comparisons,
                               "edition": edition(), "citation": citation()})


def stage_toc(path: Path, comparison_pages: list[str]) -> None:
    """Put the comparison pages under the Scenarios page in the staged table of contents."""
    import yaml

    if not comparison_pages:
        return
    toc = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = [c for part in toc.get("parts", []) for c in part.get("chapters", [])] + toc.get("chapters", [])
    sections = [{"file": rel.removesuffix(".md")} for rel in comparison_pages]
    for entry in entries:
        if entry.get("file") == "book/scenarios":
            entry["sections"] = list(entry.get("sections", [])) + sections
            break
    else:
        parts = toc.setdefault("parts", [])
        (parts[-1]["chapters"] if parts else toc.setdefault("chapters", [])).extend(sections)
    path.write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")


def stage_config(path: Path, footer: str) -> None:
    """The staged _config.yml with the footer every page shows (edition, repository, citation)."""
    import yaml

    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    config.setdefault("html", {})["extra_footer"] = footer
    # sphinx.config.html_theme_options, when set, replaces what jupyter-book derives from `html:`
    sphinx_config = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx_config.setdefault("html_theme_options", {})["extra_footer"] = footer
    url = repository_url()
    if url:
        config.setdefault("repository", {})["url"] = url
        config["html"]["use_repository_button"] = True
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
