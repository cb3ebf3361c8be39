"""Bad data gets one clear line per problem, naming the file, the row and the field, and exit code 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ibsa_report.cli import cli

from conftest import edit


def run(project: Path, *args: str):
    return CliRunner().invoke(cli, ["--project", str(project), "validate", *args])



COUNTS = "foi_force_counts.csv"
CASES = {
    "wrong type": (
        lambda p: edit(p, COUNTS, b"dorset,17,", b"dorset,x17,"),
        'data/foi_force_counts.csv:8:charged_summonsed: value has the wrong type (found "x17", expected a whole number)'),
    "negative count": (
        lambda p: edit(p, COUNTS, b"gwent,9,", b"gwent,-9,"),
        'data/foi_force_counts.csv:11:charged_summonsed: value is below the minimum (found "-9", expected at least 0)'),
    "above a maximum": (
        lambda p: (edit(p, "datapackage.json", b'Charged/summonsed as a percentage of recorded offences, as published (rounded to a whole number).",\n            "constraints": {\n',
                        b'Charged/summonsed as a percentage of recorded offences, as published (rounded to a whole number).",\n'
                        b'            "constraints": {\n              "maximum": 100,\n'),
                   edit(p, COUNTS, b"bedfordshire,30,262,11,", b"bedfordshire,30,262,111,")),
        'data/foi_force_counts.csv:2:published_rate_percent: value is above the maximum (found "111", expected at most 100)'),
    "charged > recorded": (
        lambda p: edit(p, COUNTS, b"cambridgeshire,21,306,", b"cambridgeshire,400,306,"),
        'data/foi_force_counts.csv:3:charged_summonsed: charged/summonsed is greater than recorded offences '
        '(found "400", expected at most 306 (the recorded offences on this row))'),
    "duplicate force": (
        lambda p: edit(p, "forces.csv", b"wiltshire,Wiltshire Police,Wiltshire\n",
                       b"wiltshire,Wiltshire Police,Wiltshire\nwiltshire,Wiltshire Police,Wiltshire\n"),
        'data/forces.csv:45:force_id: the same key appears on more than one row '
        '(found "wiltshire", expected a key used only once (first used on line 44))'),
    "unknown force": (
        lambda p: edit(p, COUNTS, b"refuge-2023,durham,", b"refuge-2023,gotham,"),
        'data/foi_force_counts.csv:9:force_id: value refers to something that does not exist '
        '(found "gotham", expected a force_id listed in data/forces.csv)'),
    "missing column": (
        lambda p: edit(p, "forces.csv", b"force_id,name,short_name\n", b"force_id,name\n"),
        'data/forces.csv:1:short_name: column is missing from the header '
        '(found "force_id,name", expected a column named short_name)'),
    "extra column": (
        lambda p: edit(p, "outcome_types.csv", b"source_ids,locator\n", b"source_ids,locator,comment\n"),
        'data/outcome_types.csv:1:comment: column is not described in data/datapackage.json '
        '(found "comment", expected only outcome_id,label,definition,source_ids,locator)'),
    "empty file": (
        lambda p: (p / "data" / "interview_themes.csv").write_bytes(b""),
        'data/interview_themes.csv:1:theme_id: the file is empty '
        '(found "0 bytes", expected a header row: theme_id,title,summary,locator)'),
    "header only": (
        lambda p: (p / "data" / "support_services.csv").write_bytes(b"service_id,name,phone,hours,url,source_id,locator,checked\n"),
        'data/support_services.csv:2:service_id: the file has a header but no rows '
        '(found "header only", expected at least one row of data)'),
    "force totals no longer add up": (
        lambda p: edit(p, COUNTS, b"metropolitan-police,87,3356,", b"metropolitan-police,87,3357,"),
        'data/foi_rounds.csv:2:stated_recorded_total: the recorded offences of the forces in data/foi_force_counts.csv '
        'do not add up to the stated total (found "13861", expected 13,860 as the source states)'),
    "outcome rows no longer add up": (
        lambda p: edit(p, "foi_outcome_totals.csv", b"refuge-2023,other,4520,", b"refuge-2023,other,4502,"),
        'data/foi_rounds.csv:2:stated_recorded_total: the outcome rows in data/foi_outcome_totals.csv '
        'do not add up to the stated total (found "13842", expected 13,860 as the source states)'),
    "broken source reference": (
        lambda p: edit(p, "stated_figures.csv", b"refuge-growth-2020-vs-2019,refuge-2023-blog,", b"refuge-growth-2020-vs-2019,refuge-2032-blog,"),
        'data/stated_figures.csv:2:source_id: value refers to something that does not exist '
        '(found "refuge-2032-blog", expected a source_id listed in data/sources.csv)'),
    "broken evidence reference": (
        lambda p: edit(p, "recommendations.csv", b"theme-intent;f-reasonable-person;", b"theme-intent;f-unreasonable-person;"),
        'data/recommendations.csv:2:evidence_ids: value refers to something that does not exist '
        '(found "f-unreasonable-person", expected an id from data/interview_findings.csv, data/interview_quotes.csv, '
        'data/interview_themes.csv, data/stated_figures.csv, data/foi_rounds.csv)'),
    "non-UTF-8 bytes": (
        lambda p: edit(p, "forces.csv", b"derbyshire,Derbyshire Constabulary,", b"derbyshire,Derbyshire Constabul\xe9ry,"),
        'data/forces.csv:9:name: the file is not UTF-8 text; save it as \'CSV UTF-8\' (found "bytes e9", expected UTF-8 text)'),
    "byte-order mark": (
        lambda p: edit(p, "forces.csv", b"force_id,name,short_name", b"\xef\xbb\xbfforce_id,name,short_name"),
        'data/forces.csv:1:force_id: the file starts with a byte-order mark; save it as \'CSV UTF-8\' without one '
        '(found "\\ufeff", expected the file to start with the header)'),
    "columns out of order": (
        lambda p: (p / "data" / "forces.csv").write_bytes(b"name,force_id,short_name\nX,x,X\n"),
        'data/forces.csv:1:force_id: columns are not in the order data/datapackage.json gives '
        '(found "name,force_id,short_name", expected force_id,name,short_name)'),
    "value not allowed": (
        lambda p: edit(p, "foi_responses.csv", b"refuge-2023,cleveland,no,", b"refuge-2023,cleveland,maybe,"),
        'data/foi_responses.csv:7:data_provided: value is not one of the allowed values (found "maybe", expected one of yes, no, limited)'),
    "published rate disagrees": (
        lambda p: edit(p, COUNTS, b"wiltshire,18,194,9,", b"wiltshire,18,194,8,"),
        'data/foi_force_counts.csv:25:published_rate_percent: the published percentage does not match the counts '
        '(found "8", expected 9 (18 of 194, rounded))'),
    "forces included disagrees": (
        lambda p: edit(p, "foi_responses.csv", b"refuge-2023,wiltshire,yes,yes,", b"refuge-2023,wiltshire,yes,no,"),
        'data/foi_rounds.csv:2:forces_included: the number of forces included in data/foi_responses.csv differs from the stated number '
        '(found "23", expected 24 as the source states)'),
    "included without data": (
        lambda p: edit(p, "foi_responses.csv", b"refuge-2023,cleveland,no,no,", b"refuge-2023,cleveland,no,yes,"),
        'data/foi_responses.csv:7:included: a force that provided no data cannot be included in the analysis '
        '(found "yes", expected no, since data_provided is no)'),
    "subgroups do not add up": (
        lambda p: edit(p, "interview_groups.csv", b"police-officers,Police officers,criminal-justice-staff,4,",
                       b"police-officers,Police officers,criminal-justice-staff,3,"),
        'data/interview_groups.csv:5:participants: the group\'s size differs from the sum of its subgroups (found "5", expected 4, the sum of its subgroups)'),
    "count above denominator": (
        lambda p: edit(p, "interview_findings.csv", b"f-reasonable-person,theme-intent,stakeholders,4,6,",
                       b"f-reasonable-person,theme-intent,stakeholders,7,6,"),
        'data/interview_findings.csv:9:count: the count is greater than its denominator (found "7", expected at most 6 (the denominator on this row))'),
    "denominator given although not stated": (
        lambda p: edit(p, "interview_findings.csv", b"f-female-officer,theme-officer-gender,victims,4,,not-stated,",
                       b"f-female-officer,theme-officer-gender,victims,4,17,not-stated,"),
        'data/interview_findings.csv:8:denominator: the denominator must be empty exactly when its basis is not-stated '
        '(found "17", expected empty, since the basis is not-stated)'),
    "denominator missing": (
        lambda p: edit(p, "interview_findings.csv", b"f-reasonable-person,theme-intent,stakeholders,4,6,",
                       b"f-reasonable-person,theme-intent,stakeholders,4,,"),
        'data/interview_findings.csv:9:denominator: the denominator must be empty exactly when its basis is not-stated '
        '(found "", expected a number (it is empty only when the basis is not-stated))'),
    "the law of then in the present tense": (
        lambda p: edit(p, "interview_themes.csv", b"need to prove intent to cause distress, which the law then required, was",
                       b"need to prove intent to cause distress, which the law requires, is"),
        'data/interview_themes.csv:3:summary: a theme summary reports what interviewees said in 2016/17, so it must not '
        'use the present tense (found "is, requires", expected the past tense (was, were, fell, required, carried, had))'),
    "checked although not assessed": (
        lambda p: edit(p, "recommendations.csv", b"not-assessed,The law-status research did not cover this recommendation.,,,,,\nvictims-code",
                       b"not-assessed,The law-status research did not cover this recommendation.,,,2026-11,,\nvictims-code"),
        'data/recommendations.csv:8:checked: a status the law-status research did not assess has no date checked '
        '(found "2026-11", expected empty)'),
    "assessed but not dated": (
        lambda p: edit(p, "recommendations.csv", b",,2026-11,5kbw-2024-osa;scl-2022", b",,,5kbw-2024-osa;scl-2022"),
        'data/recommendations.csv:4:checked: value is missing (found "", expected the month the legal status was checked (YYYY-MM))'),
    "missing file": (
        lambda p: (p / "data" / "interview_quotes.csv").unlink(),
        'data/interview_quotes.csv:1:quote_id: the file named in data/datapackage.json does not exist '
        '(found "data/interview_quotes.csv", expected the file to exist)'),
}


def test_committed_data_is_valid(project):
    result = run(project)
    assert result.exit_code == 0, result.output
    assert "534 charged or summonsed of 13,860 recorded" in result.output


@pytest.mark.parametrize("case", list(CASES))
def test_bad_data_is_reported(project, case):
    break_it, expected = CASES[case]
    break_it(project)
    result = run(project)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert expected in lines, "\n".join(lines)
    assert "Traceback" not in result.output
    assert lines[-1].startswith("Error: ") and "problem(s) in data/" in lines[-1]


def test_every_problem_is_reported_not_just_the_first(project):
    for case in ("wrong type", "duplicate force", "empty file", "broken source reference"):
        CASES[case][0](project)
    lines = run(project).stderr.splitlines()
    for case in ("wrong type", "duplicate force", "empty file", "broken source reference"):
        assert CASES[case][1] in lines


def test_json_format_for_machines(project):
    CASES["negative count"][0](project)
    result = run(project, "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["valid"] is False
    [problem] = doc["problems"]
    assert (problem["path"], problem["row"], problem["field"], problem["value"]) == \
        ("data/foi_force_counts.csv", 11, "charged_summonsed", "-9")
    assert problem["message"] == CASES["negative count"][1]


def test_json_format_when_valid(project):
    result = run(project, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"valid": True, "problems": []}


def test_broken_descriptor(project):
    (project / "data" / "datapackage.json").write_text("{ not json", encoding="utf-8")
    result = run(project)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith("data/datapackage.json:1:resources: the data package description is invalid: ")


def test_published_outcome_share_checked(project):
    edit(project, "foi_outcome_totals.csv", b"refuge-2023,16,4886,35,", b"refuge-2023,16,4886,53,")
    lines = run(project).stderr.splitlines()
    assert ('data/foi_outcome_totals.csv:5:published_percent: the published percentage does not match the counts '
            '(found "53", expected 35 (4886 of 13860, rounded))') in lines
