"""Every web address in data/ is http(s) by the schema's own pattern, so `javascript:` never passes validate."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ibsa_report.cli import cli

from conftest import ROOT

WEB = re.compile(r"^https?://")


def url_fields() -> list[tuple[str, dict]]:
    """Return every field of data/datapackage.json that holds an address (format uri, or named like one)."""
    descriptor = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    return [(f"{r['path']}:{f['name']}", f) for r in descriptor["resources"] for f in r["schema"]["fields"]
            if f.get("format") == "uri" or re.search(r"(^|_)(url|uri|link|href|website)($|_)", f["name"])]


def test_every_address_field_has_a_pattern_that_allows_only_http_s() -> None:
    fields = url_fields()
    assert {name for name, _ in fields} == {"sources.csv:url", "support_services.csv:url"}
    for name, field in fields:
        pattern = re.compile(field.get("constraints", {}).get("pattern", ""))
        assert pattern.pattern, f"{name} has no pattern"
        assert pattern.match("https://example.org/a?b=c") and pattern.match("http://example.org/"), name
        for bad in ("javascript:alert(1)", "data:text/html,x", "https://", "https://a.example/ x", "vbscript:x",
                    'https://a.example/"onmouseover=x'):
            assert not pattern.match(bad), f"{name} lets {bad!r} through"


@pytest.mark.parametrize(("path", "old", "new", "error"), [
    ("support_services.csv", "https://revengepornhelpline.org.uk/", "javascript:alert(document.domain)",
     'data/support_services.csv:2:url: value does not have the required form (found "javascript:alert(document.domain)", '
     'expected text matching ^https?://[^\\s/<>"]+[^\\s<>"]*$)'),
    ("sources.csv", "https://doi.org/10.1002/sim.1970", "\"data:text/html;base64,PHNjcmlwdD4=\"",
     'data/sources.csv:32:url: value does not have the required form (found "data:text/html;base64,PHNjcmlwdD4=", '
     'expected text matching ^(https?://[^\\s/<>"]+[^\\s<>"]*|unknown)$)'),
], ids=["support-javascript", "source-data-url"])
def test_an_address_with_another_scheme_is_one_problem(project: Path, path: str, old: str, new: str, error: str) -> None:
    target = project / "data" / path
    text = target.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old} should occur once in {path}"
    target.write_text(text.replace(old, new), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--project", str(project), "validate"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [error, "Error: 1 problem(s) in data/; fix them and run again"]
