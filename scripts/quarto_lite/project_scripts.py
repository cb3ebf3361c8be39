"""Run the project's pre-render and post-render scripts from _quarto.yml, as Quarto does.

Quarto runs each command in the project directory with QUARTO_PROJECT_OUTPUT_DIR and
QUARTO_PROJECT_RENDER_ALL set; the built-in engine does the same, so one `_quarto.yml` drives both.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from quarto_lite.project import ProjectConfig
from quarto_lite.quarto_engine import python_env


class ScriptError(RuntimeError):
    """A project script failed; the message names it and carries its last lines."""


def commands(config: ProjectConfig, stage: str) -> list[str]:
    """Return the commands listed under project.<stage> (a string or a list) in _quarto.yml."""
    return config.option_list("project", stage)


def script_env(out: Path) -> dict[str, str]:
    """Return the environment Quarto gives project scripts, with this Python's bin first on PATH."""
    env = python_env()
    env["QUARTO_PROJECT_OUTPUT_DIR"] = str(out)
    env["QUARTO_PROJECT_RENDER_ALL"] = "1"
    return env


def run_stage(config: ProjectConfig, stage: str, out: Path) -> None:
    """Run every command of a stage in the project directory; raise ScriptError if one fails."""
    for command in commands(config, stage):
        done = subprocess.run(command, shell=True, cwd=config.root, env=script_env(out),
                              capture_output=True, text=True)
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines()[-5:]
            tail = f" {lines[0]}" if len(lines) == 1 else "".join("\n" + line for line in lines)  # one line stays one
            raise ScriptError(f"_quarto.yml {stage} `{command}` failed (exit {done.returncode}):{tail}")
