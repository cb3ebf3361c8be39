"""The built-in engine renders every page project.render names, pages a pre-render step writes too (as Quarto 1.5+
re-reads the render list after pre-render); previous and next stay among the navbar's pages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from quarto_lite.engine import render_project
from quarto_lite.project import read_config

pytestmark = pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning")

FIXTURE = Path(__file__).parents[1] / "fixtures" / "engine"
WRITE_PLOTS = """import pathlib
plots = pathlib.Path("plots")
plots.mkdir(exist_ok=True)
for name in ("a", "b"):
    (plots / f"{name}.qmd").write_text(f'---\\ntitle: "Plot {name} \\\\\\\\*x\\\\\\\\* &lt;b&gt;"\\n---\\n\\nSoil {name}.\\n')
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("render-list") / "garden"
    shutil.copytree(FIXTURE, project)
    config = (project / "_quarto.yml").read_text(encoding="utf-8")
    (project / "make_plots.py").write_text(WRITE_PLOTS, encoding="utf-8")
    config = config.replace("  pre-render: python make_include.py\n",
                            "  pre-render:\n    - python make_include.py\n    - python make_plots.py\n")
    config = config.replace("  resources:\n", "  render:\n    - /index.qmd\n    - /pages/*.qmd\n    - /log.md\n"
                                              "    - /plots/*.qmd\n  resources:\n")
    (project / "_quarto.yml").write_text(config, encoding="utf-8")
    assert not (project / "plots").exists()  # written only by the pre-render step
    render_project(read_config(project), project / "_site")
    return project / "_site"


def test_pages_written_by_pre_render_are_rendered(site: Path) -> None:
    for name in ("a", "b"):
        doc = BeautifulSoup((site / "plots" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        assert doc.h1.get_text() == f"Plot {name} *x* <b>"  # escaped Markdown read as Quarto shows it
        assert f"Soil {name}." in doc.main.get_text()
        assert doc.select("nav.page-nav") == []  # previous and next are the navbar's


def test_navbar_pages_keep_their_previous_and_next(site: Path) -> None:
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.select_one("a.next")["href"] == "pages/beds.html" and home.select_one("a.prev") is None
    beds = BeautifulSoup((site / "pages" / "beds.html").read_text(encoding="utf-8"), "html.parser")
    assert beds.select_one("a.next") is None


def test_render_list_pages_are_in_search_and_the_sitemap(site: Path) -> None:
    entries = {e["href"].split("#")[0] for e in json.loads((site / "search.json").read_text(encoding="utf-8"))}
    assert {"plots/a.html", "plots/b.html", "index.html", "log.html"} <= entries
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://example.org/garden/plots/a.html" in sitemap and "https://example.org/garden/plots/b.html" in sitemap
