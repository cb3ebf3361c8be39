"""_quarto.yml options that may be one value or a list are read one way (ProjectConfig.option_list)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quarto_lite.project import read_config


def config_with(tmp_path: Path, yaml_text: str):
    (tmp_path / "index.qmd").write_text("# Home\n", encoding="utf-8")
    site = "website:\n  title: T\n  navbar:\n    left:\n      - index.qmd\n"
    (tmp_path / "_quarto.yml").write_text(site + "project:\n  type: website\n" + yaml_text, encoding="utf-8")
    return read_config(tmp_path)


@pytest.mark.parametrize(("yaml_text", "expected"), [
    ("  resources: /assets/\n", ["/assets/"]),
    ("  resources: [/assets/, notes.txt]\n", ["/assets/", "notes.txt"]),
    ("  resources:\n    - a\n    - 2\n", ["a", "2"]),
    ("", []),
])
def test_one_value_or_a_list_reads_as_a_list(tmp_path, yaml_text, expected):
    assert config_with(tmp_path, yaml_text).option_list("project", "resources") == expected


def test_a_path_through_a_plain_value_is_empty(tmp_path):
    config = config_with(tmp_path, "format: html\n")
    assert config.option_list("format", "html", "css") == []
    assert config_with(tmp_path, "format:\n  html:\n    css: site.css\n").option_list("format", "html", "css") == ["site.css"]


def test_navigation_items_may_be_paths_or_mappings(tmp_path):
    (tmp_path / "index.qmd").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "about.qmd").write_text("# About\n", encoding="utf-8")
    config = config_with(tmp_path, "")
    assert [(p.source, p.text) for p in config.pages] == [("index.qmd", "index.qmd")]
    site = "website:\n  title: T\n  navbar:\n    left:\n      - index.qmd\n      - {href: about.qmd, text: About}\n"
    (tmp_path / "_quarto.yml").write_text(site, encoding="utf-8")
    assert [(p.source, p.text) for p in read_config(tmp_path).pages] == [("index.qmd", "index.qmd"), ("about.qmd", "About")]


def test_a_navigation_item_without_href_is_one_clear_error(tmp_path):
    (tmp_path / "_quarto.yml").write_text("website:\n  navbar:\n    left:\n      - {text: Lost}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"^_quarto.yml:4: website.navbar.left\[0\]: a navigation item has no href: \{'text': 'Lost'\}$"):
        read_config(tmp_path)


def test_a_footer_item_without_href_names_its_line(tmp_path):
    (tmp_path / "index.qmd").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "_quarto.yml").write_text("website:\n  navbar:\n    left:\n      - index.qmd\n  page-footer:\n"
                                          "    right:\n      - href: https://example.org/\n      - text: About\n",
                                          encoding="utf-8")
    with pytest.raises(ValueError, match=r"^_quarto.yml:8: website.page-footer.right\[1\]: a navigation item has no href: "
                                         r"\{'text': 'About'\}$"):
        read_config(tmp_path)


@pytest.mark.parametrize(("content", "message"), [
    (b"website:\n  title: T\n  navbar: [index.qmd\n", "_quarto.yml:4: not valid YAML: expected ',' or ']', but got '<stream end>'"),
    (b"website:\n  title: T\n   navbar: x\n", "_quarto.yml:3: not valid YAML: mapping values are not allowed here"),
    (b"- index.qmd\n", "_quarto.yml:1: must be a YAML mapping of key: value, found list"),
    (b"website:\n  title: Caf\xe9\n", "_quarto.yml:2: the file is not UTF-8 text (byte 0xe9); save it as UTF-8"),
], ids=["unclosed-list", "bad-indent", "a-list", "not-utf8"])
def test_an_unreadable_quarto_yml_is_one_line_with_its_line(tmp_path, content, message):
    (tmp_path / "_quarto.yml").write_bytes(content)
    with pytest.raises(ValueError) as caught:
        read_config(tmp_path)
    assert str(caught.value) == message


@pytest.mark.parametrize(("navbar_title", "expected"), [
    ("", "The whole long title"),                          # unset: the site's title, as Quarto does
    ("    title: Short\n", "Short"),
    ("    title: false\n", ""),                           # Quarto shows no title then
])
def test_the_header_title_is_navbar_title_else_the_site_title(tmp_path: Path, navbar_title: str, expected: str) -> None:
    (tmp_path / "index.qmd").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "_quarto.yml").write_text("website:\n  title: The whole long title\n  navbar:\n" + navbar_title
                                          + "    left:\n      - index.qmd\n", encoding="utf-8")
    config = read_config(tmp_path)
    assert (config.nav_title, config.title) == (expected, "The whole long title")
