"""Load the validated evidence for a chapter: the one call a chapter's setup cell makes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from quarto_lite.project import find_root
from ibsa_report.evidence.valid_cache import valid_tables


@dataclass(frozen=True)
class Evidence:
    """The validated tables of data/, by resource name."""

    root: Path
    tables: dict[str, pd.DataFrame]

    def __getitem__(self, name: str) -> pd.DataFrame:
        """Return a table without its bookkeeping column (_line)."""
        return self.tables[name].drop(columns="_line")


def load(start: Path | None = None) -> Evidence:
    """Return the validated tables of data/ in the project at or above start (validated once per content); raise if invalid."""
    root = find_root(start)
    return Evidence(root, valid_tables(root, "the chapters cannot run"))


def row(ev: Evidence, table: str, column: str, key: str) -> pd.Series:
    """Return the row of data/<table>.csv whose column is key; raise KeyError naming the table and key if none is."""
    rows = ev[table].set_index(column, drop=False)
    if key not in rows.index:
        raise KeyError(f"no row with {column} {key!r} in data/{table}.csv")
    return rows.loc[key]
