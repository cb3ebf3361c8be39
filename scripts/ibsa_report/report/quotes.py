"""Interview quotes as the article publishes them: one anchored Markdown block per quote.

A quote is never edited, expanded or combined: its text is escaped for Markdown (so that brackets,
asterisks and any HTML in the data show as written) and shown with the article's attribution, marked
"(excerpt)" when it is part of a longer published quote. Its block carries the quote's id, so other
pages can link to `interviews.qmd#<quote_id>`.

Each block opens with a short content note (CONTENT_NOTE), hidden by the stylesheet unless the reader
arrived at that quote by a link (CSS `:target`): so a deep link from another page or another site shows
the note before the quote's words even without JavaScript. With JavaScript, assets/quote-note.js goes
further and holds every quote back behind that note until the reader asks to see them.
"""

from __future__ import annotations

from IPython.display import Markdown

from ibsa_report.report import fmt
from ibsa_report.evidence.frames import Evidence

EXCERPT = "(excerpt)"
CONTENT_NOTE = ("**Content note:** this is from an interview about image-based sexual abuse and how the police "
                "responded to it. Support is listed under Get help, at the top of the page.")


def quote(ev: Evidence, *quote_ids: str) -> Markdown:
    """Render interview quotes, in the order given, each a blockquote with its attribution in a div with its id."""
    rows = ev["interview_quotes"].set_index("quote_id")
    return Markdown("\n\n".join(
        quote_markdown(quote_id, str(rows.loc[quote_id, "text"]), str(rows.loc[quote_id, "attribution"]),
                       bool(rows.loc[quote_id, "excerpt"]))
        for quote_id in quote_ids))


def attribution_line(attribution: str, excerpt: bool) -> str:
    """Return the line under a quote: '— Victim Seven', followed by '(excerpt)' for part of a longer quote."""
    return f"— {attribution}" + (f" {EXCERPT}" if excerpt else "")


def quote_markdown(quote_id: str, text: str, attribution: str, excerpt: bool) -> str:
    """Return a quote's Markdown: a fenced div with the id, the content note, the escaped text quoted, the attribution."""
    quoted = "\n".join(f"> {fmt.escape_markdown(line)}".rstrip() for line in text.splitlines())
    credit = fmt.escape_markdown(attribution_line(attribution, excerpt))
    note = f":::: {{.quote-note role=\"note\"}}\n{CONTENT_NOTE}\n::::"
    return f"::: {{#{quote_id} .quote}}\n\n{note}\n\n{quoted}\n\n[{credit}]{{.quote-attribution}}\n\n:::"
