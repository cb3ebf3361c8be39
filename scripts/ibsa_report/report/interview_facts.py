"""The interview chapter's facts, ready for its sentences: one object, one short call per figure.

`chapters/interviews.qmd` writes `{python} f.of("f-reasonable-person")` instead of
`fmt.of(*figures.counted(ev, "f-reasonable-person"))`: the ids are the data's, the numbers and their
wording come from here, and data text comes back escaped (`fmt.text`).
"""

from __future__ import annotations

from dataclasses import dataclass

from IPython.display import Markdown

from ibsa_report.analysis import figures
from ibsa_report.evidence.frames import Evidence
from ibsa_report.report import fmt


@dataclass(frozen=True)
class InterviewFacts:
    """The interviews' figures as the chapter says them, looked up by the data's ids."""

    ev: Evidence

    @property
    def total(self) -> int:
        """The number of interviews."""
        return figures.interview_total(self.ev)

    @property
    def period(self) -> str:
        """When the interviews took place ('2016/17')."""
        return figures.interview_period(self.ev)

    @property
    def helpline(self) -> figures.HelplineSplit:
        """The victims split by recruitment through the Revenge Porn Helpline."""
        return figures.helpline_split(self.ev)

    @property
    def victims(self) -> str:
        """How many victims were interviewed, in words."""
        return fmt.words(self.helpline.victims)

    @property
    def independent(self) -> str:
        """How many victims were recruited independently of the helpline, in words."""
        return fmt.words(self.helpline.independent)

    @property
    def via_helpline(self) -> str:
        """How many victims the helpline recruited (the victims less those recruited independently), in words."""
        return fmt.words(self.helpline.via_helpline)

    @property
    def via_helpline_of_victims(self) -> str:
        """The helpline's recruits, of all victims ('9 of 17')."""
        return fmt.of(self.helpline.via_helpline, self.helpline.victims)

    @property
    def reported(self) -> str:
        """The victims who reported to the police, of all victims ('11 of 17')."""
        return fmt.of(self.helpline.reported, self.helpline.victims)

    @property
    def independent_reported(self) -> str:
        """The victims recruited independently who reported, of those recruited independently."""
        return fmt.of(self.helpline.reported_independent, self.helpline.independent)

    @property
    def independent_reported_n(self) -> str:
        """How many of the victims recruited independently reported, in words."""
        return fmt.words(self.helpline.reported_independent)

    @property
    def via_helpline_reported(self) -> str:
        """The helpline's recruits who reported, of the helpline's recruits (by subtraction)."""
        return fmt.of(self.helpline.reported_via_helpline, self.helpline.via_helpline)

    @property
    def findings(self) -> str:
        """How many counts of interviewees the article reports, in words."""
        return fmt.words(int(figures.basis_counts(self.ev).sum()))

    def basis(self, basis: str) -> str:
        """How many counts have a denominator found one way ('stated', 'group-size', 'inferred'), in words."""
        return fmt.words(int(figures.basis_counts(self.ev)[basis]))

    def group(self, group_id: str) -> str:
        """A group's size in words ('fourteen')."""
        return fmt.words(figures.group_size(self.ev, group_id))

    def route(self, group_id: str, starts_with: str) -> str:
        """How many of a group came by a recruitment route, as a count ('7')."""
        return fmt.count(figures.route_count(self.ev, group_id, starts_with))

    def route_words(self, group_id: str, starts_with: str) -> str:
        """How many of a group came by a recruitment route, in words ('seven')."""
        return fmt.words(figures.route_count(self.ev, group_id, starts_with))

    def n(self, finding_id: str) -> str:
        """A finding's count in words ('eight')."""
        return fmt.words(figures.counted(self.ev, finding_id)[0])

    def out_of(self, finding_id: str) -> str:
        """The number a finding's count is out of, in words ('eleven'); 'not published' when unknown."""
        base = figures.counted(self.ev, finding_id)[1]
        return "not published" if base is None else fmt.words(base)

    def of(self, finding_id: str) -> str:
        """A finding as 'count of denominator' ('4 of 6')."""
        return fmt.of(*figures.counted(self.ev, finding_id))

    def summary(self, theme_id: str) -> Markdown:
        """A theme's summary, as data text shown literally."""
        return fmt.text(figures.theme(self.ev, theme_id)["summary"])

    def stated_words(self, figure_id: str) -> str:
        """A figure stated by a source, in words."""
        return fmt.words(int(figures.stated(self.ev, figure_id)["value"]))
