"""Each chart's facts (kernel) and metadata.json, embed page and dataset README (post-render), read from the files."""

from __future__ import annotations

import json
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup

from ibsa_report.evidence import frames as evidence
from ibsa_report.release.citation import CFF, Citation, apa
from ibsa_report.report import charts
from ibsa_report.report.chart import Axes, Series, chart, new_page
from ibsa_report.report.chart_facts import FACTS_SUFFIX, Period, column_units, read_facts
from ibsa_report.site.chart_metadata import chart_metadata, dataset_readme, write_metadata
from ibsa_report.site.csp import page_policy
from ibsa_report.site.downloads import README, add_readme, write_dataset_zip
from ibsa_report.site.embed import write_embed_pages
from ibsa_report.site.previews import png_size

from conftest import ROOT, edit

HOSTILE = "<script>alert(1)</script> \" onload=\"alert(2)\" & <b>bold</b>"


@pytest.fixture
def here(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch project (data/ copied, CITATION.cff copied) run as a chapter's kernel would run it."""
    (project / "_quarto.yml").write_text("project:\n  type: website\n", encoding="utf-8")
    shutil.copyfile(ROOT / CFF, project / CFF)
    (project / "chapters").mkdir()
    monkeypatch.chdir(project / "chapters")
    monkeypatch.delenv("IBSA_DOWNLOADS_DIR", raising=False)
    new_page()
    yield project
    new_page()


def citation() -> Citation:
    return Citation("A report", ("Authors",), "2.3.4", "2031-02-03", "https://example.net/r/", "")


def facts_of(project: Path, chart_id: str) -> dict:
    return {f["id"]: f for f in read_facts(project / "_downloads")}[chart_id]


def site_with_page(project: Path, chart_ids: list[str]) -> Path:
    """A rendered site holding one page that draws the charts."""
    site = project / "site"
    (site / "chapters").mkdir(parents=True)
    figures = "".join(f'<figure class="chart" id="{i}"></figure>' for i in chart_ids)
    (site / "chapters" / "page.html").write_text(f"<html><body>{figures}</body></html>", encoding="utf-8")
    return site


def small_chart(chart_id: str = "chart-x", **extra) -> None:
    data = pd.DataFrame({"Name": ["a", "b"], "Share (%)": [1.5, 2.0], "People": [3, 4], "Score": [0.5, 0.25]})
    chart(chart_id, data, [Series("s", x="Share (%)", y="Name")], Axes("x", "y"), title=extra.pop("title", "T"),
          source="S", alt=extra.pop("alt", "A"), **extra)


def test_units_come_from_headers_and_values_and_an_explicit_mapping_wins(here: Path) -> None:
    small_chart(units={"Score": "index (0 to 1)"})
    columns = {c["name"]: c["unit"] for c in facts_of(here, "chart-x")["columns"]}
    assert columns == {"Name": "text", "Share (%)": "percent", "People": "count", "Score": "index (0 to 1)"}
    with pytest.raises(ValueError, match="Nope"):
        column_units(pd.DataFrame({"A": [1]}), {"Nope": "count"})


def test_the_foi_period_is_the_rounds_period_in_data(here: Path) -> None:
    edit(here, "foi_rounds.csv", b",2022-07-31,", b",2022-09-30,")
    chart_obj = charts.force_rate_chart(evidence.load(here))
    rounds = pd.read_csv(here / "data" / "foi_rounds.csv")
    latest = rounds.sort_values("period_end").iloc[-1]
    period = facts_of(here, chart_obj.chart_id)["period"]
    assert (period["start"], period["end"]) == (latest["period_start"], latest["period_end"]) == ("2019-01-01", "2022-09-30")
    assert period["label"].endswith("September 2022")


def test_the_interview_period_is_the_articles_date_in_data(here: Path) -> None:
    edit(here, "sources.csv", b"interviews (2016/17)", b"interviews (2018/19)")
    chart_obj = charts.law_findings(evidence.load(here))
    assert facts_of(here, chart_obj.chart_id)["period"] == {"label": "2018/19", "start": None, "end": None}


def test_metadata_takes_licence_citation_and_source_from_the_files(here: Path) -> None:
    package = json.loads((here / "data" / "datapackage.json").read_text(encoding="utf-8"))
    package["licenses"] = [{"name": "ODbL-1.0", "title": "Open Database Licence", "path": "https://opendatacommons.org/"}]
    (here / "data" / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    cff = yaml.safe_load((here / CFF).read_text(encoding="utf-8"))
    cff["preferred-citation"]["license"] = "CC-BY-SA-4.0"
    (here / CFF).write_text(yaml.safe_dump(cff), encoding="utf-8")
    small_chart(source_id="refuge-2023-blog", locator="Table 9", period=Period("2020", "2020-01-01", "2020-12-31"))
    site = site_with_page(here, ["chart-x"])
    (site / "downloads").mkdir()
    (site / "downloads" / "chart-x.svg").write_text("<svg/>", encoding="utf-8")
    [meta] = chart_metadata(here, site, [site / "chapters" / "page.html"], citation())
    [path] = write_metadata(site, [meta])
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert path.name == "chart-x.metadata.json"
    assert doc["licence"] == package["licenses"]
    assert doc["citation"]["licence"] == "CC-BY-SA-4.0"
    assert doc["citation"]["text"] == apa(citation()) and doc["citation"]["version"] == "2.3.4"
    sources = pd.read_csv(here / "data" / "sources.csv").set_index("source_id").loc["refuge-2023-blog"]
    assert (doc["source"]["locator"], doc["source"]["url"], doc["source"]["title"]) == (
        "Table 9", sources["url"], sources["title"])
    assert doc["period"] == {"label": "2020", "start": "2020-01-01", "end": "2020-12-31"}
    assert doc["permalink"] == "https://example.net/r/chapters/page.html#chart-x"
    assert doc["files"] == ["chart-x.csv", "chart-x.svg"]
    assert {c["name"]: c["unit"] for c in doc["columns"]}["Share (%)"] == "percent"


def test_a_chart_on_no_page_gets_no_metadata_and_an_unknown_source_stops(here: Path) -> None:
    small_chart("chart-x")
    small_chart("chart-y", source_id="no-such-source")
    site = site_with_page(here, ["chart-x"])
    assert [m.chart_id for m in chart_metadata(here, site, [site / "chapters" / "page.html"], citation())] == ["chart-x"]
    site = site_with_page(here / "two", ["chart-x", "chart-y"])
    with pytest.raises(ValueError, match=f"chart-y{FACTS_SUFFIX}: source id 'no-such-source'"):
        chart_metadata(here, site, [site / "chapters" / "page.html"], citation())


def test_the_dataset_readme_lists_each_chart_with_title_units_source_and_licence(here: Path) -> None:
    small_chart(title="Title of X", source_id="refuge-2023-blog", locator="Table 2")
    site = site_with_page(here, ["chart-x"])
    readme = dataset_readme("A report", chart_metadata(here, site, [site / "chapters" / "page.html"], citation()))
    licence = json.loads((here / "data" / "datapackage.json").read_text(encoding="utf-8"))["licenses"][0]["title"]
    section = readme.split("### `chart-x.csv`", 1)[1]
    for text in ("Title of X", "Share (%): percent", "People: count", "Source: S", f"Licence: {licence}"):
        assert text in section, text
    zipped = add_readme(write_dataset_zip(here / "data", here / "d.zip"), readme)
    with zipfile.ZipFile(zipped) as archive:
        assert archive.namelist()[-1] == README and archive.read(README).decode("utf-8") == readme
    again = add_readme(write_dataset_zip(here / "data", here / "e.zip"), readme)
    assert zipped.read_bytes() == again.read_bytes()


def png(width: int, height: int) -> bytes:
    """A minimal valid PNG header of the given size."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))


def test_embed_pages_escape_hostile_text_and_carry_the_pictures_size(here: Path) -> None:
    small_chart(title=HOSTILE, alt=HOSTILE)
    site = site_with_page(here, ["chart-x", "chart-none"])
    downloads = site / "downloads"
    downloads.mkdir()
    (downloads / "chart-x.svg").write_text("<svg/>", encoding="utf-8")
    (downloads / "chart-x.png").write_bytes(png(1234, 567))
    (site / "og").mkdir()
    (site / "og" / "chart-x.png").write_bytes(png(1200, 630))
    charts_meta = chart_metadata(here, site, [site / "chapters" / "page.html"], citation())
    charts_meta[0].document["licence"] = [{"name": HOSTILE, "path": "javascript:alert(3)"}]
    [page] = write_embed_pages(site, charts_meta, "https://example.net/r/")
    html = page.read_text(encoding="utf-8")
    doc = BeautifulSoup(html, "html.parser")
    assert page == site / "embed" / "chart-x.html"
    assert doc.find("script") is None and doc.find("b") is None and "onload" not in {a for t in doc.find_all(True) for a in t.attrs}
    assert doc.title.get_text() == HOSTILE and doc.select_one(".chart-title").get_text() == HOSTILE
    img = doc.select_one("img.embed-picture")
    assert img["src"] == "../downloads/chart-x.svg" and img["alt"] == HOSTILE
    assert doc.select_one(".chart-licence a") is None, "a javascript: licence address is not a link"
    assert doc.select_one(".chart-back a")["href"] == "../chapters/page.html#chart-x"
    og = {m["property"]: m["content"] for m in doc.find_all("meta", property=True)}
    assert (og["og:image"], og["og:image:width"], og["og:image:height"]) == ("../og/chart-x.png", "1200", "630"), \
        "a placeholder site address (example.net) is never written: the preview is relative"
    assert (img["width"], img["height"]) == ("1234", "567"), "the picture keeps its own proportions"
    assert "og:url" not in og and doc.select("link[rel=canonical]") == []
    assert "plotly" not in html and doc.select('link[rel=stylesheet][href^="http"], script[src], iframe') == []
    page_policy(html, "embed/chart-x.html")  # no inline code: the site's policy applies as it is


def test_embed_pages_of_a_site_with_a_real_address_give_absolute_addresses(here: Path) -> None:
    small_chart()
    site = site_with_page(here, ["chart-x"])
    (site / "downloads").mkdir()
    (site / "downloads" / "chart-x.svg").write_text("<svg/>", encoding="utf-8")
    (site / "downloads" / "chart-x.png").write_bytes(png(1440, 800))
    (site / "og").mkdir()
    (site / "og" / "chart-x.png").write_bytes(png(1200, 630))
    charts_meta = chart_metadata(here, site, [site / "chapters" / "page.html"], citation())
    [page] = write_embed_pages(site, charts_meta, "https://reports.ibsa-research.net/r/")
    doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    og = {m["property"]: m["content"] for m in doc.find_all("meta", property=True)}
    assert og["og:image"] == "https://reports.ibsa-research.net/r/og/chart-x.png"
    assert og["og:url"] == doc.select_one("link[rel=canonical]")["href"] == charts_meta[0].document["permalink"]


def test_no_picture_no_embed_page_and_a_bad_png_is_named(here: Path, tmp_path: Path) -> None:
    small_chart()
    site = site_with_page(here, ["chart-x"])
    assert write_embed_pages(site, chart_metadata(here, site, [site / "chapters" / "page.html"], citation()), "") == []
    (tmp_path / "chart-x.png").write_bytes(b"GIF89a not a png at all")
    with pytest.raises(ValueError, match="chart-x.png: not a PNG"):
        png_size(tmp_path / "chart-x.png")
    (tmp_path / "ok.png").write_bytes(png(3, 4))
    assert png_size(tmp_path / "ok.png") == (3, 4)


def test_every_chart_of_the_report_names_its_period_and_every_columns_unit(here: Path) -> None:
    ev = evidence.load(here)
    made = [charts.force_rate_chart(ev), charts.funnel(ev), charts.outcomes(ev), charts.law_findings(ev),
            charts.police_findings(ev), charts.training_findings(ev), charts.status(ev)]
    for chart_obj in made:
        facts = facts_of(here, chart_obj.chart_id)
        assert facts["period"] and facts["period"]["label"], chart_obj.chart_id
        assert [c["name"] for c in facts["columns"]] == list(chart_obj.data.columns)
        percent = [c["name"] for c in facts["columns"] if c["unit"] == "percent"]
        assert percent == [c for c in chart_obj.data.columns if c.endswith("(%)")], chart_obj.chart_id
