"""The built-in engine: render the Quarto project without Quarto.

For each page listed in _quarto.yml: parse the .qmd, execute its cells with nbclient (on a pool of
kernels, each page in a fresh namespace), render the markdown with pandoc (citations, callouts,
cross-references), and wrap it in the site template; a page whose inputs are unchanged comes from the
page cache instead.
Then write the assets, the search index, 404.html and, when a site address is set, sitemap.xml. Output paths match Quarto's.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

from markupsafe import Markup

from quarto_lite.citation import apa, page_citation, scholar_tags
from quarto_lite.config_checks import page_problems, project_problems, raise_problems
from quarto_lite.execute import execute_document
from quarto_lite.kernel_pool import KernelPool, PageKernel
from quarto_lite.page_cache import CachedPage, PageCache, tree_digest
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


def render_project(config: ProjectConfig, out: Path, progress: Progress | None = None, *,
                   cache: PageCache | None = None, collect: Mapping[str, Path] | None = None,
                   workers: int | None = None) -> list[str]:
    """Render every page of the project into out (the navbar's, the footer's and project.render's); return the
    output paths written. Previous and next link the navbar's pages only.

    Pages run on a pool of kernels (workers of them: one per core unless given), each in a fresh namespace.
    cache keeps each page's HTML by the hash of its inputs, so an unchanged page is not run again. collect
    names folders by an environment variable: each page's cells see that variable pointing at a folder of
    the page's own, whose files are kept with the page in the cache and then copied into the named folder.
    """
    root = config.root
    raise_problems(project_problems(config))
    run_stage(config, "pre-render", out)
    bibliography = root / config.raw["bibliography"] if config.raw.get("bibliography") else None
    info = site_info(config, before_body(config))
    env = template_env()
    pages = config.rendered_pages()  # after pre-render, which may write pages (the force pages)
    jobs: list[tuple[Page, dict[str, Any]]] = [(page, {}) for page in pages]
    site_path = urlparse(config.site_url).path or "/"
    if config.not_found is not None:
        jobs.append((config.not_found, {"link-prefix": site_path}))
    inputs = {"execute": config.execute, "lang": config.lang,
              "bibliography": tree_digest([bibliography], root) if bibliography else ""}
    told = InOrder(progress)
    run = PageRun(config, bibliography, inputs, cache or PageCache(None), dict(collect or {}))

    def render(job: tuple[int, tuple[Page, dict[str, Any]]], kernel: PageKernel) -> PageResult:
        index, (page, extra) = job
        start = time.perf_counter()
        result = run.render(page, extra, kernel, Path(scratch))
        told.done(index, page.source, time.perf_counter() - start)
        return result

    with tempfile.TemporaryDirectory(prefix="quarto-lite-pages-") as scratch:
        done = KernelPool(workers).map(render, list(enumerate(jobs)))
    for result in done:
        for name, files in result.files.items():
            write_files(run.collect[name], files)
    rendered = [(r.page, r.front, r.body) for r in done[:len(pages)]]

    entries: list[dict[str, str]] = []
    for i, (page, front, body) in enumerate(rendered):
        prev_page = config.pages[i - 1] if 0 < i < len(config.pages) else None
        next_page = config.pages[i + 1] if i + 1 < len(config.pages) else None
        context = page_context(config, info, page, front, body, prev_page, next_page)
        _write(out / page.output, env.get_template("page.html").render(site=info, page=context))
        entries += page_entries(page.output, context["title"], body.html, body.headings)

    written = [p.output for p in pages]
    if config.not_found is not None:
        last = done[-1]
        context = not_found_context(config, last.front, last.body, site_path)
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


@dataclass(frozen=True)
class PageResult:
    """One rendered page: its front matter, its HTML, and the files its cells wrote (by collect's names)."""

    page: Page
    front: dict[str, Any]
    body: Rendered
    files: dict[str, dict[str, bytes]]


@dataclass(frozen=True)
class PageRun:
    """What every page of one render shares."""

    config: ProjectConfig
    bibliography: Path | None
    inputs: dict[str, Any]
    cache: PageCache
    collect: dict[str, Path]

    def render(self, page: Page, extra: dict[str, Any], kernel: PageKernel, scratch: Path) -> PageResult:
        """Parse, execute and render one page (extra: more metadata for pandoc), or take it from the cache."""
        source = self.config.root / page.source
        text = read_utf8(source, page.source)
        try:
            doc = parse_qmd(text)
        except QmdError as exc:
            raise page_source_error(page.source, exc) from None
        raise_problems(page_problems(page.source, doc, self.config.root))
        metadata = page_metadata(doc.front_matter) | extra
        key = self.cache.key(page.source, text, {**self.inputs, "metadata": metadata, "collect": sorted(self.collect)})
        kept = self.cache.get(key)
        if kept is not None:
            body, files = Rendered(kept.html, kept.headings), kept.files
        else:
            own = {name: scratch / key / name for name in self.collect}
            for folder in own.values():
                folder.mkdir(parents=True)
            markdown = execute_document(doc, page=page.source, cwd=source.parent, defaults=self.config.execute,
                                        kernel=kernel, env={name: str(folder) for name, folder in own.items()})
            try:
                body = render_markdown(markdown, bibliography=self.bibliography, lang=self.config.lang,
                                       metadata=metadata)
            except RenderError as exc:
                raise page_render_error(page.source, text, exc) from None
            files = {name: read_files(folder) for name, folder in own.items()}
            self.cache.put(key, CachedPage(body.html, body.headings, files))
        return PageResult(page, doc.front_matter, body, files)


class InOrder:
    """Tell progress about each page in the pages' order, as soon as it and every page before it are done."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.waiting: dict[int, tuple[str, float]] = {}
        self.next = 0
        self.lock = threading.Lock()

    def done(self, index: int, source: str, seconds: float) -> None:
        if self.progress is None:
            return
        with self.lock:
            self.waiting[index] = (source, seconds)
            while self.next in self.waiting:
                self.progress(*self.waiting.pop(self.next))
                self.next += 1


def read_files(folder: Path) -> dict[str, bytes]:
    """Return the files under folder by their relative path (POSIX), in sorted order."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def write_files(folder: Path, files: Mapping[str, bytes]) -> None:
    """Write files (relative path -> bytes) under folder."""
    for name, data in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


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
