"""Name the page, and the line in it, of a problem found while rendering the page (a citation or a cross-reference
that does not resolve), so that it is one line an editor can jump to."""

from __future__ import annotations

import re

from quarto_lite.pandoc_render import RenderError
from quarto_lite.qmd import QmdError
from quarto_lite.source_files import SourceError

_KEY_END = r"(?![\w:.#$%&+?<>~/-]*[\w])"  # a citation key ends where pandoc's would


class PageRenderError(RenderError):
    """A page's Markdown could not be rendered; ``in_source`` says whether its @keys are written in the page."""

    def __init__(self, message: str, page: str, keys: tuple[str, ...], in_source: bool) -> None:
        super().__init__(message, keys)
        self.page = page
        self.in_source = in_source


def page_source_error(page: str, exc: QmdError) -> SourceError:
    """Turn a .qmd parse error ('line N: what') into 'page:N: what'."""
    return SourceError(f"{page}:{str(exc).removeprefix('line ')}")


def page_render_error(page: str, text: str, exc: RenderError) -> RenderError:
    """Say where in the page a render error's @keys are: its line, or that the page's cells wrote them."""
    if not exc.keys:
        return RenderError(f"{page}: {exc}")
    line = key_line(text, exc.keys)
    if line:
        return PageRenderError(f"{page}:{line}: {exc}", page, exc.keys, True)
    return PageRenderError(f"{page}: {exc}; {page} does not contain it: a cell's output does", page, exc.keys, False)


def key_line(text: str, keys: tuple[str, ...]) -> int:
    """Return the first line of text that mentions any of @keys (0 if none does)."""
    pattern = re.compile("|".join("@" + re.escape(key) + _KEY_END for key in keys))
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(line):
            return number
    return 0
