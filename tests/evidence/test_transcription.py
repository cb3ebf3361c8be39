"""The committed data reproduce what the source documents say.

Expected values come from the documents (their stated totals and a few spot values per table), and,
where the documents are available, the rows are checked against the documents' own text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from ibsa_report.evidence.validate import validate_project

from conftest import ROOT

REFUGE = "002_52a78955ad76ec43.txt"
ARTICLE = "000_17a78448e4375b33.txt"
DOCUMENTS = {
    "interviews-article": ARTICLE,
    "college-of-policing-project": "001_a8314c4f4cc022de.txt",
    "refuge-2023-blog": REFUGE,
    "independent-derbyshire": "003_1701ed79e8801796.txt",
    "swgfl-deprivation-orders": "004_82a8d48b068c432c.txt",
}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    result = validate_project(ROOT)
    assert result.ok, [p.message for p in result.problems]
    return result.tables


def test_refuge_stated_totals(tables):
    counts, responses = tables["foi_force_counts"], tables["foi_responses"]
    assert counts["charged_summonsed"].sum() == 534
    assert counts["recorded_offences"].sum() == 13_860
    assert len(responses) == 43
    assert (responses["data_provided"] != "no").sum() == 29
    assert responses["included"].sum() == 24
    assert tables["foi_outcome_totals"]["offences"].sum() == 13_860


@pytest.mark.parametrize("force, charged, recorded, rate", [
    ("bedfordshire", 30, 262, 11),
    ("city-of-london", 0, 2, 0),
    ("devon-and-cornwall", 19, 583, 3),
    ("metropolitan-police", 87, 3356, 3),
    ("west-midlands", 28, 1800, 2),
])
def test_table2_spot_values(tables, force, charged, recorded, rate):
    row = tables["foi_force_counts"].set_index("force_id").loc[force]
    assert (row["charged_summonsed"], row["recorded_offences"], row["published_rate_percent"]) == (charged, recorded, rate)


@pytest.mark.parametrize("force, provided, included", [
    ("avon-and-somerset", "no", False),
    ("metropolitan-police", "limited", True),
    ("derbyshire", "limited", False),
    ("wiltshire", "yes", True),
])
def test_table1_spot_values(tables, force, provided, included):
    row = tables["foi_responses"].set_index("force_id").loc[force]
    assert (row["data_provided"], bool(row["included"])) == (provided, included)


def test_table3_rows(tables):
    offences = tables["foi_outcome_totals"].set_index("outcome_id")["offences"].to_dict()
    assert offences == {"1": 534, "14": 891, "15": 3029, "16": 4886, "other": 4520}


def test_no_yearly_counts_are_invented(tables):
    """Refuge published growth rates, not yearly counts: no table may hold a count by year."""
    for name, frame in tables.items():
        assert not any(re.search(r"year", c) for c in frame.columns), name
    growth = tables["stated_figures"].set_index("figure_id")
    assert growth.loc["refuge-growth-2020-vs-2019", "value"] == 26
    assert growth.loc["refuge-growth-2021-vs-2020", "value"] == 40
    assert pd.isna(growth.loc["refuge-h1-2022-vs-2020", "value"])


def test_interview_sample(tables):
    groups = tables["interview_groups"].set_index("group_id")["participants"].to_dict()
    assert groups == {"all-participants": 28, "victims": 17, "stakeholders": 6,
                      "criminal-justice-staff": 5, "police-officers": 4, "crown-prosecutors": 1}
    routes = tables["interview_recruitment"]
    assert routes.loc[routes["group_id"] == "victims", "participants"].tolist() == [11, 1, 5]


@pytest.mark.parametrize("finding, count, denominator", [
    ("f-reported-to-police", 11, 17),
    ("f-code-response-met", 3, 11),
    ("f-communication-happy", 1, 7),
    ("f-not-kept-informed", 6, 7),
    ("f-female-officer", 4, None),
    ("f-reasonable-person", 4, 6),
])
def test_interview_findings(tables, finding, count, denominator):
    row = tables["interview_findings"].set_index("finding_id").loc[finding]
    assert row["count"] == count
    assert (None if pd.isna(row["denominator"]) else row["denominator"]) == denominator


def test_a_count_out_of_those_asked_has_no_group_denominator(tables):
    """'Not all participants were asked': the article gives four women and no denominator."""
    row = tables["interview_findings"].set_index("finding_id").loc["f-female-officer"]
    assert row["denominator_basis"] == "not-stated" and pd.isna(row["denominator"])


def test_theme_summaries_speak_of_the_law_of_the_time_in_the_past_tense(tables):
    from ibsa_report.evidence.rules import summaries_in_past_tense

    assert summaries_in_past_tense(tables) == []
    planted = tables["interview_themes"].copy()
    planted.loc[0, "summary"] = "Intent is a fundamental barrier and altered images fall outside the law."
    (problem,) = summaries_in_past_tense({"interview_themes": planted})
    assert problem.field == "summary" and problem.value == "fall, is"


def test_unknown_bibliographic_details_stay_unknown(tables):
    article = tables["sources"].set_index("source_id").loc["interviews-article"]
    for field in ("title", "author", "container_title", "publisher", "issued", "url"):
        assert pd.isna(article[field]), field


def test_unconfirmed_law_points_stay_marked(tables):
    """The research marks these as unconfirmed: the data must say so, not state them as fact."""
    recs = tables["recommendations"].set_index("rec_id")
    for rec in ("sexual-offence-anonymity", "sentencing", "broader-definition", "deprivation-orders", "ncii-register-possession"):
        assert isinstance(recs.loc[rec, "unconfirmed"], str) and recs.loc[rec, "unconfirmed"], rec
    assert recs.loc["sentencing", "law_status"] == "unconfirmed"
    assert recs.loc["ncii-register-possession", "law_status"] == "unconfirmed"
    assert (recs["checked"] == "2026-11").all()


def test_table2_rows_match_the_document(tables, seeds: Path):
    """Each row reads back as the document's concatenated Table 2 line: label, charged, recorded, rate%."""
    text = (seeds / REFUGE).read_text(encoding="utf-8")
    for _, row in tables["foi_force_counts"].iterrows():
        label = re.search(r'row "(.*)"', row["locator"]).group(1)
        line = f"{label}{row['charged_summonsed']}{row['recorded_offences']}{row['published_rate_percent']}%"
        assert re.search(rf"^{re.escape(line)}\s*$", text, re.M), line


def test_table1_rows_match_the_document(tables, seeds: Path):
    text = (seeds / REFUGE).read_text(encoding="utf-8")
    words = {"yes": "Yes", "no": "No", "limited": "Limited data provided"}
    names = tables["forces"].set_index("force_id")["name"]
    for _, row in tables["foi_responses"].iterrows():
        line = rf"^{re.escape(names[row['force_id']])}\s*{words[row['data_provided']]}{'Yes' if row['included'] else 'No'}\s*$"
        assert re.search(line, text, re.M), line


@pytest.mark.parametrize("table, column, source_column", [
    ("interview_quotes", "text", None),
    ("interview_findings", "quote", None),
    ("interview_groups", "quote", None),
    ("interview_recruitment", "quote", None),
    ("stated_figures", "quote", "source_id"),
])
def test_quotes_are_verbatim(tables, seeds: Path, table, column, source_column):
    """Every quote is the document's own words, character for character."""
    for _, row in tables[table].iterrows():
        doc = DOCUMENTS[row[source_column]] if source_column else ARTICLE
        assert row[column] in (seeds / doc).read_text(encoding="utf-8"), (table, row[column])


def test_quote_attributions_are_the_articles(tables, seeds: Path):
    """A quote's paragraph in the article carries the attribution the data gives it."""
    paragraphs = (seeds / ARTICLE).read_text(encoding="utf-8").splitlines()
    for _, q in tables["interview_quotes"].iterrows():
        i = next(i for i, p in enumerate(paragraphs) if q["text"] in p)
        assert q["attribution"] in paragraphs[i] or q["attribution"] in paragraphs[i - 1], q["quote_id"]


def test_support_services_are_as_their_sources_give_them(tables, seeds: Path):
    for _, row in tables["support_services"].iterrows():
        text = (seeds / DOCUMENTS[row["source_id"]]).read_text(encoding="utf-8")
        assert row["phone"] in text and row["hours"] in text, row["service_id"]


def test_a_support_service_is_never_marked_checked_on_a_day_to_come(tables):
    checked = tables["support_services"]["checked"].dropna()
    assert (checked <= pd.Timestamp.now()).all(), "a checked date must be a day someone checked, not a day to come"
