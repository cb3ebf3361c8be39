"""The built-in engine: render the Quarto project without Quarto.

For each page listed in _quarto.yml: parse the .qmd, execute its cells with nbclient, render the
markdown with pandoc (citations, callouts, cross-references), and wrap it in the site template.
Then write the assets, the search index, 404.html and, when a site address is set, sitemap.xml. Output paths match Quarto's.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

from markupsafe import Markup

from quarto_lite.citation import apa, page_citation, scholar_tags
from quarto_lite.config_checks import page_problems, project_problems, raise_problems
from quarto_lite.execute import execute_document
from quarto_lite.page_errors import page_render_error, page_source_error
from quarto_lite.pandoc_render import Rendered, RenderError, page_metadata, render_markdown
from quarto_lite.project import Page, ProjectConfig
from quarto_lite.project_scripts import run_stage
from quarto_lite.qmd import QmdError, parse_qmd
from quarto_lite.search_index import page_entries, to_json
from quarto_lite.sitemap import sitemap_xml
from quarto_lite.source_files import read_utf8
from quarto_lite.templating import template_env

@dataclass(frozen=True)
class SiteInfo:
    """Site-wide values for the template."""

    title: str
    lang: str
    nav: list[Page]
    version: str
    date: str
    citation: str
    before_body: Markup
    favicon: str
    scholar: list[tuple[str, str]]
    footer: list[Page]
    css: list[str]
    toc: bool
    open_graph: bool
    twitter_card: bool
    search: bool = True
    nav_title: str = ""  # the header's title (website.navbar.title, else website.title)


Progress = Callable[[str, float], None]  # told each page's source and the seconds it took


def render_project(config: ProjectConfig, out: Path, progress: Progress | None = None) -> list[str]:
    """Render every page of the project into out (the navbar's, the footer's and project.render's); return the
    output paths written. Previous and next link the navbar's pages only."""
    root = config.root
    raise_problems(project_problems(config))
    run_stage(config, "pre-render", out)
    bibliography = root / config.raw["bibliography"] if config.raw.get("bibliography") else None
    info = site_info(config, before_body(config))
    env = template_env()
    pages = config.rendered_pages()  # after pre-render, which may write pages (the force pages)
    rendered = [_render_page(config, page, bibliography, progress=progress) for page in pages]

    entries: list[dict[str, str]] = []
    for i, (page, front, body) in enumerate(rendered):
        prev_page = config.pages[i - 1] if 0 < i < len(config.pages) else None
        next_page = config.pages[i + 1] if i + 1 < len(config.pages) else None
        context = page_context(config, info, page, front, body, prev_page, next_page)
        _write(out / page.output, env.get_template("page.html").render(site=info, page=context))
        entries += page_entries(page.output, context["title"], body.html, body.headings)

    written = [p.output for p in pages]
    if config.not_found is not None:
        site_path = urlparse(config.site_url).path or "/"
        _, front, body = _render_page(config, config.not_found, bibliography, {"link-prefix": site_path}, progress)
        context = not_found_context(config, front, body, site_path)
        _write(out / config.not_found.output, env.get_template("page.html").render(site=info, page=context))
        written.append(config.not_found.output)
    copy_resources(config, out)
    _write(out / "search.json", to_json(entries))
    written.append("search.json")
    if config.site_url:  # as Quarto: no sitemap.xml without a site address
        _write(out / "sitemap.xml", sitemap_xml(config.site_url, [p.output for p in pages]))
        written.append("sitemap.xml")
    run_stage(config, "post-render", out)
    return written


def _render_page(config: ProjectConfig, page: Page, bibliography: Path | None, extra: dict[str, Any] | None = None,
                 progress: Progress | None = None) -> tuple[Page, dict[str, Any], Rendered]:
    """Parse, execute and render one page (extra: more metadata for pandoc); tell progress how long it took."""
    start = time.perf_counter()
    source = config.root / page.source
    text = read_utf8(source, page.source)
    try:
        doc = parse_qmd(text)
    except QmdError as exc:
        raise page_source_error(page.source, exc) from None
    raise_problems(page_problems(page.source, doc, config.root))
    markdown = execute_document(doc, page=page.source, cwd=source.parent, defaults=config.execute)
    try:
        rendered = render_markdown(markdown, bibliography=bibliography, lang=config.lang,
                                   metadata=page_metadata(doc.front_matter) | (extra or {}))
    except RenderError as exc:
        raise page_render_error(page.source, text, exc) from None
    if progress is not None:
        progress(page.source, time.perf_counter() - start)
    return page, doc.front_matter, rendered


def before_body(config: ProjectConfig) -> Markup:
    """Return the files listed in format.html.include-before-body, as Quarto includes them."""
    paths = config.option_list("format", "html", "include-before-body")
    return Markup("".join((config.root / p).read_text(encoding="utf-8") for p in paths))


def site_info(config: ProjectConfig, include: Markup = Markup("")) -> SiteInfo:
    """Collect the site-wide template values; version, date and reference from `citation:`."""
    c = page_citation(config)
    website = config.raw.get("website", {})
    html = html_options(config)
    return SiteInfo(config.title, config.lang, config.pages, c.version, c.date, apa(c), include,
                    str(website.get("favicon", "")), scholar_tags(c) if config.raw.get("google-scholar") else [],
                    config.footer, config.option_list("format", "html", "css"), html.get("toc") is True,
                    website.get("open-graph") is True, website.get("twitter-card") is True, nav_title=config.nav_title)


def html_options(config: ProjectConfig) -> dict[str, Any]:
    """Return format.html's options (empty when format is a plain name)."""
    html = (config.raw.get("format") or {}).get("html") if isinstance(config.raw.get("format"), dict) else None
    return html if isinstance(html, dict) else {}


def page_context(config: ProjectConfig, info: SiteInfo, page: Page, front: dict[str, Any], body: Rendered,
                 prev_page: Page | None, next_page: Page | None) -> dict[str, Any]:
    """Build the template values for one page."""
    title = plain_text(str(front.get("title", page.text)))
    description = plain_text(str(front.get("description", config.description)))
    depth = len(PurePosixPath(page.output).parts) - 1
    # Without a site address a page names no address of its own (no canonical link, no og:url), as Quarto.
    url = config.site_url + ("" if page.output == "index.html" else page.output) if config.site_url else ""
    meta = list(info.scholar)
    og = [("og:title", title), ("og:description", description), ("og:type", "website" if page.output == "index.html" else "article"),
          *([("og:url", url)] if url else []), ("og:site_name", config.title), ("og:locale", config.lang.replace("-", "_"))] \
        if info.open_graph else []
    if info.twitter_card:
        meta += [("twitter:card", "summary"), ("twitter:title", title), ("twitter:description", description)]
    toc = front.get("toc", info.toc) is True
    return {
        "title": title, "description": description, "output": page.output, "root": "../" * depth,
        "is_home": page.output == "index.html", "canonical": url, "meta": meta, "og": og,
        "toc": body.headings if toc else [], "content": Markup(body.html), "prev": prev_page, "next": next_page,
    }


MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])|&(amp|lt|gt|quot);")
ENTITY_TEXT = {"amp": "&", "lt": "<", "gt": ">", "quot": '"'}


def plain_text(value: str) -> str:
    """Read a title or description as the plain text Quarto shows for it: Markdown's backslash escapes of
    punctuation and the entities &amp; &lt; &gt; &quot; resolved (the escaping data text gets, fmt.one_line)."""
    return MARKDOWN_ESCAPE.sub(lambda m: m.group(1) or ENTITY_TEXT[m.group(2)], value)


def not_found_context(config: ProjectConfig, front: dict[str, Any], body: Rendered, site_path: str) -> dict[str, Any]:
    """Template values for 404.html, whose links must work from any depth (absolute under the site's path)."""
    return {"title": str(front.get("title", "Page not found")), "description": config.description,
            "output": "404.html", "root": site_path, "is_home": False, "canonical": "", "meta": [], "og": [],
            "toc": [], "content": Markup(body.html), "prev": None, "next": None}


def _write(path: Path, text: str) -> None:
    """Write UTF-8 text, creating parent directories."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def copy_resources(config: ProjectConfig, out: Path) -> None:
    """Copy project.resources into out: a folder (ending in /) whole, a pattern by glob from the root."""
    for pattern in config.option_list("project", "resources"):
        pattern = pattern.lstrip("/")
        if pattern.endswith("/"):
            shutil.copytree(config.root / pattern, out / pattern, dirs_exist_ok=True)
            continue
        for path in sorted(config.root.glob(pattern)):
            target = out / path.relative_to(config.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
