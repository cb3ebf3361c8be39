"""Cross-table rules that a Table Schema cannot express.

Each rule is a pure function from typed frames (see ``loading.to_frame``) to problems, and declares
the tables it needs; it runs only when all of them passed their schema checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from ibsa_report.evidence.loading import LINE, id_list
from ibsa_report.evidence.package import DATA_DIR
from ibsa_report.evidence.problems import Problem
from ibsa_report.evidence.tally import forces_tally, offences_tally

Tables = Mapping[str, pd.DataFrame]
Rule = Callable[[Tables], list[Problem]]

EVIDENCE_TABLES = {
    "interview_findings": "finding_id",
    "interview_quotes": "quote_id",
    "interview_themes": "theme_id",
    "stated_figures": "figure_id",
    "foi_rounds": "round_id",
}


def at(table: str, row: pd.Series, field: str, code: str, found: Any, expected: str, note: str = "") -> Problem:
    """Make a problem about one cell of a table's row."""
    return Problem(code, f"{DATA_DIR}/{table}.csv", int(row[LINE]), field, str(found), expected, note)


def percent_half_up(part: int, whole: int) -> int:
    """Return 100·part/whole rounded half up to a whole number, in exact integer arithmetic."""
    return (200 * part + whole) // (2 * whole)


def charged_not_above_recorded(t: Tables) -> list[Problem]:
    """A force cannot charge more offences than it recorded."""
    counts = t["foi_force_counts"]
    bad = counts[counts["charged_summonsed"] > counts["recorded_offences"]]
    return [
        at("foi_force_counts", r, "charged_summonsed", "charged-exceeds-recorded", r["charged_summonsed"],
           f"at most {r['recorded_offences']} (the recorded offences on this row)")
        for _, r in bad.iterrows()
    ]


def rounded_percent(table: str, row: pd.Series, field: str, part: int, whole: int) -> list[Problem]:
    """Check a published whole-number percentage against part/whole rounded half up."""
    if whole == 0 or part > whole:
        return []
    share = percent_half_up(part, whole)
    if share == row[field]:
        return []
    return [at(table, row, field, "rate-mismatch", row[field], f"{share} ({part} of {whole}, rounded)")]


def published_rates_match(t: Tables) -> list[Problem]:
    """Each force's published rate must equal its counts' rate rounded half up."""
    problems = []
    for _, r in t["foi_force_counts"].iterrows():
        problems += rounded_percent("foi_force_counts", r, "published_rate_percent",
                                    int(r["charged_summonsed"]), int(r["recorded_offences"]))
    return problems


def outcome_shares_match(t: Tables) -> list[Problem]:
    """Each outcome's published share must equal its offences over the round's stated total, rounded."""
    totals = t["foi_rounds"].set_index("round_id")["stated_recorded_total"]
    problems = []
    for _, o in t["foi_outcome_totals"].iterrows():
        problems += rounded_percent("foi_outcome_totals", o, "published_percent",
                                    int(o["offences"]), int(totals[o["round_id"]]))
    return problems


def round_totals(t: Tables) -> list[Problem]:
    """Force counts and outcome rows must add up to the totals each round's source states."""
    counts, outcomes = t["foi_force_counts"], t["foi_outcome_totals"]
    problems = []
    for _, rnd in t["foi_rounds"].iterrows():
        rid = rnd["round_id"]
        offences = offences_tally(counts, rid)
        outs = outcomes[outcomes["round_id"] == rid]
        checks = [
            ("stated_recorded_total", offences.recorded,
             "the recorded offences of the forces in data/foi_force_counts.csv do not add up to the stated total"),
            ("stated_charged_total", offences.charged,
             "the charged/summonsed offences of the forces in data/foi_force_counts.csv do not add up to the stated total"),
            ("stated_recorded_total", int(outs["offences"].sum()),
             "the outcome rows in data/foi_outcome_totals.csv do not add up to the stated total"),
        ]
        type1 = outs[outs["outcome_id"] == "1"]
        if len(type1):
            checks.append(("stated_charged_total", int(type1["offences"].iloc[0]),
                           "outcome type 1 in data/foi_outcome_totals.csv differs from the stated charged total"))
        for field, found, note in checks:
            if found != rnd[field]:
                problems.append(at("foi_rounds", rnd, field, "total-mismatch", found,
                                   f"{rnd[field]:,} as the source states", note))
    return problems


def round_force_counts(t: Tables) -> list[Problem]:
    """Each round's forces asked, responded and included must match its stated numbers and its counts."""
    responses, counts = t["foi_responses"], t["foi_force_counts"]
    problems = []
    for _, rnd in t["foi_rounds"].iterrows():
        rid = rnd["round_id"]
        resp = responses[responses["round_id"] == rid]
        tally = forces_tally(responses, rid)
        found = {
            "forces_asked": (tally.asked, "forces listed in data/foi_responses.csv"),
            "forces_responded": (tally.responded, "forces that provided data in data/foi_responses.csv"),
            "forces_included": (tally.included, "forces included in data/foi_responses.csv"),
        }
        for field, (n, what) in found.items():
            if n != rnd[field]:
                problems.append(at("foi_rounds", rnd, field, "count-mismatch", n, f"{rnd[field]} as the source states",
                                   f"the number of {what} differs from the stated number"))
        with_counts = set(counts.loc[counts["round_id"] == rid, "force_id"])
        for _, r in resp[resp["included"] & ~resp["force_id"].isin(with_counts)].iterrows():
            problems.append(at("foi_responses", r, "included", "count-mismatch", "yes", "a row for this force in data/foi_force_counts.csv",
                               "the force is included but has no counts"))
        included = set(resp.loc[resp["included"], "force_id"])
        for _, r in counts[(counts["round_id"] == rid) & ~counts["force_id"].isin(included)].iterrows():
            problems.append(at("foi_force_counts", r, "force_id", "count-mismatch", r["force_id"],
                               "a force marked included in data/foi_responses.csv", "the force has counts but is not included"))
    return problems


def included_only_with_data(t: Tables) -> list[Problem]:
    """A force that provided no data cannot be included in the analysis."""
    responses = t["foi_responses"]
    bad = responses[(responses["data_provided"] == "no") & responses["included"]]
    return [at("foi_responses", r, "included", "included-without-data", "yes", "no, since data_provided is no")
            for _, r in bad.iterrows()]


def group_sums(t: Tables) -> list[Problem]:
    """Interview subgroups must add up to their parent group, and recruitment routes to their group."""
    groups, recruitment = t["interview_groups"], t["interview_recruitment"]
    problems = []
    for _, g in groups.iterrows():
        children = groups[groups["parent_group_id"] == g["group_id"]]
        if len(children) and children["participants"].sum() != g["participants"]:
            problems.append(at("interview_groups", g, "participants", "count-mismatch", g["participants"],
                               f"{children['participants'].sum()}, the sum of its subgroups",
                               "the group's size differs from the sum of its subgroups"))
        routes = recruitment[recruitment["group_id"] == g["group_id"]]
        if len(routes) and routes["participants"].sum() != g["participants"]:
            problems.append(at("interview_groups", g, "participants", "count-mismatch", g["participants"],
                               f"{routes['participants'].sum()}, the sum of its routes in data/interview_recruitment.csv",
                               "the group's size differs from the sum of its recruitment routes"))
    return problems


def finding_denominators(t: Tables) -> list[Problem]:
    """A finding's count cannot exceed its denominator, nor its denominator the group's size."""
    sizes = t["interview_groups"].set_index("group_id")["participants"]
    problems = []
    for _, f in t["interview_findings"].iterrows():
        unknown = f["denominator_basis"] == "not-stated"
        if unknown != pd.isna(f["denominator"]):
            expected = "empty, since the basis is not-stated" if unknown else "a number (it is empty only when the basis is not-stated)"
            found = "" if pd.isna(f["denominator"]) else f["denominator"]
            problems.append(at("interview_findings", f, "denominator", "denominator-basis", found, expected))
            continue
        if unknown:
            continue
        if f["count"] > f["denominator"]:
            problems.append(at("interview_findings", f, "count", "count-exceeds-denominator", f["count"],
                               f"at most {f['denominator']} (the denominator on this row)"))
        size = sizes.get(f["group_id"])
        if size is None:
            continue
        if f["denominator_basis"] == "group-size" and f["denominator"] != size:
            problems.append(at("interview_findings", f, "denominator", "count-mismatch", f["denominator"],
                               f"{size}, the size of group {f['group_id']}", "the denominator is said to be the group's size but differs from it"))
        elif f["denominator"] > size:
            problems.append(at("interview_findings", f, "denominator", "count-mismatch", f["denominator"],
                               f"at most {size}, the size of group {f['group_id']}", "the denominator is larger than its group"))
    return problems


# The present tense of the verbs a summary would use to state the law of the time as if it stood now.
PRESENT_TENSE = re.compile(r"\b(is|are|isn’t|aren’t|isn't|aren't|falls?|requires?|carries|does|doesn’t|doesn't|has|have)\b",
                           re.IGNORECASE)


def summaries_in_past_tense(t: Tables) -> list[Problem]:
    """Theme summaries tell what the 2016/17 interviews found, about the law of then: no present tense."""
    problems = []
    for _, theme in t["interview_themes"].iterrows():
        verbs = sorted({m.group(0).lower() for m in PRESENT_TENSE.finditer(str(theme["summary"]))})
        if verbs:
            problems.append(at("interview_themes", theme, "summary", "present-tense-law", ", ".join(verbs),
                               "the past tense (was, were, fell, required, carried, had)"))
    return problems


def list_references(t: Tables) -> list[Problem]:
    """Every id in a ';'-separated list must exist: sources in the registry, evidence in its tables."""
    sources = set(t["sources"]["source_id"])
    evidence: set[str] = set()
    for table, key in EVIDENCE_TABLES.items():
        evidence |= set(t[table][key])
    checks = [
        ("outcome_types", "source_ids", sources, "a source_id listed in data/sources.csv"),
        ("recommendations", "recommended_by", sources, "a source_id listed in data/sources.csv"),
        ("recommendations", "law_source_ids", sources, "a source_id listed in data/sources.csv"),
        ("recommendations", "evidence_ids", evidence,
         "an id from " + ", ".join(f"data/{name}.csv" for name in EVIDENCE_TABLES)),
    ]
    problems = []
    for table, field, known, expected in checks:
        for _, r in t[table].iterrows():
            problems += [at(table, r, field, "unknown-reference", i, expected) for i in id_list(r[field]) if i not in known]
    return problems


def law_status_sourced(t: Tables) -> list[Problem]:
    """A recommendation whose legal status was assessed must name the sources of that status."""
    recs = t["recommendations"]
    bad = recs[(recs["law_status"] != "not-assessed") & recs["law_source_ids"].isna()]
    return [at("recommendations", r, "law_source_ids", "missing-law-sources", "", "one or more source ids") for _, r in bad.iterrows()]


def checked_when_assessed(t: Tables) -> list[Problem]:
    """A legal status the research assessed (or describes with sources) has the date it was checked; none else."""
    recs = t["recommendations"]
    assessed = (recs["law_status"] != "not-assessed") | recs["law_source_ids"].notna()
    missing = recs[assessed & recs["checked"].isna()]
    extra = recs[~assessed & recs["checked"].notna()]
    return ([at("recommendations", r, "checked", "required", "", "the month the legal status was checked (YYYY-MM)")
             for _, r in missing.iterrows()]
            + [at("recommendations", r, "checked", "checked-not-assessed", r["checked"], "empty") for _, r in extra.iterrows()])


RULES: list[tuple[tuple[str, ...], Rule]] = [
    (("foi_force_counts",), charged_not_above_recorded),
    (("foi_force_counts",), published_rates_match),
    (("foi_rounds", "foi_outcome_totals"), outcome_shares_match),
    (("foi_rounds", "foi_force_counts", "foi_outcome_totals"), round_totals),
    (("foi_rounds", "foi_responses", "foi_force_counts"), round_force_counts),
    (("foi_responses",), included_only_with_data),
    (("interview_groups", "interview_recruitment"), group_sums),
    (("interview_groups", "interview_findings"), finding_denominators),
    (("sources", "outcome_types", "recommendations", *EVIDENCE_TABLES), list_references),
    (("recommendations",), law_status_sourced),
    (("recommendations",), checked_when_assessed),
    (("interview_themes",), summaries_in_past_tense),
]


def descriptor_source_ids(descriptor: dict[str, Any], sources: pd.DataFrame) -> list[Problem]:
    """Every resource's provenance in datapackage.json must name a source in the registry."""
    known = set(sources["source_id"])
    problems = []
    for i, res in enumerate(descriptor.get("resources", [])):
        listed = res.get("sources") if isinstance(res, dict) else None
        for j, src in enumerate(listed if isinstance(listed, list) else []):
            found = src.get("id") if isinstance(src, dict) else None
            if found not in known:
                problems.append(Problem("unknown-reference", f"{DATA_DIR}/datapackage.json", 1,
                                        f"resources[{i}].sources[{j}].id", str(found or ""),
                                        "a source_id listed in data/sources.csv"))
    return problems
