"""The pre-render step: write the bibliography and the force pages, and empty the charts' CSV folder.

Run by `_quarto.yml` (`python -m ibsa_report.site.prepare`) before every render, with either engine.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ibsa_report.evidence.frames import load
from ibsa_report.report.force_links import FORCE_PAGES
from ibsa_report.report.force_page import STUB_MARK, stub
from ibsa_report.site.bibliography import write_bibliography
from ibsa_report.site.step import run_step
from ibsa_report.sources import downloads_dir

BIBLIOGRAPHY = "references.yaml"  # _quarto.yml: bibliography
FORCE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")  # data/datapackage.json: forces.force_id's pattern (a file name)


def prepare(root: Path) -> None:
    """Write references.yaml and the force pages from data/, and start the charts' CSV folder empty."""
    write_bibliography(root, root / BIBLIOGRAPHY)
    write_force_pages(root)
    shutil.rmtree(downloads_dir(root), ignore_errors=True)
    downloads_dir(root).mkdir(parents=True)


def write_force_pages(root: Path) -> list[Path]:
    """Write forces/<force-id>.qmd for every row of data/forces.csv and remove the stubs of forces no longer there.

    Only files this step wrote (they start with STUB_MARK) are removed; forces/index.qmd is a source file, and
    a project without it gets no force pages.
    """
    folder = root / FORCE_PAGES
    if not (folder / "index.qmd").is_file():  # a project without the force index (a test fixture) has no force pages
        return []
    forces = load(root)["forces"]
    written = []
    for line, (force_id, name) in enumerate(zip(forces["force_id"], forces["name"]), start=2):
        if not FORCE_ID.fullmatch(str(force_id)) or force_id == "index":
            raise ValueError(f"data/forces.csv:{line}:force_id: not a page name (found {force_id!r}, expected "
                             "lower-case letters, digits and hyphens, not 'index')")
        page = folder / f"{force_id}.qmd"
        text = stub(str(force_id), str(name))
        if not page.is_file() or page.read_text(encoding="utf-8") != text:
            page.write_text(text, encoding="utf-8")
        written.append(page)
    for old in sorted(folder.glob("*.qmd")):
        if old not in written and is_stub(old):
            old.unlink()
    return written


def is_stub(path: Path) -> bool:
    """Tell whether a page is a force page this step wrote (its second line is STUB_MARK)."""
    lines = path.read_text(encoding="utf-8").splitlines()[:2]
    return lines == ["---", STUB_MARK]


if __name__ == "__main__":
    run_step(lambda root, out: prepare(root))
