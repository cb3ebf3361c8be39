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
    with pytest.raises(ValueError, match=r"^_quarto.yml: a navigation item has no href: \{'text': 'Lost'\}$"):
        read_config(tmp_path)
