"""What a FOI round's rows add up to. One definition, used by validation, the summary and the chapters."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class ForceTally:
    """Forces in a round: asked (listed), responded (provided any data), included in the analysis."""

    asked: int
    responded: int
    included: int


@dataclass(frozen=True)
class OffenceTally:
    """Offences in a round, summed over the forces with counts."""

    recorded: int
    charged: int


def forces_tally(responses: pd.DataFrame, round_id: str) -> ForceTally:
    """Count a round's forces; a force 'responded' if it provided data, in full or limited."""
    resp = responses[responses["round_id"] == round_id]
    return ForceTally(len(resp), int((resp["data_provided"] != "no").sum()), int(resp["included"].sum()))


def offences_tally(counts: pd.DataFrame, round_id: str) -> OffenceTally:
    """Sum a round's recorded and charged/summonsed offences over its forces."""
    rows = counts[counts["round_id"] == round_id]
    return OffenceTally(int(rows["recorded_offences"].sum()), int(rows["charged_summonsed"].sum()))
