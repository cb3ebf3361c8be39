"""The About page's sentences: who compiled the report, how to reach them, its funding and licences.

Every value comes from ibsa_report.settings (_quarto.yml and CITATION.cff), escaped as Markdown text;
a setting that is unset is said to be so, in words, and never filled in.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from IPython.display import Markdown

from ibsa_report.report.fmt import escape_markdown, link, one_line
from ibsa_report.settings import Settings, read_cff, read_settings
from quarto_lite.project import find_root

# What CITATION.cff's SPDX licence identifiers are called and where each licence's text is.
LICENCE_NAMES = {
    "MIT": ("the MIT licence", "https://opensource.org/license/mit"),
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International (CC BY 4.0)", "https://creativecommons.org/licenses/by/4.0/"),
}


def read(root: Path | None = None) -> Settings:
    """Read the settings of the project holding the page (or at root)."""
    return read_settings(root or find_root())


def _and(parts: list[str]) -> str:
    """Join 'a', 'a and b', 'a, b and c'."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def authors(s: Settings) -> Markdown:
    """Name who compiled the report (the authors of _quarto.yml, which CITATION.cff repeats)."""
    return Markdown(_and([one_line(a) for a in s.authors]) if s.authors else "not named")


def _contact_link(contact: str) -> str:
    """Link a contact: an email address as mailto:, a web address as fmt.link does."""
    if "@" in contact and "://" not in contact:
        return f"[{escape_markdown(contact)}](<mailto:{quote(contact, safe='@.+-_')}>)"
    return str(link(contact).data)


def contact(s: Settings) -> Markdown:
    """Say where to write to the compilers: the contact address, or that none is published yet."""
    if s.contact:
        return Markdown(f"Write to {_contact_link(s.contact)}.")
    return Markdown("No contact address is published yet.")


def corrections(s: Settings) -> Markdown:
    """Say how to report an error: the contact address, else the repository's issue tracker, else that neither is published."""
    if s.contact:
        return Markdown(f"To report an error, write to {_contact_link(s.contact)}, naming the page and the number or "
                        "sentence, and where the right figure can be checked.")
    if s.repo_url:
        issues = s.repo_url.rstrip("/") + "/issues"
        return Markdown(f"To report an error, open an issue in the repository's issue tracker ({link(issues).data}), "
                        "naming the page and the number or sentence, and where the right figure can be checked.")
    return Markdown("There is no published way to report an error yet: neither a contact address nor the "
                    "repository's address is published.")


def funding(s: Settings) -> Markdown:
    """Say how the report is funded, or that it is not stated."""
    return Markdown(one_line(s.funding) if s.funding else "Not stated.")


def _licence(identifier: str) -> str:
    """Name a licence (linked to its text when known), from its SPDX identifier."""
    name, url = LICENCE_NAMES.get(identifier, (identifier, ""))
    return f"[{escape_markdown(name)}](<{url}>)" if url else escape_markdown(name)


def licences(s: Settings, root: Path | None = None) -> Markdown:
    """Say which licence covers the code and which the data and text (CITATION.cff: the report's is the preferred citation's)."""
    cff = read_cff(root or find_root())
    content = str((cff.get("preferred-citation") or {}).get("license") or "")
    code = [x for x in s.licences if x != content]
    if not s.licences:
        return Markdown("The licences are not stated.")
    parts = []
    if code:
        parts.append(f"The code that builds the report is under {_and([_licence(x) for x in code])}")
    if content:
        parts.append(f"the data and text are under {_licence(content)}" if code else
                     f"The data and text are under {_licence(content)}")
    return Markdown(("; ".join(parts)) + ".")


def site_address(s: Settings) -> Markdown:
    """Say where the report is published, or that its address is not published yet."""
    if s.site_url:
        return Markdown(f"The report is published at {link(s.site_url).data}.")
    return Markdown("The report's web address is not published yet.")


def repository(s: Settings) -> Markdown:
    """Say where the report's sources are, or that the repository is not published yet."""
    if s.repo_url:
        return Markdown(f"Its sources, data and history are in the repository at {link(s.repo_url).data}.")
    return Markdown("The repository holding its sources and data is not published yet.")
