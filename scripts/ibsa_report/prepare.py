"""The pre-render step: write the bibliography and empty the folder executed chapters write CSVs to.

Run by `_quarto.yml` (`python -m ibsa_report.prepare`) before every render, with either engine.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .bibliography import write_bibliography
from .chart import DOWNLOADS_SOURCE
from .project import find_root

BIBLIOGRAPHY = "references.json"


def prepare(root: Path) -> None:
    """Write root/references.json from the sources registry and start root/_downloads/ empty."""
    write_bibliography(root, root / BIBLIOGRAPHY)
    shutil.rmtree(root / DOWNLOADS_SOURCE, ignore_errors=True)
    (root / DOWNLOADS_SOURCE).mkdir()


if __name__ == "__main__":
    prepare(find_root())
