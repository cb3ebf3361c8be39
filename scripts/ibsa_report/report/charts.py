"""The report's charts: each a tidy frame of exactly what is plotted (pure), drawn by the chart helper.

Every number a reader sees in a chart as text (its hover label, its CSV, its data table, its alt text)
is rounded once, by fmt.percent_value, from the counts where there are counts: a chart's frame holds
the rounded percentage it plots and a Label column with the text its hover shows, so plotly never
formats a number itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import pandas as pd

from ibsa_report.analysis import figures, overdispersion
from ibsa_report.report import fmt
from ibsa_report.analysis import stats
from ibsa_report.report.chart import Axes, Chart, Series, chart
from ibsa_report.report.chart_facts import foi_period, Period
from ibsa_report.evidence.frames import Evidence
from ibsa_report.analysis.figures import STATUS_WORDS
from ibsa_report.report.recommendation_text import checked_month

FORCE = "Police force"
RECORDED = "Recorded offences"
CHARGED = "Charged or summonsed"
RATE = "Charge or summons rate (%)"
LABEL = "Label"  # the text a point's hover shows, as the CSV gives it
HOVER = "%{text}<extra></extra>"
CATEGORY_HOVER = "%{y}: %{text}<extra></extra>"
FUNNEL_POINTS = 60
LIMIT_DIGITS = 2  # decimals kept along a control limit, so that its curve draws smoothly


def level_label(level: float) -> str:
    """Name a confidence level: 0.95 -> '95%', 0.998 -> '99.8%'."""
    return f"{100 * level:g}%"


def source_line(ev: Evidence, source_id: str, locator: str) -> str:
    """Name a source document and where in it the figures are: publisher, title, date, locator."""
    src = ev["sources"].set_index("source_id").loc[source_id]
    if pd.isna(src["title"]):
        return f"{src['note'].split('.')[0]} (title, authors and date unknown); {locator}"
    known = [str(v) for v in (src["publisher"], src["title"], src["issued"]) if pd.notna(v)]
    name = ", ".join(known)
    return f"{name}; {locator}"


# Charging -------------------------------------------------------------------------------------------

def force_rate_data(ev: Evidence) -> pd.DataFrame:
    """Each included force's charge rate with its Wilson interval, highest rate first."""
    rates = figures.force_counts(ev, figures.latest_round(ev)["round_id"])
    level = level_label(stats.CONFIDENCE)
    return pd.DataFrame({
        FORCE: rates["short_name"], CHARGED: rates["charged_summonsed"], RECORDED: rates["recorded_offences"],
        RATE: rates["share"].map(fmt.percent_number),
        f"{level} interval, lower (%)": rates["ci_low"].map(fmt.percent_number),
        f"{level} interval, upper (%)": rates["ci_high"].map(fmt.percent_number),
        LABEL: [f"{fmt.percent(share)} ({level} interval {fmt.interval(low, high)})"
                for share, low, high in zip(rates["share"], rates["ci_low"], rates["ci_high"])],
    })


def force_rate_chart(ev: Evidence) -> Chart:
    """Charge rate by force with Wilson intervals."""
    data = force_rate_data(ev)
    level = level_label(stats.CONFIDENCE)
    low, high = f"{level} interval, lower (%)", f"{level} interval, upper (%)"
    lowest, highest = data.iloc[-1], data.iloc[0]
    return chart(
        "chart-force-rates", data,
        [Series("Charge or summons rate", x=RATE, y=FORCE, error=(low, high), text=LABEL)],
        Axes(x_title=RATE, y_title="", horizontal=True, height=140 + 22 * len(data), hover=CATEGORY_HOVER),
        title=f"Charge or summons rate by police force, highest first, with {level} Wilson intervals",
        source=source_line(ev, figures.latest_round(ev)["source_id"], "Table 2"),
        source_id=figures.latest_round(ev)["source_id"], locator="Table 2", period=foi_period(figures.latest_round(ev)),
        alt=(f"Dot plot of the charge or summons rate of each of {len(data)} police forces with its interval. "
             f"Rates run from {row_rate(lowest)} ({lowest[FORCE]}) to {row_rate(highest)} ({highest[FORCE]})."),
    )


def row_rate(row: pd.Series) -> str:
    """Format a force's rate from the counts on its row of a chart's data: '11.5%'."""
    return fmt.percent(Fraction(int(row[CHARGED]), int(row[RECORDED])))


def funnel_grid(low: int, high: int, points: int = FUNNEL_POINTS) -> list[int]:
    """Return sizes spread evenly on a log scale from low to high, as distinct integers."""
    return sorted({int(round(v)) for v in np.geomspace(max(1, low), high, points)})


def funnel_data(ev: Evidence, levels: Sequence[float] = figures.FUNNEL_LEVELS) -> pd.DataFrame:
    """The funnel plot's points: every force, the pooled rate and each control limit along the grid.

    The limits are widened for overdispersion: p0 ± z·√(p0(1 − p0)/n + τ̂²), with τ̂² estimated from
    the forces themselves (analysis/overdispersion.py).
    """
    rates = figures.force_counts(ev, figures.latest_round(ev)["round_id"])
    tau2 = figures.funnel_dispersion(ev).tau2
    pooled = Fraction(int(rates["charged_summonsed"].sum()), int(rates["recorded_offences"].sum()))
    p0 = float(pooled)
    grid = funnel_grid(int(rates["recorded_offences"].min() * 0.8), int(rates["recorded_offences"].max() * 1.25))
    rows = [{"Series": FORCE, FORCE: r.short_name, RECORDED: r.recorded_offences, CHARGED: r.charged_summonsed,
             RATE: fmt.percent_number(r.share),
             LABEL: f"{r.short_name}: {fmt.percent(r.share)} ({fmt.of(r.charged_summonsed, r.recorded_offences)} "
                    "offences)"} for r in rates.itertuples()]
    rows += [{"Series": "Pooled rate", RECORDED: n, RATE: fmt.percent_number(pooled),
              LABEL: f"Pooled rate: {fmt.percent(pooled)}"} for n in (grid[0], grid[-1])]
    for level in levels:
        limits = [overdispersion.limits(p0, n, tau2, (level,))[level] for n in grid]
        for side, index in (("lower", 0), ("upper", 1)):
            name = f"{level_label(level)} limit, {side}"
            rows += [{"Series": name, RECORDED: n, RATE: fmt.percent_number(lim[index], LIMIT_DIGITS),
                      LABEL: f"{name}: {fmt.percent(lim[index], LIMIT_DIGITS)} at {offences(n)}"}
                     for n, lim in zip(grid, limits)]
    return pd.DataFrame(rows, columns=["Series", FORCE, RECORDED, CHARGED, RATE, LABEL]).astype(
        {CHARGED: "Int64"})


def offences(n: int) -> str:
    """Write a number of offences: '1 offence', '1,347 offences'."""
    return f"{fmt.count(n)} offence{'' if n == 1 else 's'}"


def funnel(ev: Evidence, levels: Sequence[float] = figures.FUNNEL_LEVELS) -> Chart:
    """Funnel plot of charge rate against recorded offences, with limits widened for overdispersion."""
    data = funnel_data(ev, levels)
    series = [Series(FORCE, x=RECORDED, y=RATE, where=("Series", FORCE), text=LABEL, colour="#1b4f72"),
              Series("Pooled rate", x=RECORDED, y=RATE, kind="line", where=("Series", "Pooled rate"),
                     colour="#1a1a1a", text=LABEL)]
    for level, dash, colour in zip(levels, ("dash", "dot"), ("#c0392b", "#7f8c8d")):
        for side in ("lower", "upper"):
            name = f"{level_label(level)} limit, {side}"
            series.append(Series(f"{level_label(level)} limits", x=RECORDED, y=RATE, kind="line",
                                 where=("Series", name), colour=colour, dash=dash, legend=side == "lower",
                                 text=LABEL))
    points = data[data["Series"] == FORCE]
    outside = figures.outside_funnel(ev, levels[-1])
    return chart(
        "chart-funnel", data, series,
        Axes(x_title=f"{RECORDED} (log scale)", y_title=RATE, x_log=True, height=460, hover=HOVER),
        title=(f"Funnel plot: charge or summons rate against offences recorded, with "
                 f"{' and '.join(level_label(v) for v in levels)} control limits around the pooled rate, "
                 "widened for the variation between forces"),
        source=source_line(ev, figures.latest_round(ev)["source_id"], "Table 2; limits computed by this report"),
        source_id=figures.latest_round(ev)["source_id"], locator="Table 2; limits computed by this report",
        period=foi_period(figures.latest_round(ev)),
        alt=(f"Funnel plot of {len(points)} police forces. The pooled rate is {fmt.percent(figures.pooled(ev))}, "
             "and the control limits allow for chance and for the variation between forces. Outside the "
             f"{level_label(levels[-1])} limits: {figures.names(outside['short_name'])}."),
    )


def outcome_data(ev: Evidence) -> pd.DataFrame:
    """Recorded offences by outcome type, with each type's share of all outcomes."""
    totals = figures.outcome_totals(ev)
    shares = [Fraction(int(k), int(totals["offences"].sum())) for k in totals["offences"]]
    return pd.DataFrame({
        "Outcome type": totals["outcome_id"],
        "Outcome": totals["label"],
        "Offences": totals["offences"],
        "Share of outcomes (%)": [fmt.percent_number(share) for share in shares],
        LABEL: [f"{fmt.percent(share)} ({fmt.count(k)} offences)" for share, k in zip(shares, totals["offences"])],
    }).reset_index(drop=True)


def outcomes(ev: Evidence, chart_id: str = "chart-outcomes") -> Chart:
    """Share of recorded offences by outcome type (the landing page shows it too, under its own id)."""
    data = outcome_data(ev)
    top = data.sort_values("Offences").iloc[-1]
    return chart(
        chart_id, data,
        [Series("Share of outcomes", x="Share of outcomes (%)", y="Outcome", kind="bar", text=LABEL)],
        Axes(x_title="Share of outcomes (%)", y_title="", horizontal=True, height=120 + 55 * len(data), wrap=30,
             hover=CATEGORY_HOVER),
        title="Outcomes of the intimate image offences recorded by the included forces",
        source=source_line(ev, figures.latest_round(ev)["source_id"], "Table 3"),
        source_id=figures.latest_round(ev)["source_id"], locator="Table 3", period=foi_period(figures.latest_round(ev)),
        alt=(f"Bar chart of {len(data)} outcome groups. The largest is “{top['Outcome']}”, "
             f"{fmt.percent(Fraction(int(top['Offences']), int(data['Offences'].sum())))} of outcomes."),
    )


# Interviews -----------------------------------------------------------------------------------------

def findings_data(ev: Evidence, theme_ids: Sequence[str]) -> pd.DataFrame:
    """Interview findings of the given themes as count and denominator, in the themes' order."""
    found = ev["interview_findings"]
    found = pd.concat([found[found["theme_id"] == t] for t in theme_ids])
    groups = ev["interview_groups"].set_index("group_id")["label"]
    return pd.DataFrame({
        "Finding": found["statement"], "Group": found["group_id"].map(groups),
        "Interviewees": found["count"], "Out of": found["denominator"],
        "Denominator": found["denominator_basis"],
    }).reset_index(drop=True)


def findings(ev: Evidence, chart_id: str, theme_ids: Sequence[str], title: str) -> Chart:
    """Bars of how many interviewees said something, against how many it was out of."""
    data = findings_data(ev, theme_ids)
    said = "; ".join(f"{fmt.of(r['Interviewees'], r['Out of'])}: {r['Finding']}" for _, r in data.iterrows())
    return chart(
        chart_id, data,
        [Series("Out of", x="Out of", y="Finding", kind="bar", colour="#d5dbdb"),
         Series("Interviewees", x="Interviewees", y="Finding", kind="bar", colour="#1b4f72")],
        Axes(x_title="Interviewees", y_title="", horizontal=True, barmode="overlay", wrap=34,
             height=140 + 62 * len(data), hover="%{y}: %{x}<extra>%{fullData.name}</extra>"),
        title=title,
        source=source_line(ev, "interviews-article", "counts as reported in the article; see the table for "
                                                     "how each denominator was found"),
        source_id="interviews-article", locator="counts as reported in the article",
        period=Period(figures.interview_period(ev)),
        alt=f"Bar chart of interview findings, each count against the number it is out of: {said}.",
    )


def law_findings(ev: Evidence) -> Chart:
    """Interviewees on the definition of sexual images and on intent."""
    return findings(ev, "chart-findings-law", ["theme-definition", "theme-intent"],
                    "Interviewees on the definition of sexual images and on intent, each count against the number "
                    "it is out of")


def police_findings(ev: Evidence) -> Chart:
    """Interviewees on the police response: the Victims' Code, communication, victim-blaming, officer gender."""
    return findings(ev, "chart-findings-police",
                    ["theme-victims-code", "theme-communication", "theme-victim-blaming", "theme-officer-gender"],
                    "Interviewees on the police response, each count against the number it is out of (a whole group, "
                    "the victims who reported, or those who spoke of it)")


def training_findings(ev: Evidence) -> Chart:
    """Interviewees who said whom training should be aimed at."""
    return findings(ev, "chart-findings-training", ["theme-training"],
                    "Interviewees who said training should be aimed at frontline officers and call centre staff, "
                    "out of their group")


# Recommendations ------------------------------------------------------------------------------------

def status_data(ev: Evidence) -> pd.DataFrame:
    """Recommendations counted by legal status and area, statuses in a fixed order; a status none has is left out.

    A bar of zero would read as a finding ("not adopted: 0") where the research found parts not adopted.
    """
    recs = ev["recommendations"]
    present = [status for status in STATUS_WORDS if (recs["law_status"] == status).any()]
    rows = [{"Status": STATUS_WORDS[status], "Area": area.capitalize(),
             "Recommendations": int(((recs["law_status"] == status) & (recs["area"] == area)).sum())}
            for area in sorted(recs["area"].unique()) for status in present]
    return pd.DataFrame(rows)


def status(ev: Evidence) -> Chart:
    """Stacked bars: how many recommendations are in force, partly adopted, and so on."""
    data = status_data(ev)
    areas = list(dict.fromkeys(data["Area"]))
    counts = figures.status_counts(ev)
    return chart(
        "chart-status", data,
        [Series(area, x="Recommendations", y="Status", kind="bar", where=("Area", area)) for area in areas],
        Axes(x_title="Recommendations", y_title="", horizontal=True, barmode="stack", height=320,
             hover="%{y}: %{x}<extra>%{fullData.name}</extra>"),
        title=f"Recommendations by where they stand now (checked {checked_month(ev)})",
        period=Period(f"the law as checked in {checked_month(ev)}"),
        source="the recommendations in the interview article, Refuge’s blog and the Revenge Porn Helpline’s article "
               "(parts of two also made by the Commons Women and Equalities Committee); legal status from this "
               "report’s research (see the tracker table for each source)",
        alt="Stacked bar chart of recommendations by status: " +
            "; ".join(f"{STATUS_WORDS[s]}, {int(n)}" for s, n in counts.items() if n > 0) + ".",
    )
