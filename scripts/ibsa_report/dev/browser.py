"""Debian's Chromium, driven by Playwright, for the browser tests and `ibsa-report bench`.

Playwright cannot download its own browsers here, so it drives the system's Chromium (Debian package
`chromium`; `.ci/run` installs it). The flags keep it headless and off the network but for the pages
it is sent to: without the background-networking ones it tries to reach Google's hosts.
"""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

from ibsa_report.site.picture_browser import CHROMIUM_DEFAULT, CHROMIUM_VARIABLE

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

CHROMIUM = os.environ.get(CHROMIUM_VARIABLE, CHROMIUM_DEFAULT)  # as the pictures find it (site/picture_browser.py)
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic")
INSTALL_HINT = "install it with `apt-get install -y chromium` (Debian), or set IBSA_CHROMIUM to its path"


def missing_browser() -> str | None:
    """Return why the browser cannot be started (Playwright or Chromium missing), or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if not (os.access(CHROMIUM, os.X_OK) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM}: {INSTALL_HINT}"
    return None


def launch(playwright: Playwright) -> Browser:
    """Start headless Chromium from the system, with the network quiet."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS))
