"""The small chart on a police force's page: the force among the others of one FOI round, on the funnel plot.

Every included force of the round is a dot (the force itself dark and named), with the pooled rate and the
control limits widened for overdispersion, as the charging chapter's funnel plot draws them.
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from ibsa_report.analysis import figures, overdispersion
from ibsa_report.evidence.frames import Evidence
from ibsa_report.report import fmt
from ibsa_report.report.chart import Axes, Chart, Mark, Series, chart
from ibsa_report.report.chart_facts import foi_period
from ibsa_report.report.force_links import force_links
from ibsa_report.report.charts import (CHARGED, ENOUGH_OFFENCES, FORCE, LABEL, RATE, RECORDED, funnel_grid,
                                       level_label, log_ticks, offences, source_line)

LEVEL = figures.FUNNEL_LEVELS[-1]  # the limits drawn: the widest, as the chapter names forces by them
THIS, OTHERS, POOLED = "This force", "Other forces", "Pooled rate"
LIMIT = f"{level_label(LEVEL)} limit"
HEIGHT = 340


def chart_id(force_id: str, round_id: str) -> str:
    """Return the id of a force's chart for a round: chart-force-<force-id>-<round-id> (unique site-wide)."""
    return f"chart-force-{force_id}-{round_id}"


def force_chart_data(ev: Evidence, force_id: str, round_id: str) -> pd.DataFrame:
    """The chart's points: every included force of the round (this one marked), the pooled rate and the limits."""
    counts = figures.force_counts(ev, round_id)
    pooled = Fraction(int(counts["charged_summonsed"].sum()), int(counts["recorded_offences"].sum()))
    tau2 = overdispersion.estimate(list(counts["charged_summonsed"]), list(counts["recorded_offences"])).tau2
    rows = [{"Series": THIS if r.force_id == force_id else OTHERS, FORCE: r.short_name, "force_id": r.force_id,
             RECORDED: r.recorded_offences, CHARGED: r.charged_summonsed, RATE: fmt.percent_number(r.share),
             LABEL: f"{r.short_name}: {fmt.percent(r.share)} ({fmt.of(r.charged_summonsed, r.recorded_offences)} "
                    "offences)"}
            for r in counts.sort_values(["recorded_offences", "short_name"]).itertuples()]
    grid = funnel_grid(int(counts["recorded_offences"].min()), int(counts["recorded_offences"].max()))
    rows += [{"Series": POOLED, RECORDED: n, RATE: fmt.percent_number(pooled),
              LABEL: f"Pooled rate: {fmt.percent(pooled)}"} for n in (grid[0], grid[-1])]
    for side, index in (("lower", 0), ("upper", 1)):
        for n in grid:
            limit = overdispersion.limits(float(pooled), n, tau2, (LEVEL,))[LEVEL][index]
            rows.append({"Series": f"{LIMIT}, {side}", RECORDED: n, RATE: fmt.percent_number(limit, 2),
                         LABEL: f"{LIMIT}, {side}: {fmt.percent(limit, 2)} at {offences(n)}"})
    data = pd.DataFrame(rows, columns=["Series", FORCE, "force_id", RECORDED, CHARGED, RATE, LABEL])
    return data.astype({CHARGED: "Int64"})


def force_chart(ev: Evidence, force_id: str, round_id: str, position: str) -> Chart:
    """Draw the force among the round's other included forces, against the pooled rate and the widest limits.

    position is the force's place against those limits ('above', 'below' or 'inside'), which the title states.
    """
    data = force_chart_data(ev, force_id, round_id)
    rnd = ev["foi_rounds"].set_index("round_id", drop=False).loc[round_id]
    links = force_links(data["force_id"])
    shown = data.drop(columns="force_id")
    me = shown[shown["Series"] == THIS].iloc[0]
    points = shown[shown["Series"].isin([THIS, OTHERS])]
    enough = points[points[RECORDED] >= ENOUGH_OFFENCES]
    top = max(1.15 * float((enough if len(enough) else points)[RATE].max()), 1.15 * float(me[RATE]), 1.0)
    left = min(float(points[RECORDED].min()), float(me[RECORDED])) / 1.25
    right = float(points[RECORDED].max()) * 1.25
    where = {"above": f"above the {level_label(LEVEL)} limits", "below": f"below the {level_label(LEVEL)} limits",
             "inside": f"inside the {level_label(LEVEL)} limits"}[position]
    rate = fmt.percent(Fraction(int(me[CHARGED]), int(me[RECORDED])))
    series = [Series(OTHERS, x=RECORDED, y=RATE, where=("Series", OTHERS), text=LABEL, colour="#aab7b8"),
              Series(str(me[FORCE]), x=RECORDED, y=RATE, where=("Series", THIS), text=LABEL, colour="#1b4f72"),
              Series(POOLED, x=RECORDED, y=RATE, kind="line", where=("Series", POOLED), colour="#1a1a1a", text=LABEL)]
    series += [Series(f"{level_label(LEVEL)} limits", x=RECORDED, y=RATE, kind="line", where=("Series", f"{LIMIT}, {side}"),
                      colour="#c0392b", dash="dash", legend=False, text=LABEL) for side in ("lower", "upper")]
    others = len(points) - 1
    return chart(
        chart_id(force_id, round_id), shown, series,
        Axes(x_title=f"{RECORDED} (log scale)", y_title=RATE, x_log=True, height=HEIGHT, hover="%{text}<extra></extra>",
             x_range=(left, right), y_range=(-0.04 * top, top), legend=False, x_ticks=log_ticks(left, right),
             marks=(Mark(me[RECORDED], min(float(me[RATE]), top), f"{me[FORCE]}, {rate}",
                         xanchor="right" if me[RECORDED] > (left * right) ** 0.5 else "left",
                         xshift=-8 if me[RECORDED] > (left * right) ** 0.5 else 8, colour="#1b4f72", bold=True),)),
        title=f"{me[FORCE]}’s rate, {rate}, lies {where}",
        subtitle=(f"{me[FORCE]} (dark dot) among the {fmt.words(others)} other forces whose data were included "
                  f"(grey), with the pooled rate and the {level_label(LEVEL)} limits allowing for the variation "
                  f"between forces; {fmt.date_words(rnd['period_start'])} to {fmt.date_words(rnd['period_end'])}"),
        note="The horizontal scale is logarithmic. The limits are computed by this report from the forces' counts.",
        source=source_line(ev, rnd["source_id"], "Table 2; limits computed by this report"),
        source_id=rnd["source_id"], locator="Table 2; limits computed by this report", period=foi_period(rnd),
        alt=(f"Funnel plot of {len(points)} police forces. {me[FORCE]} recorded {offences(int(me[RECORDED]))} and "
             f"its rate is {rate}, {where} around the pooled rate."),
        links={FORCE: links},
    )
