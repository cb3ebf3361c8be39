"""Read the data package description (data/datapackage.json) and name its parts.

Nothing here reads a data file. A resource is described only if its shape is sound (a name, a
``path`` and a ``schema`` with named fields) and its path names a file inside data/: no ``..``, no
absolute path or URL, no symbolic link that leads out of data/. Any other resource is a problem,
and its file is never opened.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from quarto_lite.yaml_lines import NodePath, line_of, node_lines

from ibsa_report.evidence.problems import Problem, printable

DATA_DIR = "data"
DESCRIPTOR = "datapackage.json"
DESCRIPTOR_FILE = f"{DATA_DIR}/{DESCRIPTOR}"
Lines = dict[NodePath, int]


@dataclass(frozen=True)
class ResourceSpec:
    """One tabular resource: its name, file and Table Schema."""

    name: str
    path: Path
    rel_path: str
    schema: dict[str, Any]
    index: int = 0  # its place in the descriptor's resources list

    @property
    def field_names(self) -> list[str]:
        """Return the schema's column names, in order."""
        return [f["name"] for f in self.schema["fields"]]

    @property
    def fields(self) -> dict[str, dict[str, Any]]:
        """Return the schema's field descriptors by name."""
        return {f["name"]: f for f in self.schema["fields"]}

    @property
    def primary_key(self) -> list[str]:
        """Return the primary key as a list of column names."""
        pk = self.schema.get("primaryKey", [])
        return [pk] if isinstance(pk, str) else list(pk)

    @property
    def missing_values(self) -> list[str]:
        """Return the strings that stand for a missing value."""
        return list(self.schema.get("missingValues", [""]))


class DescriptorError(ValueError):
    """data/datapackage.json cannot be read as a data package; ``problem`` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def descriptor_path(project: Path) -> Path:
    """Return the path of the package descriptor in a project."""
    return project / DATA_DIR / DESCRIPTOR


def descriptor_problem(field: str, note: str, line: int = 1, value: str = "", expected: str = "a valid Data Package") -> Problem:
    """A problem with data/datapackage.json itself."""
    return Problem("descriptor", DESCRIPTOR_FILE, line, field, value, expected, note)


def read_descriptor(project: Path) -> dict[str, Any]:
    """Read data/datapackage.json; raise DescriptorError (a ValueError) with a one-line reason if it cannot be read."""
    return load_descriptor(project)[0]


def load_descriptor(project: Path) -> tuple[dict[str, Any], Lines]:
    """Read data/datapackage.json and the line of each of its parts; raise DescriptorError if it is not a JSON object."""
    path = descriptor_path(project)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except FileNotFoundError:
        raise DescriptorError(descriptor_problem("resources", "file not found", expected="the file to exist")) from None
    except UnicodeDecodeError as exc:
        raise DescriptorError(descriptor_problem("resources", f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                                                 expected="UTF-8 JSON")) from None
    except json.JSONDecodeError as exc:
        raise DescriptorError(descriptor_problem("resources", f"not valid JSON: {exc.msg} at column {exc.colno}",
                                                 line=exc.lineno, expected="valid JSON")) from None
    if not isinstance(data, dict):
        raise DescriptorError(descriptor_problem("resources", "it must be a JSON object", value=_kind(data),
                                                 expected='a JSON object with "resources"'))
    return data, node_lines(text)


def resource_specs(project: Path, descriptor: dict[str, Any], lines: Lines | None = None) -> tuple[list[ResourceSpec], list[Problem]]:
    """List the package's sound resources, with their paths inside data/, and a problem for each other one."""
    lines = lines or {}
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return [], [descriptor_problem("resources", "it must list the resources", line_of(lines, ("resources",)),
                                       _kind(resources), "a non-empty list of resources")]
    specs: list[ResourceSpec] = []
    problems: list[Problem] = []
    names = Counter(r.get("name") for r in resources if isinstance(r, dict))
    duplicated = {name for name, n in names.items() if n > 1}
    for i, res in enumerate(resources):
        found = _shape_problems(res, i, lines, duplicated) or path_problems(project, res, i, lines)
        if found:
            problems += found
            continue
        specs.append(ResourceSpec(res["name"], project / DATA_DIR / res["path"], f"{DATA_DIR}/{res['path']}", res["schema"], i))
    return specs, problems


def _shape_problems(res: Any, i: int, lines: Lines, duplicated: set[str]) -> list[Problem]:
    """Say what a resource lacks to be read: a unique name, a path, a schema with named fields."""
    name = res.get("name") if isinstance(res, dict) and isinstance(res.get("name"), str) else f"number {i + 1}"

    def lacks(where: NodePath, value: Any, expected: str) -> list[Problem]:
        label = f"resources[{i}]" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in where)
        found = value if isinstance(value, str) and value else _kind(value)
        return [descriptor_problem(label, f"resource {name} cannot be read", line_of(lines, ("resources", i, *where)),
                                   found, expected)]

    if not isinstance(res, dict):
        return lacks((), res, "an object with name, path and schema")
    if not isinstance(res.get("name"), str) or not res["name"]:
        return lacks(("name",), res.get("name"), "a name")
    if res["name"] in duplicated:
        return lacks(("name",), res["name"], "a name no other resource has")
    if not isinstance(res.get("path"), str) or not res["path"]:
        return lacks(("path",), res.get("path"), "the name of its CSV file in data/")
    schema = res.get("schema")
    if not isinstance(schema, dict):
        return lacks(("schema",), schema, "a Table Schema (an object with fields)")
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return lacks(("schema", "fields"), fields, "a non-empty list of fields")
    for j, f in enumerate(fields):
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or not f["name"]:
            return lacks(("schema", "fields", j), f, "a field with a name")
    return []


def path_problems(project: Path, res: dict[str, Any], i: int, lines: Lines) -> list[Problem]:
    """Refuse a resource path that leads out of data/: '..', absolute, a URL, or a link outside. Reads no file."""
    rel = res["path"]
    pure = PurePosixPath(rel)
    if "\\" in rel or "://" in rel or pure.is_absolute() or ".." in pure.parts or "\x00" in rel:
        return [Problem("unsafe-path", DESCRIPTOR_FILE, line_of(lines, ("resources", i, "path")), f"resources[{i}].path",
                        printable(rel), "a file name inside data/, such as forces.csv")]
    data_dir = (project / DATA_DIR).resolve()
    target = (project / DATA_DIR / rel).resolve()
    if not target.is_relative_to(data_dir):
        return [Problem("link-outside", f"{DATA_DIR}/{rel}", 1, res["schema"]["fields"][0]["name"], f"a link to {printable(str(target))}",
                        "the file itself in data/")]
    return []


def _kind(value: Any) -> str:
    """Name the JSON kind of a value, for a message ('a list', 'nothing')."""
    if value is None:
        return ""
    names = {dict: "an object", list: "a list", str: "a string", bool: "true or false", int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)
