"""Run the project's pre-render and post-render scripts from _quarto.yml, as Quarto does.

Quarto runs each command in the project directory with QUARTO_PROJECT_OUTPUT_DIR and
QUARTO_PROJECT_RENDER_ALL set; the built-in engine does the same, so one `_quarto.yml` drives both.
A command that runs longer than SCRIPT_TIMEOUT seconds is stopped, with everything it started (it runs
in a process group of its own), and the build fails. Quarto has no such limit, and `project:` is a
closed object in its schema, so the limit cannot be set in _quarto.yml.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from quarto_lite.project import ProjectConfig
from quarto_lite.quarto_engine import python_env

SCRIPT_TIMEOUT = 300  # seconds each pre- or post-render command may run (ours take a few)


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


def run_stage(config: ProjectConfig, stage: str, out: Path, timeout: float = SCRIPT_TIMEOUT) -> None:
    """Run every command of a stage in the project directory; raise ScriptError if one fails or overruns."""
    for command in commands(config, stage):
        returncode, output = _run_bounded(command, config.root, script_env(out), timeout)
        if returncode is None:
            raise ScriptError(f"_quarto.yml {stage} `{command}` did not finish within {timeout:g} s; it was stopped")
        if returncode != 0:
            lines = output.strip().splitlines()[-5:]
            tail = f" {lines[0]}" if len(lines) == 1 else "".join("\n" + line for line in lines)  # one line stays one
            raise ScriptError(f"_quarto.yml {stage} `{command}` failed (exit {returncode}):{tail}")


def _run_bounded(command: str, cwd: Path, env: dict[str, str], timeout: float) -> tuple[int | None, str]:
    """Run a shell command in its own process group; return (exit code, stderr or else stdout).

    The exit code is None if it ran past timeout; then, or if we are interrupted, the whole group is killed.
    """
    with subprocess.Popen(command, shell=True, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, start_new_session=True) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except BaseException as exc:
            _kill_group(process)
            process.communicate()
            if isinstance(exc, subprocess.TimeoutExpired):
                return None, ""
            raise
    return process.returncode, stderr or stdout


def _kill_group(process: subprocess.Popen[str]) -> None:
    """Kill the process and everything it started (its session's process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
