"""Preview images for links shared on social sites: og:image and the large Twitter card on every live page.

Each live page names `og/<id>.png` of its main (first) chart; a page without a chart names the landing page's
main chart (the embed pages, written later by site/embed.py, name their own chart's). The address is absolute
when `website.site-url` (or SITE_URL) is a real address, and relative to the page while it is a placeholder on
a reserved host (example.org, *.example, *.test, *.invalid, localhost) or unset (settings.is_real_address): a relative og:image is not what the
Open Graph protocol asks for, but it points at the right file wherever the site is served. The image's size
is read from its PNG header.
"""

from __future__ import annotations

import html
import re
import struct
from pathlib import Path, PurePosixPath

from ibsa_report.site.chart_images import OG_DIR
from ibsa_report.settings import is_real_address
from ibsa_report.site_checks import CHART_FIGURE

OLD_TAGS = re.compile(r'<meta (?:property="og:image[^"]*"|name="twitter:(?:card|image[^"]*)") content="[^"]*">\n?')
HEAD_END = re.compile(r"</head>", re.IGNORECASE)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """Return a PNG's width and height from its IHDR chunk; ValueError if it is not a PNG."""
    with path.open("rb") as f:
        head = f.read(24)
    if len(head) < 24 or not head.startswith(PNG_SIGNATURE) or head[12:16] != b"IHDR":
        raise ValueError(f"{path}: not a PNG file")
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def main_chart(text: str) -> str | None:
    """Return the id of a page's first chart, or None."""
    found = CHART_FIGURE.search(text)
    return found.group(1) if found else None


def preview_for(text: str, out: Path, fallback: str | None) -> str | None:
    """Return the site path of a page's preview image, or None if there is none to name."""
    chart_id = main_chart(text)
    own = f"{OG_DIR}/{chart_id}.png" if chart_id else None
    if own and (out / own).is_file():
        return own
    return f"{OG_DIR}/{fallback}.png" if fallback and (out / OG_DIR / f"{fallback}.png").is_file() else None


def preview_tags(address: str, size: tuple[int, int], alt: str) -> str:
    """Return the og:image and Twitter card tags for an image."""
    def meta(attribute: str, name: str, value: str) -> str:
        return f'<meta {attribute}="{name}" content="{html.escape(value, quote=True)}">\n'
    return (meta("property", "og:image", address) + meta("property", "og:image:width", str(size[0]))
            + meta("property", "og:image:height", str(size[1])) + meta("property", "og:image:alt", alt)
            + meta("name", "twitter:card", "summary_large_image") + meta("name", "twitter:image", address)
            + meta("name", "twitter:image:alt", alt))


def add_previews(out: Path, pages: list[Path], site_url: str, alts: dict[str, str]) -> int:
    """Add the preview tags to each live page in out; return how many pages got them.

    alts maps a chart id to its text alternative, which the tags give as the image's description.
    """
    index = out / "index.html"
    fallback = main_chart(index.read_text(encoding="utf-8")) if index.is_file() else None
    absolute = is_real_address(site_url)
    base = site_url if site_url.endswith("/") else site_url + "/"
    tagged = 0
    for path in pages:
        page = path.relative_to(out).as_posix()
        text = path.read_text(encoding="utf-8")
        image = preview_for(text, out, fallback)
        if image is None or not HEAD_END.search(text):
            continue
        address = base + image if absolute else "../" * (len(PurePosixPath(page).parts) - 1) + image
        alt = alts.get(PurePosixPath(image).name.removesuffix(".png"), "")
        tags = preview_tags(address, png_size(out / image), alt)
        text = OLD_TAGS.sub("", text)
        path.write_text(HEAD_END.sub(lambda m: tags + m.group(0), text, count=1), encoding="utf-8")
        tagged += 1
    return tagged
