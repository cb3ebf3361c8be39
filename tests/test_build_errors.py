"""What stops a build is one line naming the file (and line), never a traceback, and the last good _site/ stays.

Each case runs `ibsa-report build` (CliRunner) on a small project with the real data/ and a page or two
without cells, so that only the case that needs a kernel starts one.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ibsa_report.cli import cli
from ibsa_report.sources import SITE

from conftest import ROOT, edit, package_line, tree_hashes

QUARTO_YML = """project:
  type: website
  output-dir: _site
website:
  title: "Small report"
  site-url: "https://small-owner.github.io/small/"
  navbar:
    left:
      - href: index.qmd
        text: Home
      - href: chapters/one.qmd
        text: One
author:
  - name: "Small authors"
bibliography: refs.yaml
"""
REFS = "references:\n- id: known-2020\n  type: report\n  title: A known source\n  issued: {date-parts: [[2020]]}\n"
INDEX = "---\ntitle: Home\n---\n\nHello [@known-2020].\n"
ONE = "---\ntitle: One\n---\n\n## Part {#sec-part}\n\nSee @sec-part.\n"
NOT_BUILT = "the site was not built and the previous _site/ is unchanged"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A small project with the real data/, two pages and a previous _site/."""
    project = tmp_path / "small"
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copy(ROOT / "CITATION.cff", project / "CITATION.cff")
    files = {"_quarto.yml": QUARTO_YML, "refs.yaml": REFS, "index.qmd": INDEX, "chapters/one.qmd": ONE,
             f"{SITE}/index.html": "<p>the last good site</p>\n"}
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    return project


def build(project: Path):
    """Run `ibsa-report build --engine builtin` and return the result, after checking the site and staging."""
    before = tree_hashes(project / SITE)
    result = CliRunner().invoke(cli, ["--project", str(project), "build", "--engine", "builtin"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert tree_hashes(project / SITE) == before
    assert not list(project.glob(".staging*"))
    return result


def replace(project: Path, name: str, old: str, new: str) -> None:
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


CASES = {
    "a navbar item without href": (
        lambda p: replace(p, "_quarto.yml", "      - href: chapters/one.qmd\n", "      - file: chapters/one.qmd\n"),
        "_quarto.yml:11: website.navbar.left[1]: a navigation item has no href: {'file': 'chapters/one.qmd', 'text': 'One'}"),
    "a YAML error in _quarto.yml": (
        lambda p: replace(p, "_quarto.yml", '  title: "Small report"\n', '  title: "Small report\n'),
        "_quarto.yml:6: not valid YAML: expected <block end>, but found '<scalar>'"),
    "a YAML error in CITATION.cff": (
        lambda p: replace(p, "CITATION.cff", "cff-version: 1.2.0\n", "cff-version: [1.2.0\n"),
        "CITATION.cff:3: not valid YAML: expected ',' or ']', but got ':'"),
    "a YAML error in a page's front matter": (
        lambda p: replace(p, "chapters/one.qmd", "title: One\n", "title: One: two\n"),
        "chapters/one.qmd:2: front matter is not valid YAML: mapping values are not allowed here"),
    "a chapter that is not UTF-8": (
        lambda p: (p / "chapters/one.qmd").write_bytes(ONE.encode().replace(b"See", b"S\xe9e")),
        "chapters/one.qmd:7: the file is not UTF-8 text (byte 0xe9); save it as UTF-8"),
    "a citation not found": (
        lambda p: replace(p, "chapters/one.qmd", "See @sec-part.\n", "See @sec-part.\n\nAs shown [@ghost-2024, p. 3].\n"),
        "chapters/one.qmd:9: citation not found: ghost-2024"),
    "an unresolved cross-reference": (
        lambda p: replace(p, "chapters/one.qmd", "See @sec-part.\n", "See @sec-part and @tbl-missing.\n"),
        "chapters/one.qmd:7: unresolved cross-reference @tbl-missing"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_broken_source_is_one_line_and_the_site_stays(small: Path, case: str) -> None:
    change, error = CASES[case]
    change(small)
    result = build(small)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {error}\n"


FORCES_PATH, SCHEMA = '"path": "forces.csv"', '"schema"'


@pytest.mark.parametrize(("change", "error"), [
    (lambda p: edit(p, "datapackage.json", b'"path": "forces.csv"', b'"path": "../../../../../../etc/passwd"'),
     f"data/datapackage.json:{package_line(FORCES_PATH)}:resources[1].path: a resource's path must name a file inside data/; the file was not read "
     '(found "../../../../../../etc/passwd", expected a file name inside data/, such as forces.csv)'),
    (lambda p: edit(p, "datapackage.json", b'        "primaryKey": [\n          "force_id"\n        ],\n', b"", after=b'"name": "forces"'),
     f"data/datapackage.json:{package_line(SCHEMA, after=FORCES_PATH)}:resources[1].schema.primaryKey: the schema of forces is weaker than the report's checks rely on; "
     'the table was not read (found "", expected primaryKey force_id)'),
    (lambda p: edit(p, "forces.csv", b"derbyshire,Derbyshire Constabulary,", "derbyshire,Derbyshire\u202e,".encode()),
     "data/forces.csv:9:name: the value contains a Unicode bidirectional control, which would reorder the text around it on "
     'the page (found "Derbyshire\\u202e", expected the text without U+202E (RIGHT-TO-LEFT OVERRIDE))'),
], ids=["path-out-of-data", "weakened-schema", "bidi-control"])
def test_data_the_schema_cannot_be_trusted_with_stops_the_build(small: Path, change, error: str) -> None:
    change(small)
    result = build(small)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {error}\n1 problem(s) in data/; the site was not built\n"


def test_a_citation_from_data_text_names_the_cell_it_came_from(small: Path) -> None:
    edit(small, "forces.csv", b"avon-and-somerset,Avon and Somerset Constabulary,",
         b"avon-and-somerset,Avon and Somerset Constabulary [@ghost-2024],")
    cell = ("```{python}\n#| echo: false\nimport csv\nfrom IPython.display import Markdown\n"
            "rows = list(csv.reader(open('data/forces.csv', encoding='utf-8')))\nMarkdown(rows[1][1])\n```\n")
    replace(small, "index.qmd", "Hello [@known-2020].\n", "Hello [@known-2020].\n\n" + cell)
    result = build(small)
    assert result.exit_code == 1
    assert result.stderr == ("Error: index.qmd: citation not found: ghost-2024; index.qmd does not contain it: a cell's output "
                             "does, from the text in data/forces.csv:2:name\n")


def test_a_full_disk_is_one_line_and_the_site_stays(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import quarto_lite.engine

    write = quarto_lite.engine._write

    def full(path: Path, text: str) -> None:
        if path.name == "one.html":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        write(path, text)

    monkeypatch.setattr(quarto_lite.engine, "_write", full)
    result = build(small)
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot write chapters/one.html: the disk is full; {NOT_BUILT}\n"


def test_ctrl_c_exits_130_and_the_site_stays(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ibsa_report.build

    def interrupted(config, out: Path, *_: object, **__: object) -> list[str]:
        (out / "index.html").parent.mkdir(parents=True)
        (out / "index.html").write_text("half a site", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(ibsa_report.build, "render_project", interrupted)
    result = build(small)
    assert result.exit_code == 130
    assert result.stderr == f"Error: interrupted: {NOT_BUILT}\n"


def _sigint_as_in_a_terminal() -> None:
    """In the child, before exec: SIGINT's default action (Python then raises KeyboardInterrupt on it)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_in_a_terminal_exits_130_and_the_site_stays(small: Path) -> None:
    """SIGINT to the whole process group, as a terminal sends it, while a cell runs."""
    replace(small, "index.qmd", "Hello [@known-2020].\n",
            "Hello [@known-2020].\n\n```{python}\nimport pathlib, time\npathlib.Path('running').touch()\ntime.sleep(60)\n```\n")
    before = tree_hashes(small / SITE)
    script = Path(sys.executable).with_name("ibsa-report")
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "ibsa_report.cli"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "scripts"), os.environ.get("PYTHONPATH")]))}
    # As in a terminal, Ctrl-C is not ignored: a shell's background job (`cmd &`, as a benchmark may run the suite)
    # starts with SIGINT ignored, and a child inherits that, which would leave nothing for the build to catch.
    process = subprocess.Popen([*command, "--project", str(small), "build", "--engine", "builtin"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                               preexec_fn=_sigint_as_in_a_terminal)
    deadline = time.monotonic() + 120
    while not (small / "running").exists():
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr.splitlines()[-1] == f"Error: interrupted: {NOT_BUILT}"
    # No traceback from the build itself. (The Jupyter kernel, which gets the SIGINT too, may still log its own on
    # its stderr as it is shut down: that is the kernel's output, which issue 13's "quiet output" part silences.)
    assert str(ROOT / "scripts") not in stderr and "nbclient" not in stderr
    assert tree_hashes(small / SITE) == before
    assert not list(small.glob(".staging*"))
