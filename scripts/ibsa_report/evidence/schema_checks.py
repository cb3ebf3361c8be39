"""Validate the package against its Table Schemas with frictionless, and phrase each error for people."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from frictionless import FrictionlessException, Package

from ibsa_report.evidence.expectations import DATE_PATTERN, ID_LIST_PATTERN, ID_PATTERN, OUTCOME_PATTERN
from ibsa_report.evidence.package import DATA_DIR, ResourceSpec, descriptor_problem
from ibsa_report.evidence.problems import Problem
from ibsa_report.evidence.structure import RawTable

# Patterns used in data/datapackage.json, in words.
PATTERN_WORDS = {
    ID_PATTERN: "an id of lower-case letters, digits and hyphens",
    ID_LIST_PATTERN: "ids of lower-case letters, digits and hyphens separated by ';'",
    DATE_PATTERN: "a date as YYYY, YYYY-MM or YYYY-MM-DD",
    OUTCOME_PATTERN: "an outcome type number or 'other'",
}
CONSTRAINT_CODES = {
    "required": "required",
    "minimum": "below-minimum",
    "maximum": "above-maximum",
    "enum": "not-allowed",
    "pattern": "bad-format",
    "minLength": "bad-format",
    "maxLength": "bad-format",
    "unique": "duplicate-key",
}


def schema_problems(descriptor: dict[str, Any], data_dir: Path, tables: dict[str, RawTable]) -> list[Problem]:
    """Validate the readable resources (``tables``) with frictionless; return problems with file lines."""
    specs = {name: t.spec for name, t in tables.items()}
    try:
        package = Package(_readable_only(descriptor, set(tables)), basepath=str(data_dir))
        report = package.validate()
    except FrictionlessException as exc:
        return [descriptor_problem("resources", exc.error.message)]
    problems = [descriptor_problem("resources", e.message) for e in report.errors]
    for task in report.tasks:
        spec, raw = specs[task.name], tables[task.name]
        problems += [_problem(spec, raw, e.to_dict()) for e in task.errors]
    return problems


def _readable_only(descriptor: dict[str, Any], names: set[str]) -> dict[str, Any]:
    """Copy the descriptor keeping only readable resources and the foreign keys between them."""
    desc = copy.deepcopy(descriptor)
    desc["resources"] = [r for r in desc.get("resources", []) if r.get("name") in names]
    for res in desc["resources"]:
        schema = res.get("schema", {})
        schema["foreignKeys"] = [
            fk for fk in schema.get("foreignKeys", []) if fk["reference"]["resource"] in names | {""}
        ]
    return desc


def _line(raw: RawTable, row_number: int | None) -> int:
    """Translate frictionless's row position (header = 1) into the file's line number."""
    if not row_number or row_number < 2:
        return 1
    index = row_number - 2
    return raw.lines[index] if index < len(raw.lines) else row_number


def _problem(spec: ResourceSpec, raw: RawTable, err: dict[str, Any]) -> Problem:
    """Phrase one frictionless error as a Problem naming file, line and column."""
    kind, note = err.get("type", ""), err.get("note", "")
    row = _line(raw, err.get("rowNumber"))
    field = err.get("fieldName") or spec.field_names[0]
    cell = "" if err.get("cell") is None else str(err["cell"])
    fdesc = spec.fields.get(field, {})

    if kind == "type-error":
        return Problem("wrong-type", spec.rel_path, row, field, cell, describe_type(fdesc))
    if kind == "constraint-error":
        name = _quoted(note, 0)
        code = CONSTRAINT_CODES.get(name, "schema")
        return Problem(code, spec.rel_path, row, field, cell, _expected(fdesc, name), note=note)
    if kind == "primary-key":
        key = spec.primary_key
        value = _key_value(raw, err, key)
        first = re.search(r"position (\d+)", note)
        where = f" (first used on line {_line(raw, int(first.group(1)))})" if first else ""
        return Problem("duplicate-key", spec.rel_path, row, "+".join(key), value, "a key used only once" + where)
    if kind == "foreign-key":
        field = _quoted(note, 0) or field
        value = _quoted(note, 1)
        target = _quoted(note, 2) or spec.name
        ref_field = _quoted(note, 3) or field
        return Problem("unknown-reference", spec.rel_path, row, field, value,
                       f"a {ref_field} listed in {DATA_DIR}/{target}.csv")
    if kind in ("missing-cell", "extra-cell", "blank-row"):
        return Problem("row-shape", spec.rel_path, row, field, cell, f"{len(spec.field_names)} cells, one per column")
    return Problem("schema", spec.rel_path, row, field, cell, "a valid value", note=err.get("message", kind))


def describe_type(field: dict[str, Any]) -> str:
    """Say in words what a field's type accepts."""
    kind = field.get("type", "string")
    if kind == "integer":
        return "a whole number"
    if kind == "number":
        return "a number"
    if kind == "date":
        return "a date as YYYY-MM-DD"
    if kind == "boolean":
        return " or ".join(field.get("trueValues", ["true"]) + field.get("falseValues", ["false"]))
    if field.get("format") == "uri":
        return "a web address (URI)"
    return f"a value of type {kind}"


def _expected(field: dict[str, Any], constraint: str) -> str:
    """Say in words what a constraint requires."""
    c = field.get("constraints", {})
    if constraint == "required":
        return "a value"
    if constraint == "minimum":
        return f"at least {c['minimum']}"
    if constraint == "maximum":
        return f"at most {c['maximum']}"
    if constraint == "enum":
        return "one of " + ", ".join(map(str, c["enum"]))
    if constraint == "pattern":
        return PATTERN_WORDS.get(c["pattern"], f"text matching {c['pattern']}")
    if constraint == "minLength":
        return f"at least {c['minLength']} characters"
    return f"a value meeting the '{constraint}' rule"


def _quoted(note: str, index: int) -> str:
    """Return the index-th double-quoted string in a frictionless note, or ''."""
    found = re.findall(r'"([^"]*)"', note)
    return found[index] if index < len(found) else ""


def _key_value(raw: RawTable, err: dict[str, Any], key: list[str]) -> str:
    """Return the key cells of the row an error is about, joined with '+'."""
    cells = err.get("cells") or []
    positions = [raw.header.index(k) for k in key if k in raw.header]
    return "+".join(str(cells[i]) for i in positions if i < len(cells))
