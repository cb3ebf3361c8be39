"""The figures the report quotes, computed from the evidence (pure functions of the tables)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from ibsa_report.analysis import overdispersion, stats
from ibsa_report.evidence.frames import Evidence
from ibsa_report.evidence.tally import forces_tally, offences_tally


@dataclass(frozen=True)
class Charging:
    """Headline charging figures for one FOI round."""

    round_id: str
    period_start: pd.Timestamp
    period_end: pd.Timestamp
    requester: str
    forces_asked: int
    forces_responded: int
    forces_included: int
    recorded: int
    charged: int
    rate: float
    ci_low: float
    ci_high: float


def latest_round(ev: Evidence) -> pd.Series:
    """Return the FOI round with the latest period end."""
    return ev["foi_rounds"].sort_values(["period_end", "round_id"]).iloc[-1]


def charging(ev: Evidence, round_id: str | None = None) -> Charging:
    """Compute the headline charging figures of a round (the latest by default)."""
    rnd = latest_round(ev) if round_id is None else ev["foi_rounds"].set_index("round_id", drop=False).loc[round_id]
    forces = forces_tally(ev["foi_responses"], rnd["round_id"])
    offences = offences_tally(ev["foi_force_counts"], rnd["round_id"])
    low, high = stats.wilson_interval(offences.charged, offences.recorded)
    return Charging(
        round_id=rnd["round_id"], period_start=rnd["period_start"], period_end=rnd["period_end"],
        requester=rnd["requester"], forces_asked=forces.asked, forces_responded=forces.responded,
        forces_included=forces.included, recorded=offences.recorded, charged=offences.charged,
        rate=stats.rate(offences.charged, offences.recorded), ci_low=low, ci_high=high,
    )


FUNNEL_LEVELS = (0.95, 0.998)


def force_counts(ev: Evidence, round_id: str) -> pd.DataFrame:
    """Return one round's force counts with force names, rates, intervals and funnel positions.

    ``share`` is the rate as an exact Fraction of the counts, for the one rounding that shows it
    (fmt.percent_value); ``rate`` is the same as a float. ``position_<level>`` is relative to the
    exact binomial limits, which allow for chance alone; ``adjusted_position_<level>`` to the limits
    widened for overdispersion, which the funnel plot draws.
    """
    counts = ev["foi_force_counts"].query("round_id == @round_id")
    named = counts.merge(ev["forces"], on="force_id", how="left")
    rated = stats.with_rates_and_positions(named, levels=FUNNEL_LEVELS)
    ks, ns = [int(k) for k in rated["charged_summonsed"]], [int(n) for n in rated["recorded_offences"]]
    for level in FUNNEL_LEVELS:
        rated[f"adjusted_position_{stats.level_suffix(level)}"] = overdispersion.positions(ks, ns, level)
    rated["share"] = [Fraction(k, n) for k, n in zip(ks, ns)]
    return rated.sort_values(["rate", "short_name"], ascending=[False, True]).reset_index(drop=True)


def outside_funnel(ev: Evidence, level: float = FUNNEL_LEVELS[-1], *, adjusted: bool = True) -> pd.DataFrame:
    """Return the latest round's forces outside the funnel limits at level, with their position.

    By default the limits are those widened for overdispersion, which the funnel plot draws;
    ``adjusted=False`` takes the exact binomial limits, which allow for chance alone.
    """
    counts = force_counts(ev, latest_round(ev)["round_id"])
    prefix = "adjusted_position" if adjusted else "position"
    position = counts[f"{prefix}_{stats.level_suffix(level)}"]
    return counts[position != "inside"].assign(position=position[position != "inside"])


def funnel_dispersion(ev: Evidence) -> overdispersion.Overdispersion:
    """Test the latest round's forces for overdispersion around their pooled rate, and estimate φ̂ and τ̂²."""
    rnd = latest_round(ev)["round_id"]
    counts = ev["foi_force_counts"].query("round_id == @rnd")
    return overdispersion.estimate(list(counts["charged_summonsed"]), list(counts["recorded_offences"]))


def beyond_chance(od: overdispersion.Overdispersion) -> bool:
    """Tell whether the test finds more variation than chance would give, at 1 − CONFIDENCE (p < 0.05)."""
    return od.p_value < 1.0 - stats.CONFIDENCE


def chance_words(od: overdispersion.Overdispersion) -> str:
    """Say how the units vary against chance, as the test finds: 'more than chance explains' or 'no more …'."""
    return "more than chance explains" if beyond_chance(od) else "no more than chance explains"


def one_in(level: float) -> int:
    """Return how many units it takes for one to lie outside the limits at level by chance: 0.95 -> 20."""
    return round(1.0 / (1.0 - level))


def pooled(ev: Evidence) -> float:
    """Return the pooled charge rate of the latest round's included forces."""
    counts = force_counts(ev, latest_round(ev)["round_id"])
    return stats.pooled_rate(list(counts["charged_summonsed"]), list(counts["recorded_offences"]))


@dataclass(frozen=True)
class Sensitivity:
    """How the pooled charge rate moves when the largest forces are left out, and the median force's rate."""

    pooled: float
    largest: list[str]
    without_largest: float
    three_largest: list[str]
    without_three_largest: float
    median_rate: float


def sensitivity(ev: Evidence, round_id: str | None = None) -> Sensitivity:
    """Recompute the pooled rate of a round (the latest by default) without its largest one and three forces."""
    rnd = latest_round(ev)["round_id"] if round_id is None else round_id
    counts = force_counts(ev, rnd).sort_values(["recorded_offences", "short_name"], ascending=[False, True])

    def pooled_after(skip: int) -> float:
        rest = counts.iloc[skip:]
        return stats.pooled_rate(list(rest["charged_summonsed"]), list(rest["recorded_offences"]))

    return Sensitivity(
        pooled=pooled_after(0), largest=list(counts["short_name"].iloc[:1]), without_largest=pooled_after(1),
        three_largest=list(counts["short_name"].iloc[:3]), without_three_largest=pooled_after(3),
        median_rate=float(counts["rate"].median()),
    )


def not_included(ev: Evidence, round_id: str | None = None) -> pd.DataFrame:
    """The forces asked in a round (latest by default) whose data were not analysed, with what they provided."""
    rnd = latest_round(ev)["round_id"] if round_id is None else round_id
    responses = ev["foi_responses"].query("round_id == @rnd and not included")
    return responses.merge(ev["forces"], on="force_id").sort_values("name").reset_index(drop=True)


def outcome_share(ev: Evidence, outcome_id: str) -> float:
    """Return one outcome type's share of the latest round's recorded outcomes."""
    return float(outcome_totals(ev).loc[outcome_id, "share"])


def outcome_share_of(ev: Evidence, outcome_ids: list[str]) -> float:
    """Return several outcome types' combined share of the latest round's recorded outcomes."""
    totals = outcome_totals(ev)
    return float(totals.loc[outcome_ids, "offences"].sum() / totals["offences"].sum())


def outcome_label(ev: Evidence, outcome_id: str) -> str:
    """Return an outcome type's label."""
    return str(ev["outcome_types"].set_index("outcome_id").loc[outcome_id, "label"])


def published_outcome_types(ev: Evidence) -> int:
    """Count the outcome types the latest round gives separately (all but 'other')."""
    return int((outcome_totals(ev)["outcome_id"] != "other").sum())


def names(values: pd.Series) -> str:
    """Join names in prose: 'A', 'A and B', 'A, B and C'; 'none' when empty."""
    items = [str(v) for v in values]
    if not items:
        return "none"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def interview_total(ev: Evidence) -> int:
    """Return the number of interviews (the root group's participants)."""
    groups = ev["interview_groups"]
    return int(groups.loc[groups["parent_group_id"].isna(), "participants"].sum())


def group_size(ev: Evidence, group_id: str) -> int:
    """Return the number of interviewees in a group."""
    return int(ev["interview_groups"].set_index("group_id").loc[group_id, "participants"])


def finding(ev: Evidence, finding_id: str) -> pd.Series:
    """Return one interview finding by id."""
    return ev["interview_findings"].set_index("finding_id").loc[finding_id]


def stated(ev: Evidence, figure_id: str) -> pd.Series:
    """Return one stated figure by id."""
    return ev["stated_figures"].set_index("figure_id").loc[figure_id]


STATUS_WORDS = {
    "in-force": "In force", "partly": "Partly", "guidance": "Guidance only", "not-adopted": "Not adopted",
    "unconfirmed": "Unconfirmed", "not-assessed": "Not assessed",
}


def status_counts(ev: Evidence) -> pd.Series:
    """Count recommendations by legal status, in the order of STATUS_WORDS."""
    return ev["recommendations"]["law_status"].value_counts().reindex(list(STATUS_WORDS), fill_value=0)


# Interviews -----------------------------------------------------------------------------------------

BASIS_WORDS = {"stated": "Stated with the count", "group-size": "The group's size",
               "inferred": "Inferred from the passage", "not-stated": "Not stated by the article"}
INDEPENDENT_OF_HELPLINE = "f-independent-reported"
REPORTED_TO_POLICE = "f-reported-to-police"


def theme(ev: Evidence, theme_id: str) -> pd.Series:
    """Return one interview theme (title, summary, locator) by id."""
    return ev["interview_themes"].set_index("theme_id").loc[theme_id]


def counted(ev: Evidence, finding_id: str) -> tuple[int, int | None]:
    """Return an interview finding's count and the denominator it is out of (None when not stated)."""
    row = finding(ev, finding_id)
    return int(row["count"]), None if pd.isna(row["denominator"]) else int(row["denominator"])


def basis_counts(ev: Evidence) -> pd.Series:
    """Count the interview findings by how their denominator was found: stated, group-size, inferred."""
    return ev["interview_findings"]["denominator_basis"].value_counts().reindex(list(BASIS_WORDS), fill_value=0)


def route_count(ev: Evidence, group_id: str, starts_with: str) -> int:
    """Return how many of a group came by the one recruitment route whose name starts with the words given."""
    routes = ev["interview_recruitment"].query("group_id == @group_id")
    match = routes[routes["route"].str.startswith(starts_with)]
    if len(match) != 1:
        raise ValueError(f"{len(match)} recruitment routes of {group_id!r} start with {starts_with!r}; expected one")
    return int(match["participants"].iloc[0])


@dataclass(frozen=True)
class HelplineSplit:
    """The victims interviewed, split by whether the Revenge Porn Helpline recruited them."""

    victims: int
    independent: int
    via_helpline: int
    reported: int
    reported_independent: int
    reported_via_helpline: int


def helpline_split(ev: Evidence) -> HelplineSplit:
    """Split the victims by recruitment through the helpline, subtracting the article's independent counts."""
    victims = group_size(ev, "victims")
    reported, _ = counted(ev, REPORTED_TO_POLICE)
    reported_independent, independent = counted(ev, INDEPENDENT_OF_HELPLINE)
    return HelplineSplit(victims, independent, victims - independent, reported, reported_independent,
                         reported - reported_independent)


def is_year(word: str) -> bool:
    """Tell whether a word is a year ('2016') or a span of years in the British style ('2016/17')."""
    year, _, end = word.partition("/")
    return len(year) == 4 and year.isdigit() and year[:2] in ("19", "20") and (
        end == "" or (len(end) == 2 and end.isdigit()))


def interview_period(ev: Evidence) -> str:
    """Return when the interviews took place, as the article's note in sources.csv records it ('2016/17')."""
    note = str(ev["sources"].set_index("source_id").loc["interviews-article", "note"])
    years = [word for word in (w.strip("(),.;") for w in note.split()) if is_year(word)]
    if not years:
        raise ValueError("the interviews' date is not in the note of 'interviews-article' in sources.csv")
    return years[0]


# Methods and data -----------------------------------------------------------------------------------

def limited_data(ev: Evidence, round_id: str | None = None) -> pd.DataFrame:
    """Forces that provided limited data in a round (latest by default), included first, with their counts.

    share_of_recorded is the force's recorded offences as a share of all the round's recorded offences
    (missing for a force whose data were not included).
    """
    rnd = latest_round(ev)["round_id"] if round_id is None else round_id
    limited = ev["foi_responses"].query("round_id == @rnd and data_provided == 'limited'")
    counts = ev["foi_force_counts"].query("round_id == @rnd")
    out = (limited.merge(ev["forces"], on="force_id")
           .merge(counts[["force_id", "charged_summonsed", "recorded_offences"]], on="force_id", how="left"))
    out["share_of_recorded"] = out["recorded_offences"] / counts["recorded_offences"].sum()
    return out.sort_values(["included", "name"], ascending=[False, True]).reset_index(drop=True)


def outcome_totals(ev: Evidence, round_id: str | None = None) -> pd.DataFrame:
    """A round's recorded offences by outcome type (latest round by default), with each type's share."""
    rnd = latest_round(ev)["round_id"] if round_id is None else round_id
    totals = ev["foi_outcome_totals"].query("round_id == @rnd").merge(ev["outcome_types"], on="outcome_id")
    shares = stats.outcome_shares(dict(zip(totals["outcome_id"], totals["offences"])))
    return totals.assign(share=totals["outcome_id"].map(shares)).set_index("outcome_id", drop=False)
