"""Where text occurs in data/: so that a problem a page shows (an unknown @citation) can be traced to its cell."""

from __future__ import annotations

from pathlib import Path

from ibsa_report.evidence.package import DescriptorError, load_descriptor, resource_specs
from ibsa_report.evidence.structure import read_raw


def mentions(project: Path, text: str) -> list[str]:
    """Return every cell of data/'s tables that contains text, as data/<file>.csv:<line>:<field>."""
    try:
        descriptor, lines = load_descriptor(project)
    except DescriptorError:
        return []
    found = []
    for spec in resource_specs(project, descriptor, lines)[0]:
        table, _ = read_raw(spec)
        if table is None:
            continue
        found += [f"{spec.rel_path}:{line}:{name}" for row, line in zip(table.rows, table.lines)
                  for name, cell in zip(table.header, row) if text in cell]
    return found
