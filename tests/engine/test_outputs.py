"""Tests for quarto_lite.outputs: cleaning a cell's text takes time linear in its size.

Each timed case runs in a subprocess with a time limit, so that a quadratic regression fails the test
in seconds instead of hanging the suite: the limits are far above what the linear code needs (well
under a second here) and far below what the quadratic code took (hours for the line below).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from quarto_lite.outputs import _clean_text

SCRIPTS = Path(__file__).parents[2] / "scripts"
LIMIT_SECONDS = 30

# (Python expressions, evaluated in the subprocess.)
# 2 MB without a space that holds "ipykernel_" but no cell file name: before, every position of the
# run started a scan to its end (an 80 KB line took 25 s; this one, hours).
LONG_LINE = "\"x = 'a\" + 'b' * 2_000_000 + \"ipykernel_'\""
# 80,000 flushed prints of 100 characters: before, each was added to a growing str (16 s for 20,000).
MANY_PRINTS = "[{'output_type': 'stream', 'name': 'stdout', 'text': 'x' * 100}] * 80_000"


def run_bounded(code: str) -> str:
    """Run code with quarto_lite importable; return its stdout, or fail the test after LIMIT_SECONDS."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SCRIPTS), os.environ.get("PYTHONPATH", "")])}
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                              timeout=LIMIT_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"did not finish within {LIMIT_SECONDS} s: {code}")
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_long_line_is_cleaned_in_linear_time() -> None:
    code = ("from quarto_lite.outputs import _clean_text\n"
            f"text = {LONG_LINE}\n"
            "print(_clean_text(text) == text)")
    assert run_bounded(code) == "True\n"


def test_many_stream_outputs_are_merged_in_linear_time() -> None:
    code = ("from quarto_lite.outputs import merge_streams\n"
            f"merged = merge_streams({MANY_PRINTS})\n"
            "print(len(merged), len(merged[0]['text']))")
    assert run_bounded(code) == "1 8000000\n"


@pytest.mark.parametrize(("text", "expected"), [
    ('File /tmp/ipykernel_4242/3811.py:2\n', "File <cell>:2\n"),
    ('  File "C:\\Temp\\ipykernel_7\\12.py", line 1\n', '  File "<cell>", line 1\n'),
    ("see /a/ipykernel_1/2.py and /b/ipykernel_3/4.py.\n", "see <cell> and <cell>.\n"),
    ("\x1b[31mred\x1b[0m in /tmp/ipykernel_9/9.py\n", "red in <cell>\n"),
    ("no kernel file here: ipykernel_1/x.py\n", "no kernel file here: ipykernel_1/x.py\n"),
], ids=["posix", "windows", "two", "ansi", "not-a-cell-file"])
def test_kernel_cell_files_are_named_stably(text: str, expected: str) -> None:
    assert _clean_text(text) == expected
