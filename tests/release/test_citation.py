"""One version source: CITATION.cff; every other place that states the version or date must agree."""

from __future__ import annotations

import json
import re
import tomllib

import pytest
import yaml

from ibsa_report.release.citation import apa, bibtex, cff_text, read_citation, read_version, zenodo_text

from conftest import ROOT


@pytest.fixture(scope="module")
def version() -> tuple[str, str]:
    return read_version(ROOT)


def test_citation_cff_is_what_the_metadata_generates() -> None:
    assert (ROOT / "CITATION.cff").read_text(encoding="utf-8") == cff_text(read_citation(ROOT))


def test_zenodo_json_is_what_the_metadata_generates() -> None:
    assert (ROOT / ".zenodo.json").read_text(encoding="utf-8") == zenodo_text(read_citation(ROOT))


def test_every_file_states_the_same_version_and_date(version: tuple[str, str]) -> None:
    number, date = version
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    quarto = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))["citation"]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert {cff["version"], cff["preferred-citation"]["version"], zenodo["version"], quarto["version"],
            quarto["number"], pyproject["version"]} == {number}
    assert {cff["date-released"], cff["preferred-citation"]["date-released"], zenodo["publication_date"],
            quarto["issued"]} == {date}
    assert re.search(rf"^## \[{re.escape(number)}\] - {date}$", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)


def test_authors_come_from_the_project_metadata_and_are_not_invented() -> None:
    quarto = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert [a["name"] for a in cff["authors"]] == [a["name"] for a in quarto["author"]]
    assert cff["preferred-citation"]["type"] == "report"
    assert cff["license"] == ["MIT", "CC-BY-4.0"]


def test_citation_cff_is_valid_cff_1_2_0() -> None:
    from check_jsonschema.cli import main as check

    with pytest.raises(SystemExit) as done:
        check(["--builtin-schema", "vendor.citation-file-format", str(ROOT / "CITATION.cff")])
    assert done.value.code == 0


def test_apa_and_bibtex_name_this_version() -> None:
    c = read_citation(ROOT)
    assert f"(Version {c.version})" in apa(c) and apa(c).startswith(f"{c.authors[0]}. ({c.date[:4]}).")
    entry = bibtex(c)
    assert entry.startswith(f"@techreport{{ibsa-report-{c.version},")
    assert f"version = {{{c.version}}}" in entry and entry.count("{") == entry.count("}")


@pytest.mark.parametrize("workflow", ["publish.yml", "release.yml"])
def test_workflows_are_valid_github_workflows(workflow: str) -> None:
    from check_jsonschema.cli import main as check

    with pytest.raises(SystemExit) as done:
        check(["--builtin-schema", "vendor.github-workflows", str(ROOT / ".github" / "workflows" / workflow)])
    assert done.value.code == 0


def test_the_schema_check_rejects_a_broken_citation_file(tmp_path) -> None:
    from check_jsonschema.cli import main as check

    broken = tmp_path / "CITATION.cff"
    broken.write_text((ROOT / "CITATION.cff").read_text(encoding="utf-8").replace("cff-version: 1.2.0\n", ""),
                      encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        check(["--builtin-schema", "vendor.citation-file-format", str(broken)])
    assert done.value.code != 0


def test_publish_runs_on_the_paths_the_issue_names() -> None:
    on = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))[True]
    assert {"data/**", "chapters/**", "*.qmd", "_quarto.yml", "scripts/**"} <= set(on["push"]["paths"])
    assert "workflow_dispatch" in on


def test_the_readme_example_is_the_current_citation() -> None:
    readme = " ".join(line.lstrip("> ").strip() for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines())
    assert apa(read_citation(ROOT)) in readme


def test_the_footer_citation_matches_the_cite_block() -> None:
    """The engine's footer (from _quarto.yml's citation:) and the report's "Cite this" (from CITATION.cff) agree."""
    from quarto_lite.citation import apa as footer_apa, page_citation
    from quarto_lite.project import read_config

    assert footer_apa(page_citation(read_config(ROOT))) == apa(read_citation(ROOT))
