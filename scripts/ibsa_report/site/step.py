"""Run a pre- or post-render step as a command: a problem is one line on stderr and exit 1, never a traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from quarto_lite.project import find_root
from quarto_lite.source_files import os_error_line

from ibsa_report.sources import SITE


def run_step(step: Callable[[Path, Path], None]) -> None:
    """Call step(project, output directory) for the project above the working directory, as Quarto runs it."""
    out: Path | None = None
    try:
        root = find_root()
        out = root / os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", SITE)
        step(root, out)
    except OSError as exc:  # a full disk, say: the file and why, in one line
        print(os_error_line(exc, out), file=sys.stderr)
        raise SystemExit(1) from None
    except ValueError as exc:  # data/ or CITATION.cff that cannot be read: their own lines, naming file and line
        print(exc, file=sys.stderr)
        raise SystemExit(1) from None
