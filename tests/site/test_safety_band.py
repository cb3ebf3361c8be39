"""The safety band: first in <body>, its text escaped, its links relative to the page (404's under the site path)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from ibsa_report.site.safety_band import add_bands, band_html, place_band, quick_exit_address

EXIT = "https://neutral.example/weather"
PAGE = '<!DOCTYPE html>\n<html><head><link rel="stylesheet" href="{root}assets/site.css"></head>\n<body class="x">\n{body}</body></html>\n'


def write(site: Path, rel: str, root: str, body: str = "<main><p>text</p></main>") -> Path:
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PAGE.format(root=root, body=body), encoding="utf-8")
    return path


def band_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize(("rel", "root"), [("index.html", ""), ("chapters/charging.html", "../"),
                                           ("v/0.1.0/chapters/methods.html", "../../../")])
def test_the_band_is_first_in_body_with_links_relative_to_the_page(tmp_path: Path, rel: str, root: str) -> None:
    page = write(tmp_path, rel, root)
    add_bands(tmp_path, [page], EXIT)
    body = band_of(page).body
    first = body.find(True)
    assert first.name == "nav" and first["class"] == ["safety-band"]
    assert [(a.get_text(), a["href"]) for a in first.find_all("a")] == [("Get help", root + "help.html"), ("Quick exit", EXIT)]
    assert [s["src"] for s in body.find_all("script")] == [root + "assets/quick-exit.js"]
    assert (tmp_path / rel).resolve().parent.joinpath(root + "help.html").resolve() == (tmp_path / "help.html").resolve()


def test_the_404_page_takes_its_own_links_prefix(tmp_path: Path) -> None:
    page = write(tmp_path, "404.html", "/ibsa-report/")
    add_bands(tmp_path, [page], EXIT)
    band = band_of(page).select_one("nav.safety-band")
    assert band.select_one(".safety-help")["href"] == "/ibsa-report/help.html"
    assert band_of(page).select_one("script")["src"] == "/ibsa-report/assets/quick-exit.js"


def test_a_page_with_quotes_also_loads_the_content_note_script(tmp_path: Path) -> None:
    page = write(tmp_path, "chapters/interviews.html", "../",
                 '<main><div id="q-a" class="quote"><div class="quote-note">note</div></div></main>')
    plain = write(tmp_path, "chapters/charging.html", "../", '<main><p class="quote-attribution-like">x</p></main>')
    add_bands(tmp_path, [page, plain], EXIT)
    assert [s["src"] for s in band_of(page).find_all("script")] == ["../assets/quick-exit.js", "../assets/quote-note.js"]
    assert [s["src"] for s in band_of(plain).find_all("script")] == ["../assets/quick-exit.js"]


def test_the_band_comes_after_a_skip_link_that_opens_the_body() -> None:
    html = place_band('<body>\n<a class="skip-link" href="#main">Skip to content</a>\n<header></header></body>', "<nav>B</nav>")
    assert html == '<body>\n<a class="skip-link" href="#main">Skip to content</a>\n<nav>B</nav><header></header></body>'


def test_placing_the_band_twice_leaves_one(tmp_path: Path) -> None:
    page = write(tmp_path, "index.html", "")
    add_bands(tmp_path, [page], EXIT)
    add_bands(tmp_path, [page], "https://other.example/")
    doc = band_of(page)
    assert len(doc.select("nav.safety-band")) == 1 and doc.select_one(".quick-exit")["href"] == "https://other.example/"


def test_the_band_escapes_what_it_is_given() -> None:
    html = band_html('"><script>alert(1)</script>', 'https://x.example/?a="><img src=x onerror=alert(1)>')
    doc = BeautifulSoup(html, "html.parser")
    assert doc.find("img") is None and [s.get("src") for s in doc.find_all("script")] == [
        '"><script>alert(1)</script>assets/quick-exit.js']
    assert doc.select_one(".quick-exit")["href"] == 'https://x.example/?a="><img src=x onerror=alert(1)>'


def test_a_page_without_body_is_named() -> None:
    with pytest.raises(ValueError, match="page has no <body>"):
        place_band("<html><head></head></html>", "<nav></nav>")


def config(tmp_path: Path, report: str) -> Path:
    (tmp_path / "index.qmd").write_text("---\ntitle: Home\n---\n", encoding="utf-8")
    (tmp_path / "_quarto.yml").write_text("project:\n  type: website\nwebsite:\n  navbar:\n    left:\n      - href: index.qmd\n"
                                          + report, encoding="utf-8")
    return tmp_path


def test_the_quick_exit_address_is_read_from_the_report_settings(tmp_path: Path) -> None:
    assert quick_exit_address(config(tmp_path, 'report:\n  quick-exit: "https://www.bbc.co.uk/weather"\n')) == \
        "https://www.bbc.co.uk/weather"


@pytest.mark.parametrize(("report", "message"), [
    ("", "_quarto.yml: report.quick-exit: not set (the neutral site Quick exit leaves to)"),
    ('report:\n  quick-exit: ""\n', "_quarto.yml: report.quick-exit: not set (the neutral site Quick exit leaves to)"),
    ('report:\n  quick-exit: "javascript:alert(1)"\n',
     "_quarto.yml: report.quick-exit: not a web address (https://…): 'javascript:alert(1)'"),
])
def test_a_missing_or_hostile_quick_exit_address_is_one_line(tmp_path: Path, report: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        quick_exit_address(config(tmp_path, report))
    assert str(raised.value) == message
