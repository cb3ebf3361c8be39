"""No number is typed into the report's prose: numbers come from inline code (years, sections, tables aside)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quarto_lite.project import read_config
from quarto_lite.qmd import Markdown, parse_qmd

from conftest import ROOT

NOT_PROSE = [
    re.compile(r"^(`{3,}|~{3,}).*?^\1", re.S | re.M),  # fenced code and raw blocks
    re.compile(r"\$\$.*?\$\$", re.S),                   # display maths
    re.compile(r"\$[^$\n]+\$"),                         # inline maths
    re.compile(r"`[^`]*`"),                             # inline code, computed or literal
    re.compile(r"\]\([^)]*\)"),                         # link targets
    re.compile(r"\{[#.][^}]*\}"),                       # attributes: ids and classes
    re.compile(r"\[-?@[^\]]*\]|@[\w:.-]+"),             # citations and cross-references
    re.compile(r"<!--.*?-->", re.S),                    # comments
]
ALLOWED = re.compile(
    r"\b(?:19|20)\d\d\b"                                 # years (of Acts, of publication)
    r"|\b(?:section|sections|s\.?)\s?\d+[A-Z]*\b"        # sections of Acts
    r"|\bTable \d+\b",                                   # a source's own table numbers
    re.I,
)


def typed_numbers(markdown: str) -> list[str]:
    """Return the numbers written by hand in markdown prose."""
    for pattern in NOT_PROSE:
        markdown = pattern.sub(" ", markdown)
    return re.findall(r"\d[\d,.%]*", ALLOWED.sub(" ", markdown))


def pages() -> list[Path]:
    return [ROOT / page.source for page in read_config(ROOT).pages]


@pytest.mark.parametrize("path", pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_number_is_typed_in_prose(path: Path) -> None:
    doc = parse_qmd(path.read_text(encoding="utf-8"))
    found = [(block.line, n) for block in doc.blocks if isinstance(block, Markdown) for n in typed_numbers(block.text)]
    assert not found, f"{path.name}: numbers typed in prose (line of block, number): {found}"


@pytest.mark.parametrize("text, numbers", [
    ("Of 13,860 offences, 534 were charged.", ["13,860", "534"]),
    ("A rate of 3.9% is low.", ["3.9%"]),
    ("Of `{python} fmt.count(n)` offences (section 33, Criminal Justice and Courts Act 2015).", []),
    ("See [Table 2](x.qmd#tbl-2) and @tbl-rates [@refuge-2023-blog, p. 4].", []),
    ("```{python}\nx = 42\n```\nThen $z^2/2n$ and done.", []),
    ("Twenty-eight interviews, 17 of them with victims.", ["17"]),
])
def test_the_check_finds_typed_numbers(text: str, numbers: list[str]) -> None:
    assert typed_numbers(text) == numbers
