"""Turn validated CSV rows into typed pandas frames, keeping each row's line number in ``_line``."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ibsa_report.evidence.structure import RawTable

LINE = "_line"


def to_frame(raw: RawTable) -> pd.DataFrame:
    """Build a typed frame from a table that has passed its schema checks."""
    spec = raw.spec
    frame = pd.DataFrame(raw.rows, columns=raw.header, dtype="string")
    missing = set(spec.missing_values)
    columns = {name: _convert(frame[name], spec.fields[name], missing) for name in spec.field_names}
    typed = pd.DataFrame(columns)
    typed[LINE] = pd.array(raw.lines, dtype="Int64")
    return typed


def _convert(column: pd.Series, field: dict[str, Any], missing: set[str]) -> pd.Series:
    """Convert one string column to the pandas type of its Table Schema field."""
    values = column.mask(column.isin(missing))
    kind = field.get("type", "string")
    if kind == "integer":
        return pd.to_numeric(values).astype("Int64")
    if kind == "number":
        return pd.to_numeric(values).astype("Float64")
    if kind == "boolean":
        truth = {v: True for v in field.get("trueValues", ["true"])} | {v: False for v in field.get("falseValues", ["false"])}
        return values.map(truth).astype("boolean")
    if kind == "date":
        return pd.to_datetime(values, format="%Y-%m-%d")
    return values.astype("string")


def id_list(cell: Any) -> list[str]:
    """Split a ';'-separated id list cell into ids (empty for a missing value)."""
    if cell is None or cell is pd.NA or (isinstance(cell, float) and pd.isna(cell)):
        return []
    return [part for part in str(cell).split(";") if part]
