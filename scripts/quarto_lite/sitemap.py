"""Write sitemap.xml for the site's pages (no dates, so that builds are reproducible)."""

from __future__ import annotations

from xml.sax.saxutils import escape


def sitemap_xml(site_url: str, outputs: list[str]) -> str:
    """Return a sitemap listing each output page under site_url, in the given order."""
    urls = "".join(f"  <url><loc>{escape(site_url + path)}</loc></url>\n" for path in outputs)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n")
