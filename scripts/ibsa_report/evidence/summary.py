"""Say in words what the validated data reproduces: the totals each source states."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ibsa_report.evidence.tally import forces_tallies, offences_tallies


def summary_lines(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Describe, one line each, the stated totals that the validated tables reproduce."""
    lines = [f"{len(tables)} tables valid against data/datapackage.json"]
    counts, responses = tables["foi_force_counts"], tables["foi_responses"]
    rids = tables["foi_rounds"]["round_id"]
    forces = forces_tallies(responses).reindex(rids, fill_value=0)
    offences = offences_tallies(counts).reindex(rids, fill_value=0)
    outcome_sums = tables["foi_outcome_totals"].groupby("round_id")["offences"].sum().reindex(rids, fill_value=0)
    for rid in rids:
        f, o = forces.loc[rid], offences.loc[rid]
        lines.append(
            f"{rid}: {f['asked']} forces asked, {f['responded']} responded, "
            f"{f['included']} included; {o['charged']:,} charged or summonsed "
            f"of {o['recorded']:,} recorded; outcome rows sum to {int(outcome_sums[rid]):,}"
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
