"""data/datapackage.json itself: a shape the checks cannot read, or a path out of data/, is one line, and no file outside data/ is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import edit, package_line, validate_errors

DESCRIPTOR = "datapackage.json"
FORCES = b'"name": "forces",\n      "path": "forces.csv",'
SUMMARY = "Error: 1 problem(s) in data/; fix them and run again"
FORCES_PATH = '"path": "forces.csv"'
OUTSIDE = f"data/datapackage.json:{package_line(FORCES_PATH)}:resources[1].path: a resource's path must name a file inside data/; the file was not read "


@pytest.mark.parametrize(("path", "error"), [
    ("../../../../../../etc/passwd", OUTSIDE + '(found "../../../../../../etc/passwd", expected a file name inside data/, such as forces.csv)'),
    ("/etc/passwd", OUTSIDE + '(found "/etc/passwd", expected a file name inside data/, such as forces.csv)'),
    ("../README.md", OUTSIDE + '(found "../README.md", expected a file name inside data/, such as forces.csv)'),
    ("https://example.org/forces.csv", OUTSIDE + '(found "https://example.org/forces.csv", expected a file name inside data/, such as forces.csv)'),
    ("sub\\\\..\\\\..\\\\x.csv", OUTSIDE + '(found "sub\\..\\..\\x.csv", expected a file name inside data/, such as forces.csv)'),
], ids=["dot-dot", "absolute", "project-file", "url", "backslashes"])
def test_a_path_out_of_data_is_refused_unread(project: Path, path: str, error: str) -> None:
    edit(project, DESCRIPTOR, FORCES, FORCES.replace(b"forces.csv", path.encode()))
    (project / "README.md").write_text("SECRET first line\n", encoding="utf-8")
    lines = validate_errors(project)
    assert lines == [error, SUMMARY]
    assert "root:" not in "\n".join(lines) and "SECRET" not in "\n".join(lines)


def test_a_symbolic_link_out_of_data_is_refused_unread(project: Path, tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text("SECRET,first,line\n", encoding="utf-8")
    forces = project / "data" / "forces.csv"
    forces.unlink()
    forces.symlink_to(secret)
    assert validate_errors(project) == [
        "data/forces.csv:1:force_id: the file is a symbolic link to somewhere outside data/; the file was not read "
        f'(found "a link to {secret.resolve()}", expected the file itself in data/)', SUMMARY]


def test_a_symbolic_link_inside_data_is_read(project: Path) -> None:
    forces = project / "data" / "forces.csv"
    forces.rename(project / "data" / "forces-kept.csv")
    forces.symlink_to("forces-kept.csv")
    from ibsa_report.evidence.validate import validate_project
    assert validate_project(project).ok


@pytest.mark.parametrize(("text", "error"), [
    (b"[]", 'data/datapackage.json:1:resources: the data package description is invalid: it must be a JSON object '
            '(found "a list", expected a JSON object with "resources")'),
    (b'{\n  "name": "x",\n  "resources": {}\n}', 'data/datapackage.json:3:resources: the data package description is invalid: '
     'it must list the resources (found "an object", expected a non-empty list of resources)'),
    (b'{\n  "name": "x",\n  "resources": [\n    {"name": "forces",}\n  ]\n}',
     'data/datapackage.json:4:resources: the data package description is invalid: not valid JSON: '
     'Expecting property name enclosed in double quotes at column 23 (found "", expected valid JSON)'),
    (b'{"resources": [\xff]}', 'data/datapackage.json:1:resources: the data package description is invalid: '
     'not UTF-8 text (invalid start byte at byte 15) (found "", expected UTF-8 JSON)'),
], ids=["a-list", "resources-not-a-list", "not-json", "not-utf8"])
def test_a_descriptor_that_is_not_a_package_is_one_line(project: Path, text: bytes, error: str) -> None:
    (project / "data" / DESCRIPTOR).write_bytes(text)
    assert validate_errors(project) == [error, SUMMARY]


CANNOT_READ = "the data package description is invalid: resource forces cannot be read"


@pytest.mark.parametrize(("old", "new", "error"), [
    (b'"path": "forces.csv",', b'"file": "forces.csv",',
     f'data/datapackage.json:136:resources[1].path: {CANNOT_READ} (found "", expected the name of its CSV file in data/)'),
    (b'"path": "forces.csv",', b'"path": ["forces.csv"],',
     f'data/datapackage.json:138:resources[1].path: {CANNOT_READ} (found "a list", expected the name of its CSV file in data/)'),
    (b'"name": "forces",', b'"name": "foi_rounds",',
     'data/datapackage.json:137:resources[1].name: the data package description is invalid: resource foi_rounds cannot be read '
     '(found "foi_rounds", expected a name no other resource has)'),
    (b'"name": "forces",', b'"name": "foi_rounds",',
     'data/datapackage.json:194:resources[2].name: the data package description is invalid: resource foi_rounds cannot be read '
     '(found "foi_rounds", expected a name no other resource has)'),
    (b'"schema": {', b'"table": {',
     f'data/datapackage.json:136:resources[1].schema: {CANNOT_READ} (found "", expected a Table Schema (an object with fields))'),
], ids=["no-path", "path-a-list", "duplicate-name", "duplicate-name-again", "no-schema"])
def test_a_resource_the_checks_cannot_read_is_one_line(project: Path, old: bytes, new: bytes, error: str) -> None:
    edit(project, DESCRIPTOR, old, new, after=FORCES)
    assert error in validate_errors(project)
