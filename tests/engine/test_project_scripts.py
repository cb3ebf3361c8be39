"""quarto_lite.project_scripts: _quarto.yml's pre- and post-render commands, run as Quarto runs them, but bounded."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from quarto_lite.project import read_config
from quarto_lite.project_scripts import ScriptError, run_stage

CONFIG = """project:
  type: website
  pre-render: {command}
website:
  title: T
  navbar:
    left:
      - href: index.qmd
"""


def project_with(folder: Path, command: str) -> Path:
    """Write a one-page project whose pre-render step is command."""
    (folder / "_quarto.yml").write_text(CONFIG.format(command=command), encoding="utf-8")
    (folder / "index.qmd").write_text("Home.\n", encoding="utf-8")
    return folder


def test_a_script_running_past_its_time_is_stopped_with_what_it_started(tmp_path: Path) -> None:
    marker = tmp_path / "still-running"
    # The shell starts a child that would write the marker after 3 s: stopping the shell alone would not stop it.
    command = f"'(sleep 3; touch {marker}) & sleep 30'"
    config = read_config(project_with(tmp_path, command))
    started = time.monotonic()
    with pytest.raises(ScriptError) as info:
        run_stage(config, "pre-render", tmp_path / "_site", timeout=1)
    assert str(info.value) == (f"_quarto.yml pre-render `(sleep 3; touch {marker}) & sleep 30` did not finish "
                               "within 1 s; it was stopped")
    assert time.monotonic() - started < 3
    time.sleep(3)
    assert not marker.exists()


def test_a_failing_script_gives_its_exit_code_and_last_lines(tmp_path: Path) -> None:
    config = read_config(project_with(tmp_path, "'echo one >&2; echo two >&2; exit 3'"))
    with pytest.raises(ScriptError) as info:
        run_stage(config, "pre-render", tmp_path / "_site")
    assert str(info.value) == "_quarto.yml pre-render `echo one >&2; echo two >&2; exit 3` failed (exit 3):\none\ntwo"

