"""What a FOI round's rows add up to. One definition, used by validation, the summary and the chapters.

The tallies of every round come from one grouped pass over a table (``forces_tallies``, ``offences_tallies``);
the tally of one round is the same computation on that round's rows.
"""

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


def forces_tallies(responses: pd.DataFrame) -> pd.DataFrame:
    """Count each round's forces (index round_id; asked, responded, included); 'responded' means provided data, in full or limited."""
    flags = pd.DataFrame({"round_id": responses["round_id"], "asked": 1,
                          "responded": (responses["data_provided"] != "no").astype(int),
                          "included": responses["included"].astype(bool).astype(int)})
    return flags.groupby("round_id")[["asked", "responded", "included"]].sum()


def offences_tallies(counts: pd.DataFrame) -> pd.DataFrame:
    """Sum each round's recorded and charged/summonsed offences over its forces (index round_id; recorded, charged)."""
    sums = counts.groupby("round_id")[["recorded_offences", "charged_summonsed"]].sum()
    return sums.rename(columns={"recorded_offences": "recorded", "charged_summonsed": "charged"}).astype("int64")


def forces_tally(responses: pd.DataFrame, round_id: str) -> ForceTally:
    """Count one round's forces (see forces_tallies)."""
    tallies = forces_tallies(responses[responses["round_id"] == round_id])
    return ForceTally(*(int(n) for n in tallies.loc[round_id])) if round_id in tallies.index else ForceTally(0, 0, 0)


def offences_tally(counts: pd.DataFrame, round_id: str) -> OffenceTally:
    """Sum one round's offences over its forces (see offences_tallies)."""
    tallies = offences_tallies(counts[counts["round_id"] == round_id])
    return OffenceTally(*(int(n) for n in tallies.loc[round_id])) if round_id in tallies.index else OffenceTally(0, 0)
