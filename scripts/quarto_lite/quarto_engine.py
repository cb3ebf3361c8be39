"""The Quarto engine: `quarto render` into a staging directory, where Quarto is installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_STACK = re.compile(r"^\s*(Stack trace:|at )")


class QuartoError(RuntimeError):
    """Quarto failed; the message carries Quarto's own ERROR block (file, line, column), not its stack trace."""


def quarto_path() -> str | None:
    """Return the quarto executable on PATH, or None."""
    return shutil.which("quarto")


def python_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """Return an environment whose `python` is this one: its bin/ first on PATH, and QUARTO_PYTHON.

    Quarto runs `_quarto.yml`'s pre- and post-render commands through the shell, so `python -m ...`
    there must find the environment the report's package is installed in.
    """
    env = dict(os.environ if base is None else base)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("QUARTO_PYTHON", sys.executable)
    return env


def quarto_problem(output: str) -> str:
    """Return Quarto's ERROR lines (with their file, line and column lines), without any stack trace."""
    lines = [_ANSI.sub("", line).rstrip() for line in output.splitlines()]
    start = next((i for i, line in enumerate(lines) if line.startswith("ERROR")), None)
    if start is None:
        tail = [line for line in lines if line.strip() and not _STACK.match(line)]
        return "\n".join(tail[-5:]) or "quarto failed without a message"
    kept = []
    for line in lines[start:]:
        if _STACK.match(line):
            break
        if line.strip():
            kept.append(line)
    return "\n".join(kept)


def render_with_quarto(root: Path, out: Path, site_url: str | None = None) -> None:
    """Run `quarto render` for the whole project with out as the output directory."""
    exe = quarto_path()
    if exe is None:
        raise QuartoError("quarto is not on the PATH; use --engine builtin")
    command = [exe, "render", "--output-dir", str(out)]
    if site_url:
        command += ["--site-url", site_url]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, env=python_env())
    if done.returncode != 0:
        raise QuartoError(f"quarto render failed (exit {done.returncode}):\n"
                          f"{quarto_problem(done.stderr + chr(10) + done.stdout)}")
