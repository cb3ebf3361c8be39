"""Every internal link and anchor of the built site resolves to a file and an element id in _site/."""

from __future__ import annotations

from pathlib import Path

from quarto_lite.project import read_config
from ibsa_report.sources import SITE

from link_check import check_links

SITE_URL = "https://example.org/report/"


def test_every_internal_link_and_anchor_in_the_real_site_resolves(real_project: Path) -> None:
    report = check_links(real_project / SITE, read_config(real_project).site_url)
    assert report.broken == []
    assert report.checked > 100, f"only {report.checked} links checked"


def write(site: Path, page: str, body: str) -> None:
    (site / page).parent.mkdir(parents=True, exist_ok=True)
    (site / page).write_text(f"<!DOCTYPE html><html><body>{body}</body></html>", encoding="utf-8")


def test_broken_files_anchors_and_links_outside_the_site_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "index.html", '<h2 id="top">Top</h2><a href="chapters/one.html#sec-a">ok</a>'
          '<a href="chapters/one.html#sec-missing">bad anchor</a><a href="#top">ok</a><a href="#nowhere">bad</a>'
          '<img src="img/missing.png" alt=""><a href="https://elsewhere.example/x.html#y">not fetched</a>'
          '<a href="mailto:a@example.org">not fetched</a>')
    write(tmp_path, "chapters/one.html", '<section id="sec-a"></section><a href="../index.html">ok</a>'
          '<script src="../assets/gone.js"></script><link rel="canonical" href="https://example.org/report/chapters/one.html">'
          '<a href="/report/index.html#top">ok</a><a href="/elsewhere/index.html">outside</a><a href="./">folder</a>')
    report = check_links(tmp_path, SITE_URL)
    assert report.broken == [
        'chapters/one.html: <a href="/elsewhere/index.html">: points outside the site',
        'chapters/one.html: <a href="./">: no file chapters/index.html in the site',
        'chapters/one.html: <script src="../assets/gone.js">: no file assets/gone.js in the site',
        'index.html: <a href="chapters/one.html#sec-missing">: no element with id \'sec-missing\' in chapters/one.html',
        'index.html: <a href="#nowhere">: no element with id \'nowhere\' in index.html',
        'index.html: <img src="img/missing.png">: no file img/missing.png in the site',
    ]
    assert report.checked == 11
