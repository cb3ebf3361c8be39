"""Build a fixture project that uses every supported construct, and check the HTML it produces."""

from __future__ import annotations

import os
import pty
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from ibsa_report.sources import SITE
from ibsa_report.site.bibliography import read_sources
from ibsa_report.build import BuildError, build_site
from ibsa_report.cli import cli
from ibsa_report.release.manifest import write_manifest
from ibsa_report.report.chart import CHARTS_MODE

from conftest import ROOT, busy, lock_held, tree_hashes

pytestmark = pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning")  # sitemap.xml is read as HTML

FIXTURE = Path(__file__).parent / "fixtures" / "site"
SCRIPT = "<script>alert(1)</script>"
# A requester as issue 13 found it: shown by a bare inline str, it ran script on the charging page.
REQUESTER = "Refuge <img src=x onerror=alert&lpar;document&period;domain&rpar;&sol;&sol;> @refuge-2023-blog $x$"


def make_project(target: Path) -> Path:
    """Copy the fixture project and the real data, with a script tag planted in a data text field."""
    shutil.copytree(FIXTURE, target)
    shutil.copytree(ROOT / "data", target / "data")
    shutil.copytree(ROOT / "assets", target / "assets")
    forces = target / "data" / "forces.csv"
    forces.write_text(forces.read_text(encoding="utf-8").replace(
        "avon-and-somerset,Avon and Somerset Constabulary,Avon and Somerset",
        f"avon-and-somerset,Avon and Somerset Constabulary,{SCRIPT}"), encoding="utf-8")
    rounds = target / "data" / "foi_rounds.csv"
    rounds.write_text(rounds.read_text(encoding="utf-8").replace(",Refuge,refuge-2023-blog,", f",{REQUESTER},refuge-2023-blog,"),
                      encoding="utf-8")
    return target


def soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("fixture") / "project")
    result = build_site(project, "builtin")
    assert result.engine == "builtin" and result.pages == 4  # three in the navigation, the changelog in the footer
    return project / SITE


def test_outputs_follow_quarto_paths(built):
    for page in ("index.html", "chapters/one.html", "chapters/two.html", "sitemap.xml", "404.html", "search.json",
                 "assets/site.css", "assets/search.js"):
        assert (built / page).is_file(), page


def test_include_before_body_comes_before_main_and_the_band_first_in_body(built):
    for page in ("index.html", "chapters/one.html", "404.html"):
        doc = soup(built, page)
        assert doc.select_one("p.fixture-before-body").find_next("main") is not None, page
        band = [el for el in doc.body.find_all(True, recursive=False) if "skip-link" not in el.get("class", [])][0]
        assert "safety-band" in band["class"], page


def test_navigation_order_comes_from_quarto_yml(built):
    nav = soup(built, "chapters/one.html").select("nav[aria-label=Chapters] a")
    assert [a.get_text() for a in nav] == ["Home", "Second", "First"]
    assert [a["href"] for a in nav] == ["../index.html", "../chapters/two.html", "../chapters/one.html"]
    assert nav[2]["aria-current"] == "page"


def test_previous_and_next_follow_the_navigation(built):
    two = soup(built, "chapters/two.html").select_one("nav.page-nav")
    assert two.select_one("a[rel=prev]")["href"] == "../index.html"
    assert two.select_one("a[rel=next]")["href"] == "../chapters/one.html"
    assert soup(built, "chapters/one.html").select_one("nav.page-nav a[rel=next]") is None


def test_inline_expressions_are_replaced_by_values(built):
    home = soup(built, "index.html").select_one("main").get_text(" ", strip=True)
    assert "The answer is 42" in home
    one = soup(built, "chapters/one.html").select_one("main").get_text(" ", strip=True)
    assert "The forces recorded 13,860 offences" in one
    assert "`{python}" not in one and "{python}" not in home


def test_data_text_with_html_arrives_escaped(built):
    for page in ("index.html", "chapters/one.html"):
        doc = soup(built, page)
        assert SCRIPT in doc.select_one("main").get_text(), page
        assert not any("alert" in (s.string or "") for s in doc.find_all("script")), page


def test_an_inline_str_from_the_data_shows_as_text(built):
    main = soup(built, "index.html").select_one("main")
    assert f"sent by {REQUESTER} (a str" in main.get_text(" ", strip=True)
    assert main.find("img") is None and main.select(".citation, .math") == []


def test_executed_outputs_and_cell_options(built):
    main = soup(built, "chapters/one.html").select_one("main")
    code = [pre.get_text() for pre in main.find_all("pre")]
    assert any("squares = [n * n for n in range(4)]" in c for c in code)  # echo: true shows the source
    assert any("squares [0, 1, 4, 9]" in c for c in code)                  # stdout of the cell
    assert "this output is hidden" not in main.get_text()                  # output: false
    assert "from ibsa_report import evidence" not in main.get_text()       # include: false


def test_figure_and_table_are_numbered_with_captions(built):
    main = soup(built, "chapters/one.html").select_one("main")
    fig = main.select_one("figure#fig-bars")
    assert fig.find("svg") is not None
    assert fig.find("figcaption").get_text(" ", strip=True) == "Figure 1: Two bars"
    table = main.select_one("figure#tbl-forces")
    assert table.find("figcaption").get_text(" ", strip=True) == "Table 1: Forces and their short names"
    assert "Avon and Somerset Constabulary" in table.find("table").get_text()


def test_cross_references_resolve(built):
    main = soup(built, "chapters/one.html").select_one("main")
    refs = {a.get_text(" ", strip=True): a["href"] for a in main.select("a.quarto-xref")}
    assert refs["Figure 1"] == "#fig-bars" and refs["Table 1"] == "#tbl-forces"
    assert refs["Numbers"] == "#sec-numbers"
    for href in refs.values():
        assert main.find(id=href[1:]) is not None, href


def test_callouts(built):
    main = soup(built, "chapters/one.html").select_one("main")
    note, warning = main.select_one("div.callout-note"), main.select_one("div.callout-warning")
    assert note.select_one(".callout-title").get_text(strip=True) == "Note"
    assert warning.select_one(".callout-title").get_text(strip=True) == "Mind this"
    assert "A warning with its own title." in warning.get_text()


def test_citation_links_to_its_bibliography_entry(built):
    main = soup(built, "chapters/one.html").select_one("main")
    cite = main.select_one("span.citation a")
    entry = main.find(id=cite["href"][1:])
    assert cite["href"] == "#ref-refuge-2023-blog"
    assert "Bottomley" in entry.get_text() and "charging rates remain low" in entry.get_text().lower()


def test_nocite_in_front_matter_lists_every_source(built):
    # chapters/two.qmd cites nothing; its front matter says nocite: @*, which pandoc must be given
    ids = read_sources(ROOT / "data" / "sources.csv")["source_id"]
    refs = soup(built, "chapters/two.html").select_one("main #refs")
    assert sorted(e["id"] for e in refs.select(".csl-entry")) == sorted(f"ref-{i}" for i in ids)
    assert len(soup(built, "chapters/one.html").select("main #refs .csl-entry")) == 1


def test_footnote(built):
    main = soup(built, "chapters/one.html").select_one("main")
    ref = main.select_one("a.footnote-ref")
    assert "43 forces" in main.find(id=ref["href"][1:]).get_text()


def test_links_to_qmd_pages_point_to_html(built):
    hrefs = [a["href"] for a in soup(built, "index.html").select("main a")]
    assert "chapters/one.html#sec-numbers" in hrefs
    assert "../index.html" in [a["href"] for a in soup(built, "chapters/two.html").select("main a")]


def test_plain_python_fences_are_not_executed(built):
    main = soup(built, "chapters/two.html").select_one("main .content")
    assert [pre.get_text().strip() for pre in main.find_all("pre")] == ['print("not executed")']


def test_meta_tags(built):
    doc = soup(built, "chapters/one.html")
    meta = {m.get("name") or m.get("property"): m["content"] for m in doc.find_all("meta") if m.has_attr("content")}
    assert doc.html["lang"] == "en-GB"
    assert meta["citation_title"] == "Fixture report"
    assert meta["citation_author"] == "Fixture authors"
    assert meta["citation_technical_report_number"]
    assert meta["og:title"] == "Chapter one"
    assert meta["og:url"] == "https://fixture-owner.github.io/fixture/chapters/one.html"
    assert meta["description"] == "Every construct."


def test_skip_link_and_table_of_contents(built):
    doc = soup(built, "chapters/one.html")
    skip = doc.select_one("a.skip-link")
    assert skip["href"] == "#main" and doc.find(id="main") is not None
    toc = [a["href"] for a in doc.select("nav.toc a")]
    assert toc[:2] == ["#sec-numbers", "#sec-back"]


def test_sitemap_search_and_404(built):
    sitemap = BeautifulSoup((built / "sitemap.xml").read_text(), "html.parser")
    assert [loc.get_text() for loc in sitemap.find_all("loc")] == [
        "https://fixture-owner.github.io/fixture/index.html", "https://fixture-owner.github.io/fixture/chapters/two.html",
        "https://fixture-owner.github.io/fixture/chapters/one.html", "https://fixture-owner.github.io/fixture/CHANGELOG.html"]
    import json
    entries = json.loads((built / "search.json").read_text())
    assert any(e["href"] == "chapters/one.html#sec-numbers" and "13,860" in e["text"] for e in entries)
    links = [a["href"] for a in soup(built, "404.html").select("main a")]
    assert links == ["/fixture/index.html"]


def test_two_builds_are_byte_identical(built, tmp_path):
    project = make_project(tmp_path / "again")
    build_site(project, "builtin")
    assert tree_hashes(project / SITE) == tree_hashes(built)


def test_failing_cell_fails_the_build_and_keeps_the_last_site(built, tmp_path):
    project = make_project(tmp_path / "failing")
    shutil.copytree(built, project / SITE)
    before = tree_hashes(project / SITE)
    page = project / "chapters" / "one.qmd"
    lines = page.read_text(encoding="utf-8").splitlines()
    lines[14:14] = ["```{python}", "1 / 0", "```", ""]
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BuildError) as info:
        build_site(project, "builtin")
    assert "chapters/one.qmd:15: cell failed: ZeroDivisionError: division by zero" in str(info.value)
    assert tree_hashes(project / SITE) == before
    assert not list(project.glob(".staging*"))


@pytest.mark.parametrize(("execute", "cell", "message"), [
    ("  timeout: 1\n", ["import time", "time.sleep(60)"],
     "index.qmd:5: cell slow did not finish within 1 s (execute: timeout); it was stopped"),
    ("", ["print('x' * 10_999_999)"],
     "index.qmd:5: cell slow wrote 11,000,000 characters of output, more than the 10,000,000 a cell may write"),
], ids=["timeout", "output-limit"])
def test_a_cell_over_a_limit_fails_the_build_in_one_line(built, tmp_path, execute, cell, message):
    project = make_project(tmp_path / "limits")
    shutil.copytree(built, project / SITE)
    before = tree_hashes(project / SITE)
    config = project / "_quarto.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("execute:\n", "execute:\n" + execute),
                      encoding="utf-8")
    page = project / "index.qmd"  # the first cell of the first page: the setup cells take longer than 1 s
    lines = page.read_text(encoding="utf-8").splitlines()
    assert lines[3] == "---", "index.qmd's front matter has changed; update the test"
    lines[4:4] = ["```{python}", "#| label: slow", *cell, "```", ""]
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BuildError) as info:
        build_site(project, "builtin")
    assert str(info.value) == message
    assert tree_hashes(project / SITE) == before
    assert not list(project.glob(".staging*"))


def test_bad_data_stops_the_build_and_keeps_the_last_site(built, tmp_path):
    project = make_project(tmp_path / "bad-data")
    shutil.copytree(built, project / SITE)
    before = tree_hashes(project / SITE)
    counts = project / "data" / "foi_force_counts.csv"
    counts.write_text(counts.read_text().replace("dorset,17,", "dorset,x17,"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--project", str(project), "build", "--engine", "builtin"])
    assert result.exit_code == 1
    assert ('data/foi_force_counts.csv:8:charged_summonsed: value has the wrong type '
            '(found "x17", expected a whole number)') in result.stderr
    assert tree_hashes(project / SITE) == before


def fake_quarto(bin_dir: Path) -> None:
    """Put a stand-in `quarto` on a PATH: it records its arguments and writes one page to --output-dir."""
    bin_dir.mkdir()
    script = bin_dir / "quarto"
    script.write_text('#!/bin/sh\necho "$@" > "$PWD/quarto-args.txt"\n'
                      'out=$3\nmkdir -p "$out"\necho "<html>from quarto</html>" > "$out/index.html"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_auto_uses_quarto_when_it_is_on_the_path(tmp_path, monkeypatch):
    project = make_project(tmp_path / "quarto")
    fake_quarto(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    result = CliRunner().invoke(cli, ["--project", str(project), "build"])
    assert result.exit_code == 0, result.output
    assert "with the quarto engine" in result.output
    args = (project / "quarto-args.txt").read_text().split()
    assert args[:2] == ["render", "--output-dir"] and ".staging" in args[2]
    assert (project / SITE / "index.html").read_text() == "<html>from quarto</html>\n"


def test_quarto_engine_requested_without_quarto(tmp_path, monkeypatch):
    project = make_project(tmp_path / "no-quarto")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = CliRunner().invoke(cli, ["--project", str(project), "build", "--engine", "quarto"])
    assert result.exit_code == 1
    assert "quarto is not on the PATH" in result.stderr


@pytest.mark.parametrize(("change", "message"), [
    (("  site-url:", "  google-scholar: true\n  site-url:"),
     "website.google-scholar: property name google-scholar is invalid (Quarto 1.7.34's schema)"),
    (("format:\n  html:\n", "format:\n  html:\n    code-fold: true\n"),
     "format.html.code-fold: the built-in engine does not support this option (use Quarto, or remove it)"),
    # Quarto accepts any top-level key (its front matter is open); the built-in engine refuses one it ignores.
    (("execute:\n", "exceute:\n  echo: true\nexecute:\n"),
     "exceute: the built-in engine does not support this option (use Quarto, or remove it)"),
])
def test_an_option_quarto_refuses_or_the_engine_ignores_stops_the_build(tmp_path, quarto_schema_dir, change, message):
    project = make_project(tmp_path / "refused")
    config = project / "_quarto.yml"
    text = config.read_text(encoding="utf-8")
    assert change[0] in text
    config.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    line = next(i for i, l in enumerate(config.read_text(encoding="utf-8").splitlines(), 1)
                if l.strip().startswith(message.split(":")[0].rsplit(".", 1)[-1] + ":"))
    result = CliRunner().invoke(cli, ["--project", str(project), "build", "--engine", "builtin"])
    assert result.exit_code == 1
    assert f"_quarto.yml:{line}: {message}" in result.stderr
    assert not (project / SITE).exists()


def test_the_site_folder_is_quarto_yml_output_dir():
    from quarto_lite.project import read_config

    assert read_config(ROOT).raw["project"]["output-dir"] == SITE


def run_with_stderr_on_a_terminal(args: list[str]) -> tuple[int, str, str]:
    """Run a command with stderr on a pseudo-terminal; return its exit code, stdout and stderr."""
    controller, terminal = pty.openpty()
    with subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=terminal) as process:
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # EIO: every process holding the terminal has ended
                break
            if not chunk:
                break
            chunks.append(chunk)
        stdout = process.stdout.read()
        process.wait(timeout=600)
    os.close(controller)
    return process.returncode, stdout.decode(), b"".join(chunks).decode().replace("\r\n", "\n")


def test_a_build_on_a_terminal_prints_each_page_then_a_summary_and_nothing_else(tmp_path):
    """No kernel warnings (TCP without encryption, KeyboardInterrupt caught in kernel): one line per page."""
    project = make_project(tmp_path / "quiet")
    code, stdout, stderr = run_with_stderr_on_a_terminal(
        [sys.executable, "-m", "ibsa_report.cli", "--project", str(project), "build", "--engine", "builtin"])
    assert code == 0, stderr
    pages = ["index.qmd", "chapters/two.qmd", "chapters/one.qmd", "CHANGELOG.md", "404.qmd"]
    assert [re.sub(r"\d+\.\d s$", "N s", line) for line in stderr.splitlines()] == \
        [f"rendered {page} in N s" for page in pages], stderr
    assert re.fullmatch(rf"built 4 pages into {re.escape(str(project / SITE))} with the builtin engine in \d+\.\d s\n",
                        stdout), stdout


CHARTS = Path(__file__).parent / "fixtures" / "charts"


def chart_project(target: Path) -> Path:
    """Copy the two-page chart fixture (chart-a on index.qmd, chart-b on chapters/b.qmd), the real data and assets/
    (the pictures are drawn with the site's plotly.js, and CI requires them)."""
    shutil.copytree(CHARTS, target)
    shutil.copytree(ROOT / "data", target / "data")
    shutil.copytree(ROOT / "assets", target / "assets")
    return target


def test_the_bench_baseline_builds_with_plotly_inlined_and_no_policy(tmp_path, monkeypatch):
    project = chart_project(tmp_path / "baseline")
    monkeypatch.setenv(CHARTS_MODE, "plotly-default")
    build_site(project, "builtin")
    page = (project / SITE / "index.html").read_text(encoding="utf-8")
    assert "window.PlotlyConfig" in page and "Content-Security-Policy" not in page
    assert not (project / SITE / "downloads" / "chart-a.svg").exists(), "the baseline draws no pictures"


def test_a_second_build_is_refused_naming_the_first(tmp_path):
    project = chart_project(tmp_path / "busy")
    (project / SITE).mkdir()
    (project / SITE / "index.html").write_text("the last site\n", encoding="utf-8")
    before = tree_hashes(project / SITE)
    with lock_held(project) as pid:
        result = CliRunner().invoke(cli, ["--project", str(project), "build", "--engine", "builtin"])
    assert result.exit_code == 1
    assert result.stderr == busy(pid)
    assert tree_hashes(project / SITE) == before
    assert not list(project.glob(".staging*"))


def test_each_build_writes_its_chart_csvs_in_its_own_staging_area(tmp_path):
    project = chart_project(tmp_path / "own-downloads")
    # A plain Jupyter run (or another build, before builds had their own area) left a CSV in _downloads/.
    (project / "_downloads").mkdir()
    (project / "_downloads" / "chart-stale.csv").write_text("Name,Value\nold,0\n", encoding="utf-8")
    build_site(project, "builtin")
    assert sorted(p.name for p in (project / SITE / "downloads").glob("*.csv")) == ["chart-a.csv", "chart-b.csv"]
    assert [p.name for p in (project / "_downloads").iterdir()] == ["chart-stale.csv"], "the build used _downloads/"
    assert not list(project.glob(".staging*"))


def test_a_chart_id_used_on_two_pages_stops_the_build(tmp_path):
    project = chart_project(tmp_path / "same-id")
    page = project / "chapters" / "b.qmd"
    page.write_text(page.read_text(encoding="utf-8").replace('"chart-b"', '"chart-a"'), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--project", str(project), "build", "--engine", "builtin"])
    assert result.exit_code == 1
    assert result.stderr == ("no site address is set: pages link relatively and carry no canonical link, og:url, "
                             "sitemap.xml or citation address; set website.site-url in _quarto.yml (or SITE_URL) "
                             "before publishing\n"  # the chart fixture has no site-url
                             "Error: chart id 'chart-a' is used on two pages, index.qmd and chapters/b.qmd: a chart "
                             "id must be unique across the site (it names downloads/chart-a.csv)\n")
    assert not (project / SITE).exists()
    assert not list(project.glob(".staging*"))


def test_leftovers_of_a_crashed_build_are_recovered_and_no_archive_is_lost(tmp_path):
    project = chart_project(tmp_path / "crashed")
    # A build died between its two renames: the last site (with an archived version) is _site.old-<pid>,
    # its staging area is still there, and its lock names a process that no longer runs.
    old = project / f"{SITE}.old-999999"
    (old / "v" / "0.0.9").mkdir(parents=True)
    (old / "index.html").write_text("the last site\n", encoding="utf-8")
    (old / "v" / "0.0.9" / "index.html").write_text("version 0.0.9\n", encoding="utf-8")
    write_manifest(old / "v" / "0.0.9")
    archived_before = tree_hashes(old / "v")
    (project / ".staging-999999" / "site").mkdir(parents=True)
    (project / ".build.lock").write_text("999999\n", encoding="ascii")
    result = CliRunner().invoke(cli, ["--project", str(project), "build", "--engine", "builtin"])
    assert result.exit_code == 0, result.output
    assert tree_hashes(project / SITE / "v") == archived_before
    assert (project / SITE / "downloads" / "chart-a.csv").is_file()
    assert not list(project.glob(".staging*")) and not list(project.glob(f"{SITE}.old-*"))
    assert not (project / ".build.lock").exists()


def test_a_leftover_old_site_beside_the_site_gives_its_archives_to_the_next_build(tmp_path):
    project = chart_project(tmp_path / "both")
    (project / SITE / "v" / "0.0.8").mkdir(parents=True)
    (project / SITE / "v" / "0.0.8" / "index.html").write_text("version 0.0.8\n", encoding="utf-8")
    write_manifest(project / SITE / "v" / "0.0.8")
    old = project / f"{SITE}.old-999998"
    (old / "v" / "0.0.9").mkdir(parents=True)
    (old / "v" / "0.0.9" / "index.html").write_text("version 0.0.9\n", encoding="utf-8")
    write_manifest(old / "v" / "0.0.9")
    expected = {**{f"0.0.8/{k}": v for k, v in tree_hashes(project / SITE / "v" / "0.0.8").items()},
                **{f"0.0.9/{k}": v for k, v in tree_hashes(old / "v" / "0.0.9").items()}}
    build_site(project, "builtin")
    assert tree_hashes(project / SITE / "v") == expected
    assert not list(project.glob(f"{SITE}.old-*"))
