"""What a Table Schema lets through but the report refuses, one line per cell: hidden characters, numbers not
written plainly, numbers too large, a count of 0 recorded offences, and a force with no data counted as included."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import edit, validate_errors

COUNTS = "foi_force_counts.csv"
DORSET = b"refuge-2023,dorset,17,306,6,"
DERBYSHIRE = b"derbyshire,Derbyshire Constabulary,"
CONTROL = "the value contains a control character, which would not show on the page"
BIDI = "the value contains a Unicode bidirectional control, which would reorder the text around it on the page"
PLAIN = "a number must be written in plain digits (no plus sign, spaces, separators, leading zeros or exponent)"


def derbyshire_named(name: str):
    return lambda p: edit(p, "forces.csv", DERBYSHIRE, b"derbyshire," + name.encode() + b",")


def dorset_charged(cell: str):
    return lambda p: edit(p, COUNTS, DORSET, b"refuge-2023,dorset," + cell.encode() + b",306,6,")


CASES = {
    "NUL": (derbyshire_named("Derbyshire\x00Constabulary"),
            f'data/forces.csv:9:name: {CONTROL} (found "Derbyshire\\x00Constabulary", expected the text without U+0000)'),
    "escape": (derbyshire_named("Derbyshire\x1b[2JConstabulary"),
               f'data/forces.csv:9:name: {CONTROL} (found "Derbyshire\\x1b[2JConstabulary", expected the text without U+001B)'),
    "tab": (derbyshire_named("Derbyshire\tConstabulary"),
            f'data/forces.csv:9:name: {CONTROL} (found "Derbyshire\\tConstabulary", expected the text without U+0009)'),
    "C1 control": (derbyshire_named("Derbyshire\x85Constabulary"),
                   f'data/forces.csv:9:name: {CONTROL} (found "Derbyshire\\x85Constabulary", expected the text without U+0085)'),
    "right-to-left override": (
        derbyshire_named("Derbyshire \u202eyrallubatsnoC"),
        f'data/forces.csv:9:name: {BIDI} (found "Derbyshire \\u202eyrallubatsnoC", expected the text without U+202E (RIGHT-TO-LEFT OVERRIDE))'),
    "left-to-right embedding": (
        derbyshire_named("\u202aDerbyshire"),
        f'data/forces.csv:9:name: {BIDI} (found "\\u202aDerbyshire", expected the text without U+202A (LEFT-TO-RIGHT EMBEDDING))'),
    "pop directional isolate, in a long cell": (
        derbyshire_named("The Derbyshire Constabulary of the East Midlands region of England\u2069 and Wales in the United Kingdom of Great Britain"),
        f'data/forces.csv:9:name: {BIDI} (found "…y of the East Midlands region of England\\u2069 and Wales in the United Kingdom of Gre…", '
        'expected the text without U+2069 (POP DIRECTIONAL ISOLATE))'),
    "plus sign": (dorset_charged("+17"), f'data/foi_force_counts.csv:8:charged_summonsed: {PLAIN} (found "+17", expected 17 (the same number in plain digits))'),
    "spaces": (dorset_charged(" 17 "), f'data/foi_force_counts.csv:8:charged_summonsed: {PLAIN} (found " 17 ", expected 17 (the same number in plain digits))'),
    "leading zero": (dorset_charged("017"), f'data/foi_force_counts.csv:8:charged_summonsed: {PLAIN} (found "017", expected 17 (the same number in plain digits))'),
    "separator": (dorset_charged("1_7"), f'data/foi_force_counts.csv:8:charged_summonsed: {PLAIN} (found "1_7", expected 17 (the same number in plain digits))'),
    "Arabic-Indic digits": (dorset_charged("\u0661\u0667"),
                            f'data/foi_force_counts.csv:8:charged_summonsed: {PLAIN} (found "\u0661\u0667", expected 17 (the same number in plain digits))'),
    "exponent in a number": (
        lambda p: edit(p, "stated_figures.csv", b",26,,percent-increase,", b",2.6e1,,percent-increase,"),
        f'data/stated_figures.csv:2:value: {PLAIN} (found "2.6e1", expected 26 (the same number in plain digits))'),
    "NaN in a number": (
        lambda p: edit(p, "stated_figures.csv", b",26,,percent-increase,", b",NaN,,percent-increase,"),
        f'data/stated_figures.csv:2:value: {PLAIN} (found "NaN", expected a number in plain digits, such as 12.5)'),
    "beyond int64": (
        lambda p: edit(p, COUNTS, DORSET, b"refuge-2023,dorset,17,9223372036854775808,6,"),
        'data/foi_force_counts.csv:8:recorded_offences: the number is too large (found "9223372036854775808", '
        'expected at most 9,223,372,036,854,775,807)'),
    "no recorded offences": (
        lambda p: edit(p, COUNTS, DORSET, b"refuge-2023,dorset,0,0,0,"),
        'data/foi_force_counts.csv:8:recorded_offences: value is below the minimum (found "0", expected at least 1)'),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_cell_the_schema_lets_through_is_one_line(project: Path, case: str) -> None:
    change, error = CASES[case]
    change(project)
    assert validate_errors(project) == [error, "Error: 1 problem(s) in data/; fix them and run again"]
