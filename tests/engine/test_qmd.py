"""Tests for quarto_lite.qmd: splitting a .qmd file into front matter, cells and markdown.

Expected values (line numbers, option values, sources) are written out by hand from the
fixture text in each test, never computed by the parser under test.
"""

from __future__ import annotations

import pytest

from quarto_lite.qmd import Cell, Markdown, QmdError, find_inline, inline_expressions, parse_qmd, unescape_inline

FENCE = "```"

DOC = f"""---
title: "Outcomes: a summary"
execute:
  echo: false
  warning: false
---

# Heading

Some text.

{FENCE}{{python}}
#| label: fig-rates
#| fig-cap: "Rates: 2019 to 2023"
#| fig-alt: 'Bar chart: one bar per year'
#| echo: true
import math
x = math.pi
{FENCE}

Between the cells.

{FENCE}{{python}}
print(x)
{FENCE}
"""


def cells(text: str) -> list[Cell]:
    """Return the cells of a parsed document."""
    return [b for b in parse_qmd(text).blocks if isinstance(b, Cell)]


def markdowns(text: str) -> list[Markdown]:
    """Return the markdown chunks of a parsed document."""
    return [b for b in parse_qmd(text).blocks if isinstance(b, Markdown)]


# --- front matter ---


def test_front_matter_is_parsed_as_yaml() -> None:
    doc = parse_qmd(DOC)
    assert doc.front_matter == {"title": "Outcomes: a summary", "execute": {"echo": False, "warning": False}}


def test_no_front_matter_gives_empty_mapping() -> None:
    doc = parse_qmd("# Title\n\nText.\n")
    assert doc.front_matter == {}
    assert doc.blocks == [Markdown(text="# Title\n\nText.\n", line=1)]


def test_dashes_followed_by_blank_line_are_a_rule_not_front_matter() -> None:
    doc = parse_qmd("---\n\ntext\n")
    assert doc.front_matter == {}
    assert doc.blocks == [Markdown(text="---\n\ntext\n", line=1)]


def test_front_matter_may_close_with_dots() -> None:
    assert parse_qmd("---\ntitle: T\n...\nbody\n").front_matter == {"title": "T"}


def test_bad_front_matter_yaml_names_the_file_line() -> None:
    text = "---\ntitle: ok\nsubtitle: a: b\n---\n"
    with pytest.raises(QmdError, match=r"^line 3: front matter is not valid YAML: ") as info:
        parse_qmd(text)
    assert isinstance(info.value, ValueError)


def test_front_matter_that_is_not_a_mapping_is_an_error() -> None:
    with pytest.raises(QmdError, match=r"^line 2: front matter must be a YAML mapping"):
        parse_qmd("---\n- a\n- b\n---\n")


def test_unclosed_front_matter_is_an_error() -> None:
    with pytest.raises(QmdError, match=r"^line 1: front matter is not closed"):
        parse_qmd("---\ntitle: T\n\nno closing line\n")


# --- cells ---


def test_cell_options_keep_keys_and_parse_quoted_strings_with_colons() -> None:
    first = cells(DOC)[0]
    assert first.options == {
        "label": "fig-rates",
        "fig-cap": "Rates: 2019 to 2023",
        "fig-alt": "Bar chart: one bar per year",
        "echo": True,
    }


def test_cell_source_excludes_option_lines() -> None:
    first, second = cells(DOC)
    assert first.source == "import math\nx = math.pi"
    assert second.source == "print(x)"
    assert second.options == {}


def test_cell_line_is_the_opening_fence_line() -> None:
    first, second = cells(DOC)
    assert (first.line, second.line) == (12, 23)


def test_blocks_alternate_in_document_order_with_markdown_start_lines() -> None:
    blocks = parse_qmd(DOC).blocks
    assert [type(b).__name__ for b in blocks] == ["Markdown", "Cell", "Markdown", "Cell"]
    assert [b.line for b in blocks] == [7, 12, 20, 23]
    assert blocks[0].text == "\n# Heading\n\nSome text.\n\n"
    assert blocks[2].text == "\nBetween the cells.\n\n"


def test_option_prefix_variants_and_trailing_space_after_colon() -> None:
    text = f"{FENCE}{{python}}\n#|echo: false\n# | output: false\n#| label:   \n#|   tbl-x\ny = 1\n{FENCE}\n"
    (cell,) = cells(text)
    assert cell.options == {"echo": False, "output": False, "label": "tbl-x"}
    assert cell.source == "y = 1"


def test_only_leading_option_lines_are_options() -> None:
    text = f"{FENCE}{{python}}\nz = 1\n#| echo: false\n{FENCE}\n"
    (cell,) = cells(text)
    assert cell.options == {}
    assert cell.source == "z = 1\n#| echo: false"


def test_bad_cell_option_yaml_names_the_file_line() -> None:
    text = "\n".join([
        "---", "title: T", "---", "", "Intro.", "", "", "", "",  # lines 1-9
        f"{FENCE}{{python}}",                                   # line 10
        "#| echo: false",                                       # line 11
        "#| fig-cap: Rates: 2019",                              # line 12
        "x = 1",
        FENCE,
        "",
    ])
    with pytest.raises(QmdError, match=r"^line 12: cell option is not valid YAML: "):
        parse_qmd(text)


def test_cell_options_that_are_not_a_mapping_are_an_error() -> None:
    with pytest.raises(QmdError, match=r"^line 2: cell option must be a YAML mapping"):
        parse_qmd(f"{FENCE}{{python}}\n#| just some words\n{FENCE}\n")


def test_unclosed_cell_names_its_opening_fence_line() -> None:
    text = f"Intro.\n\n{FENCE}{{python}}\nx = 1\n\nMore text.\n"
    with pytest.raises(QmdError, match=r"^line 3: "):
        parse_qmd(text)


def test_plain_python_fence_is_markdown_not_a_cell() -> None:
    text = f"Text.\n\n{FENCE}python\nprint('shown, not run')\n{FENCE}\n"
    assert cells(text) == []
    assert markdowns(text) == [Markdown(text=text, line=1)]


def test_python_cell_shown_inside_a_longer_plain_fence_is_not_executed() -> None:
    text = f"````markdown\n{FENCE}{{python}}\n1 + 1\n{FENCE}\n````\n"
    assert cells(text) == []


def test_tilde_fence_hides_a_python_cell() -> None:
    text = f"~~~\n{FENCE}{{python}}\n1 + 1\n{FENCE}\n~~~\n"
    assert cells(text) == []


def test_other_engines_and_raw_blocks_are_not_python_cells() -> None:
    text = f"{FENCE}{{r}}\n1 + 1\n{FENCE}\n\n{FENCE}{{=html}}\n<b>x</b>\n{FENCE}\n"
    assert cells(text) == []


def test_fence_attributes_and_four_backticks_still_make_a_cell() -> None:
    text = f"{FENCE}{{python echo=false}}\na = 1\n{FENCE}\n\n````{{python}}\ns = '''\n{FENCE}\n'''\n````\n"
    first, second = cells(text)
    assert first == Cell(source="a = 1", options={}, line=1)
    assert second == Cell(source=f"s = '''\n{FENCE}\n'''", options={}, line=5)


def test_windows_line_endings() -> None:
    text = f"---\r\ntitle: T\r\n---\r\n{FENCE}{{python}}\r\n#| echo: false\r\nx = 1\r\n{FENCE}\r\n"
    doc = parse_qmd(text)
    assert doc.front_matter == {"title": "T"}
    assert doc.blocks == [Cell(source="x = 1", options={"echo": False}, line=4)]


# --- inline expressions ---


def test_inline_expressions_in_order_and_trimmed() -> None:
    md = "The rate is `{python} rate`, up from `{python}  f'{old:.1f}' ` last year.\nTotal `{python} a + b`.\n"
    assert inline_expressions(md) == ["rate", "f'{old:.1f}'", "a + b"]


def test_inline_expressions_skip_fenced_code_and_plain_code_spans() -> None:
    md = (
        "Real `{python} one`.\n\n"
        f"{FENCE}python\n`{{python}} in_backticks`\n{FENCE}\n\n"
        "~~~\n`{python} in_tildes`\n~~~\n\n"
        "Code span `python two` and `{r} three` and escaped `{{python}} four`.\n"
        "Last `{python} five`.\n"
    )
    assert inline_expressions(md) == ["one", "five"]


def test_find_inline_reports_offsets_and_lines() -> None:
    md = "First line.\nValue `{python} v` here.\n"
    (code,) = find_inline(md)
    assert md[code.start:code.end] == "`{python} v`"
    assert (code.expr, code.line_offset) == ("v", 1)


def test_unescape_inline_turns_double_braces_into_literal_syntax() -> None:
    assert unescape_inline("Write `{{python}} x` to show x.") == "Write `{python} x` to show x."
