"""Interview quotes as the article publishes them: one anchored Markdown block per quote.

A quote is never edited, expanded or combined: its text is escaped for Markdown (so that brackets,
asterisks and any HTML in the data show as written) and shown with the article's attribution, marked
"(excerpt)" when it is part of a longer published quote. Its block carries the quote's id, so other
pages can link to `interviews.qmd#<quote_id>`.
"""

from __future__ import annotations

from IPython.display import Markdown

from ibsa_report.report import fmt
from ibsa_report.evidence.frames import Evidence

EXCERPT = "(excerpt)"


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
    """Return a quote's Markdown: a fenced div with the id, the escaped text quoted, then the attribution."""
    quoted = "\n".join(f"> {fmt.escape_markdown(line)}".rstrip() for line in text.splitlines())
    credit = fmt.escape_markdown(attribution_line(attribution, excerpt))
    return f"::: {{#{quote_id} .quote}}\n\n{quoted}\n\n[{credit}]{{.quote-attribution}}\n\n:::"
