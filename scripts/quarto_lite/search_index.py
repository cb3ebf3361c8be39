"""Build the static search index (search.json) from rendered pages: one entry per page and per section."""

from __future__ import annotations

import json
from html.parser import HTMLParser


class _Sections(HTMLParser):
    """Collect the text of each <section id=...> (pandoc --section-divs) and of the page as a whole."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str | None] = []
        self.text: dict[str, list[str]] = {"": []}
        self.order: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "section":
            sid = dict(attrs).get("id")
            self.stack.append(sid)
            if sid and sid not in self.text:
                self.text[sid] = []
                self.order.append(sid)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1
        if tag == "section" and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        self.text[""].append(data)
        for sid in self.stack:
            if sid:
                self.text[sid].append(data)


def _squash(parts: list[str]) -> str:
    """Join text fragments and collapse white space."""
    return " ".join("".join(parts).split())


def page_entries(href: str, page_title: str, html: str, headings: list[tuple[int, str, str]]) -> list[dict[str, str]]:
    """Return search entries for one page: the page, then each h2 section with its text."""
    parser = _Sections()
    parser.feed(html)
    entries = [{"href": href, "page": page_title, "title": page_title, "text": _squash(parser.text[""])}]
    for level, hid, text in headings:
        if level != 2:
            continue
        section = parser.text.get(hid)
        entries.append({"href": f"{href}#{hid}", "page": page_title, "title": text,
                        "text": _squash(section) if section is not None else ""})
    return entries


def to_json(entries: list[dict[str, str]]) -> str:
    """Serialise entries deterministically."""
    return json.dumps(entries, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
