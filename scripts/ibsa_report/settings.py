"""Who stands behind the report and where it lives: its settings, read in one place.

_quarto.yml is the one configuration place: `website.site-url` (SITE_URL overrides it), `website.repo-url`,
`report.contact` and `report.funding`, beside the authors; CITATION.cff adds the licences and a DOI (`doi:`).
A setting that is unset, or a placeholder on a reserved host (example.org, *.test, localhost, a path
naming OWNER), counts as unset: it is never written into a page (`is_real_address`, the one test of that).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from quarto_lite.project import CONFIG, ProjectConfig, read_config
from quarto_lite.source_files import load_yaml_mapping, read_utf8

CFF = "CITATION.cff"
RESERVED_HOSTS = ("example.org", "example.com", "example.net", "localhost")
RESERVED_TLDS = (".example", ".test", ".invalid", ".localhost")
PLACEHOLDER_PARTS = ("OWNER", "USER", "USERNAME", "ORG", "REPO")  # a path segment written in capitals to be replaced
EMAIL = re.compile(r"^(?:mailto:)?[^@\s/]+@([^@\s/]+\.[^@\s/]+)$")


def reserved_host(host: str) -> bool:
    """Tell whether a host is reserved for examples and tests (RFC 2606, 6761) and so never a real address."""
    host = host.lower().rstrip(".")
    return host in RESERVED_HOSTS or host.endswith(tuple("." + h for h in RESERVED_HOSTS)) or host.endswith(RESERVED_TLDS)


def is_real_address(site_url: str) -> bool:
    """Tell whether site_url is a real http(s) address, not empty or a placeholder (reserved host, OWNER, <name>)."""
    parts = urlsplit(site_url.strip())
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host or re.search(r"[<>{}]", site_url):
        return False
    return not reserved_host(host) and not any(part in PLACEHOLDER_PARTS for part in parts.path.split("/"))


def placeholder_reason(address: str) -> str:
    """Say in a few words why an address that is not real is a placeholder (for messages)."""
    parts = urlsplit(address.strip())
    if parts.hostname and reserved_host(parts.hostname):
        return f"{parts.hostname} is a host reserved for examples"
    named = [part for part in parts.path.split("/") if part in PLACEHOLDER_PARTS]
    if named:
        return f"{named[0]} stands for a name still to be filled in"
    return "it is not an http(s) address"


def is_real_contact(contact: str) -> bool:
    """Tell whether a contact is a real email address or web address (not on a reserved host)."""
    email = EMAIL.match(contact.strip())
    if email:
        return not reserved_host(email.group(1))
    return is_real_address(contact)


@dataclass(frozen=True)
class Settings:
    """The report's settings; each address is "" unless it is real."""

    title: str
    authors: tuple[str, ...]
    site_url: str  # ending in "/"
    repo_url: str
    contact: str  # an email address (no mailto:) or a web address
    funding: str  # "" = not stated
    licences: tuple[str, ...]  # CITATION.cff's license: the code's, then the data's and text's
    doi: str  # CITATION.cff's doi, without https://doi.org/
    quick_exit: str  # report.quick-exit as written ("" when missing): the neutral site Quick exit leaves to


def _text(mapping: Any, key: str) -> str:
    """Return mapping[key] as stripped text ("" when missing)."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return "" if value is None else str(value).strip()


def read_cff(root: Path) -> dict[str, Any]:
    """Return CITATION.cff as a mapping ({} when there is none)."""
    if not (root / CFF).is_file():
        return {}
    return load_yaml_mapping(read_utf8(root / CFF, CFF), CFF)


def settings_of(config: ProjectConfig) -> Settings:
    """Read the settings of the project whose _quarto.yml is config (and its CITATION.cff)."""
    website, report = config.raw.get("website") or {}, config.raw.get("report") or {}
    cff = read_cff(config.root)
    licences = cff.get("license") or []
    repo_url = _text(website, "repo-url")
    contact = _text(report, "contact").removeprefix("mailto:")
    return Settings(
        title=config.title, authors=tuple(config.authors),
        site_url=config.site_url if is_real_address(config.site_url) else "",
        repo_url=repo_url if is_real_address(repo_url) else "",
        contact=contact if is_real_contact(contact) else "",
        funding=_text(report, "funding"),
        licences=tuple(str(x) for x in ([licences] if isinstance(licences, str) else licences)),
        doi=re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", _text(cff, "doi"), flags=re.I),
        quick_exit=_text(report, "quick-exit"),
    )


def read_settings(root: Path) -> Settings:
    """Read the settings of the project at root."""
    return settings_of(read_config(root))


def address_line(config: ProjectConfig) -> str | None:
    """Say in one line, for a build, that no real site address is set and what that means; None if one is."""
    if is_real_address(config.site_url):
        return None
    consequence = ("pages link relatively and carry no canonical link, og:url, sitemap.xml or citation address; "
                   f"set website.site-url in {CONFIG} (or SITE_URL) before publishing")
    if not config.site_url:
        return f"no site address is set: {consequence}"
    return f"the site address {config.site_url} is a placeholder ({placeholder_reason(config.site_url)}): {consequence}"


def release_problem(config: ProjectConfig) -> str | None:
    """Return the one line saying which setting a release still needs (a placeholder or a missing address), or None."""
    website, report = config.raw.get("website") or {}, config.raw.get("report") or {}
    for key, value, what in (("website.site-url", config.site_url, "the address the site is published at"),
                             ("website.repo-url", _text(website, "repo-url"), "the repository's address")):
        where = f"{key} in {CONFIG}" + (" (or SITE_URL)" if key == "website.site-url" else "")
        if not value:
            return f"{where} is not set: a release is cited by its address; set it to {what}, then run again"
        if not is_real_address(value):
            return (f'{where} is a placeholder ("{value}": {placeholder_reason(value)}): set it to {what}, '
                    "then run again")
    contact = _text(report, "contact")
    if contact and not is_real_contact(contact):
        return (f'report.contact in {CONFIG} is a placeholder ("{contact}"): set a real email or web address, '
                'or "" for none, then run again')
    return None
