"""A police force's page, and the index of them: its answer to each FOI round and, where its data were analysed,
its figures, in words computed from data/.

The pre-render step writes one stub per force (forces/<force-id>.qmd) whose one cell calls `show(ev, force_id)`;
nothing here is written for a particular force or round: a new round in data/ adds a section to every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import pandas as pd
import yaml
from IPython.display import Markdown

from ibsa_report.analysis import figures, overdispersion, stats
from ibsa_report.evidence import frames
from ibsa_report.evidence.frames import Evidence
from ibsa_report.report import fmt
from ibsa_report.report.charts import level_label
from ibsa_report.report.force_chart import force_chart
from ibsa_report.report.tables import html_table, with_links
from quarto_lite.outputs import raw_block

LEVELS = figures.FUNNEL_LEVELS  # (narrower, widest): the limits the charging chapter draws
PROVIDED = {"yes": "Yes", "limited": "Limited", "no": "No"}
CHAPTER = "../chapters/charging.qmd"


@dataclass(frozen=True)
class RoundFigures:
    """A force's answer to one FOI round and, if its data were included, its figures against the other forces."""

    round: pd.Series  # the round's row of foi_rounds
    response: pd.Series | None  # the force's row of foi_responses (None: not asked in this round)
    counts: pd.Series | None  # its row of figures.force_counts (None: not included)
    pooled: Fraction | None  # the pooled rate of the round's included forces
    forces: int  # the included forces of the round
    limits: dict[float, tuple[float, float]]  # the overdispersion-adjusted limits at the force's size

    @property
    def included(self) -> bool:
        """Tell whether the requester analysed the force's data in this round."""
        return self.counts is not None

    def position(self, level: float) -> str:
        """Return where the force's rate lies against the adjusted limits at level: above, below or inside."""
        assert self.counts is not None
        return str(self.counts[f"adjusted_position_{stats.level_suffix(level)}"])


def force(ev: Evidence, force_id: str) -> pd.Series:
    """Return a force's row of data/forces.csv; KeyError naming the id if there is none."""
    return frames.row(ev, "forces", "force_id", force_id)


def rounds(ev: Evidence) -> pd.DataFrame:
    """Return the FOI rounds, earliest period first."""
    return ev["foi_rounds"].sort_values(["period_end", "round_id"]).reset_index(drop=True)


def round_figures(ev: Evidence, force_id: str, rnd: pd.Series) -> RoundFigures:
    """Collect a force's response to a round and, if it was included, its counts, rate and limits."""
    round_id = rnd["round_id"]
    responses = ev["foi_responses"].query("round_id == @round_id and force_id == @force_id")
    response = responses.iloc[0] if len(responses) else None
    counts = figures.force_counts(ev, round_id)
    mine = counts[counts["force_id"] == force_id]
    if counts.empty:
        return RoundFigures(rnd, response, None, None, 0, {})
    pooled = Fraction(int(counts["charged_summonsed"].sum()), int(counts["recorded_offences"].sum()))
    if mine.empty:
        return RoundFigures(rnd, response, None, pooled, len(counts), {})
    row = mine.iloc[0]
    tau2 = overdispersion.estimate(list(counts["charged_summonsed"]), list(counts["recorded_offences"])).tau2
    limits = overdispersion.limits(float(pooled), int(row["recorded_offences"]), tau2, LEVELS)
    return RoundFigures(rnd, response, row, pooled, len(counts), limits)


def cite(rnd: pd.Series) -> str:
    """Return the citation of the round's source, as the chapters cite it: [@refuge-2023-blog]."""
    return f"[@{rnd['source_id']}]"


def period(rnd: pd.Series) -> str:
    """Return the period a round covers in words: 'January 2019 to July 2022'."""
    return f"{rnd['period_start']:%B %Y} to {rnd['period_end']:%B %Y}"


def response_text(name: str, fig: RoundFigures) -> str:
    """Say, in Markdown, how the force answered the round and whether its data were analysed."""
    rnd, who = fig.round, fmt.one_line(fig.round["requester"])
    asked = (f"{who}'s freedom of information request for the intimate image offences recorded from "
             f"{period(rnd)} and their outcomes")
    if fig.response is None:
        return f"{name} is not listed among the forces of {asked} {cite(rnd)}."
    provided, where = fig.response["data_provided"], fmt.one_line(fig.response["locator"])
    if fig.included:
        data = "limited data" if provided == "limited" else "data"
        return f"{name} provided {data} in answer to {asked}, and {who} included them in its analysis ({where}) {cite(rnd)}."
    if provided == "no":
        # The source's table says "Data provided? No", nothing more: "did not respond" would be an inference.
        said = (f"{who}'s table of the answers to its freedom of information request for the intimate image offences "
                f"recorded from {period(rnd)} lists {name} as providing no data ({where}) {cite(rnd)}.")
    else:
        said = (f"{name} provided limited data in answer to {asked}, and {who} did not include them in its "
                f"analysis ({where}) {cite(rnd)}.")
    return (f"{said} {who} did not publish how many offences it recorded or how many led to a charge or summons, "
            "so this report has no charge rate for it for this period.")


def rate_text(name: str, fig: RoundFigures) -> str:
    """Say what the force recorded and charged, and its rate with its interval, in Markdown."""
    c = fig.counts
    assert c is not None
    return (f"It recorded {fmt.count(c['recorded_offences'])} intimate image offences over the period, of which "
            f"{fmt.count(c['charged_summonsed'])} led to a charge or summons: a rate of {fmt.percent(c['share'])} "
            f"({fmt.percent(stats.CONFIDENCE, 0)} interval {fmt.interval(c['ci_low'], c['ci_high'])}), from "
            f"{fmt.one_line(c['locator'])} {cite(fig.round)}.")


def position_text(fig: RoundFigures) -> str:
    """Say where the force's rate lies against the funnel plot's limits widened for overdispersion, in plain words."""
    narrow, wide = LEVELS[0], LEVELS[-1]
    assert fig.counts is not None and fig.pooled is not None
    low, high = fig.limits[wide]
    around = (f"the pooled rate of the {fmt.words(fig.forces)} forces included, {fmt.percent(fig.pooled)}. At its "
              f"number of offences, the {level_label(wide)} limits, which allow for chance and for the usual "
              f"differences between forces, run from {fmt.percent(low)} to {fmt.percent(high)}")
    far, near = fig.position(wide), fig.position(narrow)
    if far != "inside":
        return (f"Its rate lies {far} the {level_label(wide)} limits of the funnel plot around {around}: it differs "
                "from the pooled rate by more than chance and the usual spread between forces would explain. That "
                "is a reason to ask how it records and investigates these offences, not a verdict on it.")
    if near != "inside":
        return (f"Its rate lies {near} the narrower {level_label(narrow)} limits but inside the {level_label(wide)} "
                f"limits of the funnel plot around {around}. One force in {figures.one_in(narrow)} would be "
                f"expected to cross the {level_label(narrow)} limits anyway, so it does not stand out.")
    return (f"Its rate lies inside the limits of the funnel plot around {around}: it is no further from the pooled "
            "rate than chance and the usual differences between forces would explain.")


def caveats(fig: RoundFigures) -> list[str]:
    """Return the caveats for reading the force's rate, as the charging chapter gives them (Markdown list items)."""
    assert fig.response is not None
    items = []
    if fig.response["data_provided"] == "limited":
        items.append(f"**Partial data.** {fmt.one_line(fig.round['requester'])} lists its data as limited but "
                     f"included them in the analysis; the [charging chapter]({CHAPTER}#sec-caveats) says what was "
                     "left out.")
    items += [
        "**A lower bound.** Offences recorded late in the period had had little time to reach a charge: some of "
        "those with other outcomes may have been charged later.",
        "**Recording practice differs.** A force's rate depends on how it records offences and outcomes as well "
        "as on how it investigates them.",
        "**Few offences, wide interval.** A force that recorded few offences has a wide interval: its rate could be "
        "quite different with a few cases more or fewer.",
        "**Disclosures and threats together.** The forces' figures do not say whether an offence was a disclosure, "
        "a threat, or both.",
    ]
    return items


def summary(fig: RoundFigures) -> pd.DataFrame:
    """The force's figures for a round as a two-column table (what, and its value), for readers and tests."""
    provided = "Not asked" if fig.response is None else PROVIDED[fig.response["data_provided"]]
    rows = [("Data provided", provided), ("Included in the analysis", "Yes" if fig.included else "No")]
    if fig.counts is not None:
        c = fig.counts
        rows += [("Recorded offences", fmt.count(c["recorded_offences"])),
                 ("Charged or summonsed", fmt.count(c["charged_summonsed"])),
                 ("Charge or summons rate", fmt.percent(c["share"])),
                 (f"{fmt.percent(stats.CONFIDENCE, 0)} interval", fmt.interval(c["ci_low"], c["ci_high"])),
                 (f"Against the {level_label(LEVELS[-1])} limits", fig.position(LEVELS[-1]).capitalize())]
    else:
        rows += [("Recorded offences", "Not published"), ("Charged or summonsed", "Not published")]
    return pd.DataFrame(rows, columns=["Figure", "Value"])


def round_section(ev: Evidence, name: str, fig: RoundFigures) -> str:
    """Write the Markdown of a force's section for one round: heading, response, figures, chart and caveats."""
    rnd = fig.round
    parts = [f"## {fmt.one_line(rnd['title'])} {{#round-{rnd['round_id']}}}", response_text(name, fig)]
    parts.append(raw_block(f'<div class="force-round" data-round="{rnd["round_id"]}">\n'
                           + fmt.table_markup(summary(fig)) + "\n</div>"))
    if fig.counts is not None:
        parts += [rate_text(name, fig), position_text(fig)]
        parts.append(force_chart(ev, str(fig.counts["force_id"]), str(rnd["round_id"]),
                                 fig.position(LEVELS[-1]))._repr_markdown_())
        parts.append(f"The [charging chapter]({CHAPTER}#sec-funnel) sets every force on the funnel plot and "
                     "explains the limits.")
        parts.append("Read the rate with care:\n\n" + "\n".join(f"- {item}" for item in caveats(fig)))
    return "\n\n".join(parts)


def page_markdown(ev: Evidence, force_id: str) -> str:
    """Write the Markdown of a force's page: one section per FOI round, earliest first."""
    name = fmt.one_line(force(ev, force_id)["name"])
    sections = [round_section(ev, name, round_figures(ev, force_id, rnd)) for _, rnd in rounds(ev).iterrows()]
    back = "[All police forces](index.qmd)"
    return "\n\n".join(sections + [back])


def show(ev: Evidence, force_id: str) -> Markdown:
    """Show a force's page (the one call of its stub's cell)."""
    return Markdown(page_markdown(ev, force_id))


# The index of force pages ---------------------------------------------------------------------------

def index_frame(ev: Evidence) -> pd.DataFrame:
    """Every force with its answer to the latest round and, if included, its rate and interval; linked to its page."""
    rnd = figures.latest_round(ev)
    round_id = rnd["round_id"]
    responses = ev["foi_responses"].query("round_id == @round_id")
    counts = figures.force_counts(ev, round_id).set_index("force_id")
    forces = ev["forces"].sort_values("name").merge(responses, on="force_id", how="left")
    rates = [fmt.percent(counts.loc[f, "share"]) if f in counts.index else None for f in forces["force_id"]]
    intervals = [fmt.interval(counts.loc[f, "ci_low"], counts.loc[f, "ci_high"]) if f in counts.index else None
                 for f in forces["force_id"]]
    frame = pd.DataFrame({
        "Police force": forces["name"],
        "Data provided": forces["data_provided"].map(PROVIDED).fillna("Not asked"),
        "Included in analysis": forces["included"].map({True: "Yes", False: "No"}).fillna("No"),
        "Charge or summons rate": rates,
        f"{fmt.percent(stats.CONFIDENCE, 0)} interval": intervals,
    })
    return with_links(frame, "Police force", forces["force_id"])


def index_table(ev: Evidence) -> Markdown:
    """Show the index of force pages as a table."""
    return html_table(index_frame(ev))


STUB_MARK = "# Written by the pre-render step from data/forces.csv (ibsa_report.site.prepare); not in git."
DESCRIPTION = ("A police force’s answers to freedom of information requests about intimate image offences and, "
               "where its data were analysed, its charge or summons rate.")


def yaml_text(text: str) -> str:
    """Quote text as one YAML double-quoted scalar on one line (anything not printable escaped)."""
    return yaml.safe_dump(text, allow_unicode=True, default_style='"', width=float("inf")).removesuffix("\n...\n").strip()


def stub(force_id: str, name: str) -> str:
    """Return the source of a force's page: its title (the name, escaped for Markdown and quoted for YAML) and one cell.

    force_id must be a slug (the pre-render step checks it against data/datapackage.json's pattern).
    """
    return ("---\n"
            f"{STUB_MARK}\n"
            f"title: {yaml_text(fmt.one_line(name))}\n"
            f"description: {yaml_text(DESCRIPTION)}\n"
            "toc: false\n"  # one section per round: the figures, not a contents list, come first on a phone
            "---\n\n"
            "```{python}\n"
            "#| label: cell-force-page\n"
            "from ibsa_report.evidence import frames\n"
            "from ibsa_report.report import force_page\n"
            f"force_page.show(frames.load(), \"{force_id}\")\n"
            "```\n")
