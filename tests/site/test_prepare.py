"""The pre-render step's support line: escaped text and a link that is only ever an http(s) address."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from ibsa_report.site.prepare import support_html, write_support

SERVICE = {"name": "Helpline <img src=x onerror=alert(1)>", "phone": "0345 6000 459", "hours": "10:00 to 16:00",
           "url": "https://help.example.org/"}


def test_the_support_line_shows_its_text_as_written() -> None:
    line = BeautifulSoup(support_html(SERVICE), "html.parser")
    assert line.find("img") is None
    assert line.a["href"] == "https://help.example.org/" and line.a.get_text() == SERVICE["name"]


@pytest.mark.parametrize("url", ["javascript:alert(document.domain)", "data:text/html,<script>alert(1)</script>"])
def test_the_support_line_never_links_another_scheme(url: str) -> None:
    with pytest.raises(ValueError, match="not a web address"):
        support_html(SERVICE | {"url": url})


def test_a_support_address_that_is_not_a_web_address_stops_the_step_even_with_a_weakened_schema(project: Path) -> None:
    # The schema's pattern refuses it first (validate); this is the renderer's own check behind it.
    (project / "_quarto.yml").write_text("project:\n  type: website\n", encoding="utf-8")
    descriptor = project / "data" / "datapackage.json"
    weakened = descriptor.read_text(encoding="utf-8").replace(',\n              "pattern": "^https?://[^\\\\s/<>\\"]+[^\\\\s<>\\"]*$"', "")
    assert weakened != descriptor.read_text(encoding="utf-8"), "support_services.url has no pattern to weaken"
    descriptor.write_text(weakened, encoding="utf-8")
    services = project / "data" / "support_services.csv"
    text = services.read_text(encoding="utf-8")
    services.write_text(text.replace("https://revengepornhelpline.org.uk/", "javascript:alert(1)"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"^data/support_services.csv:2:url: not a web address \(https://…\): 'javascript:alert\(1\)'$"):
        write_support(project, project / "_includes" / "support.html")
    assert not (project / "_includes").exists()
