"""Versions of the site: archived copies under v/X.Y.Z/, versions.json, the switcher and the archive banner.

An archived copy is frozen: once written, with its manifest (release/manifest.py), it is carried
forward byte for byte into every later build (release/archives.py), from the Pages branch (gh-pages)
when the repository has one, else from the previous _site/. Pages name the latest version through
the root versions.json, so an archived page never needs rewriting.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path

from quarto_lite.project import relative_root
from ibsa_report.templating import template_env
from ibsa_report.release.git import branch_head, git, git_bytes
from ibsa_report.release.manifest import write_manifest

ARCHIVE = "v"
VERSIONS_JSON = "versions.json"
PAGES_BRANCH = "gh-pages"
BAR_START, BAR_END = "<!--version-bar-->", "<!--/version-bar-->"
SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")  # ASCII digits, no leading zeros
MAIN = re.compile(r"<main[\s>]", re.I)
HEAD = re.compile(r"<head[^>]*>", re.I)


@dataclass(frozen=True)
class Link:
    """One entry of the version switcher."""

    version: str
    label: str
    href: str


def parse_version(text: str) -> tuple[int, int, int]:
    """Parse 'X.Y.Z' in ASCII digits without leading zeros (it names a folder); raise ValueError otherwise."""
    match = SEMVER.fullmatch(text)
    if not match:
        raise ValueError(f"version {text!r} is not of the form X.Y.Z (three whole numbers in ASCII digits, "
                         "without leading zeros)")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def archived(site: Path) -> list[str]:
    """Return the versions archived under site/v/, newest first."""
    found = [p.name for p in (site / ARCHIVE).glob("*") if p.is_dir() and SEMVER.fullmatch(p.name)]
    return sorted(found, key=parse_version, reverse=True)


def branch_archives(root: Path, branch: str = PAGES_BRANCH) -> Path | None:
    """Extract v/ from the Pages branch into root/.archives/ and return it; None if there is none."""
    if branch_head(root, branch) is None:
        return None
    listing = git(root, "ls-tree", "--name-only", branch, f"{ARCHIVE}/")
    target = root / ".archives"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    if listing.strip():
        tar = git_bytes(root, "archive", "--format=tar", branch, ARCHIVE)
        with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
            archive.extractall(target, filter="data")
    return target


def versions_index(latest: str, site: Path) -> dict[str, object]:
    """Return versions.json: the latest version and every archived one, newest first."""
    return {"latest": latest, "versions": [{"version": v, "path": f"{ARCHIVE}/{v}/"} for v in archived(site)]}


NO_SWITCHER = ("embed/",)  # the embed pages (site/embed.py) sit inside other sites' pages: no version switcher


def html_pages(site: Path) -> list[Path]:
    """Return the HTML pages of the live site (not the archived copies), sorted."""
    return sorted(p for p in site.rglob("*.html")
                  if p.relative_to(site).parts[0] != ARCHIVE and p.relative_to(site).as_posix() != "404.html")


def switcher_links(page: str, latest: str, versions: list[str], to_root: str, archived_copy: bool) -> list[Link]:
    """Links to this page in the latest version (the site root) and in each archived version.

    A live page names the latest version; an archived copy cannot know it, so it says "Latest version".
    """
    if archived_copy:
        return [Link("", "Latest version", to_root + page)] + [
            Link(v, v, f"{to_root}{ARCHIVE}/{v}/{page}") for v in versions]
    return [Link(latest, f"{latest} (latest)", to_root + page)] + [
        Link(v, v, f"{to_root}{ARCHIVE}/{v}/{page}") for v in versions if v != latest]


def version_bar(page: str, version: str, latest: str, versions: list[str], to_root: str, archived_copy: bool) -> str:
    """Render the switcher (and, on an archived copy, the banner naming the latest version)."""
    html = template_env().get_template("version_bar.html").render(
        version=version, latest=latest, archived=archived_copy, latest_href=to_root + page,
        versions=switcher_links(page, latest, versions, to_root, archived_copy),
        versions_json=to_root + VERSIONS_JSON,
        script=f"{to_root}{ARCHIVE}/{version}/assets/versions.js")
    return BAR_START + html.strip() + BAR_END


def insert_before_main(html: str, fragment: str) -> str:
    """Put fragment just before <main>, after the skip link and navigation (Quarto's pages and ours)."""
    match = MAIN.search(html)
    if match is None:
        raise ValueError("page has no <main> element")
    return html[:match.start()] + fragment + html[match.start():]


def replace_bar(html: str, bar: str) -> str:
    """Replace the page's version bar, or insert it before <main> when there is none."""
    start, end = html.find(BAR_START), html.find(BAR_END)
    if start == -1 or end == -1:
        return insert_before_main(html, bar)
    return html[:start] + bar + html[end + len(BAR_END):]


def add_version_bars(site: Path, latest: str) -> None:
    """Give every live page the switcher listing the latest and every archived version."""
    versions = archived(site)
    for page in html_pages(site):
        rel = page.relative_to(site).as_posix()
        if rel.startswith(NO_SWITCHER):
            continue
        bar = version_bar(rel, latest, latest, versions, relative_root(site, page.parent), archived_copy=False)
        page.write_text(replace_bar(page.read_text(encoding="utf-8"), bar), encoding="utf-8")


def publish_index(site: Path, latest: str) -> None:
    """Write versions.json and give every live page the switcher listing those versions."""
    (site / VERSIONS_JSON).write_text(json.dumps(versions_index(latest, site), indent=2) + "\n", encoding="utf-8")
    add_version_bars(site, latest)


def freeze(site: Path, version: str) -> Path:
    """Copy the live site into site/v/<version>/ as an archived copy: banner, noindex, switcher frozen, manifest."""
    parse_version(version)  # so that the copy goes to site/v/<version>/ and nowhere else
    target = site / ARCHIVE / version
    if target.exists():
        raise FileExistsError(f"{target} exists: version {version} is already archived and stays as it was")
    versions = archived(site)
    shutil.copytree(site, target, ignore=lambda d, names: [ARCHIVE, VERSIONS_JSON] if Path(d) == site else [])
    for page in sorted(target.rglob("*.html")):
        rel = page.relative_to(target).as_posix()
        to_root = relative_root(site, page.parent)
        bar = version_bar(rel, version, version, sorted({version, *versions}, key=parse_version, reverse=True),
                          to_root, archived_copy=True)
        html = page.read_text(encoding="utf-8")
        html = html if rel.startswith(NO_SWITCHER) else replace_bar(html, bar)
        head = HEAD.search(html)
        if head is None:
            raise ValueError(f"{page}: no <head> tag")
        html = html[:head.end()] + '\n<meta name="robots" content="noindex">' + html[head.end():]
        page.write_text(html, encoding="utf-8")
    write_manifest(target)
    publish_index(site, version)
    return target
