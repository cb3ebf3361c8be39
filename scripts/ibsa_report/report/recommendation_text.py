"""The recommendations chapter as Markdown: each recommendation, its evidence, and where the law stands.

Every piece of data text goes through fmt.escape_markdown, so that it shows as written; the citations
([@source-id]) and links made here are Markdown on purpose and are not escaped. Evidence links follow
the interviews chapter's anchors: a theme's section has the theme_id as its id, a quote's div the
quote_id; a finding links to the section of its theme.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from IPython.display import Markdown

from ibsa_report.report import fmt
from ibsa_report.evidence import frames
from ibsa_report.evidence.frames import Evidence
from ibsa_report.analysis.figures import STATUS_WORDS, names
from ibsa_report.evidence.loading import id_list

INTERVIEWS = "interviews.qmd"
CHARGING = "charging.qmd"
AREAS = ("legislation", "policing")
# Evidence tables and their id columns, in the order an id is looked up.
EVIDENCE_KEYS = {
    "interview_themes": "theme_id",
    "interview_findings": "finding_id",
    "interview_quotes": "quote_id",
    "stated_figures": "figure_id",
    "foi_rounds": "round_id",
}
DENOMINATOR_WORDS = {"stated": "", "group-size": " (denominator: the whole group)",
                     "inferred": " (denominator inferred from context)", "not-stated": ""}
UNCONFIRMED_TITLE = "Not confirmed by the legal research"


class UnknownEvidenceError(ValueError):
    """A recommendation names an evidence id that no evidence table holds."""


# Small pieces ---------------------------------------------------------------------------------------

def citation(source_ids: Iterable[str]) -> str:
    """Return one pandoc citation of the sources, '[@a; @b]', or '' when there are none."""
    keys = [f"@{source_id}" for source_id in source_ids]
    return f"[{'; '.join(keys)}]" if keys else ""


def cite(*source_ids: str) -> Markdown:
    """Cite sources for inline use in prose: '[@a; @b]'."""
    return Markdown(citation(source_ids))


# One recommendation's facts ---------------------------------------------------------------------------

def recommendation(ev: Evidence, rec_id: str) -> pd.Series:
    """Return one recommendation by id; raise KeyError naming the id if there is none."""
    return frames.row(ev, "recommendations", "rec_id", rec_id)


def area_counts(ev: Evidence) -> pd.Series:
    """Count recommendations by area, in the order of AREAS."""
    return ev["recommendations"]["area"].value_counts().reindex(list(AREAS), fill_value=0)


def recommended_count(ev: Evidence, source_id: str) -> int:
    """Count the recommendations that a source makes (is among their recommended_by)."""
    return sum(source_id in id_list(ids) for ids in ev["recommendations"]["recommended_by"])


def status_words(rec: pd.Series) -> str:
    """Name a recommendation's legal status in words, as the tracker does: 'Partly'."""
    return STATUS_WORDS[rec["law_status"]]


def in_force_words(rec: pd.Series) -> str:
    """Say when the change came into force: the date, 'not in force' if not adopted, else 'not known'."""
    if pd.notna(rec["in_force_date"]):
        return fmt.date_words(rec["in_force_date"])
    return "not in force" if rec["law_status"] == "not-adopted" else "not known"


def checked_words(rec: pd.Series) -> str:
    """Say when the legal status was checked: 'November 2026'."""
    return fmt.date_words(rec["checked"])


def law_citations(rec: pd.Series) -> Markdown:
    """Cite the sources of a recommendation's legal status, for inline use in prose."""
    return cite(*id_list(rec["law_source_ids"]))


def recommended_by(rec: pd.Series) -> str:
    """Name who made the recommendation, citing in the text; the locator belongs to the first source."""
    first, *others = id_list(rec["recommended_by"])
    also = f"; also {' and '.join(f'@{source_id}' for source_id in others)}" if others else ""
    return f"@{first}, {fmt.one_line(rec['locator'])}{also}"


def cite_recommended_by(rec: pd.Series) -> Markdown:
    """Name who made the recommendation, for inline use in prose."""
    return Markdown(recommended_by(rec))


# Evidence ----------------------------------------------------------------------------------------------

def evidence_index(ev: Evidence) -> dict[str, tuple[str, pd.Series]]:
    """Map every evidence id to its table's name and its row."""
    index: dict[str, tuple[str, pd.Series]] = {}
    for table, key in EVIDENCE_KEYS.items():
        for _, row in ev[table].iterrows():
            index.setdefault(row[key], (table, row))
    return index


def theme_item(theme: pd.Series) -> str:
    """Link an interview theme to its section in the interviews chapter, by its title."""
    return f"Interview theme: [{fmt.one_line(theme['title'])}]({INTERVIEWS}#{theme['theme_id']})"


def finding_item(finding: pd.Series) -> str:
    """Link an interview finding to its theme's section, with its statement and 'k of n'."""
    basis = DENOMINATOR_WORDS.get(finding["denominator_basis"], "")
    counted = fmt.of(finding["count"], finding["denominator"])
    return (f"Interview finding: [{fmt.one_line(finding['statement'])}]({INTERVIEWS}#{finding['theme_id']}), "
            f"{counted}{basis}")


def quote_item(quote: pd.Series) -> str:
    """Link an interview quote to its place in the interviews chapter, by its attribution only."""
    return f"Interview quote: [{fmt.one_line(quote['attribution'])}]({INTERVIEWS}#{quote['quote_id']})"


def figure_item(figure: pd.Series) -> str:
    """Give a stated figure in its source's words, cited with where in the source it stands."""
    source = citation([figure["source_id"]])
    return f"Stated figure: “{fmt.one_line(figure['quote'])}” {source}, {fmt.one_line(figure['locator'])}"


def round_item(foi_round: pd.Series) -> str:
    """Link an FOI round to the charging chapter, by its title, citing its source."""
    return f"FOI data: [{fmt.one_line(foi_round['title'])}]({CHARGING}) {citation([foi_round['source_id']])}"


EVIDENCE_ITEMS = {
    "interview_themes": theme_item,
    "interview_findings": finding_item,
    "interview_quotes": quote_item,
    "stated_figures": figure_item,
    "foi_rounds": round_item,
}


def evidence_item(index: dict[str, tuple[str, pd.Series]], evidence_id: str, rec_id: str) -> str:
    """Write one piece of evidence as a Markdown line; raise UnknownEvidenceError for an unknown id."""
    if evidence_id not in index:
        kinds = ", ".join(f"data/{table}.csv" for table in EVIDENCE_KEYS)
        raise UnknownEvidenceError(
            f"recommendation {rec_id!r}: evidence id {evidence_id!r} is not in any of {kinds}")
    table, row = index[evidence_id]
    return EVIDENCE_ITEMS[table](row)


def evidence_list(ev: Evidence, rec: pd.Series, index: dict[str, tuple[str, pd.Series]] | None = None) -> str:
    """List the evidence a recommendation rests on, one Markdown bullet per id, in the data's order."""
    index = evidence_index(ev) if index is None else index
    return "\n".join(f"- {evidence_item(index, i, rec['rec_id'])}" for i in id_list(rec["evidence_ids"]))


# Where the law stands ------------------------------------------------------------------------------------

def assessed(rec: pd.Series) -> bool:
    """Tell whether the law-status research covered a recommendation (it has a date checked)."""
    return pd.notna(rec["checked"])


def law_now(rec: pd.Series) -> str:
    """Say where the law stands: status, summary and its sources, what is not adopted, date in force, checked.

    A recommendation the research did not cover gets its status and summary only: no date in force and
    no month checked, which would suggest a check that was not made.
    """
    sources = citation(id_list(rec["law_source_ids"]))
    summary = " ".join(part for part in (fmt.one_line(rec["law_summary"]), sources) if part)
    lines = [f"**Status now:** {status_words(rec)}. {summary}"]
    if pd.notna(rec["not_adopted"]):
        lines.append(f"**Not adopted:** {fmt.one_line(rec['not_adopted'])}")
    if assessed(rec):
        lines.append(f"**In force:** {in_force_words(rec)}. **Checked:** {checked_words(rec)}.")
    return "\n\n".join(lines)


def unconfirmed_note(rec: pd.Series) -> str:
    """Return a callout listing what the research could not confirm, or '' when there is nothing."""
    if pd.isna(rec["unconfirmed"]):
        return ""
    return f'::: {{.callout-caution title="{UNCONFIRMED_TITLE}"}}\n{fmt.one_line(rec["unconfirmed"])}\n:::'


def unconfirmed_callout(rec: pd.Series) -> Markdown:
    """Return the 'Not confirmed' callout of a recommendation for a chapter cell (empty if none)."""
    return Markdown(unconfirmed_note(rec))


# Whole sections -------------------------------------------------------------------------------------------

def recommendation_section(ev: Evidence, rec: pd.Series, index: dict[str, tuple[str, pd.Series]] | None = None) -> str:
    """Write one recommendation's section: heading {#rec-id}, what, who, evidence, the law now."""
    parts = [
        f"### {fmt.one_line(rec['title'])} {{#rec-{rec['rec_id']}}}",
        f"**Recommended:** {fmt.one_line(rec['recommendation'])}",
        f"**Recommended by:** {recommended_by(rec)}.",
        "**Evidence:**",
        evidence_list(ev, rec, index),
        f"**What the evidence shows:** {fmt.one_line(rec['evidence_note'])}" if pd.notna(rec["evidence_note"]) else "",
        law_now(rec),
        unconfirmed_note(rec),
    ]
    return "\n\n".join(part for part in parts if part)


def area_sections(ev: Evidence, area: str) -> Markdown:
    """Write the sections of every recommendation in one area, in the data's order."""
    if area not in AREAS:
        raise ValueError(f"area {area!r} is not one of {', '.join(AREAS)}")
    index = evidence_index(ev)
    recs = ev["recommendations"]
    sections = [recommendation_section(ev, rec, index) for _, rec in recs[recs["area"] == area].iterrows()]
    return Markdown("\n\n".join(sections))


def assessed_count(ev: Evidence) -> int:
    """Count the recommendations whose legal status the law-status research assessed."""
    return int((ev["recommendations"]["law_status"] != "not-assessed").sum())


def status_tally(ev: Evidence) -> str:
    """Say how many covered recommendations have each status, leaving out the statuses none has.

    'one in force, two partly, one guidance only, two unconfirmed' (statuses in the tracker's order).
    """
    counts = ev["recommendations"]["law_status"].value_counts()
    return ", ".join(f"{fmt.words(int(counts[status]))} {STATUS_WORDS[status].lower()}"
                     for status in STATUS_WORDS if status != "not-assessed" and counts.get(status, 0) > 0)


def not_adopted(ev: Evidence) -> pd.DataFrame:
    """The recommendations with a part the law has not adopted, in the data's order."""
    recs = ev["recommendations"]
    return recs[recs["not_adopted"].notna()]


def not_adopted_titles(ev: Evidence) -> Markdown:
    """Link the recommendations with a part not adopted to their sections: '[A](#rec-a) and [B](#rec-b)'."""
    return Markdown(names([f"[{fmt.one_line(r['title'])}](#rec-{r['rec_id']})" for _, r in not_adopted(ev).iterrows()]))


def checked_month(ev: Evidence) -> str:
    """Return when the legal status was last checked, in words ('November 2026')."""
    return fmt.date_words(ev["recommendations"]["checked"].max())
