"""Where a police force's page is, for the tables and charts that name forces: forces/<force-id>.html."""

from __future__ import annotations

from collections.abc import Iterable

FORCE_PAGES = "forces"  # the folder of the force pages, at the site's root


def force_page_path(force_id: str) -> str:
    """Return a force page's path from the site's root: forces/<force-id>.html."""
    return f"{FORCE_PAGES}/{force_id}.html"


def force_links(force_ids: Iterable[object]) -> list[str | None]:
    """Return each row's force page from the site's root (None where a row names no force)."""
    return [force_page_path(f) if isinstance(f, str) and f else None for f in force_ids]
