"""The help page's services: tap-to-call numbers computed from the data, hours, source and when last checked."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from ibsa_report.evidence import frames
from ibsa_report.report import fmt, support
from quarto_lite.pandoc_render import render_markdown

from conftest import ROOT

SOURCE = pd.Series({"source_id": "independent-derbyshire", "title": "A title", "container_title": "The Independent"})
SERVICE = pd.Series({"service_id": "a-line", "name": "A <b>line</b>", "phone": "0345 6000 459",
                     "hours": "10:00 to 16:00 *weekdays*", "url": "https://line.example/", "locator": "last paragraph",
                     "checked": pd.NaT})


@pytest.mark.parametrize(("phone", "tel"), [
    ("0345 6000 459", "tel:+443456000459"), ("0808 802 0300", "tel:+448088020300"),
    ("+44 345 6000 459", "tel:+443456000459"), ("116 123", "tel:116123"), ("999", "tel:999"),
])
def test_a_phone_number_becomes_a_tel_link_to_that_number(phone: str, tel: str) -> None:
    assert fmt.tel_address(phone) == tel


@pytest.mark.parametrize("phone", ["javascript:alert(1)", "0345 6000 459;ext=1", "0345  6000", "+1 202 555 0100",
                                   "0345-6000-459", "sms:0345", "12", "0345 6000 459\n", ""])
def test_anything_but_a_phone_number_never_becomes_a_link(phone: str) -> None:
    with pytest.raises(ValueError, match="not a phone number"):
        fmt.tel_address(phone)


def test_an_entry_never_checked_says_so_readably() -> None:
    assert support.checked_words(pd.NaT, "The Independent") == "not checked since it was copied from The Independent"
    assert support.checked_words(None, "The Independent") == "not checked since it was copied from The Independent"


def test_a_checked_entry_gives_the_date_in_words() -> None:
    assert support.checked_words(pd.Timestamp("2026-11-30"), "The Independent") == \
        "last checked against The Independent on 30 November 2026"


def rendered(service: pd.Series, tmp_path: Path) -> BeautifulSoup:
    bibliography = tmp_path / "references.yaml"
    bibliography.write_text("---\nreferences:\n- id: independent-derbyshire\n  type: article-newspaper\n"
                            "  title: A title\n...\n", encoding="utf-8")
    return BeautifulSoup(render_markdown(support.service_markdown(service, SOURCE), bibliography=bibliography).html,
                         "html.parser")


def test_a_service_shows_its_data_as_text_with_a_tap_to_call_link(tmp_path: Path) -> None:
    page = rendered(SERVICE, tmp_path)
    assert page.find("b") is None and page.select("li")[1].find("em") is None
    assert page.select_one("h2").get_text() == "A <b>line</b>" and page.find(id="a-line").h2 is not None
    links = {a.get_text(): a["href"] for a in page.find_all("a")}
    assert links["0345 6000 459"] == "tel:+443456000459" and links["line.example"] == "https://line.example/"
    text = " ".join(page.get_text().split())
    assert "Open: 10:00 to 16:00 *weekdays*" in text
    assert "not checked since it was copied from The Independent." in text


def test_a_checked_service_shows_the_date(tmp_path: Path) -> None:
    checked = SERVICE.copy()
    checked["checked"] = pd.Timestamp("2026-12-01")
    text = " ".join(rendered(checked, tmp_path).get_text().split())
    assert "last checked against The Independent on 1 December 2026." in text


def test_every_service_in_the_data_is_listed_with_its_source() -> None:
    ev = frames.load(ROOT)
    markdown = support.services(ev).data
    for _, row in ev["support_services"].iterrows():
        assert f"{{#{row['service_id']} .service}}" in markdown
        assert f"(<{fmt.tel_address(row['phone'])}>)" in markdown and f"[@{row['source_id']}]" in markdown
    assert markdown.count("## ") == len(ev["support_services"])


def test_a_hostile_phone_number_stops_the_page() -> None:
    # The schema's pattern refuses it first (validate, and a weaker schema is not read); this is the check behind it.
    with pytest.raises(ValueError, match="not a phone number"):
        support.service_markdown(pd.concat([SERVICE.drop("phone"), pd.Series({"phone": "javascript:alert(1)"})]), SOURCE)
