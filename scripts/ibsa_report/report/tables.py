"""Tables for chapters: the data behind each, rendered as plain, escaped, deterministic HTML."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from ibsa_report.analysis import figures
from ibsa_report.report import fmt
from ibsa_report.analysis import stats
from ibsa_report.report.force_links import force_links
from quarto_lite.outputs import raw_block
from quarto_lite.project import find_root, relative_root
from ibsa_report.evidence.frames import Evidence


LINKS = "links"  # frame.attrs[LINKS]: column -> each row's page from the site's root (fmt.table_markup)


def html_table(frame: pd.DataFrame) -> Markdown:
    """Show a frame as an HTML table in a raw block of Markdown (text/html would make Quarto use a CDN).

    Links in frame.attrs["links"] (a force's page) are written relative to the page the kernel runs for.
    """
    root = relative_root(find_root(), Path.cwd())
    return Markdown(raw_block(fmt.table_markup(frame, frame.attrs.get(LINKS), root)))


def with_links(frame: pd.DataFrame, column: str, force_ids: pd.Series) -> pd.DataFrame:
    """Link each row's cell in column to its force's page (the ids in row order)."""
    frame.attrs[LINKS] = {column: force_links(force_ids)}
    return frame


def responses(ev: Evidence) -> pd.DataFrame:
    """All forces asked in the latest round, with their response status."""
    rnd = figures.latest_round(ev)["round_id"]
    resp = ev["foi_responses"].query("round_id == @rnd").merge(ev["forces"], on="force_id")
    return with_links(pd.DataFrame({
        "Police force": resp["name"],
        "Data provided": resp["data_provided"].map({"yes": "Yes", "no": "No", "limited": "Limited"}),
        "Included in analysis": resp["included"].map({True: "Yes", False: "No"}),
    }), "Police force", resp["force_id"])


def force_rate_table(ev: Evidence) -> pd.DataFrame:
    """Charge/summons rate per included force with its Wilson 95% interval, highest first."""
    rnd = figures.latest_round(ev)["round_id"]
    rates = figures.force_counts(ev, rnd)
    return with_links(pd.DataFrame({
        "Police force": rates["short_name"],
        "Charged or summonsed": rates["charged_summonsed"].map(fmt.count),
        "Recorded offences": rates["recorded_offences"].map(fmt.count),
        "Rate": rates["share"].map(fmt.percent),
        f"{fmt.percent(stats.CONFIDENCE, 0)} interval": [fmt.interval(lo, hi)
                                                       for lo, hi in zip(rates["ci_low"], rates["ci_high"])],
    }), "Police force", rates["force_id"])


def sample(ev: Evidence) -> pd.DataFrame:
    """The interview sample by group."""
    groups = ev["interview_groups"]
    return pd.DataFrame({"Group": groups["label"], "Interviewees": groups["participants"]})


def tracker(ev: Evidence) -> pd.DataFrame:
    """Each recommendation with its legal status and the month it was checked."""
    recs = ev["recommendations"]
    return pd.DataFrame({
        "Recommendation": recs["title"],
        "Area": recs["area"].str.capitalize(),
        "Status now": recs["law_status"].map(figures.STATUS_WORDS),
        "In force": recs["in_force_date"].map(lambda d: fmt.date_words(d) if pd.notna(d) else None),
        "Checked": recs["checked"].map(lambda d: fmt.date_words(d) if pd.notna(d) else "Not covered by the research"),
    })


def sources(ev: Evidence) -> pd.DataFrame:
    """The source documents the report is built from."""
    docs = ev["sources"].query("kind == 'document'")
    return pd.DataFrame({
        "Source": docs["title"].fillna("Title unknown"),
        "Publisher": docs["publisher"].fillna("unknown"),
        "Published": docs["issued"].fillna("unknown"),
    })


def recruitment(ev: Evidence) -> pd.DataFrame:
    """How each interview group was recruited, with the number recruited by each route."""
    routes = ev["interview_recruitment"].merge(ev["interview_groups"][["group_id", "label"]], on="group_id")
    return pd.DataFrame({"Group": routes["label"], "Route": routes["route"], "Interviewees": routes["participants"]})


def findings(ev: Evidence) -> pd.DataFrame:
    """Every interview count, in the themes' order, with its denominator and how that was found."""
    order = {t: i for i, t in enumerate(ev["interview_themes"]["theme_id"])}
    found = ev["interview_findings"].sort_values("theme_id", key=lambda s: s.map(order), kind="stable")
    found = found.merge(ev["interview_themes"][["theme_id", "title"]], on="theme_id", how="left")
    groups = ev["interview_groups"].set_index("group_id")["label"]
    how = [figures.BASIS_WORDS[basis] + (f". {note}" if pd.notna(note) else "")
           for basis, note in zip(found["denominator_basis"], found["denominator_note"])]
    return pd.DataFrame({
        "Theme": found["title"], "Finding": found["statement"], "Group": found["group_id"].map(groups),
        "Interviewees": [fmt.of(k, n) for k, n in zip(found["count"], found["denominator"])],
        "How the denominator was found": how,
    })
