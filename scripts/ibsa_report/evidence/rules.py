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
from ibsa_report.evidence.tally import forces_tallies, offences_tallies

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


def percent_half_up(part: Any, whole: Any) -> Any:
    """Return 100·part/whole rounded half up to a whole number, in exact integer arithmetic (numbers or Series)."""
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


def rate_mismatches(table: str, rows: pd.DataFrame, field: str, part: pd.Series, whole: pd.Series) -> list[Problem]:
    """Check each row's published whole-number percentage against part/whole rounded half up (rows where part <= whole > 0)."""
    part, whole = part.astype("int64"), whole.astype("int64")
    checked = (whole > 0) & (part <= whole)
    share = percent_half_up(part, whole.where(checked, 1))
    bad = checked & (share != rows[field])
    return [at(table, r, field, "rate-mismatch", r[field], f"{s} ({p} of {w}, rounded)")
            for (_, r), s, p, w in zip(rows[bad].iterrows(), share[bad], part[bad], whole[bad])]


def published_rates_match(t: Tables) -> list[Problem]:
    """Each force's published rate must equal its counts' rate rounded half up."""
    counts = t["foi_force_counts"]
    return rate_mismatches("foi_force_counts", counts, "published_rate_percent",
                           counts["charged_summonsed"], counts["recorded_offences"])


def outcome_shares_match(t: Tables) -> list[Problem]:
    """Each outcome's published share must equal its offences over the round's stated total, rounded."""
    totals = t["foi_rounds"].set_index("round_id")["stated_recorded_total"]
    outcomes = t["foi_outcome_totals"]
    return rate_mismatches("foi_outcome_totals", outcomes, "published_percent",
                           outcomes["offences"], outcomes["round_id"].map(totals))


def mismatches(rounds: pd.DataFrame, field: str, found: pd.Series, code: str, expected: str, note: str) -> list[Problem]:
    """Report each round whose stated field differs from what its rows give (found, by round_id; a missing round is skipped)."""
    found = rounds["round_id"].map(found)
    bad = found.notna() & (found != rounds[field])
    return [at("foi_rounds", rnd, field, code, int(n), expected.format(rnd[field]), note)
            for (_, rnd), n in zip(rounds[bad].iterrows(), found[bad])]


def round_totals(t: Tables) -> list[Problem]:
    """Force counts and outcome rows must add up to the totals each round's source states."""
    rounds, outcomes = t["foi_rounds"], t["foi_outcome_totals"]
    offences = offences_tallies(t["foi_force_counts"])
    type1 = outcomes[outcomes["outcome_id"] == "1"].drop_duplicates("round_id").set_index("round_id")["offences"]
    checks = [
        ("stated_recorded_total", offences["recorded"].reindex(rounds["round_id"], fill_value=0),
         "the recorded offences of the forces in data/foi_force_counts.csv do not add up to the stated total"),
        ("stated_charged_total", offences["charged"].reindex(rounds["round_id"], fill_value=0),
         "the charged/summonsed offences of the forces in data/foi_force_counts.csv do not add up to the stated total"),
        ("stated_recorded_total", outcomes.groupby("round_id")["offences"].sum().reindex(rounds["round_id"], fill_value=0),
         "the outcome rows in data/foi_outcome_totals.csv do not add up to the stated total"),
        ("stated_charged_total", type1,
         "outcome type 1 in data/foi_outcome_totals.csv differs from the stated charged total"),
    ]
    return [p for field, found, note in checks
            for p in mismatches(rounds, field, found, "total-mismatch", "{:,} as the source states", note)]


def without_match(rows: pd.DataFrame, others: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Return the rows whose keys appear in no row of others (an anti-join)."""
    return rows[~pd.MultiIndex.from_frame(rows[keys]).isin(pd.MultiIndex.from_frame(others[keys]))]


def round_force_counts(t: Tables) -> list[Problem]:
    """Each round's forces asked, responded and included must match its stated numbers and its counts."""
    rounds, responses, counts = t["foi_rounds"], t["foi_responses"], t["foi_force_counts"]
    tallies = forces_tallies(responses).reindex(rounds["round_id"], fill_value=0)
    found = {
        "forces_asked": (tallies["asked"], "forces listed in data/foi_responses.csv"),
        "forces_responded": (tallies["responded"], "forces that provided data in data/foi_responses.csv"),
        "forces_included": (tallies["included"], "forces included in data/foi_responses.csv"),
    }
    problems = [p for field, (n, what) in found.items()
                for p in mismatches(rounds, field, n, "count-mismatch", "{} as the source states",
                                    f"the number of {what} differs from the stated number")]
    keys = ["round_id", "force_id"]
    known = responses["round_id"].isin(rounds["round_id"])
    included = responses[known & responses["included"]]
    for _, r in without_match(included, counts, keys).iterrows():
        problems.append(at("foi_responses", r, "included", "count-mismatch", "yes", "a row for this force in data/foi_force_counts.csv",
                           "the force is included but has no counts"))
    for _, r in without_match(counts[counts["round_id"].isin(rounds["round_id"])], included, keys).iterrows():
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
    sums = [
        (groups.groupby("parent_group_id")["participants"].sum(), "the sum of its subgroups",
         "the group's size differs from the sum of its subgroups"),
        (recruitment.groupby("group_id")["participants"].sum(), "the sum of its routes in data/interview_recruitment.csv",
         "the group's size differs from the sum of its recruitment routes"),
    ]
    problems = []
    for by_group, what, note in sums:
        found = groups["group_id"].map(by_group)
        bad = found.notna() & (found != groups["participants"])
        problems += [at("interview_groups", g, "participants", "count-mismatch", g["participants"], f"{int(n)}, {what}", note)
                     for (_, g), n in zip(groups[bad].iterrows(), found[bad])]
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
