"""What the kernel knows about a chart, written as `<chart-id>.facts.json` beside its CSV.

The post-render step (site/chart_metadata.py) turns these facts, CITATION.cff and the data package's
licence into `downloads/<chart-id>.metadata.json`, the embed page and the dataset README. Facts hold
only what the chart's own call computed from data/: its texts, its columns with units, its source
(with the source id and locator when the call names them) and the period its data cover.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

FACTS_SUFFIX = ".facts.json"
PERCENT_MARK = "(%)"  # a header ending so holds percentages: "Charge or summons rate (%)"
UNITS = ("percent", "count", "number", "text")


@dataclass(frozen=True)
class Period:
    """The time the chart's data cover: ISO start and end dates when known, and how the source words it."""

    label: str
    start: str | None = None
    end: str | None = None


def foi_period(foi_round: Mapping[str, Any]) -> Period:
    """Return the period an FOI round covers, from its period_start and period_end (data/foi_rounds.csv)."""
    start, end = pd.Timestamp(foi_round["period_start"]), pd.Timestamp(foi_round["period_end"])
    return Period(f"{start:%B %Y} to {end:%B %Y}", start.date().isoformat(), end.date().isoformat())


def column_unit(data: pd.DataFrame, column: str) -> str:
    """Infer a column's unit: a header ending '(%)' is percent; whole numbers count; other numbers; else text."""
    if str(column).strip().endswith(PERCENT_MARK):
        return "percent"
    values = data[column]
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return "text"
    return "count" if pd.api.types.is_integer_dtype(values) else "number"


def column_units(data: pd.DataFrame, explicit: Mapping[str, str] | None = None) -> list[dict[str, str]]:
    """Return each column with its unit: the explicit mapping first, else inferred from header and values."""
    explicit = dict(explicit or {})
    unknown = sorted(set(explicit) - {str(c) for c in data.columns})
    if unknown:
        raise ValueError(f"units given for columns the chart does not have: {', '.join(unknown)}")
    return [{"name": str(c), "unit": explicit.get(str(c)) or column_unit(data, c)} for c in data.columns]


def chart_facts(chart_id: str, data: pd.DataFrame, *, title: str, subtitle: str, source: str, alt: str,
                source_id: str | None = None, locator: str | None = None, period: Period | None = None,
                units: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the facts of one chart as plain JSON values."""
    return {
        "id": chart_id, "title": title, "subtitle": subtitle, "alt": alt,
        "source": {"text": source, "id": source_id, "locator": locator},
        "columns": column_units(data, units), "rows": len(data),
        "period": asdict(period) if period else None,
    }


def write_facts(facts: dict[str, Any], folder: Path) -> Path:
    """Write facts as `<id>.facts.json` in folder (sorted keys, UTF-8, so that two builds give the same bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{facts['id']}{FACTS_SUFFIX}"
    path.write_text(json.dumps(facts, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_facts(folder: Path) -> list[dict[str, Any]]:
    """Return the facts of every chart in folder, by chart id; raise ValueError naming a file that is not JSON."""
    found = []
    for path in sorted(folder.glob(f"*{FACTS_SUFFIX}")):
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path.name}: not a chart's facts: {exc}") from None
    return found
