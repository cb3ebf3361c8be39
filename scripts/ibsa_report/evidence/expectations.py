"""What the report's checks rely on data/datapackage.json to say, committed in code.

frictionless enforces a Table Schema, but the schema is data too: a pull request could drop a
``primaryKey`` or a ``required``, or turn a count into a string, and a duplicated force or an unknown
round would then pass validation and reach the pages. Each resource's schema is therefore checked
against this expectation first: its primary key, its foreign keys, and for the columns the report
computes with, the type, ``required``, a minimum at least as strict, allowed values among the ones the
report knows, and the id patterns. A schema may be stricter; a weaker one is a problem, and its table
is not read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from quarto_lite.yaml_lines import NodePath, line_of

from ibsa_report.evidence.package import DESCRIPTOR_FILE, Lines, ResourceSpec
from ibsa_report.evidence.problems import Problem

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
ID_LIST_PATTERN = r"^[a-z0-9][a-z0-9-]*(;[a-z0-9][a-z0-9-]*)*$"
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
PHONE_PATTERN = r"^(\+44 )?[0-9]{1,5}( [0-9]{1,5}){0,3}$"  # digit groups only: fmt.tel_address relies on it
OUTCOME_PATTERN = r"^([0-9]+|other)$"


@dataclass(frozen=True)
class Column:
    """What one column's schema must keep."""

    type: str = "string"
    required: bool = True
    minimum: int | None = None
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    true_false: tuple[list[str], list[str]] | None = None


@dataclass(frozen=True)
class Table:
    """What one resource's schema must keep: its primary key, its references (column -> 'table.column'), its columns."""

    key: tuple[str, ...]
    columns: Mapping[str, Column]
    references: Mapping[str, str] = field(default_factory=dict)


TEXT = Column()
ID = Column(pattern=ID_PATTERN)
OPTIONAL_ID = Column(required=False, pattern=ID_PATTERN)
ID_LIST = Column(pattern=ID_LIST_PATTERN)
COUNT = Column("integer", minimum=0)
POSITIVE = Column("integer", minimum=1)  # a denominator: a rate of 0 recorded offences is meaningless
YES_NO = Column("boolean", true_false=(["yes"], ["no"]))


def one_of(*values: str) -> Column:
    """A required column whose values are among these, which the report's code knows."""
    return Column(enum=values)


EXPECTED: dict[str, Table] = {
    "sources": Table(("source_id",), {
        "source_id": ID,
        "kind": one_of("document", "law-status", "method"),
        "csl_type": one_of("article-journal", "article-newspaper", "post-weblog", "webpage", "legislation", "report", "speech"),
    }),
    "forces": Table(("force_id",), {"force_id": ID, "name": TEXT, "short_name": TEXT}),
    "foi_rounds": Table(("round_id",), {
        "round_id": ID, "source_id": ID, "period_start": Column("date"), "period_end": Column("date"),
        "forces_asked": COUNT, "forces_responded": COUNT, "forces_included": COUNT,
        "stated_recorded_total": POSITIVE, "stated_charged_total": COUNT,
    }, {"source_id": "sources.source_id"}),
    "foi_responses": Table(("round_id", "force_id"), {
        "round_id": ID, "force_id": ID, "data_provided": one_of("yes", "no", "limited"), "included": YES_NO,
    }, {"round_id": "foi_rounds.round_id", "force_id": "forces.force_id"}),
    "foi_force_counts": Table(("round_id", "force_id"), {
        "round_id": ID, "force_id": ID, "charged_summonsed": COUNT, "recorded_offences": POSITIVE,
        "published_rate_percent": COUNT,
    }, {"round_id": "foi_rounds.round_id", "force_id": "forces.force_id"}),
    "outcome_types": Table(("outcome_id",), {"outcome_id": Column(pattern=OUTCOME_PATTERN), "source_ids": ID_LIST}),
    "foi_outcome_totals": Table(("round_id", "outcome_id"), {
        "round_id": ID, "outcome_id": TEXT, "offences": COUNT, "published_percent": COUNT,
    }, {"round_id": "foi_rounds.round_id", "outcome_id": "outcome_types.outcome_id"}),
    "stated_figures": Table(("figure_id",), {
        "figure_id": ID, "source_id": ID, "round_id": OPTIONAL_ID,
        "value": Column("number", required=False, minimum=0), "denominator": Column("integer", required=False, minimum=1),
    }, {"source_id": "sources.source_id", "round_id": "foi_rounds.round_id"}),
    "support_services": Table(("service_id",), {
        "service_id": ID, "name": TEXT, "phone": Column(pattern=PHONE_PATTERN), "hours": TEXT, "url": TEXT,
        "source_id": ID, "checked": Column("date", required=False),
    }, {"source_id": "sources.source_id"}),
    "interview_groups": Table(("group_id",), {
        "group_id": ID, "label": TEXT, "parent_group_id": OPTIONAL_ID, "participants": COUNT,
    }, {"parent_group_id": ".group_id"}),
    "interview_recruitment": Table(("group_id", "route"), {
        "group_id": ID, "route": TEXT, "participants": COUNT,
    }, {"group_id": "interview_groups.group_id"}),
    "interview_themes": Table(("theme_id",), {"theme_id": ID, "title": TEXT, "summary": TEXT}),
    "interview_findings": Table(("finding_id",), {
        "finding_id": ID, "theme_id": ID, "group_id": ID, "count": COUNT,
        "denominator": Column("integer", required=False, minimum=1),
        "denominator_basis": one_of("stated", "group-size", "inferred", "not-stated"),
    }, {"theme_id": "interview_themes.theme_id", "group_id": "interview_groups.group_id"}),
    "interview_quotes": Table(("quote_id",), {
        "quote_id": ID, "theme_id": ID, "group_id": ID, "text": TEXT, "excerpt": YES_NO,
    }, {"theme_id": "interview_themes.theme_id", "group_id": "interview_groups.group_id"}),
    "recommendations": Table(("rec_id",), {
        "rec_id": ID, "area": one_of("legislation", "policing"), "recommended_by": ID_LIST, "evidence_ids": ID_LIST,
        "law_status": one_of("in-force", "partly", "guidance", "not-adopted", "unconfirmed", "not-assessed"),
        "in_force_date": Column("date", required=False), "checked": Column(required=False, pattern=DATE_PATTERN),
        "law_source_ids": Column(required=False, pattern=ID_LIST_PATTERN),
    }),
}


def missing_resources(descriptor: Mapping[str, Any], lines: Lines) -> list[Problem]:
    """Return a problem for each resource the report needs that the package's list of resources lacks."""
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return []  # package.resource_specs says so
    present = {r.get("name") for r in resources if isinstance(r, dict)}
    return [Problem("missing-resource", DESCRIPTOR_FILE, line_of(lines, ("resources",)), "resources", "",
                    f"a resource named {name}") for name in EXPECTED if name not in present]


def weaker_than_expected(spec: ResourceSpec, lines: Lines) -> list[Problem]:
    """Say where a resource's schema is weaker than EXPECTED (nothing for a resource the report does not use)."""
    return schema_expectation_problems(spec, EXPECTED[spec.name], lines) if spec.name in EXPECTED else []


def schema_expectation_problems(spec: ResourceSpec, table: Table, lines: Lines) -> list[Problem]:
    """Say where one resource's schema is weaker than its expectation."""
    schema = spec.schema
    at: NodePath = ("resources", spec.index, "schema")

    def weaker(where: NodePath, what: str, found: Any, expected: str) -> Problem:
        label = f"resources[{spec.index}].schema" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where)
        return Problem("weak-schema", DESCRIPTOR_FILE, line_of(lines, (*at, *where)), label, _shown(found), expected, what)

    problems = []
    if _names(schema.get("primaryKey")) != list(table.key):
        problems.append(weaker(("primaryKey",), spec.name, schema.get("primaryKey"), "primaryKey " + ", ".join(table.key)))
    keys = schema.get("foreignKeys") if isinstance(schema.get("foreignKeys"), list) else []
    for column, target in table.references.items():
        resource, ref_field = target.split(".")
        if not any(_is_reference(fk, column, resource, ref_field) for fk in keys):
            problems.append(weaker(("foreignKeys",), spec.name, "", f"a foreign key from {column} to "
                                   f"{resource or spec.name}.{ref_field}"))
    positions = {f["name"]: j for j, f in enumerate(schema["fields"])}
    for name, column in table.columns.items():
        if name not in positions:
            problems.append(weaker(("fields",), spec.name, "", f"a field named {name}"))
            continue
        j = positions[name]
        problems += [weaker(("fields", j, *where), f"{spec.name}.{name}", found, expected)
                     for where, found, expected in column_problems(spec.fields[name], column)]
    return problems


def column_problems(f: dict[str, Any], column: Column) -> list[tuple[NodePath, Any, str]]:
    """Return (where in the field, what it says, what it must say) for each rule the field does not keep."""
    c = f.get("constraints") if isinstance(f.get("constraints"), dict) else {}
    found: list[tuple[NodePath, Any, str]] = []
    if f.get("type") != column.type:
        found.append((("type",), f.get("type"), column.type))
    if column.required and c.get("required") is not True:
        found.append((("constraints", "required"), c.get("required"), "true"))
    if column.minimum is not None and not (_is_number(c.get("minimum")) and c["minimum"] >= column.minimum):
        found.append((("constraints", "minimum"), c.get("minimum"), f"at least {column.minimum}"))
    if column.enum is not None and not (isinstance(c.get("enum"), list) and set(map(str, c["enum"])) <= set(column.enum)):
        found.append((("constraints", "enum"), c.get("enum"), "some of " + ", ".join(column.enum)))
    if column.pattern is not None and c.get("pattern") != column.pattern:
        found.append((("constraints", "pattern"), c.get("pattern"), column.pattern))
    if column.true_false is not None and (f.get("trueValues"), f.get("falseValues")) != column.true_false:
        found.append((("trueValues",), [f.get("trueValues"), f.get("falseValues")],
                      f"trueValues {column.true_false[0]} and falseValues {column.true_false[1]}"))
    return found


def _names(value: Any) -> list[str] | None:
    """Return a Table Schema key (a name or a list of names) as a list, or None if it is neither."""
    if isinstance(value, str):
        return [value]
    return list(value) if isinstance(value, list) else None


def _is_reference(fk: Any, column: str, resource: str, ref_field: str) -> bool:
    """Tell whether a foreignKeys entry makes column refer to resource.ref_field."""
    if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
        return False
    ref = fk["reference"]
    return (_names(fk.get("fields")) == [column] and ref.get("resource") == resource
            and _names(ref.get("fields")) == [ref_field])


def _is_number(value: Any) -> bool:
    """Tell whether a JSON value is a number (not true or false)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _shown(value: Any) -> str:
    """Show a schema value as the message's found text ('' when absent)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)
