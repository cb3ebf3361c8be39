"""The figures the report quotes, computed from the evidence (pure functions of the tables)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import stats
from .evidence import Evidence
from .tally import forces_tally, offences_tally


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


def force_counts(ev: Evidence, round_id: str) -> pd.DataFrame:
    """Return one round's force counts with force names, rates, intervals and funnel positions."""
    counts = ev["foi_force_counts"].query("round_id == @round_id")
    named = counts.merge(ev["forces"], on="force_id", how="left")
    return stats.force_rates(named).sort_values(["rate", "short_name"], ascending=[False, True]).reset_index(drop=True)


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


def status_counts(ev: Evidence) -> pd.Series:
    """Count recommendations by legal status, in a fixed order."""
    order = ["in-force", "partly", "not-adopted", "unconfirmed", "not-assessed"]
    return ev["recommendations"]["law_status"].value_counts().reindex(order, fill_value=0)


def checked_month(ev: Evidence) -> str:
    """Return when the legal status was last checked, as 'November 2026' (or the date as recorded)."""
    latest = str(ev["recommendations"]["checked"].max())
    try:
        return pd.to_datetime(latest, format="%Y-%m").strftime("%B %Y")
    except ValueError:
        return pd.to_datetime(latest, format="%Y-%m-%d").strftime("%-d %B %Y")


def theme(ev: Evidence, theme_id: str) -> pd.Series:
    """Return one interview theme by id."""
    return ev["interview_themes"].set_index("theme_id").loc[theme_id]
