"""The ``ibsa-report`` command line: thin wrappers over the package's functions."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import click

from ibsa_report.build import BuildError, build_site
from ibsa_report.release.archives import add_manifest
from ibsa_report.release.manifest import ArchiveAltered
from ibsa_report.release.publish import PublishError, publish as publish_site
from ibsa_report.release.release import ReleaseError, archive_site, release as cut_release
from ibsa_report.staging import BuildBusy
from ibsa_report.evidence.problems import to_json
from ibsa_report.evidence.summary import summary_lines
from ibsa_report.evidence.validate import validate_project
from ibsa_report.sources import SITE

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
INTERRUPTED = 130  # the shell's exit status for a command stopped by Ctrl-C (128 + SIGINT)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.option("--project", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Project directory (the one holding data/ and _quarto.yml).")
@click.pass_context
def cli(ctx: click.Context, project: Path) -> None:
    """Build and check the IBSA criminal-justice report.

    Example:

        ibsa-report validate
    """
    ctx.obj = project.resolve()


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one line per problem; json: a document for machines.")
@click.pass_obj
def validate(project: Path, fmt: str) -> None:
    """Validate data/ against its schemas and the cross-table rules.

    Every problem is reported, one line each, as
    data/<file>.csv:<row>:<field>: what is wrong (found X, expected Y).
    Exits 1 if there is any problem.

    Example:

        ibsa-report validate --format json
    """
    result = validate_project(project)
    if fmt == "json":
        click.echo(to_json(result.problems))
        if not result.ok:
            raise SystemExit(1)
        return
    if not result.ok:
        for problem in result.problems:
            click.echo(problem.message, err=True)
        raise click.ClickException(f"{len(result.problems)} problem(s) in data/; fix them and run again")
    for line in summary_lines(result.tables):
        click.echo(line)


@cli.command()
@click.option("--engine", type=click.Choice(["auto", "quarto", "builtin"]), default="auto", show_default=True,
              help="auto: Quarto if it is on the PATH, else the built-in engine.")
@click.option("--fresh", is_flag=True, help="Run and render every page again, ignoring the page cache.")
@click.pass_obj
def build(project: Path, engine: str, fresh: bool) -> None:
    """Validate the data, render the site into a staging directory and swap it into _site/.

    A failed or interrupted build (Ctrl-C: exit 130) leaves the previous _site/ exactly as it was. On a
    terminal, the built-in engine also prints each page and its seconds to stderr. The built-in engine
    keeps each page in .cache/pages/ and runs again only the pages whose inputs changed (--fresh: all).

    Example:

        ibsa-report build --engine builtin
    """
    start = time.perf_counter()
    try:
        result = build_site(project, engine, progress=_page_progress if _stderr_is_a_terminal() else None,
                            fresh=fresh)
    except BuildError as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyboardInterrupt:
        # The kernel's pending message tasks end with it; asyncio would log each at exit, with a traceback.
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        click.echo(f"Error: interrupted: the site was not built and the previous {SITE}/ is unchanged", err=True)
        raise SystemExit(INTERRUPTED) from None
    if not result.rebuilt:
        click.echo(f"{result.site} is up to date: its {result.pages} pages were built from these sources "
                   f"({time.perf_counter() - start:.1f} s; --fresh builds it again)")
        return
    click.echo(f"built {result.pages} pages into {result.site} with the {result.engine} engine "
               f"in {time.perf_counter() - start:.1f} s")


def _stderr_is_a_terminal() -> bool:
    """Tell whether stderr is a terminal (where progress lines are wanted)."""
    return sys.stderr.isatty()


def _page_progress(page: str, seconds: float) -> None:
    """Print one progress line for a rendered page."""
    click.echo(f"rendered {page} in {seconds:.1f} s", err=True)


@cli.command()
@click.argument("version")
@click.option("--no-git", is_flag=True, help="Do not commit or tag; print the git commands instead.")
@click.option("--engine", type=click.Choice(["auto", "quarto", "builtin"]), default="auto", show_default=True)
@click.pass_obj
def release(project: Path, version: str, no_git: bool, engine: str) -> None:
    """Release VERSION: set it everywhere, build, archive under _site/v/VERSION/, commit and tag.

    Refuses, changing nothing, unless the data validate, VERSION is greater than the current one,
    CHANGELOG.md has a '## [VERSION]' entry and (with git) the working tree is clean.

    Example:

        ibsa-report release 1.1.0
    """
    try:
        done = cut_release(project, version, use_git=not no_git, engine=engine)
    except (ReleaseError, BuildError, BuildBusy, ValueError) as exc:  # ValueError: a project file cannot be read
        raise click.ClickException(str(exc)) from exc
    click.echo(f"released {done.version}: archived in {done.archive}")
    for command in done.git_commands:
        click.echo(("run: " if no_git else "ran: ") + " ".join(command))
    click.echo(f"then: git push origin main v{done.version}  (and `ibsa-report publish`)")


@cli.command()
@click.pass_obj
def archive(project: Path) -> None:
    """Archive the built _site/ as the current version (CITATION.cff) under _site/v/<version>/.

    CI runs this after building a release tag; `release` does it for you locally.

    Example:

        ibsa-report archive
    """
    try:
        version, target = archive_site(project)
    except (ReleaseError, BuildBusy) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"archived version {version} in {target}")


@cli.command()
@click.argument("version")
@click.pass_obj
def manifest(project: Path, version: str) -> None:
    """Write _site/v/VERSION/MANIFEST.sha256 for a copy archived before archives had manifests.

    Check the copy first: it must be the one released (the Pages branch's copy, when the branch has
    it, must be byte for byte the same, or this refuses). Then `ibsa-report publish`.

    Example:

        ibsa-report manifest 1.0.0 && ibsa-report publish
    """
    try:
        written = add_manifest(project, version)
    except (ArchiveAltered, BuildBusy) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {written.relative_to(project)}")


@cli.command()
@click.option("--branch", default="gh-pages", show_default=True, help="The branch GitHub Pages serves.")
@click.pass_obj
def publish(project: Path, branch: str) -> None:
    """Commit the built _site/ (with every archived version) as the tree of the Pages branch.

    Example:

        ibsa-report publish && git push origin gh-pages
    """
    try:
        commit = publish_site(project, branch)
    except (PublishError, BuildBusy) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"published _site/ to {branch} as {commit[:12]}")


def sizes(text: str) -> list[int]:
    """Parse a comma-separated list of whole numbers of rounds (empty: none)."""
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a comma-separated list of whole numbers") from None
    if any(v < 1 for v in values):
        raise click.BadParameter("each number of rounds is at least 1")
    return values


@cli.command()
@click.option("--engine", type=click.Choice(["auto", "quarto", "builtin"]), default="auto", show_default=True,
              help="auto: Quarto if it is on the PATH, else the built-in engine.")
@click.option("--scale", is_flag=True, help="Time validation and the build on synthetic copies with more FOI rounds and forces instead.")
@click.option("--rounds", "validate_rounds", default="1,10,100,1000", show_default=True, metavar="N,N,...",
              help="With --scale: the copies validated, in times the FOI rounds.")
@click.option("--build-rounds", default="1,10", show_default=True, metavar="N,N,...",
              help="With --scale: the copies built, in times the FOI rounds ('' builds none).")
@click.option("--forces", type=click.IntRange(1), default=10, show_default=True,
              help="With --scale: also build a copy with this many times the forces, and so their pages (1: none).")
@click.pass_obj
def bench(project: Path, engine: str, scale: bool, validate_rounds: str, build_rounds: str, forces: int) -> None:
    """Build the site as shipped and with plotly's defaults; compare build time and bytes in Chromium.

    Prints a table and exits 1, naming each one, if the shipped site misses a budget: first visit to
    any page at most 50 KiB, a second page at most 30 KiB, chart pages at least 3x lighter than the
    baseline, a chart interactive within 500 ms of the first pointer event, build at most 60 s. Needs
    Playwright and Chromium (see `.ci/run`).

    With --scale, times validation (reading data/ and the cross-table rules apart) on synthetic copies
    with 1, 10, 100 and 1,000 times the FOI rounds, and the build on copies with 1 and 10 times the
    rounds and 10 times the forces (a page each), each from an empty cache; prints time against size and the growth
    (time ratio over size ratio), and exits 1 if validation at 1,000 rounds takes over 3 s or the rules
    take longer than the read.

    Example:

        ibsa-report bench --engine builtin
        ibsa-report bench --scale --build-rounds 1 --forces 1
    """
    if scale:
        from ibsa_report.dev.scale_bench import run_scale, scale_failures, scale_lines

        try:
            steps = run_scale(project, engine, log=lambda line: click.echo(line, err=True),
                              validate_rounds=sizes(validate_rounds), build_rounds=sizes(build_rounds), forces=forces)
        except RuntimeError as exc:
            raise click.ClickException(str(exc)) from exc
        _report(scale_lines(steps), scale_failures(steps), "over budget", "budget(s) not met", "all budgets met")
        return
    from ibsa_report.dev.bench import budget_failures, report_lines, run_bench
    from ibsa_report.dev.browser import missing_browser

    if (reason := missing_browser()) is not None:
        raise click.ClickException(reason)
    try:
        results = run_bench(project, engine, log=lambda line: click.echo(line, err=True))
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    _report(report_lines(results), budget_failures(results), "over budget", "budget(s) not met", "all budgets met")


@cli.command()
@click.option("--runs", type=click.IntRange(1, 9), default=3, show_default=True, help="Runs per page (the median is kept).")
@click.pass_obj
def lighthouse(project: Path, runs: int) -> None:
    """Audit the built _site/ with Lighthouse 12 (mobile defaults, served with gzip): performance and accessibility.

    Prints a Markdown table of each live page's median scores over the runs and exits 1, naming each one,
    if a page scores under 98 for performance or under 100 for accessibility. Needs Node, Chromium and
    `npm ci --prefix tools/lighthouse`. Build the site first.

    Example:

        ibsa-report lighthouse --runs 3
    """
    from ibsa_report.dev.browser import missing_browser
    from ibsa_report.dev.lighthouse import budget_failures, missing_lighthouse, report_lines, run_lighthouse

    site = project / SITE
    for reason in (missing_browser(), missing_lighthouse(project),
                   None if (site / "index.html").is_file() else f"{SITE}/ has no index.html: run `ibsa-report build` first"):
        if reason is not None:
            raise click.ClickException(reason)
    try:
        results = run_lighthouse(project, site, runs, log=lambda line: click.echo(line, err=True))
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        raise click.ClickException(str(exc)) from exc
    _report(report_lines(results), budget_failures(results), "under budget", "score(s) under budget",
            "all scores within budget")


def _report(lines: list[str], failures: list[str], label: str, missed: str, met: str) -> None:
    """Print a measurement's table, then each budget missed on stderr and exit 1, or the line saying all were met."""
    for line in lines:
        click.echo(line)
    for line in failures:
        click.echo(f"{label}: {line}", err=True)
    if failures:
        raise click.ClickException(f"{len(failures)} {missed}")
    click.echo(met)


if __name__ == "__main__":
    cli()
