"""Every force page of the session's built site in Chromium: no error, its chart's pictures loaded, its links
resolving, and its figures equal to the force's rows in data/ (one browser, one context, the session's site)."""

from __future__ import annotations

import csv
from fractions import Fraction

import pytest
from playwright.sync_api import BrowserContext

from ibsa_report.analysis import stats
from ibsa_report.report import fmt
from quarto_lite.project import read_config

from browser_session import RequestLog, ServedSite, force_of, open_tab
from conftest import ROOT
from link_check import EXTERNAL, LINKS, BuiltSite

PICTURES = """() => [...document.querySelectorAll("figure.chart picture img")]
  .map(img => ({ src: img.currentSrc, ok: img.complete && img.naturalWidth > 0 }))"""
FIGURES = """() => Object.fromEntries([...document.querySelectorAll("div.force-round")].map(div => [div.dataset.round,
  Object.fromEntries([...div.querySelectorAll("tbody tr")].map(tr => [...tr.querySelectorAll("td")].map(td => td.textContent)))]))"""
PROVIDED = {"yes": "Yes", "limited": "Limited", "no": "No"}


def rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader((ROOT / "data" / name).open(encoding="utf-8", newline="")))


def expected_figures(force_id: str) -> dict[str, dict[str, str]]:
    """What each round's figures table of a force's page must say, from data/ alone."""
    counts = {(r["round_id"], r["force_id"]): r for r in rows("foi_force_counts.csv")}
    expected = {}
    for response in (r for r in rows("foi_responses.csv") if r["force_id"] == force_id):
        row = counts.get((response["round_id"], force_id))
        shown = {"Data provided": PROVIDED[response["data_provided"]],
                 "Included in the analysis": "Yes" if response["included"] == "yes" else "No"}
        if row is None:
            shown |= {"Recorded offences": "Not published", "Charged or summonsed": "Not published"}
        else:
            k, n = int(row["charged_summonsed"]), int(row["recorded_offences"])
            shown |= {"Recorded offences": fmt.count(n), "Charged or summonsed": fmt.count(k),
                      "Charge or summons rate": fmt.percent(Fraction(k, n)),
                      "95% interval": fmt.interval(*stats.wilson_interval(k, n))}
        expected[response["round_id"]] = shown
    return expected


def test_every_force_page_loads_shows_its_pictures_and_its_rows(served_site: ServedSite,
                                                                 context: tuple[BrowserContext, RequestLog]) -> None:
    ctx, requests = context
    forces = rows("forces.csv")
    problems, pictures = [], 0
    for force in forces:
        page = f"forces/{force['force_id']}.html"
        tab = open_tab(ctx, served_site.url(page), interactive=False)
        try:
            problems += [f"{page}: {error}" for error in tab.log.errors]
            if tab.page.locator("h1").first.inner_text() != force["name"]:
                problems.append(f"{page}: h1 is not the force's name")
            shown = tab.page.evaluate(FIGURES)
            for round_id, figures in expected_figures(force["force_id"]).items():
                got = {k: v for k, v in shown.get(round_id, {}).items() if k in figures}
                if got != figures:
                    problems.append(f"{page}: round {round_id} shows {got}, data/ says {figures}")
            imgs = tab.page.evaluate(PICTURES)
            charts = tab.page.locator("figure.chart").count()
            included = any(r["force_id"] == force["force_id"] for r in rows("foi_force_counts.csv"))
            if charts != (1 if included else 0) or len(imgs) != charts:
                problems.append(f"{page}: {charts} charts, {len(imgs)} pictures")
            problems += [f"{page}: picture not loaded: {img['src']}" for img in imgs if not img["ok"]]
            pictures += len(imgs)
        finally:
            tab.page.close()
    assert not problems, "\n".join(problems)
    assert pictures == len(rows("foi_force_counts.csv"))
    assert requests.other_hosts() == []


def test_every_link_on_the_force_pages_resolves(served_site: ServedSite) -> None:
    site = BuiltSite(served_site.root, read_config(ROOT).site_url)
    pages = ["forces/index.html"] + [f"forces/{f['force_id']}.html" for f in rows("forces.csv")]
    broken, checked = [], 0
    for page in pages:
        doc = site.soup(page)
        for tag, attr in LINKS:
            for element in doc.find_all(tag, attrs={attr: True}):
                problem = site.problem(page, element[attr].strip())
                if problem == EXTERNAL:
                    continue
                checked += 1
                if problem:
                    broken.append(f"{page}: <{tag} {attr}={element[attr]!r}>: {problem}")
    assert not broken, "\n".join(broken)
    index = site.soup("forces/index.html")
    assert {a["href"] for a in index.select("main table a")} == {f"../forces/{f['force_id']}.html" for f in rows("forces.csv")}
    assert checked > 40 * len(pages)


@pytest.mark.parametrize("page", ["chapters/charging.html"])
def test_the_chapter_s_tables_and_chart_data_link_each_force_to_its_page(served_site: ServedSite, page: str) -> None:
    site = BuiltSite(served_site.root, read_config(ROOT).site_url)
    doc = site.soup(page)
    for table in doc.select("main table.data-table"):
        if "Police force" in [th.get_text() for th in table.select("thead th")]:
            links = table.select("tbody a")
            assert links and all(a["href"].startswith("../forces/") for a in links), table.get_text()[:80]
            assert all(site.problem(page, a["href"]) is None for a in links)


def test_the_site_wide_checks_visit_every_other_page_and_a_force_of_each_kind(served_site: ServedSite) -> None:
    sample, every = served_site.pages, served_site.every_page
    assert [p for p in every if force_of(p) is None] == [p for p in sample if force_of(p) is None]
    kinds = {(r["data_provided"], r["included"]) for r in rows("foi_responses.csv")}
    kept = {p.removeprefix("forces/").removesuffix(".html") for p in sample if p.startswith("forces/")} - {"index"}
    answers = {r["force_id"]: (r["data_provided"], r["included"]) for r in rows("foi_responses.csv")}
    assert {answers[f] for f in kept} == kinds  # every kind of answer is visited
    assert len(kept) < len(rows("forces.csv"))  # and not every force page (this file visits those)
