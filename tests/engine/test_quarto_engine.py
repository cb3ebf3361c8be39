"""The Quarto engine's error messages and environment (no Quarto needed: its output was recorded)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from quarto_lite.quarto_engine import python_env, quarto_problem

RECORDED = Path(__file__).parents[1] / "fixtures" / "quarto"  # stderr of Quarto 1.7.34, colours included


def test_a_validation_error_keeps_quartos_block_without_the_stack_trace() -> None:
    message = quarto_problem((RECORDED / "validation-error.stderr").read_text(encoding="utf-8"))
    assert message.splitlines() == [
        "ERROR: Project /tmp/q1/_quarto.yml validation failed.",
        "In file _quarto.yml",
        "(line 28, columns 3--17) property name google-scholar is invalid",
        '27:   repo-url: "https://github.com/OWNER/ibsa-report"',
        "28:   google-scholar: true",
        "     ~~~~~~~~~~~~~~~",
        "29:   favicon: assets/favicon.svg",
        "ℹ The error happened in location website:google-scholar.",
    ]
    assert "\x1b" not in message and "at " not in message


def test_a_front_matter_error_keeps_every_error_line() -> None:
    message = quarto_problem((RECORDED / "front-matter-error.stderr").read_text(encoding="utf-8"))
    assert message.splitlines()[:2] == [
        "ERROR: Validation of YAML front matter failed.",
        'ERROR: (line 3, columns 6--10) Field "toc" has value "yes", which must instead be `true` or `false`',
    ]
    assert message.splitlines()[-1] == "ERROR: Render failed due to invalid YAML."


def test_output_without_an_error_line_gives_its_last_lines_but_no_stack() -> None:
    text = "one\ntwo\nStack trace:\n    at x (file:///q.js:1:1)\n"
    assert quarto_problem(text) == "one\ntwo"
    assert quarto_problem("") == "quarto failed without a message"


def test_project_scripts_and_quarto_find_this_python() -> None:
    env = python_env({"PATH": "/usr/bin"})
    assert env["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)
    assert env["QUARTO_PYTHON"] == sys.executable
    assert python_env({"PATH": "", "QUARTO_PYTHON": "/opt/py"})["QUARTO_PYTHON"] == "/opt/py"
