"""The help page's list of support services, every one from data/support_services.csv with its source.

Nothing here names a service, a number or hours: each comes from a row, escaped, its phone number a
`tel:` link (fmt.tel_address) and its web address checked (fmt.web_address). When the row was last
checked against its source is shown in words; a row never checked says so.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from ibsa_report.evidence.frames import Evidence
from ibsa_report.report import fmt


def source_name(source: pd.Series) -> str:
    """Name a source for a reader: its publication ('The Independent'), else its title."""
    for column in ("container_title", "publisher", "title"):
        value = source.get(column)
        if isinstance(value, str) and value.strip() and value != "unknown":
            return value
    return str(source["source_id"])


def checked_words(checked: object, source: str) -> str:
    """Say when an entry was last checked against its source, or that it has not been since it was copied."""
    if checked is None or pd.isna(checked):
        return f"not checked since it was copied from {source}"
    return f"last checked against {source} on {fmt.date_words(checked)}"


def service_markdown(service: pd.Series, source: pd.Series) -> str:
    """Return one service as a heading and a short list: phone (tap to call), hours, website, source, checked."""
    name = source_name(source)
    return "\n".join([
        f"## {fmt.one_line(service['name'])} {{#{service['service_id']} .service}}",
        "",
        f"- Phone: {fmt.phone_link(service['phone']).data}",
        f"- Open: {fmt.one_line(service['hours'])}",
        f"- Website: {fmt.link(service['url']).data}",
        f"- Source: {fmt.one_line(name)} [@{source['source_id']}], {fmt.one_line(service['locator'])}; "
        f"{fmt.one_line(checked_words(service['checked'], name))}.",
    ])


def services(ev: Evidence) -> Markdown:
    """Render every support service, in the order of the file."""
    sources = ev["sources"].set_index("source_id", drop=False)
    return Markdown("\n\n".join(service_markdown(row, sources.loc[row["source_id"]])
                                for _, row in ev["support_services"].iterrows()))
