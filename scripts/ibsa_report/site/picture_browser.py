"""Where the charts' pictures are drawn: the system's Chromium, and whether a build must have the pictures.

Kept apart from site/chart_images.py (which imports the chart helper) so that the build and publish steps can
ask without importing the report.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_VARIABLE = "IBSA_CHROMIUM"  # read here and by the browser tests and bench (ibsa_report.dev.browser)
CHROMIUM_DEFAULT = "/usr/bin/chromium"
PICTURES_VARIABLE = "IBSA_PICTURES"  # "required": a missing browser stops the build


class PicturesRequired(ValueError):
    """The pictures are required here and cannot be drawn; the message is one line."""


def find_chromium() -> Path | None:
    """Return the Chromium to draw with (IBSA_CHROMIUM, else /usr/bin/chromium), or None if there is none."""
    name = os.environ.get(CHROMIUM_VARIABLE) or CHROMIUM_DEFAULT
    found = name if os.access(name, os.X_OK) and Path(name).is_file() else shutil.which(name)
    return Path(found) if found else None


def pictures_required() -> bool:
    """Tell whether a build must have the pictures: in CI (CI=true) or when IBSA_PICTURES=required."""
    return os.environ.get("CI", "").lower() in ("true", "1") or os.environ.get(PICTURES_VARIABLE) == "required"


def no_browser_line() -> str:
    """Say in one line that there is no Chromium, naming where it was looked for."""
    name = os.environ.get(CHROMIUM_VARIABLE) or CHROMIUM_DEFAULT
    return (f"no Chromium at {name} (set {CHROMIUM_VARIABLE}, or `apt-get install -y chromium`): "
            "the charts have no static pictures and draw only with JavaScript")


def require_browser() -> None:
    """Raise PicturesRequired when the pictures are required and there is no Chromium to draw them."""
    if find_chromium() is None:
        raise PicturesRequired(f"the chart pictures are required here but cannot be drawn: {no_browser_line()}")


def pages_without_pictures(pages: list[Path]) -> list[Path]:
    """Return the pages that have a chart but not its static picture (a site built without a browser)."""
    return [p for p in pages if 'class="chart-plot"' in (text := p.read_text(encoding="utf-8"))
            and 'class="chart-picture"' not in text]
