"""Say in words what the validated data reproduces: the totals each source states."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ibsa_report.evidence.tally import forces_tally, offences_tally


def summary_lines(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Describe, one line each, the stated totals that the validated tables reproduce."""
    lines = [f"{len(tables)} tables valid against data/datapackage.json"]
    counts, responses = tables["foi_force_counts"], tables["foi_responses"]
    outcomes = tables["foi_outcome_totals"]
    for _, rnd in tables["foi_rounds"].iterrows():
        rid = rnd["round_id"]
        forces, offences = forces_tally(responses, rid), offences_tally(counts, rid)
        lines.append(
            f"{rid}: {forces.asked} forces asked, {forces.responded} responded, "
            f"{forces.included} included; {offences.charged:,} charged or summonsed "
            f"of {offences.recorded:,} recorded; outcome rows sum to "
            f"{int(outcomes.loc[outcomes['round_id'] == rid, 'offences'].sum()):,}"
        )
    groups = tables["interview_groups"]
    top = groups[groups["parent_group_id"].isna()]
    for _, g in top.iterrows():
        parts = groups[groups["parent_group_id"] == g["group_id"]]
        detail = ", ".join(f"{p['participants']} {p['label'].lower()}" for _, p in parts.iterrows())
        lines.append(f"interviews: {g['participants']} participants ({detail})")
    lines.append(
        f"{len(tables['interview_findings'])} interview findings, {len(tables['interview_quotes'])} quotes, "
        f"{len(tables['recommendations'])} recommendations, {len(tables['sources'])} sources; every reference resolves"
    )
    return lines
