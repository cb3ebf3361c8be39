"""Build the site: validate the data, render into a staging directory, post-render, then swap into _site/.

One build at a time per project (the lock in ibsa_report.staging), each with its own staging area for
the site and the charts' CSVs. A failure at any step leaves the previous _site/ exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import sys
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from quarto_lite.engine import Progress, render_project
from quarto_lite.page_errors import PageRenderError
from quarto_lite.project import read_config
from quarto_lite.source_files import os_error_line
from quarto_lite.quarto_engine import quarto_path, render_with_quarto
from ibsa_report.evidence.mentions import mentions
from ibsa_report.evidence.valid_cache import valid_tables
from ibsa_report.evidence.validate import InvalidData
from ibsa_report.release.archives import archive_sources, check_archives
from ibsa_report.release.citation import read_version
from ibsa_report.release.manifest import ArchiveAltered
from ibsa_report.site.picture_browser import (PICTURES_VARIABLE, PicturesRequired, find_chromium, no_browser_line,
                                              pictures_required, require_browser)
from ibsa_report.settings import address_line
from ibsa_report import site_stamp
from ibsa_report.site_checks import check_charts
from ibsa_report.page_inputs import page_cache
from ibsa_report.sources import DOWNLOADS_DIR, FRESH, SITE
from ibsa_report.staging import BuildBusy, downloads_for, environment, project_lock, recover_leftovers, staging_area, swap_into_place


class BuildError(RuntimeError):
    """The build stopped; the message is written for the person running it."""


@dataclass(frozen=True)
class BuildResult:
    """What a successful build did."""

    engine: str
    site: Path
    pages: int
    rebuilt: bool = True  # False: _site/ was already what this build would write


def choose_engine(requested: str) -> str:
    """Resolve 'auto' to 'quarto' when quarto is on the PATH, else 'builtin'."""
    if requested == "auto":
        return "quarto" if quarto_path() else "builtin"
    if requested == "quarto" and not quarto_path():
        raise BuildError("--engine quarto: quarto is not on the PATH (install it, or use --engine builtin)")
    return requested


def build_site(root: Path, engine: str = "auto", progress: Progress | None = None, *,
               fresh: bool = False) -> BuildResult:
    """Validate, render and publish the project's site into root/_site atomically, one build at a time.

    progress, if given, is told each page and its seconds (by the built-in engine; Quarto keeps its own).
    fresh: render every page again, reading nothing from the page cache (the built-in engine's).
    """
    try:
        with project_lock(root):
            return build_locked(root, engine, progress, fresh=fresh)
    except BuildBusy as exc:
        raise BuildError(str(exc)) from exc


def build_locked(root: Path, engine: str = "auto", progress: Progress | None = None, *,
                 require_pictures: bool = False, fresh: bool = False) -> BuildResult:
    """Build as build_site does, the caller holding the project's lock (a release holds it throughout).

    require_pictures (a release), like CI=true, makes a missing browser for the charts' pictures an error.
    """
    if not fresh and (done := already_built(root, engine, require_pictures)) is not None:
        return done
    try:
        valid_tables(root, "the site was not built", fresh=fresh)  # the pages read the tables it keeps
    except InvalidData as exc:
        raise BuildError(str(exc)) from exc
    try:
        config = read_config(root)
        read_version(root)  # CITATION.cff, which the post-render step reads and whose version names the archive folder
    except ValueError as exc:
        raise BuildError(str(exc)) from exc
    chosen = choose_engine(engine)
    check_browser(require_pictures)
    no_address = address_line(config)
    if no_address:
        print(no_address, file=sys.stderr)

    recover_leftovers(root)
    try:
        check_archives(archive_sources(root))
    except ArchiveAltered as exc:
        raise BuildError(str(exc)) from exc
    area = staging_area(root)
    try:
        with downloads_for(area), pictures_setting(require_pictures), fresh_setting(fresh):
            if chosen == "quarto":
                render_with_quarto(root, area.site, os.environ.get("SITE_URL"))
            else:
                render_project(config, area.site, progress, cache=page_cache(config, fresh=fresh),
                               collect={DOWNLOADS_DIR: area.downloads})
        check_charts(config, area.site)
        swap_into_place(area.site, root / SITE)
        if chosen == "builtin":  # the inputs as they are now, the force pages the pre-render step wrote included
            site_stamp.record(config, site_stamp.inputs_digest(config, chosen, drawing(require_pictures)))
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise BuildError(failure_message(root, area.site, exc)) from exc
    finally:
        shutil.rmtree(area.path, ignore_errors=True)
    return BuildResult(chosen, root / SITE, len(config.rendered_pages()))


def drawing(require_pictures: bool) -> str:
    """Say how the pictures will be drawn (the browser, and whether they are required): an input of the build."""
    return f"{find_chromium()} {require_pictures or pictures_required()}"


def already_built(root: Path, engine: str, require_pictures: bool) -> BuildResult | None:
    """Return the result of a built-in build with nothing to do (_site/ up to date), else None.

    The data are not validated again: the stamp is only written by a build that validated these very files.
    """
    try:
        config = read_config(root)
        if choose_engine(engine) != "builtin":
            return None
    except (ValueError, BuildError):
        return None  # the full build reports it
    if not site_stamp.is_up_to_date(config, site_stamp.inputs_digest(config, "builtin", drawing(require_pictures))):
        return None
    return BuildResult("builtin", root / SITE, len(config.rendered_pages()), rebuilt=False)


def check_browser(require_pictures: bool) -> None:
    """Stop (BuildError) if the pictures are required and there is no Chromium; else say in one line that there is none."""
    if require_pictures or pictures_required():
        try:
            require_browser()
        except PicturesRequired as exc:
            raise BuildError(f"{exc}; the site was not built and the previous {SITE}/ is unchanged") from exc
    elif find_chromium() is None:
        print(no_browser_line(), file=sys.stderr)


def pictures_setting(required: bool) -> AbstractContextManager[None]:
    """Tell the post-render step (IBSA_PICTURES=required) that the pictures are required, while it runs."""
    return environment(PICTURES_VARIABLE, "required" if required else None)


def fresh_setting(fresh: bool) -> AbstractContextManager[None]:
    """Tell the post-render step (IBSA_FRESH=1) to draw every picture again, while it runs."""
    return environment(FRESH, "1" if fresh else None)


def failure_message(root: Path, staging: Path, exc: BaseException) -> str:
    """Say in one line why rendering stopped: a full disk, a file that cannot be written, or the engine's message."""
    if isinstance(exc, OSError) and exc.filename:
        return f"{os_error_line(exc, staging)}; the site was not built and the previous {SITE}/ is unchanged"
    if isinstance(exc, PageRenderError) and not exc.in_source:
        found = [place for key in exc.keys for place in mentions(root, "@" + key)]
        return f"{exc}, from the text in {', '.join(found)}" if found else str(exc)
    return str(exc)
