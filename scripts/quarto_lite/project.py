"""Read the Quarto project configuration (_quarto.yml) that both render engines share."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from quarto_lite.source_files import load_yaml_mapping, read_utf8
from quarto_lite.yaml_lines import NodePath, line_of, node_lines

CONFIG = "_quarto.yml"
NOT_FOUND = "404.qmd"  # Quarto renders it to 404.html, the page a static host shows for a missing address


@dataclass(frozen=True)
class Page:
    """One page of the site: its source, output path and navigation text."""

    source: str
    text: str

    @property
    def output(self) -> str:
        """Return the output path Quarto uses: chapters/x.qmd -> chapters/x.html."""
        return str(PurePosixPath(self.source).with_suffix(".html"))


@dataclass(frozen=True)
class ProjectConfig:
    """What the engines need from _quarto.yml."""

    root: Path
    title: str
    description: str
    site_url: str  # "" when none is set (website.site-url, or SITE_URL), else ending in "/"
    lang: str
    pages: list[Page]
    footer: list[Page]
    not_found: Page | None
    authors: list[str]
    execute: dict[str, Any]
    raw: dict[str, Any]
    nav_title: str = ""  # the header's title: website.navbar.title, else website.title ("" for none)

    def rendered_pages(self) -> list[Page]:
        """Return every page to render: the navbar's, the footer's, then those project.render names (globs).

        Read when called, so that pages a pre-render step writes are found. A pattern with a leading "/" is
        anchored at the project root, as Quarto reads it (without one it matches in every folder); "!" excludes;
        files and folders starting with "_" or "." are left out, as Quarto leaves them. 404.qmd is rendered
        apart (not_found).
        """
        pages = {page.source: page for page in [*self.pages, *self.footer]}
        for source in render_list(self.root, self.option_list("project", "render")):
            if source != NOT_FOUND and source not in pages:
                pages[source] = Page(source, source)
        return list(pages.values())

    def option_list(self, *keys: str) -> list[str]:
        """Return an option that _quarto.yml may give as one value or a list, always as a list of strings.

        `config.option_list("project", "resources")` reads project.resources; a missing option is [].
        """
        value: Any = self.raw
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if value in (None, ""):
            return []
        return [str(value)] if isinstance(value, str) else [str(v) for v in value]


RENDERED_SUFFIXES = (".qmd", ".md", ".ipynb")


def render_list(root: Path, patterns: list[str]) -> list[str]:
    """Return the files project.render names, in its order (each glob's matches sorted), as root-relative paths."""
    found: dict[str, None] = {}
    for pattern in patterns:
        exclude = pattern.startswith("!")
        pattern = pattern.removeprefix("!")
        glob = pattern[1:] if pattern.startswith("/") else f"**/{pattern}"
        matches = sorted(p.relative_to(root).as_posix() for p in root.glob(glob)
                         if p.is_file() and p.suffix in RENDERED_SUFFIXES)
        for source in matches:
            if any(part.startswith(("_", ".")) for part in PurePosixPath(source).parts):
                continue
            if exclude:
                found.pop(source, None)
            else:
                found[source] = None
    return list(found)


def relative_root(root: Path, folder: Path) -> str:
    """Return the relative URL prefix from folder up to root: '', '../', '../../', ..."""
    rel = os.path.relpath(root.resolve(), folder.resolve())
    return "" if rel == "." else rel.replace(os.sep, "/") + "/"


def find_root(start: Path | None = None) -> Path:
    """Return the nearest directory at or above start that holds _quarto.yml."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / CONFIG).is_file():
            return candidate
    raise FileNotFoundError(f"no {CONFIG} found at or above {here}")


def nav_page(item: Any, where: str = CONFIG) -> Page:
    """Return the page a navigation item links to: a plain path, or a mapping with href and text.

    where names the item in messages (``_quarto.yml:12: website.navbar.left[2]``).
    """
    if isinstance(item, str):
        return Page(item, item)
    if not isinstance(item, dict) or "href" not in item:
        raise ValueError(f"{where}: a navigation item has no href: {item!r}")
    return Page(str(item["href"]), str(item.get("text", item["href"])))


def navbar_title(site: dict[str, Any]) -> str:
    """Return the header's title as Quarto shows it: website.navbar.title, else website.title; "" when it is false."""
    navbar = site.get("navbar")
    title = navbar.get("title", True) if isinstance(navbar, dict) else True
    if title is False:
        return ""
    return title if isinstance(title, str) else str(site.get("title", ""))


def _nav_items(items: Any, keys: tuple[str, ...], lines: dict[NodePath, int]) -> list[tuple[Any, str]]:
    """Pair each item of a navigation list with where it is (file, line, key and index)."""
    dotted = ".".join(keys)
    return [(item, f"{CONFIG}:{line_of(lines, (*keys, i))}: {dotted}[{i}]") for i, item in enumerate(items or [])]


def read_config(root: Path) -> ProjectConfig:
    """Read _quarto.yml; raise ValueError naming the file if it is missing something the site needs."""
    path = root / CONFIG
    text = read_utf8(path, CONFIG)
    raw = load_yaml_mapping(text, CONFIG)
    lines = node_lines(text)
    site = raw.get("website", {})
    nav = site.get("navbar", {}).get("left", [])
    if not nav:
        raise ValueError(f"{CONFIG}: website.navbar.left must list the pages in order")
    pages = [nav_page(item, where) for item, where in _nav_items(nav, ("website", "navbar", "left"), lines)]
    for page in pages:
        if not (root / page.source).is_file():
            raise ValueError(f"{CONFIG}: website.navbar.left lists {page.source}, which does not exist")
    footer = [nav_page(item, where)
              for side in ("left", "center", "right")
              for item, where in _nav_items((site.get("page-footer", {}) or {}).get(side, []), ("website", "page-footer", side), lines)
              if isinstance(item, dict) and not str(item.get("href", "")).startswith(("http:", "https:"))]
    for page in footer:
        if not (root / page.source).is_file():
            raise ValueError(f"{CONFIG}: website.page-footer links to {page.source}, which does not exist")
    site_url = str(os.environ.get("SITE_URL") or site.get("site-url") or "").strip()
    return ProjectConfig(
        root=root,
        title=site.get("title", ""),
        description=site.get("description", ""),
        site_url=site_url if site_url.endswith("/") or not site_url else site_url + "/",
        lang=raw.get("lang", "en"),
        pages=pages,
        footer=footer,
        not_found=Page(NOT_FOUND, "Page not found") if (root / NOT_FOUND).is_file() else None,
        authors=[a["name"] if isinstance(a, dict) else str(a) for a in raw.get("author", [])],
        execute=dict(raw.get("execute", {})),
        raw=raw,
        nav_title=navbar_title(site),
    )
