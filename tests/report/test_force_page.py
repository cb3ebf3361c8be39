"""The force pages' text and figures, the stubs the pre-render step writes, and a new FOI round in a copy of data/."""

from __future__ import annotations

import csv
import io
import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from ibsa_report.analysis import stats
from ibsa_report.evidence import frames
from ibsa_report.report import chart, fmt, force_page
from ibsa_report.site.prepare import write_force_pages
from quarto_lite.engine import plain_text

from conftest import ROOT

NEW_ROUND = "test-round-2024"


@pytest.fixture(scope="module")
def ev() -> frames.Evidence:
    return frames.load(ROOT)


@pytest.fixture(autouse=True)
def in_forces(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run as a force page's kernel does (in forces/), the charts' CSVs going to a scratch folder."""
    monkeypatch.setenv("IBSA_DOWNLOADS_DIR", str(tmp_path / "downloads"))
    chart.new_page()


def rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader((ROOT / "data" / name).open(encoding="utf-8", newline="")))


def force_rows(force_id: str) -> tuple[dict[str, str], dict[str, str] | None]:
    response = next(r for r in rows("foi_responses.csv") if r["force_id"] == force_id)
    counts = next((r for r in rows("foi_force_counts.csv") if r["force_id"] == force_id), None)
    return response, counts


def summary_cells(md: str, round_id: str) -> dict[str, str]:
    """Read the figures table of a round's section from a page's Markdown."""
    block = re.search(rf'<div class="force-round" data-round="{round_id}">(.*?)</div>', md, re.S)
    assert block, f"no figures table for {round_id}"
    cells = [td.get_text() for td in BeautifulSoup(block.group(1), "html.parser").find_all("td")]
    return dict(zip(cells[::2], cells[1::2]))


def page(ev: frames.Evidence, force_id: str, monkeypatch: pytest.MonkeyPatch, root: Path = ROOT) -> str:
    monkeypatch.chdir(root / "forces")
    return force_page.page_markdown(ev, force_id)


@pytest.mark.parametrize("force_id", [r["force_id"] for r in rows("foi_force_counts.csv")])
def test_an_included_force_shows_its_own_counts_rate_and_interval(ev, force_id, monkeypatch) -> None:
    response, counts = force_rows(force_id)
    k, n = int(counts["charged_summonsed"]), int(counts["recorded_offences"])
    low, high = stats.wilson_interval(k, n)
    md = page(ev, force_id, monkeypatch)
    cells = summary_cells(md, "refuge-2023")
    assert cells["Recorded offences"] == fmt.count(n) and cells["Charged or summonsed"] == fmt.count(k)
    assert cells["Charge or summons rate"] == fmt.percent(Fraction(k, n))
    assert cells["95% interval"] == fmt.interval(low, high)
    assert cells["Data provided"] == {"yes": "Yes", "limited": "Limited"}[response["data_provided"]]
    assert f"of which {fmt.count(k)} led to a charge or summons: a rate of {fmt.percent(Fraction(k, n))}" in md
    assert "[@refuge-2023-blog]" in md and "**A lower bound.**" in md
    assert f'id="chart-force-{force_id}-refuge-2023"' in md


def test_the_funnel_position_in_words_is_the_chapter_s(ev, monkeypatch) -> None:
    from ibsa_report.analysis import figures

    outside = figures.outside_funnel(ev)
    for force_id, where in zip(outside["force_id"], outside["position"]):
        md = page(ev, force_id, monkeypatch)
        assert f"Its rate lies {where} the 99.8% limits" in md
        assert summary_cells(md, "refuge-2023")["Against the 99.8% limits"] == where.capitalize()
        chart.new_page()
    inside = figures.force_counts(ev, "refuge-2023").query("adjusted_position_95 == 'inside'")["force_id"].iloc[0]
    assert "Its rate lies inside the limits of the funnel plot" in page(ev, inside, monkeypatch)


@pytest.mark.parametrize("force_id", [r["force_id"] for r in rows("foi_responses.csv") if r["included"] == "no"])
def test_a_force_not_included_says_why_and_that_its_counts_are_not_published(ev, force_id, monkeypatch) -> None:
    response, counts = force_rows(force_id)
    assert counts is None
    md = page(ev, force_id, monkeypatch)
    why = {"no": "Refuge's table of the answers to its freedom of information request",
           "limited": "provided limited data in answer to Refuge's freedom of information request"}
    assert why[response["data_provided"]] in md
    assert "Refuge did not publish how many offences it recorded" in md
    assert summary_cells(md, "refuge-2023") == {
        "Data provided": {"no": "No", "limited": "Limited"}[response["data_provided"]],
        "Included in the analysis": "No", "Recorded offences": "Not published", "Charged or summonsed": "Not published"}
    assert "chart-force-" not in md and "rate of" not in md


def test_the_index_lists_every_force_linked_to_its_page(ev, monkeypatch) -> None:
    monkeypatch.chdir(ROOT / "forces")
    table = BeautifulSoup(force_page.index_table(ev).data, "html.parser")
    links = {a.get_text(): a["href"] for a in table.find_all("a")}
    forces = rows("forces.csv")
    assert links == {f["name"]: f"../forces/{f['force_id']}.html" for f in forces}
    rates = {r["force_id"]: r for r in rows("foi_force_counts.csv")}
    for tr in table.find("tbody").find_all("tr"):
        cells = [td.get_text() for td in tr.find_all("td")]
        force_id = next(f["force_id"] for f in forces if f["name"] == cells[0])
        expected = (fmt.percent(Fraction(int(rates[force_id]["charged_summonsed"]), int(rates[force_id]["recorded_offences"])))
                    if force_id in rates else "–")
        assert cells[3] == expected, cells


def test_tables_naming_forces_link_them_relative_to_the_page(ev, monkeypatch) -> None:
    from ibsa_report.report import tables

    monkeypatch.chdir(ROOT / "chapters")
    table = BeautifulSoup(tables.html_table(tables.force_rate_table(ev)).data, "html.parser")
    assert table.find("a")["href"].startswith("../forces/") and len(table.find_all("a")) == 24
    monkeypatch.chdir(ROOT)
    table = BeautifulSoup(tables.html_table(tables.responses(ev)).data, "html.parser")
    assert {a["href"] for a in table.find_all("a")} == {f"forces/{f['force_id']}.html" for f in rows("forces.csv")}


def test_a_chart_naming_forces_links_them_in_its_data_table(ev, monkeypatch) -> None:
    from ibsa_report.report import charts

    monkeypatch.chdir(ROOT / "chapters")
    soup = BeautifulSoup(charts.funnel(ev).html(), "html.parser")
    links = soup.select("details.chart-table a")
    assert len(links) == 24 and all(a["href"].startswith("../forces/") for a in links)


# The stubs -----------------------------------------------------------------------------------------

HOSTILE = 'Force <script>alert(1)</script> *em* @refuge-2023-blog $x$ "q": # [l](javascript:x) \x7f \U0001F600'


def test_a_stub_holds_the_name_as_its_title_and_one_call(tmp_path: Path) -> None:
    text = force_page.stub("some-force", HOSTILE)
    front = yaml.safe_load(text.split("---\n")[1])
    assert plain_text(front["title"]) == " ".join(HOSTILE.split())
    assert "<" not in front["title"] and "*" not in front["title"].replace("\\*", "")
    assert text.count("```{python}") == 1 and 'force_page.show(frames.load(), "some-force")' in text
    assert front["toc"] is False  # the figures come first on a phone, not a one-entry contents list


def test_the_pre_render_step_writes_a_stub_per_force_and_removes_stale_ones(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "forces").mkdir(parents=True)
    import shutil

    shutil.copytree(ROOT / "data", project / "data")
    shutil.copy(ROOT / "_quarto.yml", project / "_quarto.yml")
    (project / "forces" / "index.qmd").write_text("---\ntitle: Police forces\n---\n", encoding="utf-8")
    stale = project / "forces" / "gone.qmd"
    stale.write_text(force_page.stub("gone", "Gone Police"), encoding="utf-8")
    written = write_force_pages(project)
    assert sorted(p.stem for p in written) == sorted(r["force_id"] for r in rows("forces.csv"))
    assert not stale.exists() and (project / "forces" / "index.qmd").exists()


def test_a_force_id_that_is_not_a_page_name_stops_the_step(tmp_path: Path, monkeypatch) -> None:
    from ibsa_report.site import prepare

    class Frames:
        def __getitem__(self, name):
            import pandas as pd
            return pd.DataFrame({"force_id": ["ok", "../evil"], "name": ["A", "B"]})

    monkeypatch.setattr(prepare, "load", lambda root: Frames())
    (tmp_path / "forces").mkdir()
    (tmp_path / "forces" / "index.qmd").write_text("---\ntitle: Police forces\n---\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"^data/forces.csv:3:force_id: not a page name \(found '../evil'"):
        write_force_pages(tmp_path)


def test_a_project_without_the_force_index_gets_no_force_pages(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "_quarto.yml", tmp_path / "_quarto.yml")
    assert write_force_pages(tmp_path) == [] and not (tmp_path / "forces").exists()


# A new FOI round ----------------------------------------------------------------------------------

def add_round(project: Path) -> None:
    """Copy refuge-2023's rows as a later round, with Bedfordshire charging one offence more."""
    for name in ("foi_rounds.csv", "foi_responses.csv", "foi_force_counts.csv", "foi_outcome_totals.csv"):
        path = project / "data" / name
        text = path.read_text(encoding="utf-8")
        table = list(csv.reader(io.StringIO(text)))
        header, body = table[0], table[1:]
        extra = [[NEW_ROUND if v == "refuge-2023" and i == 0 else v for i, v in enumerate(r)] for r in body]
        for r in extra:
            row = dict(zip(header, r))
            if name == "foi_rounds.csv":
                r[header.index("period_start")], r[header.index("period_end")] = "2022-08-01", "2023-12-31"
                r[header.index("stated_charged_total")] = str(int(row["stated_charged_total"]) + 1)
            if name == "foi_force_counts.csv" and row["force_id"] == "bedfordshire":
                r[header.index("charged_summonsed")] = "31"
                r[header.index("published_rate_percent")] = "12"
            if name == "foi_outcome_totals.csv" and row["outcome_id"] in ("1", "other"):
                r[header.index("offences")] = str(int(row["offences"]) + (1 if row["outcome_id"] == "1" else -1))
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([header, *body, *extra])
        path.write_text(out.getvalue(), encoding="utf-8")


def test_a_new_round_adds_a_section_to_every_page_with_no_code_change(tmp_path: Path, monkeypatch) -> None:
    import shutil

    project = tmp_path / "p"
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copy(ROOT / "_quarto.yml", project / "_quarto.yml")
    (project / "forces").mkdir()
    add_round(project)
    ev = frames.load(project)
    md = page(ev, "bedfordshire", monkeypatch, project)
    assert md.index("{#round-refuge-2023}") < md.index(f"{{#round-{NEW_ROUND}}}")
    assert summary_cells(md, "refuge-2023")["Charged or summonsed"] == "30"
    assert summary_cells(md, NEW_ROUND)["Charged or summonsed"] == "31"
    assert summary_cells(md, NEW_ROUND)["Charge or summons rate"] == fmt.percent(Fraction(31, 262))
    assert "from August 2022 to December 2023" in md
    assert f'id="chart-force-bedfordshire-{NEW_ROUND}"' in md and 'id="chart-force-bedfordshire-refuge-2023"' in md
    chart.new_page()
    other = page(ev, "avon-and-somerset", monkeypatch, project)
    assert other.count("as providing no data") == 2 and "did not respond" not in other
