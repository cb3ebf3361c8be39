"""The report's charts: each a tidy frame of exactly what is plotted (pure), drawn by the chart helper.

Every number a reader sees in a chart as text (its hover label, its CSV, its data table, its alt text)
is rounded once, by fmt.percent_value, from the counts where there are counts: a chart's frame holds
the rounded percentage it plots and a Label column with the text its hover shows, so plotly never
formats a number itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import pandas as pd

from ibsa_report.analysis import figures, overdispersion
from ibsa_report.report import fmt
from ibsa_report.analysis import stats
from ibsa_report.report.chart import Axes, Chart, Mark, Rule, Series, chart
from ibsa_report.report.chart_facts import foi_period, Period
from ibsa_report.report.force_links import force_links
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
# A force with fewer recorded offences than this has an interval too wide to set a chart's scale by:
# with 30 offences a 95% Wilson interval spans about 20 percentage points at these rates.
ENOUGH_OFFENCES = 30
OFF_SCALE = "▸"  # marks a value or interval drawn at the edge of a rate chart's scale
ABOVE_SCALE = "▲"  # marks a force drawn at the top edge of the funnel plot
LEFT_OF_SCALE = "◂"  # marks a force with too few offences for the funnel plot's scale, named at its left edge


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


def foi_scope(ev: Evidence) -> str:
    """Say whose offences and when, from the latest FOI round: 'the 24 police forces whose data were included, 1 January …'."""
    c = figures.charging(ev)
    return (f"the {fmt.words(c.forces_included)} police forces whose data were included, "
            f"{fmt.date_words(c.period_start)} to {fmt.date_words(c.period_end)}")


def pooled_share(ev: Evidence) -> Fraction:
    """Return the pooled charge rate of the latest round's forces as an exact fraction of their counts."""
    rates = figures.force_counts(ev, figures.latest_round(ev)["round_id"])
    return Fraction(int(rates["charged_summonsed"].sum()), int(rates["recorded_offences"].sum()))


def sentence(text: str) -> str:
    """Capitalise the first letter of a sentence built from words and data."""
    return text[:1].upper() + text[1:]


# Charging -------------------------------------------------------------------------------------------

def _force_rates(ev: Evidence) -> pd.DataFrame:
    """The latest round's force counts in the order the rate chart draws them: most offences recorded first."""
    rates = figures.force_counts(ev, figures.latest_round(ev)["round_id"])
    return rates.sort_values(["recorded_offences", "short_name"], ascending=[False, True]).reset_index(drop=True)


def force_rate_data(ev: Evidence) -> pd.DataFrame:
    """Each included force's charge rate with its Wilson interval, the force with most offences first."""
    rates = _force_rates(ev)
    level = level_label(stats.CONFIDENCE)
    return pd.DataFrame({
        FORCE: rates["short_name"], CHARGED: rates["charged_summonsed"], RECORDED: rates["recorded_offences"],
        RATE: rates["share"].map(fmt.percent_number),
        f"{level} interval, lower (%)": rates["ci_low"].map(fmt.percent_number),
        f"{level} interval, upper (%)": rates["ci_high"].map(fmt.percent_number),
        LABEL: [f"{fmt.percent(share)} ({level} interval {fmt.interval(low, high)})"
                for share, low, high in zip(rates["share"], rates["ci_low"], rates["ci_high"])],
    })


def rate_cap(data: pd.DataFrame) -> float:
    """Return where the rate chart's scale stops: the next whole percent above 105% of the highest upper bound.

    Only forces with at least ENOUGH_OFFENCES recorded offences set it (all forces, if none has that
    many): a force with a handful of offences has an interval that would stretch the scale to include
    rates no force comes near. Such a force's interval is drawn to the edge and marked.
    """
    high = f"{level_label(stats.CONFIDENCE)} interval, upper (%)"
    enough = data[data[RECORDED] >= ENOUGH_OFFENCES]
    return float(math.ceil(1.05 * (enough if len(enough) else data)[high].max()))


def off_scale_marks(ev: Evidence, cap: float) -> list[tuple[pd.Series, str]]:
    """Return each force whose rate or interval runs beyond cap (percent), with the text that gives its true value."""
    marked = []
    for _, r in _force_rates(ev).iterrows():
        if 100 * r["rate"] > cap:
            marked.append((r, f"{fmt.percent(r['share'])}, to {fmt.percent(r['ci_high'])}"))
        elif 100 * r["ci_high"] > cap:
            marked.append((r, f"to {fmt.percent(r['ci_high'])}"))
    return marked


def force_rate_chart(ev: Evidence) -> Chart:
    """Charge rate by force with Wilson intervals, most offences first, around the pooled rate."""
    data = force_rate_data(ev)
    rates = _force_rates(ev)
    level = level_label(stats.CONFIDENCE)
    low, high = f"{level} interval, lower (%)", f"{level} interval, upper (%)"
    lowest = rates.sort_values(["rate", "short_name"]).iloc[0]
    highest = rates.sort_values(["rate", "short_name"], ascending=[False, True]).iloc[0]
    pooled = pooled_share(ev)
    cap = rate_cap(data)
    marked = off_scale_marks(ev, cap)
    marks = tuple(Mark(cap, r["short_name"], f"{text} {OFF_SCALE}", xanchor="right", colour="#1b4f72")
                  for r, text in marked)
    note = (f"Forces are in order of offences recorded, most first. {OFF_SCALE} marks a force whose interval "
            "runs beyond the scale: " + "; ".join(
                f"{r['short_name']}, {fmt.of(r['charged_summonsed'], r['recorded_offences'])} offences charged, "
                f"{level} interval {fmt.interval(r['ci_low'], r['ci_high'])}" for r, _ in marked) + "."
            ) if marked else "Forces are in order of offences recorded, most first."
    return chart(
        "chart-force-rates", data,
        [Series("Charge or summons rate", x=RATE, y=FORCE, error=(low, high), text=LABEL)],
        Axes(x_title="Rate (%)", y_title="", horizontal=True, height=150 + 22 * len(data), hover=CATEGORY_HOVER,
             x_range=(-0.02 * cap, cap), legend=False, marks=marks,
             rules=(Rule("x", fmt.percent_number(pooled), f"All forces: {fmt.percent(pooled)}"),)),
        title=(f"Forces' charge or summons rates ranged from {fmt.percent(lowest['share'])} to "
               f"{fmt.percent(highest['share'])}; across all {fmt.words(len(data))} forces the rate was "
               f"{fmt.percent(pooled)}"),
        subtitle=(f"Share of recorded intimate image offences that led to a charge or summons, with {level} "
                  f"Wilson intervals; {foi_scope(ev)}"),
        note=note,
        source=source_line(ev, figures.latest_round(ev)["source_id"], "Table 2"),
        source_id=figures.latest_round(ev)["source_id"], locator="Table 2", period=foi_period(figures.latest_round(ev)),
        alt=(f"Dot plot of the charge or summons rate of each of {len(data)} police forces with its interval. "
             f"Rates run from {row_rate(lowest)} ({lowest['short_name']}) to {row_rate(highest)} "
             f"({highest['short_name']}); the pooled rate is {fmt.percent(pooled)}."),
        links={FORCE: force_links(rates["force_id"])},
    )


def row_rate(row: pd.Series) -> str:
    """Format a force's rate from the counts on its row: '11.5%'."""
    return fmt.percent(Fraction(int(row["charged_summonsed"]), int(row["recorded_offences"])))


def funnel_grid(low: int, high: int, points: int = FUNNEL_POINTS) -> list[int]:
    """Return sizes spread evenly on a log scale from low to high, as distinct integers."""
    return sorted({int(round(v)) for v in np.geomspace(max(1, low), high, points)})


def funnel_data(ev: Evidence, levels: Sequence[float] = figures.FUNNEL_LEVELS) -> pd.DataFrame:
    """The funnel plot's points: every force, the pooled rate and each control limit along the grid.

    The limits are drawn over the forces' own range of recorded offences, from the smallest force to
    the largest, and are widened for overdispersion: p0 ± z·√(p0(1 − p0)/n + τ̂²), with τ̂² estimated
    from the forces themselves (analysis/overdispersion.py).
    """
    rates = figures.force_counts(ev, figures.latest_round(ev)["round_id"])
    tau2 = figures.funnel_dispersion(ev).tau2
    pooled = pooled_share(ev)
    p0 = float(pooled)
    grid = funnel_grid(int(rates["recorded_offences"].min()), int(rates["recorded_offences"].max()))
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


def funnel_top(points: pd.DataFrame) -> float:
    """Return the top of the funnel plot's scale (percent): 115% of the highest rate among forces with enough offences.

    Forces with fewer than ENOUGH_OFFENCES do not set it (all forces do, if none has that many); one
    of them above it is drawn at the top edge and marked.
    """
    enough = points[points[RECORDED] >= ENOUGH_OFFENCES]
    return 1.15 * float((enough if len(enough) else points)[RATE].max())


def funnel_span(points: pd.DataFrame) -> tuple[float, float]:
    """Return the funnel plot's range of recorded offences: from the smallest force with enough offences to the largest.

    A margin of a quarter each side; a force with fewer than ENOUGH_OFFENCES lies to the left of the
    scale and is named at its edge (all forces set it, if none has that many).
    """
    enough = points[points[RECORDED] >= ENOUGH_OFFENCES]
    return float((enough if len(enough) else points)[RECORDED].min()) / 1.25, float(points[RECORDED].max()) * 1.25


def log_ticks(low: float, high: float) -> tuple[tuple[float, str], ...]:
    """Return ticks at 1, 2 and 5 times a power of ten between low and high, labelled as counts: (200, '200')."""
    powers = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    return tuple((m * 10 ** k, fmt.count(m * 10 ** k)) for k in powers for m in (1, 2, 5) if low <= m * 10 ** k <= high)


def funnel_title(outside: pd.DataFrame, level: float) -> str:
    """Say which forces lie outside the widest limits (none, one or several) and on which side."""
    limits = f"the {level_label(level)} limits"
    above = outside.loc[outside["position"] == "above", "short_name"]
    below = outside.loc[outside["position"] == "below", "short_name"]
    if outside.empty:
        found = f"no force lies outside {limits}"
    elif len(outside) == 1:
        found = f"only {outside['short_name'].iloc[0]} lies outside {limits}, {'above' if len(above) else 'below'} them"
    elif len(above) and len(below):
        found = (f"{fmt.words(len(outside))} forces lie outside {limits}: {figures.names(above)} above them, "
                 f"{figures.names(below)} below")
    else:
        found = (f"{fmt.words(len(outside))} forces lie outside {limits}, all {'above' if len(above) else 'below'} "
                 f"them: {figures.names(outside['short_name'])}")
    return f"Allowing for the variation between forces, {found}"


LIMIT_COLOURS = ("#c0392b", "#5d6d7e")
LIMIT_DASHES = ("dash", "dot")


def point_rate(p: pd.Series) -> str:
    """Format a funnel point's rate from its counts: '11.5%'."""
    return fmt.percent(Fraction(int(p[CHARGED]), int(p[RECORDED])))


def funnel_marks(ev: Evidence, data: pd.DataFrame, levels: Sequence[float], top: float) -> list[Mark]:
    """Name the forces outside the widest limits, each limit and the pooled line at its right end, and any force off the scale."""
    points = data[data["Series"] == FORCE]
    outside = set(figures.outside_funnel(ev, levels[-1])["short_name"])
    left, largest = funnel_span(points)
    middle = math.sqrt(left * largest)
    marks, lefts = [], 0
    for _, p in points.sort_values([RECORDED, FORCE]).iterrows():
        right = p[RECORDED] > middle
        if p[RECORDED] < left:  # several such forces are stacked, one line each
            high = p[RATE] >= top
            marks.append(Mark(left, min(p[RATE], top), f"{LEFT_OF_SCALE} {p[FORCE]}, {point_rate(p)} of "
                              f"{offences(int(p[RECORDED]))}", yanchor="top" if high else "bottom",
                              colour="#1b4f72", xshift=2, yshift=(-16 if high else 16) * lefts))
            lefts += 1
        elif p[RATE] > top:
            marks.append(Mark(p[RECORDED], top, f"{ABOVE_SCALE} {p[FORCE]}, {point_rate(p)}", xanchor="center",
                              yanchor="top", colour="#1b4f72"))
        elif p[FORCE] in outside:
            marks.append(Mark(p[RECORDED], p[RATE], f"{p[FORCE]}, {point_rate(p)}", xanchor="right" if right else "left",
                              xshift=-8 if right else 8, colour="#1b4f72", bold=True))
    ends = data[data[RECORDED] == data.loc[data["Series"] != FORCE, RECORDED].max()]
    for series, text, colour in [("Pooled rate", f"Pooled rate {fmt.percent(pooled_share(ev))}", "#1a1a1a")] + [
            (f"{level_label(v)} limit, upper", f"{level_label(v)} limits", c) for v, c in zip(levels, LIMIT_COLOURS)]:
        end = ends[ends["Series"] == series]
        if len(end) and end[RATE].iloc[0] < top:
            marks.append(Mark(end[RECORDED].iloc[0], end[RATE].iloc[0], text, xanchor="right", yanchor="bottom",
                              colour=colour))
    return marks


def funnel(ev: Evidence, levels: Sequence[float] = figures.FUNNEL_LEVELS) -> Chart:
    """Funnel plot of charge rate against recorded offences, with limits widened for overdispersion."""
    data = funnel_data(ev, levels)
    series = [Series(FORCE, x=RECORDED, y=RATE, where=("Series", FORCE), text=LABEL, colour="#1b4f72"),
              Series("Pooled rate", x=RECORDED, y=RATE, kind="line", where=("Series", "Pooled rate"),
                     colour="#1a1a1a", text=LABEL)]
    for level, dash, colour in zip(levels, LIMIT_DASHES, LIMIT_COLOURS):
        for side in ("lower", "upper"):
            name = f"{level_label(level)} limit, {side}"
            series.append(Series(f"{level_label(level)} limits", x=RECORDED, y=RATE, kind="line",
                                 where=("Series", name), colour=colour, dash=dash, legend=False, text=LABEL))
    points = data[data["Series"] == FORCE]
    outside = figures.outside_funnel(ev, levels[-1])
    top = funnel_top(points)
    left, right = funnel_span(points)
    few = points[points[RECORDED] < left]
    above = points[(points[RATE] > top) & (points[RECORDED] >= left)]
    smallest, largest = int(points[RECORDED].min()), int(points[RECORDED].max())
    note = (f"The horizontal scale is logarithmic; the limits are drawn from the smallest force's count to the "
            f"largest's, from {fmt.count(smallest)} to {offences(largest)}.")
    if len(few):
        note += (f" {LEFT_OF_SCALE} marks a force with too few offences to show on this scale, named at its left "
                 f"edge: " + "; ".join(f"{r[FORCE]}, {fmt.of(int(r[CHARGED]), int(r[RECORDED]))} offences charged"
                                      for _, r in few.iterrows()) + ".")
    if len(above):
        note += (f" {ABOVE_SCALE} marks a force with few offences whose rate lies above the scale: "
                 f"{figures.names(above[FORCE])}.")
    return chart(
        "chart-funnel", data, series,
        Axes(x_title=f"{RECORDED} (log scale)", y_title=RATE, x_log=True, height=460, hover=HOVER,
             x_range=(left, right), y_range=(-0.04 * top, top), legend=False, x_ticks=log_ticks(left, right),
             marks=tuple(funnel_marks(ev, data, levels, top))),
        title=funnel_title(outside, levels[-1]),
        subtitle=(f"Charge or summons rate against offences recorded, with "
                  f"{' and '.join(level_label(v) for v in levels)} control limits around the pooled rate; "
                  f"{foi_scope(ev)}"),
        how_to_read=("Each dot is a police force: further right, more offences recorded; higher up, a larger share "
                     "charged or summonsed. A force between the outer curves is no further from the rate of all "
                     "forces together (the solid line) than chance and the usual differences between forces would "
                     "explain; a force outside them stands out."),
        note=note,
        source=source_line(ev, figures.latest_round(ev)["source_id"], "Table 2; limits computed by this report"),
        source_id=figures.latest_round(ev)["source_id"], locator="Table 2; limits computed by this report",
        period=foi_period(figures.latest_round(ev)),
        alt=(f"Funnel plot of {len(points)} police forces. The pooled rate is {fmt.percent(figures.pooled(ev))}, "
             "and the control limits allow for chance and for the variation between forces. Outside the "
             f"{level_label(levels[-1])} limits: {figures.names(outside['short_name'])}."),
        links={FORCE: force_links(figures.force_counts(ev, figures.latest_round(ev)["round_id"])["force_id"])
               + [None] * (len(data) - len(points))},
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


OUTCOME_WRAP = 32  # characters of a line of a label above its bar: it fits across a 320 px phone


def outcomes(ev: Evidence, chart_id: str = "chart-outcomes") -> Chart:
    """Share of recorded offences by outcome type (the landing page shows it too, under its own id)."""
    data = outcome_data(ev)
    top = data.sort_values("Offences").iloc[-1]
    total = int(data["Offences"].sum())
    share = fmt.percent(Fraction(int(top["Offences"]), total))
    widest = float(data["Share of outcomes (%)"].max())
    return chart(
        chart_id, data,
        [Series("Share of outcomes", x="Share of outcomes (%)", y="Outcome", kind="bar", text=LABEL,
                label="Share of outcomes (%)", unit="%")],
        Axes(x_title="Share of outcomes (%)", y_title="", horizontal=True, wrap=OUTCOME_WRAP, hover=CATEGORY_HOVER,
             x_range=(0.0, 1.25 * widest), legend=False, labels_above=True),
        title=f"The largest group of outcomes, {share}, was “{top['Outcome']}”",
        subtitle=(f"How the {fmt.count(total)} intimate image offences recorded were closed, as a share of all "
                  f"outcomes; {foi_scope(ev)}"),
        note=(f"Shares are of all {fmt.count(total)} offences recorded by the forces included, each rounded on its "
              "own, so they need not add up to exactly 100%."),
        source=source_line(ev, figures.latest_round(ev)["source_id"], "Table 3"),
        source_id=figures.latest_round(ev)["source_id"], locator="Table 3", period=foi_period(figures.latest_round(ev)),
        alt=(f"Bar chart of {len(data)} outcome groups. The largest is “{top['Outcome']}”, "
             f"{share} of outcomes."),
    )


# Interviews -----------------------------------------------------------------------------------------

FINDING_WRAP = OUTCOME_WRAP


def findings_data(ev: Evidence, theme_ids: Sequence[str]) -> pd.DataFrame:
    """Interview findings of the given themes as count and denominator, in the themes' order.

    Label is the count as the bar names it: '11 of 17', or the count alone when the article gives
    no denominator.
    """
    found = ev["interview_findings"]
    found = pd.concat([found[found["theme_id"] == t] for t in theme_ids])
    groups = ev["interview_groups"].set_index("group_id")["label"]
    return pd.DataFrame({
        "Finding": found["statement"], "Group": found["group_id"].map(groups),
        "Interviewees": found["count"], "Out of": found["denominator"],
        "Denominator": found["denominator_basis"],
        LABEL: [fmt.count(k) if pd.isna(n) else fmt.of(k, n) for k, n in zip(found["count"], found["denominator"])],
    }).reset_index(drop=True)


def largest_share(data: pd.DataFrame) -> pd.Series:
    """Return the finding with the largest share of its denominator (ties: the larger denominator, then the first)."""
    known = data[data["Out of"].notna()]
    shares = [Fraction(int(k), int(n)) for k, n in zip(known["Interviewees"], known["Out of"])]
    order = sorted(range(len(known)), key=lambda i: (-shares[i], -int(known["Out of"].iloc[i]), i))
    return known.iloc[order[0]]


def findings_title(data: pd.DataFrame) -> str:
    """State the finding with the largest share: 'Largest share: Stakeholders who said …, 6 of 6'."""
    if data["Out of"].notna().any():
        top = largest_share(data)
        return f"Largest share: {top['Finding']}, {top[LABEL]}"
    top = data.sort_values("Interviewees", kind="stable", ascending=False).iloc[0]
    return f"Most often said: {top['Finding']}, {top[LABEL]}"


def findings_subtitle(ev: Evidence, data: pd.DataFrame) -> str:
    """Say when the interviews were and how many of each group in the chart were interviewed."""
    groups = ev["interview_groups"].set_index("label")["participants"]
    sizes = "; ".join(f"{label}, {fmt.count(groups[label])}" for label in dict.fromkeys(data["Group"]))
    return (f"Interviewees who said so (dark bar) against the number the count is out of (light bar); "
            f"interviews of {figures.interview_period(ev)}. Interviewed: {sizes}")


def findings_note(data: pd.DataFrame) -> str:
    """Name the denominators: where they come from, and the findings that have none."""
    note = ("Each light bar is the number a count is out of: stated by the article, the size of the group, or "
            "inferred from the passage (the table says which).")
    missing = data.loc[data["Out of"].isna(), "Finding"]
    if len(missing):
        note += (" The article gives no number out of for " + "; ".join(f"“{v}”" for v in missing) +
                 ": it is drawn as a count alone.")
    return note


def findings(ev: Evidence, chart_id: str, theme_ids: Sequence[str], title: str | None = None) -> Chart:
    """Bars of how many interviewees said something, against how many it was out of.

    The title states the finding with the largest share unless one is given.
    """
    data = findings_data(ev, theme_ids)
    said = "; ".join(f"{fmt.of(r['Interviewees'], r['Out of'])}: {r['Finding']}" for _, r in data.iterrows())
    widest = float(pd.concat([data["Out of"].dropna(), data["Interviewees"]]).max())
    return chart(
        chart_id, data,
        [Series("Out of", x="Out of", y="Finding", kind="bar", colour="#d5dbdb", legend=False),
         Series("Interviewees", x="Interviewees", y="Finding", kind="bar", colour="#1b4f72", label=LABEL,
                legend=False)],
        Axes(x_title="Interviewees (number)", y_title="", horizontal=True, barmode="overlay", wrap=FINDING_WRAP,
             hover="%{y}: %{x}<extra>%{fullData.name}</extra>", x_range=(0.0, 1.3 * widest), legend=False,
             labels_above=True),
        title=title or findings_title(data),
        subtitle=findings_subtitle(ev, data),
        note=findings_note(data),
        source=source_line(ev, "interviews-article", "counts as reported in the article; see the table for "
                                                     "how each denominator was found"),
        source_id="interviews-article", locator="counts as reported in the article",
        period=Period(figures.interview_period(ev)),
        alt=f"Bar chart of interview findings, each count against the number it is out of: {said}.",
    )


def law_findings(ev: Evidence) -> Chart:
    """Interviewees on the definition of sexual images and on intent."""
    return findings(ev, "chart-findings-law", ["theme-definition", "theme-intent"])


def police_findings(ev: Evidence) -> Chart:
    """Interviewees on the police response: the Victims' Code, communication, victim-blaming, officer gender."""
    return findings(ev, "chart-findings-police",
                    ["theme-victims-code", "theme-communication", "theme-victim-blaming", "theme-officer-gender"])


def training_findings(ev: Evidence) -> Chart:
    """Interviewees who said whom training should be aimed at."""
    return findings(ev, "chart-findings-training", ["theme-training"])


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


def status_title(ev: Evidence) -> str:
    """Say how many recommendations are in force, of how many tracked."""
    counts = figures.status_counts(ev)
    in_force, total = int(counts["in-force"]), int(counts.sum())
    verb = "is" if in_force == 1 else "are"
    return sentence(f"{fmt.words(in_force)} of the {fmt.words(total)} recommendations tracked {verb} in force "
                    f"(checked {checked_month(ev)})")


def status(ev: Evidence) -> Chart:
    """Stacked bars: how many recommendations are in force, partly adopted, and so on."""
    data = status_data(ev)
    areas = list(dict.fromkeys(data["Area"]))
    counts = figures.status_counts(ev)
    unassessed = int(counts["not-assessed"])
    widest = float(counts.max())
    return chart(
        "chart-status", data,
        [Series(area, x="Recommendations", y="Status", kind="bar", where=("Area", area)) for area in areas],
        Axes(x_title="Recommendations (number)", y_title="", horizontal=True, barmode="stack", labels_above=True,
             hover="%{y}: %{x}<extra>%{fullData.name}</extra>", legend=len(areas) > 1, x_range=(0.0, 1.15 * widest),
             marks=tuple(Mark(int(n), STATUS_WORDS[s], fmt.count(int(n)), xshift=6)
                         for s, n in counts.items() if n > 0)),
        title=status_title(ev),
        subtitle=(f"The {fmt.words(int(counts.sum()))} recommendations tracked, by where they stand in law when "
                  f"last checked ({checked_month(ev)}), coloured by area"),
        note=(f"“{STATUS_WORDS['not-assessed']}”: the research did not assess the legal status of "
              f"{fmt.words(unassessed)} recommendation{'' if unassessed == 1 else 's'}.") if unassessed else "",
        period=Period(f"the law as checked in {checked_month(ev)}"),
        source="the recommendations in the interview article, Refuge’s blog and the Revenge Porn Helpline’s article "
               "(parts of two also made by the Commons Women and Equalities Committee); legal status from this "
               "report’s research (see the tracker table for each source)",
        alt="Stacked bar chart of recommendations by status: " +
            "; ".join(f"{STATUS_WORDS[s]}, {int(n)}" for s, n in counts.items() if n > 0) + ".",
    )
