"""The pre- and post-render steps, run as commands, report a problem in one line (exit 1), never a traceback."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

import ibsa_report.site.postrender as postrender
from ibsa_report.site.step import run_step
from quarto_lite.project import read_config
from quarto_lite.project_scripts import ScriptError, run_stage


def test_a_full_disk_in_the_post_render_step_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "_quarto.yml").write_text("project:\n  type: website\n", encoding="utf-8")
    out = tmp_path / ".staging-1"

    def full(root: Path, site: Path) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(site / "downloads" / "chart-funnel.csv"))

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUARTO_PROJECT_OUTPUT_DIR", str(out))
    monkeypatch.setattr(postrender, "publish_downloads", full)
    with pytest.raises(SystemExit) as stopped:
        run_step(postrender.postrender)
    assert stopped.value.code == 1
    assert capsys.readouterr().err == "cannot write downloads/chart-funnel.csv: the disk is full\n"


def test_a_step_that_fails_in_one_line_fails_the_build_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "index.qmd").write_text("# Home\n", encoding="utf-8")
    command = "python -c \"import sys; sys.exit('cannot write x.csv: the disk is full')\""
    (tmp_path / "_quarto.yml").write_text("project:\n  type: website\n  post-render: " + command.replace('"', '\\"').join('""')
                                          + "\nwebsite:\n  navbar:\n    left:\n      - index.qmd\n", encoding="utf-8")
    with pytest.raises(ScriptError) as caught:
        run_stage(read_config(tmp_path), "post-render", tmp_path / "_site")
    assert str(caught.value) == f"_quarto.yml post-render `{command}` failed (exit 1): cannot write x.csv: the disk is full"
