"""The pre-render step: write the bibliography and the support line, and empty the charts' CSV folder.

Run by `_quarto.yml` (`python -m ibsa_report.site.prepare`) before every render, with either engine.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ibsa_report.site.bibliography import write_bibliography
from ibsa_report.evidence.frames import load
from ibsa_report.report.fmt import web_address
from ibsa_report.site.step import run_step
from ibsa_report.sources import downloads_dir
from ibsa_report.templating import template_env

BIBLIOGRAPHY = "references.yaml"  # _quarto.yml: bibliography
SUPPORT_INCLUDE = "_includes/support.html"  # _quarto.yml: format.html.include-before-body


def prepare(root: Path) -> None:
    """Write references.yaml and the support line from data/, and start the charts' CSV folder empty."""
    write_bibliography(root, root / BIBLIOGRAPHY)
    write_support(root, root / SUPPORT_INCLUDE)
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


if __name__ == "__main__":
    run_step(lambda root, out: prepare(root))
