"""Tests for recommendation_text: each recommendation's section, its citations, evidence links and escaping.

Expected links and citations are computed here from the CSV files themselves, not from the module.
Links to the interviews chapter are checked as generated (their anchors land with that chapter).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from IPython.display import Markdown

from ibsa_report.report import fmt
from ibsa_report.report import recommendation_text as rt
from ibsa_report.site.bibliography import write_bibliography
from ibsa_report.evidence.frames import Evidence, load
from ibsa_report.report.fmt import escape_markdown
from quarto_lite.pandoc_render import render_markdown

from conftest import ROOT

DATA = ROOT / "data"
RECS = pd.read_csv(DATA / "recommendations.csv", dtype=str, keep_default_na=False)
REC_IDS = list(RECS["rec_id"])
NASTY = "<script>alert(1)</script> *not em* [not a link](x) @no-such-source _u_ &amp; # | \\ `c`"


def ids(cell: str) -> list[str]:
    """Split a ';'-separated cell."""
    return [part for part in cell.split(";") if part]


def csv(name: str, key: str) -> pd.DataFrame:
    """Read a data table as strings, indexed by its id column."""
    return pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False).set_index(key)


def expected_evidence(evidence_id: str) -> tuple[str, str]:
    """Return (link target or '', text that must appear) for an evidence id, from the CSV files."""
    themes, findings = csv("interview_themes", "theme_id"), csv("interview_findings", "finding_id")
    quotes, figures = csv("interview_quotes", "quote_id"), csv("stated_figures", "figure_id")
    rounds = csv("foi_rounds", "round_id")
    if evidence_id in themes.index:
        return f"interviews.qmd#{evidence_id}", themes.loc[evidence_id, "title"]
    if evidence_id in findings.index:
        row = findings.loc[evidence_id]
        return f"interviews.qmd#{row['theme_id']}", row["statement"]
    if evidence_id in quotes.index:
        return f"interviews.qmd#{evidence_id}", quotes.loc[evidence_id, "attribution"]
    if evidence_id in rounds.index:
        return "charging.qmd", rounds.loc[evidence_id, "title"]
    return "", figures.loc[evidence_id, "quote"]


@pytest.fixture(scope="module")
def ev() -> Evidence:
    """Load the committed evidence."""
    return load(ROOT)


@pytest.fixture(scope="module")
def bibliography(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write the real registry's bibliography."""
    return write_bibliography(ROOT, tmp_path_factory.mktemp("bib") / "references.yaml")


@pytest.fixture(scope="module")
def markdown(ev: Evidence) -> str:
    """Return the Markdown of every recommendation, area by area."""
    return "\n\n".join(rt.area_sections(ev, area).data for area in rt.AREAS)


@pytest.fixture(scope="module")
def page(markdown: str, bibliography: Path) -> BeautifulSoup:
    """Render every recommendation's section with citeproc (a missing citation key fails here)."""
    return BeautifulSoup(render_markdown(markdown, bibliography=bibliography).html, "html.parser")


def section_markdown(markdown: str, rec_id: str) -> str:
    """Return the Markdown of one recommendation's section."""
    start = markdown.index(f"{{#rec-{rec_id}}}")
    end = markdown.find("\n### ", start)
    return markdown[start:] if end < 0 else markdown[start:end]


def with_changes(ev: Evidence, table: str, key: str, row_id: str, **values: object) -> Evidence:
    """Return a copy of the evidence with some fields of one row replaced."""
    tables = {name: frame.copy() for name, frame in ev.tables.items()}
    frame = tables[table]
    for field, value in values.items():
        frame[field] = frame[field].astype(object)
        frame.loc[frame[key] == row_id, field] = value
    return Evidence(ev.root, tables)


# --- one section per recommendation, grouped by area -----------------------------------------------


@pytest.mark.parametrize("area", ["legislation", "policing"])
def test_each_area_has_a_section_per_recommendation_in_data_order(ev: Evidence, area: str) -> None:
    out = rt.area_sections(ev, area)
    assert isinstance(out, Markdown)
    wanted = [f"{{#rec-{r}}}" for r in RECS.loc[RECS["area"] == area, "rec_id"]]
    headings = [line.rsplit(" ", 1)[-1] for line in out.data.splitlines() if line.startswith("### ")]
    assert headings == wanted


def test_every_recommendation_is_in_exactly_one_area(page: BeautifulSoup) -> None:
    found = [s["id"] for s in page.select("section.level3")]
    assert sorted(found) == sorted(f"rec-{r}" for r in REC_IDS)


def test_unknown_area_is_an_error(ev: Evidence) -> None:
    with pytest.raises(ValueError, match="area 'courts' is not one of legislation, policing"):
        rt.area_sections(ev, "courts")


# --- citations -------------------------------------------------------------------------------------


@pytest.mark.parametrize("rec_id", REC_IDS)
def test_section_cites_who_recommended_it_and_the_law_sources(page: BeautifulSoup, rec_id: str) -> None:
    row = RECS.set_index("rec_id").loc[rec_id]
    section = page.find("section", id=f"rec-{rec_id}")
    cited = {key for span in section.select("span.citation") for key in span["data-cites"].split()}
    assert set(ids(row["recommended_by"])) <= cited
    assert set(ids(row["law_source_ids"])) <= cited


@pytest.mark.parametrize("rec_id", REC_IDS)
def test_locator_follows_the_first_recommending_source(markdown: str, rec_id: str) -> None:
    row = RECS.set_index("rec_id").loc[rec_id]
    first, *others = ids(row["recommended_by"])
    text = section_markdown(markdown, rec_id)
    assert f"**Recommended by:** @{first}, {escape_markdown(row['locator'])}" in text
    for other in others:
        assert f"@{other}" in text.split(escape_markdown(row["locator"]), 1)[1]


# --- evidence --------------------------------------------------------------------------------------


@pytest.mark.parametrize("rec_id", REC_IDS)
def test_every_evidence_id_becomes_a_link_to_the_right_place(markdown: str, rec_id: str) -> None:
    text = section_markdown(markdown, rec_id)
    for evidence_id in ids(RECS.set_index("rec_id").loc[rec_id, "evidence_ids"]):
        target, shown = expected_evidence(evidence_id)
        if target:
            assert f"[{escape_markdown(shown)}]({target})" in text, evidence_id
        else:
            assert f"“{escape_markdown(shown)}” [@" in text, evidence_id


@pytest.mark.parametrize("rec_id", REC_IDS)
def test_interview_links_render_to_the_interviews_page(page: BeautifulSoup, rec_id: str) -> None:
    section = page.find("section", id=f"rec-{rec_id}")
    links = [(a["href"], a.get_text()) for a in section.select("a[href^='interviews.html#']")]
    wanted = [(target.replace(".qmd", ".html"), shown) for target, shown in
              map(expected_evidence, ids(RECS.set_index("rec_id").loc[rec_id, "evidence_ids"]))
              if target.startswith("interviews.qmd#")]
    assert links == wanted


FINDING_IDS = sorted({i for cell in RECS["evidence_ids"] for i in ids(cell) if i.startswith("f-")})
QUOTE_IDS = sorted({i for cell in RECS["evidence_ids"] for i in ids(cell) if i.startswith("q-")})
BASIS = {"stated": "", "group-size": " (denominator: the whole group)", "inferred": " (denominator inferred from context)",
         "not-stated": ""}


@pytest.mark.parametrize("finding_id", FINDING_IDS)
def test_findings_give_k_of_n_and_how_the_denominator_was_found(markdown: str, finding_id: str) -> None:
    row = csv("interview_findings", "finding_id").loc[finding_id]
    counted = (f"{row['count']}, out of a number not published" if row["denominator"] == ""
               else f"{row['count']} of {row['denominator']}")
    assert f"({expected_evidence(finding_id)[0]}), {counted}{BASIS[row['denominator_basis']]}\n" in markdown


@pytest.mark.parametrize("quote_id", QUOTE_IDS)
def test_quotes_are_linked_by_attribution_without_their_text(markdown: str, quote_id: str) -> None:
    row = csv("interview_quotes", "quote_id").loc[quote_id]
    assert f"Interview quote: [{escape_markdown(row['attribution'])}](interviews.qmd#{quote_id})" in markdown
    assert escape_markdown(row["text"]) not in markdown and row["text"] not in markdown


def test_stated_figure_is_quoted_and_cited_with_its_locator(markdown: str) -> None:
    text = section_markdown(markdown, "deprivation-orders")
    assert ("Stated figure: “of 98 cases analysed, only three resulted in such an order” [@swgfl-deprivation-orders], "
            "'Raising the Concern Around Perpetrator Devices', paragraph 1") in text


def test_unknown_evidence_id_is_a_clear_error(ev: Evidence) -> None:
    rec = rt.recommendation(ev, "recklessness-tier").copy()
    rec["evidence_ids"] = "theme-intent;f-no-such-finding"
    message = ("recommendation 'recklessness-tier': evidence id 'f-no-such-finding' is not in any of "
               "data/interview_themes.csv, data/interview_findings.csv, data/interview_quotes.csv, "
               "data/stated_figures.csv, data/foi_rounds.csv")
    with pytest.raises(rt.UnknownEvidenceError) as raised:
        rt.recommendation_section(ev, rec)
    assert str(raised.value) == message


# --- where the law stands ---------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "date", "words"), [
    ("partly", pd.Timestamp("2024-01-31"), "31 January 2024"),
    ("in-force", pd.NaT, "not known"),
    ("unconfirmed", pd.NaT, "not known"),
    ("not-adopted", pd.NaT, "not in force"),
])
def test_date_in_force(ev: Evidence, status: str, date: pd.Timestamp, words: str) -> None:
    rec = rt.recommendation(ev, "sentencing").copy()
    rec["law_status"], rec["in_force_date"] = status, date
    assert f"**In force:** {words}." in rt.law_now(rec)


@pytest.mark.parametrize(("checked", "words"), [
    ("2026-11", "November 2026"), ("2026-11-05", "5 November 2026"), ("2026", "2026")])
def test_checked_in_words(ev: Evidence, checked: str, words: str) -> None:
    rec = rt.recommendation(ev, "sentencing").copy()
    rec["checked"] = checked
    assert f"**Checked:** {words}." in rt.law_now(rec)


def test_badly_written_date_is_an_error() -> None:
    with pytest.raises(ValueError, match="date 'Nov 2026' is not YYYY, YYYY-MM or YYYY-MM-DD"):
        fmt.date_words("Nov 2026")


@pytest.mark.parametrize("status", ["in-force", "partly", "not-adopted", "unconfirmed", "not-assessed"])
def test_status_in_words(ev: Evidence, status: str) -> None:
    rec = rt.recommendation(ev, "sentencing").copy()
    rec["law_status"] = status
    assert rt.law_now(rec).startswith(f"**Status now:** {rt.STATUS_WORDS[status]}. ")


def test_not_assessed_without_sources_cites_nothing(ev: Evidence) -> None:
    rec = rt.recommendation(ev, "procedural-justice")
    assert pd.isna(rec["law_source_ids"])
    assert "[@" not in rt.law_now(rec)
    assert rt.law_citations(rec).data == ""


def test_unconfirmed_points_are_a_callout_and_only_when_present(ev: Evidence) -> None:
    rec = rt.recommendation(ev, "sentencing").copy()
    rec["unconfirmed"] = "Whether *this* holds"
    assert rt.unconfirmed_note(rec) == (
        '::: {.callout-caution title="Not confirmed by the legal research"}\nWhether \\*this\\* holds\n:::')
    assert rt.unconfirmed_note(rec) in rt.recommendation_section(ev, rec)
    rec["unconfirmed"] = pd.NA
    assert rt.unconfirmed_note(rec) == "" and rt.unconfirmed_callout(rec).data == ""
    assert "callout" not in rt.recommendation_section(ev, rec)


# --- escaping ---------------------------------------------------------------------------------------


def test_html_and_markdown_in_data_show_as_written(ev: Evidence, bibliography: Path) -> None:
    fields = {f: NASTY for f in ("title", "recommendation", "locator", "law_summary", "unconfirmed")}
    changed = with_changes(ev, "recommendations", "rec_id", "sentencing", **fields)
    changed = with_changes(changed, "interview_themes", "theme_id", "theme-sentencing", title=NASTY)
    changed = with_changes(changed, "interview_quotes", "quote_id", "q-victim-seven-two-years", attribution=NASTY)
    changed = with_changes(changed, "stated_figures", "figure_id", "independent-max-sentence-2-years", quote=NASTY,
                           locator=NASTY)
    markdown = rt.recommendation_section(changed, rt.recommendation(changed, "sentencing"))
    html = render_markdown(markdown, bibliography=bibliography).html  # raises if @no-such-source were a citation
    section = BeautifulSoup(html, "html.parser").find("section", id="rec-sentencing")
    assert section.find("h3").get_text() == NASTY
    assert not section.select("script, code, table, h1")
    assert not [em for em in section.select("em") if not em.find_parent("span", class_="citation")]
    assert not section.select("a[href='x']")
    text = section.get_text()
    assert text.count(NASTY) == 9  # title, recommendation, locator, theme, quote, figure and its locator, law, unconfirmed
    links = {a["href"]: a.get_text() for a in section.select("a[href^='interviews.html#']")}
    assert links["interviews.html#theme-sentencing"] == NASTY
    assert links["interviews.html#q-victim-seven-two-years"] == NASTY


def test_white_space_in_data_is_folded(ev: Evidence) -> None:
    rec = rt.recommendation(ev, "sentencing").copy()
    rec["recommendation"] = "Line one\n\n# not a heading"
    assert "**Recommended:** Line one \\# not a heading\n" in rt.recommendation_section(ev, rec)


def test_inline_helpers_return_markdown(ev: Evidence) -> None:
    rec = rt.recommendation(ev, "recklessness-tier")
    assert rt.law_citations(rec).data == "[@" + "; @".join(ids(rec["law_source_ids"])) + "]"
    assert rt.cite_recommended_by(rec).data.startswith("@interviews-article, ")
    assert rt.cite("a", "b").data == "[@a; @b]"


def test_unknown_recommendation_is_a_clear_error(ev: Evidence) -> None:
    with pytest.raises(KeyError, match="no row with rec_id 'nope' in data/recommendations.csv"):
        rt.recommendation(ev, "nope")


def test_counts(ev: Evidence) -> None:
    assert rt.area_counts(ev).to_dict() == RECS["area"].value_counts().to_dict()
    assert rt.recommended_count(ev, "wec-2025-hc336") == sum("wec-2025-hc336" in ids(c) for c in RECS["recommended_by"])


# --- what the law-status research did and did not assess -------------------------------------------

def test_an_unassessed_recommendation_shows_no_date_checked_or_in_force(ev: Evidence) -> None:
    text = rt.law_now(rt.recommendation(ev, "procedural-justice"))
    assert "**Checked:**" not in text and "**In force:**" not in text
    assert "**Checked:** November 2026." in rt.law_now(rt.recommendation(ev, "sentencing"))


def test_parts_not_adopted_are_shown_and_counted(ev: Evidence) -> None:
    parts = RECS[RECS["not_adopted"] != ""].set_index("rec_id")
    assert len(parts) > 0
    assert list(rt.not_adopted(ev)["rec_id"]) == list(parts.index)
    for rec_id, row in parts.iterrows():
        assert f"**Not adopted:** {rt.fmt.one_line(row['not_adopted'])}" in rt.law_now(rt.recommendation(ev, rec_id))
    links = rt.not_adopted_titles(ev).data
    assert all(f"(#rec-{rec_id})" in links for rec_id in parts.index)


def test_what_the_evidence_shows_follows_the_evidence_list(markdown: str) -> None:
    for rec_id, row in RECS[RECS["evidence_note"] != ""].set_index("rec_id").iterrows():
        section = section_markdown(markdown, rec_id)
        assert section.index("**Evidence:**") < section.index(f"**What the evidence shows:** {rt.fmt.one_line(row['evidence_note'])}")


def test_statuses_are_tallied_only_where_assessed(ev: Evidence) -> None:
    assessed = RECS[RECS["law_status"] != "not-assessed"]
    assert rt.assessed_count(ev) == len(assessed)
    tally = rt.status_tally(ev)
    assert "not assessed" not in tally
    for status, n in assessed["law_status"].value_counts().items():
        assert f"{rt.fmt.words(int(n))} {rt.STATUS_WORDS[status].lower()}" in tally
