"""The pre-render step: write the bibliography and empty the charts' CSV folder.

Run by `_quarto.yml` (`python -m ibsa_report.site.prepare`) before every render, with either engine.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ibsa_report.site.bibliography import write_bibliography
from ibsa_report.site.step import run_step
from ibsa_report.sources import downloads_dir

BIBLIOGRAPHY = "references.yaml"  # _quarto.yml: bibliography


def prepare(root: Path) -> None:
    """Write references.yaml from data/, and start the charts' CSV folder empty."""
    write_bibliography(root, root / BIBLIOGRAPHY)
    shutil.rmtree(downloads_dir(root), ignore_errors=True)
    downloads_dir(root).mkdir(parents=True)


if __name__ == "__main__":
    run_step(lambda root, out: prepare(root))
