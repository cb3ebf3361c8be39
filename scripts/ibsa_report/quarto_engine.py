"""The Quarto engine: `quarto render` into a staging directory, where Quarto is installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


class QuartoError(RuntimeError):
    """Quarto failed; the message carries the last lines it printed."""


def quarto_path() -> str | None:
    """Return the quarto executable on PATH, or None."""
    return shutil.which("quarto")


def render_with_quarto(root: Path, out: Path, site_url: str | None = None) -> None:
    """Run `quarto render` for the whole project with out as the output directory."""
    exe = quarto_path()
    if exe is None:
        raise QuartoError("quarto is not on the PATH; use --engine builtin")
    command = [exe, "render", "--output-dir", str(out)]
    if site_url:
        command += ["--site-url", site_url]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
        raise QuartoError(f"quarto render failed (exit {done.returncode}):\n{tail}")
