"""The pre-render step: write the bibliography, the support line and the force pages, and empty the charts' CSV folder.

Run by `_quarto.yml` (`python -m ibsa_report.site.prepare`) before every render, with either engine.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ibsa_report.site.bibliography import write_bibliography
from ibsa_report.evidence.frames import load
from ibsa_report.report.fmt import web_address
from ibsa_report.report.force_links import FORCE_PAGES
from ibsa_report.report.force_page import STUB_MARK, stub
from ibsa_report.site.step import run_step
from ibsa_report.sources import downloads_dir
from ibsa_report.templating import template_env

BIBLIOGRAPHY = "references.yaml"  # _quarto.yml: bibliography
SUPPORT_INCLUDE = "_includes/support.html"  # _quarto.yml: format.html.include-before-body
FORCE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")  # data/datapackage.json: forces.force_id's pattern (a file name)


def prepare(root: Path) -> None:
    """Write references.yaml and the support line from data/, and start the charts' CSV folder empty."""
    write_bibliography(root, root / BIBLIOGRAPHY)
    write_support(root, root / SUPPORT_INCLUDE)
    write_force_pages(root)
    shutil.rmtree(downloads_dir(root), ignore_errors=True)
    downloads_dir(root).mkdir(parents=True)


def support_html(service: dict[str, str]) -> str:
    """Render the line pointing readers to a support service: values escaped, the link an http(s) address.

    Raise ValueError, naming the address, for any other (a `javascript:` link would be on every page).
    """
    return template_env().get_template("support.html").render(service=service, href=web_address(service["url"]))


def write_support(root: Path, target: Path) -> None:
    """Write the support line for every page from the first service in data/support_services.csv."""
    service = load(root)["support_services"].iloc[0].astype(str).to_dict()
    try:
        html = support_html(service)
    except ValueError as exc:
        raise ValueError(f"data/support_services.csv:2:url: {exc}") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")


def write_force_pages(root: Path) -> list[Path]:
    """Write forces/<force-id>.qmd for every row of data/forces.csv and remove the stubs of forces no longer there.

    Only files this step wrote (they start with STUB_MARK) are removed; forces/index.qmd is a source file.
    """
    forces = load(root)["forces"]
    folder = root / FORCE_PAGES
    folder.mkdir(exist_ok=True)
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
