"""The built-in engine honours or refuses every option: none is silently ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from quarto_lite.builtin_options import PAGE_OPTIONS, PROJECT_OPTIONS, unsupported
from quarto_lite.config_checks import page_problems, project_problems
from quarto_lite.project import read_config
from quarto_lite.qmd import Cell, parse_qmd

from conftest import ROOT

PAGES = ["index.qmd", "404.qmd", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "chapters").glob("*.qmd"))]


def test_the_committed_config_and_pages_use_only_honoured_options() -> None:
    assert project_problems(read_config(ROOT)) == []
    for page in PAGES:
        assert page_problems(page, parse_qmd((ROOT / page).read_text(encoding="utf-8"))) == [], page


@pytest.mark.parametrize(("options", "found"), [
    ({"format": {"html": {"code-fold": True}}},
     [("format.html.code-fold", "the built-in engine does not support this option (use Quarto, or remove it)")]),
    ({"execute": {"freeze": "auto"}},
     [("execute.freeze", "the built-in engine supports only false here (found 'auto')")]),
    ({"format": {"html": {"toc": 1}}}, [("format.html.toc", "the built-in engine supports only false or true here (found 1)")]),
    ({"website": {"sidebar": {"contents": []}}},
     [("website.sidebar", "the built-in engine does not support this option (use Quarto, or remove it)")]),
    ({"website": {"page-footer": {"right": ["anything"]}}, "citation": {"doi": "10.1/x"}}, []),
    ({"format": {"html": {"toc": False, "css": ["a.css", "b.css"]}}}, []),
    ({"execute": {"timeout": 30, "echo": False}}, []),
    ({"execute": {"timeout": 0.5}}, []),
    ({"execute": {"timeout": 0}}, [("execute.timeout", "expected a number of seconds greater than 0 (found 0)")]),
    ({"execute": {"timeout": "1m"}}, [("execute.timeout", "expected a number of seconds greater than 0 (found '1m')")]),
    ({"execute": {"timeout": True}}, [("execute.timeout", "expected a number of seconds greater than 0 (found True)")]),
])
def test_unsupported_options_are_named(options: dict, found: list) -> None:
    assert unsupported(options, PROJECT_OPTIONS) == found


def stub_project(folder: Path, config: str, *extra: str) -> None:
    """Write config as _quarto.yml, with a one-line stub for each page the navigation names, and extra pages."""
    (folder / "_quarto.yml").write_text(config, encoding="utf-8")
    for page in ("index.qmd", "chapters/charging.qmd", "chapters/interviews.qmd", "chapters/recommendations.qmd",
                 "chapters/methods.qmd", "CHANGELOG.md", "help.qmd", "about.qmd", "forces/index.qmd", *extra):
        (folder / page).parent.mkdir(parents=True, exist_ok=True)
        (folder / page).write_text("x\n", encoding="utf-8")


def test_a_problem_names_file_line_and_key(tmp_path: Path) -> None:
    text = (ROOT / "_quarto.yml").read_text(encoding="utf-8").replace(
        "    toc: true\n", "    toc: true\n    number-sections: true\n")
    stub_project(tmp_path, text)
    line = text.splitlines().index("    number-sections: true") + 1
    assert project_problems(read_config(tmp_path)) == [
        f"_quarto.yml:{line}: format.html.number-sections: the built-in engine does not support this option "
        "(use Quarto, or remove it)"]


def test_a_page_problem_has_the_page_line() -> None:
    doc = parse_qmd("---\ntitle: T\nexecute:\n  echo: false\ncode-fold: true\n---\n\nText.\n")
    assert page_problems("p.qmd", doc) == [
        "p.qmd:5: code-fold: the built-in engine does not support this option (use Quarto, or remove it)"]
    assert unsupported({"toc": True, "nocite": "@*"}, PAGE_OPTIONS) == []


def test_a_page_execute_option_is_checked_as_the_project_s() -> None:
    doc = parse_qmd("---\ntitle: T\nexecute:\n  timeout: -5\n  cache: true\n  echo: false\n---\n\nText.\n")
    assert page_problems("p.qmd", doc) == [
        "p.qmd:4: execute.timeout: expected a number of seconds greater than 0 (found -5)",
        "p.qmd:5: execute.cache: the built-in engine does not support this option (use Quarto, or remove it)"]


@pytest.mark.parametrize("page", PAGES)
def test_every_cell_is_labelled_once(page: str) -> None:
    """Quarto gives an unlabelled cell a random id, so two builds would differ."""
    cells = [b for b in parse_qmd((ROOT / page).read_text(encoding="utf-8")).blocks if isinstance(b, Cell)]
    labels = [c.options.get("label") for c in cells]
    assert None not in labels, [c.line for c in cells if "label" not in c.options]
    assert len(set(labels)) == len(labels)


def test_a_page_only_project_render_names_is_rendered_not_refused(tmp_path: Path) -> None:
    text = (ROOT / "_quarto.yml").read_text(encoding="utf-8")
    stub_project(tmp_path, text, "chapters/extra.qmd")
    config = read_config(tmp_path)
    assert project_problems(config) == []
    assert "chapters/extra.qmd" in [page.source for page in config.rendered_pages()]
