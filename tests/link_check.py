"""Check that every internal link and anchor in a built site resolves, reading the HTML with BeautifulSoup.

Looks at href of <a> and <link>, src of <script>, <img>, <source> and <iframe>, srcset of <source> (one
address each, as the charts' pictures have) and the preview images named by og:image and twitter:image. Relative, fragment and
root-relative links, and absolute links under the site's own address (site-url), must name a file in the
site (a folder means its index.html) and, with a #fragment on an HTML page, an element id there. Other
absolute links (http, https, mailto, tel) are not fetched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from ibsa_report.dev.serve import site_pages

LINKS = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("source", "src"), ("source", "srcset"),
         ("iframe", "src"))
IMAGE_METAS = ({"property": "og:image"}, {"name": "twitter:image"})  # their content is the address of an image
NOT_FETCHED = ("mailto", "tel", "data", "javascript")
EXTERNAL = "external"


@dataclass
class LinkReport:
    """How many internal links were checked, and one line per link that does not resolve."""

    checked: int = 0
    broken: list[str] = field(default_factory=list)


UNPUBLISHED = "http://localhost/"  # where a site with no site-url is taken to be served when its links are checked


class BuiltSite:
    """A built site on disk and the address it is published at; each page is parsed once."""

    def __init__(self, root: Path, site_url: str) -> None:
        # Without a site address (none set yet) the site is checked as a static host serves it, at its root.
        self.root, self.site_url = root, site_url or UNPUBLISHED
        self._soups: dict[str, BeautifulSoup] = {}

    def pages(self) -> list[str]:
        """Return every HTML page of the site, relative to its root."""
        return site_pages(self.root)

    def soup(self, page: str) -> BeautifulSoup:
        """Return a page, parsed."""
        if page not in self._soups:
            self._soups[page] = BeautifulSoup((self.root / page).read_text(encoding="utf-8"), "html.parser")
        return self._soups[page]

    def ids(self, page: str) -> set[str]:
        """Return what a #fragment can name on a page: element ids and <a name>s."""
        doc = self.soup(page)
        return {el["id"] for el in doc.find_all(id=True)} | {a["name"] for a in doc.find_all("a", attrs={"name": True})}

    def problem(self, page: str, link: str) -> str | None:
        """Return why a link on a page does not resolve, EXTERNAL if it is not checked, or None."""
        parts = urlsplit(link)
        if parts.scheme in NOT_FETCHED:
            return EXTERNAL
        absolute = urljoin(self.site_url + page, link)
        url = urlsplit(absolute)
        if not absolute.startswith(self.site_url):
            return EXTERNAL if parts.scheme or parts.netloc else "points outside the site"
        target = unquote(url.path)[len(urlsplit(self.site_url).path):]
        target += "index.html" if target == "" or target.endswith("/") else ""
        if not (self.root / target).is_file():
            return f"no file {target} in the site"
        fragment = unquote(url.fragment)
        if fragment and PurePosixPath(target).suffix == ".html" and fragment not in self.ids(target):
            return f"no element with id {fragment!r} in {target}"
        return None


def check_links(root: Path, site_url: str) -> LinkReport:
    """Check every internal link of every HTML page of the site built in root, published at site_url."""
    site, report = BuiltSite(root, site_url), LinkReport()
    for page in site.pages():
        doc = site.soup(page)
        found = [(tag, attr, el) for tag, attr in LINKS for el in doc.find_all(tag, attrs={attr: True})]
        found += [("meta", "content", el) for which in IMAGE_METAS for el in doc.find_all("meta", attrs=which)]
        for tag, attr, element in found:
            problem = site.problem(page, element[attr].strip())
            if problem == EXTERNAL:
                continue
            report.checked += 1
            if problem:
                report.broken.append(f'{page}: <{tag} {attr}="{element[attr]}">: {problem}')
    return report
