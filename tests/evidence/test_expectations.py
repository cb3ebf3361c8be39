"""A weakened schema is a problem, not a crash or a phantom force: each resource's schema keeps what the checks rely on."""

from __future__ import annotations

from pathlib import Path

import pytest

from ibsa_report.evidence.validate import validate_project

from conftest import edit, validate_errors

DESCRIPTOR = "datapackage.json"
WEAKER = "is weaker than the report's checks rely on; the table was not read"
COUNTS = "foi_force_counts.csv"
RESPONSES = "foi_responses.csv"


def in_schema(field: bytes, old: bytes, new: bytes):
    """Edit the descriptor after a field's (or resource's) name."""
    return lambda p: edit(p, DESCRIPTOR, old, new, after=b'"name": "' + field + b'"')


CASES = {
    "primary key dropped, force listed twice": (
        [in_schema(b"forces", b'        "primaryKey": [\n          "force_id"\n        ],\n', b""),
         lambda p: edit(p, "forces.csv", b"wiltshire,Wiltshire Police,Wiltshire\n",
                        b"wiltshire,Wiltshire Police,Wiltshire\nwiltshire,Wiltshire Police,Wiltshire\n")],
        f'data/datapackage.json:152:resources[1].schema.primaryKey: the schema of forces {WEAKER} '
        '(found "", expected primaryKey force_id)'),
    "primary key narrowed": (
        [in_schema(b"foi_responses", b'"primaryKey": [\n          "round_id",\n          "force_id"\n        ]', b'"primaryKey": "force_id"')],
        f'data/datapackage.json:435:resources[3].schema.primaryKey: the schema of foi_responses {WEAKER} '
        '(found "force_id", expected primaryKey round_id, force_id)'),
    "required dropped, count empty": (
        [in_schema(b"charged_summonsed", b'"required": true,\n', b""),
         lambda p: edit(p, COUNTS, b"dorset,17,", b"dorset,,")],
        f'data/datapackage.json:503:resources[4].schema.fields[2].constraints.required: the schema of '
        f'foi_force_counts.charged_summonsed {WEAKER} (found "", expected true)'),
    "count turned into a string": (
        [in_schema(b"charged_summonsed", b'"type": "integer"', b'"type": "string"'),
         lambda p: edit(p, COUNTS, b"dorset,17,", b"dorset,x17,")],
        f'data/datapackage.json:500:resources[4].schema.fields[2].type: the schema of '
        f'foi_force_counts.charged_summonsed {WEAKER} (found "string", expected integer)'),
    "foreign key dropped, unknown force": (
        [in_schema(b"foi_responses", b'          },\n          {\n            "fields": "force_id",\n            "reference": {\n'
                   b'              "resource": "forces",\n              "fields": "force_id"\n            }\n', b""),
         lambda p: edit(p, RESPONSES, b"refuge-2023,cleveland,", b"refuge-2023,gotham,")],
        f'data/datapackage.json:442:resources[3].schema.foreignKeys: the schema of foi_responses {WEAKER} '
        '(found "", expected a foreign key from force_id to forces.force_id)'),
    "foreign key pointed elsewhere": (
        [in_schema(b"foi_force_counts", b'"resource": "forces"', b'"resource": "foi_rounds"')],
        f'data/datapackage.json:546:resources[4].schema.foreignKeys: the schema of foi_force_counts {WEAKER} '
        '(found "", expected a foreign key from force_id to forces.force_id)'),
    "minimum dropped, zero recorded offences": (
        [in_schema(b"recorded_offences", b',\n              "minimum": 1', b""),
         lambda p: edit(p, COUNTS, b"dorset,17,306,6,", b"dorset,0,0,0,")],
        f'data/datapackage.json:513:resources[4].schema.fields[3].constraints.minimum: the schema of '
        f'foi_force_counts.recorded_offences {WEAKER} (found "", expected at least 1)'),
    "an allowed value added": (
        [in_schema(b"data_provided", b'"limited"\n', b'"limited",\n                "maybe"\n'),
         lambda p: edit(p, RESPONSES, b"refuge-2023,cleveland,no,", b"refuge-2023,cleveland,maybe,")],
        f'data/datapackage.json:402:resources[3].schema.fields[2].constraints.enum: the schema of '
        f'foi_responses.data_provided {WEAKER} (found "yes, no, limited, maybe", expected some of yes, no, limited)'),
    "'no' made true": (
        [in_schema(b"included", b'"trueValues": [\n              "yes"\n', b'"trueValues": [\n              "yes",\n              "no"\n')],
        f'data/datapackage.json:414:resources[3].schema.fields[3].trueValues: the schema of foi_responses.included {WEAKER} '
        "(found \"['yes', 'no'], ['no']\", expected trueValues ['yes'] and falseValues ['no'])"),
    "id pattern dropped": (
        [in_schema(b"recommended_by", b',\n              "pattern": "^[a-z0-9][a-z0-9-]*(;[a-z0-9][a-z0-9-]*)*$"', b"")],
        f'data/datapackage.json:1560:resources[14].schema.fields[4].constraints.pattern: the schema of '
        f'recommendations.recommended_by {WEAKER} (found "", expected ^[a-z0-9][a-z0-9-]*(;[a-z0-9][a-z0-9-]*)*$)'),
    "a column the checks use removed": (
        [in_schema(b"forces_included", b'"name": "forces_included"', b'"name": "forces_counted"')],
        f'data/datapackage.json:210:resources[2].schema.fields: the schema of foi_rounds {WEAKER} '
        '(found "", expected a field named forces_included)'),
    "a resource removed": (
        [in_schema(b"support_services", b'"name": "support_services"', b'"name": "helplines"')],
        'data/datapackage.json:13:resources: the data package has no resource the report needs '
        '(found "", expected a resource named support_services)'),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_weakened_schema_is_one_line_and_its_table_is_not_read(project: Path, case: str) -> None:
    edits, error = CASES[case]
    for change in edits:
        change(project)
    assert validate_errors(project) == [error, "Error: 1 problem(s) in data/; fix them and run again"]


def test_a_stricter_schema_is_accepted(project: Path) -> None:
    edit(project, DESCRIPTOR, b'"minimum": 0\n', b'"minimum": 0,\n              "maximum": 100000\n', after=b'"name": "charged_summonsed"')
    edit(project, DESCRIPTOR, b'"name": "title",', b'"name": "title",\n            "type": "string",\n            "constraints": {"maxLength": 500},',
         after=b'"name": "interview_themes"')
    assert validate_project(project).ok
