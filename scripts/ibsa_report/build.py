"""Build the site: validate the data, render into a staging directory, post-render, then swap into _site/.

A failure at any step leaves the previous _site/ exactly as it was.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from quarto_lite.engine import render_project
from quarto_lite.page_errors import PageRenderError
from quarto_lite.project import read_config
from quarto_lite.source_files import os_error_line
from quarto_lite.quarto_engine import quarto_path, render_with_quarto
from ibsa_report.evidence.mentions import mentions
from ibsa_report.evidence.validate import InvalidData, require_valid
from ibsa_report.release.citation import read_version
from ibsa_report.sources import SITE



class BuildError(RuntimeError):
    """The build stopped; the message is written for the person running it."""


@dataclass(frozen=True)
class BuildResult:
    """What a successful build did."""

    engine: str
    site: Path
    pages: int


def choose_engine(requested: str) -> str:
    """Resolve 'auto' to 'quarto' when quarto is on the PATH, else 'builtin'."""
    if requested == "auto":
        return "quarto" if quarto_path() else "builtin"
    if requested == "quarto" and not quarto_path():
        raise BuildError("--engine quarto: quarto is not on the PATH (install it, or use --engine builtin)")
    return requested


def build_site(root: Path, engine: str = "auto") -> BuildResult:
    """Validate, render and publish the project's site into root/_site atomically."""
    try:
        require_valid(root, "the site was not built")
    except InvalidData as exc:
        raise BuildError(str(exc)) from exc
    try:
        config = read_config(root)
        read_version(root)  # CITATION.cff, which the post-render step reads: a broken one fails here, in one line
    except ValueError as exc:
        raise BuildError(str(exc)) from exc
    chosen = choose_engine(engine)

    staging = root / f".staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        if chosen == "quarto":
            render_with_quarto(root, staging, os.environ.get("SITE_URL"))
        else:
            render_project(config, staging)
        swap_into_place(staging, root / SITE)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise BuildError(failure_message(root, staging, exc)) from exc
    return BuildResult(chosen, root / SITE, len(config.pages) + len(config.footer))


def failure_message(root: Path, staging: Path, exc: BaseException) -> str:
    """Say in one line why rendering stopped: a full disk, a file that cannot be written, or the engine's message."""
    if isinstance(exc, OSError) and exc.filename:
        return f"{os_error_line(exc, staging)}; the site was not built and the previous {SITE}/ is unchanged"
    if isinstance(exc, PageRenderError) and not exc.in_source:
        found = [place for key in exc.keys for place in mentions(root, "@" + key)]
        return f"{exc}, from the text in {', '.join(found)}" if found else str(exc)
    return str(exc)


def swap_into_place(staging: Path, site: Path) -> None:
    """Replace site with staging: two renames, restoring the old site if the second fails."""
    old = site.with_name(site.name + f".old-{os.getpid()}")
    if site.exists():
        site.rename(old)
    try:
        staging.rename(site)
    except OSError:
        if old.exists():
            old.rename(site)
        raise
    shutil.rmtree(old, ignore_errors=True)
