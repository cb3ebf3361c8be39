"""Tests for quarto_lite.quarto_schema: _quarto.yml and front matter checked against Quarto 1.7.34's schema files.

The expected messages are written by hand. Which input Quarto refuses, and the line and key location it
names, were checked against Quarto 1.7.34 itself (`quarto inspect` on each case).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from quarto_lite.qmd import parse_qmd
from quarto_lite.quarto_schema import (SCHEMA_DIR_ENV, SchemaProblem, check_front_matter, check_project_config,
                                       check_yaml, find_schema_dir, load_schemas)
from quarto_lite.quarto_schema_lang import Definitions, SchemaLanguageError, convert

from conftest import ROOT

SCHEMA = "(Quarto 1.7.34's schema)"
PAGES = sorted(str(p.relative_to(ROOT)) for p in (*ROOT.glob("*.qmd"), *(ROOT / "chapters").glob("*.qmd")))


def config(text: str, schema_dir: Path) -> list[str]:
    """The messages check_project_config gives for _quarto.yml text."""
    return [p.message for p in check_project_config(text, schema_dir)]


def page(front: str, schema_dir: Path, file: str = "page.qmd") -> list[str]:
    """The messages for front-matter YAML that starts on line 2 of a .qmd, with the .qmd's line numbers."""
    return [p.message for p in check_front_matter(front, schema_dir, file, line_offset=1)]


def test_committed_config_passes(quarto_schema_dir: Path) -> None:
    assert config((ROOT / "_quarto.yml").read_text(encoding="utf-8"), quarto_schema_dir) == []


def test_committed_config_with_google_scholar_under_website_fails(quarto_schema_dir: Path) -> None:
    """The mistake the committed config once had: google-scholar is a document option, not a website one."""
    lines = (ROOT / "_quarto.yml").read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index("website:\n") + 1
    text = "".join([*lines[:at], "  google-scholar: true\n", *lines[at:]])
    assert config(text, quarto_schema_dir) == [
        f"_quarto.yml:{at + 1}: website.google-scholar: property name google-scholar is invalid {SCHEMA}"]


@pytest.mark.parametrize("name", PAGES)
def test_committed_page_front_matter_passes(name: str, quarto_schema_dir: Path) -> None:
    text = parse_qmd((ROOT / name).read_text(encoding="utf-8")).front_matter_text
    assert text.strip(), f"{name} has no front matter"
    assert check_front_matter(text, quarto_schema_dir, name, line_offset=1) == []


# --- _quarto.yml ---------------------------------------------------------------------------------------------

def test_google_scholar_under_website_fails(quarto_schema_dir: Path) -> None:
    text = "project:\n  type: website\nwebsite:\n  title: Report\n  google-scholar: true\n"
    assert check_project_config(text, quarto_schema_dir) == [
        SchemaProblem("_quarto.yml", 5, "website.google-scholar", "property name google-scholar is invalid")]
    assert config(text, quarto_schema_dir) == [
        f"_quarto.yml:5: website.google-scholar: property name google-scholar is invalid {SCHEMA}"]


@pytest.mark.parametrize("text, expected", [
    ("project:\n  type: website\n  typo-key: 1\n", f"_quarto.yml:3: project.typo-key: property name typo-key is invalid {SCHEMA}"),
    ("project:\n  preview:\n    prot: 4000\n", f"_quarto.yml:3: project.preview.prot: property name prot is invalid {SCHEMA}"),
    ("website:\n  navbar:\n    left:\n      - hreff: index.qmd\n",
     f"_quarto.yml:4: website.navbar.left.0.hreff: property name hreff is invalid {SCHEMA}"),
    ("website:\n  page-footer:\n    center: x\n    typo: 1\n",
     f"_quarto.yml:4: website.page-footer.typo: property name typo is invalid {SCHEMA}"),
    ("format:\n  htmll:\n    toc: true\n", f"_quarto.yml:3: format.htmll: property name htmll is invalid {SCHEMA}"),
])
def test_misspelt_key_in_closed_object_fails(text: str, expected: str, quarto_schema_dir: Path) -> None:
    assert config(text, quarto_schema_dir) == [expected]


# Quarto accepts unknown and misspelt top-level keys: front-matter.ts builds the front matter from open objects
# (objectSchema without `closed`) and project-config.ts adds project.yml's fields as another open object. The
# case-convention sniffing of common.ts/text.ts meant to refuse near-misses (`link_citations`) refuses nothing,
# because Quarto matches its lookahead pattern unanchored (validator.ts validateString).
@pytest.mark.parametrize("key", ["typo-key: 1", "link_citations: true", "titel: Report", "executee:\n  echo: 3"])
def test_unknown_top_level_key_is_accepted_as_quarto_does(key: str, quarto_schema_dir: Path) -> None:
    assert config(f"project:\n  type: website\n{key}\n", quarto_schema_dir) == []
    assert page(f"title: A\n{key}\n", quarto_schema_dir) == []


@pytest.mark.parametrize("text, expected", [
    ('format:\n  html:\n    toc: "yes"\n',
     '_quarto.yml:3: format.html.toc: value is invalid in Quarto 1.7.34\'s schema (found "yes", expected `true` or `false`)'),
    # Quarto reads YAML 1.2: an unquoted yes is a string too.
    ("format:\n  html:\n    toc: yes\n",
     "_quarto.yml:3: format.html.toc: value is invalid in Quarto 1.7.34's schema (found yes, expected `true` or `false`)"),
    # echo is anyOf(boolean, fenced): Quarto reports the first branch.
    ("execute:\n  echo: 3\n",
     "_quarto.yml:2: execute.echo: value is invalid in Quarto 1.7.34's schema (found 3, expected `true` or `false`)"),
    ("echo: 3\n", "_quarto.yml:1: echo: value is invalid in Quarto 1.7.34's schema (found 3, expected `true` or `false`)"),
    ("format:\n  html:\n    toc-location: top\n",
     "_quarto.yml:3: format.html.toc-location: value is invalid in Quarto 1.7.34's schema "
     "(found top, expected one of: `body`, `left`, `right`, `left-body`, `right-body`)"),
    ("project:\n  type: website\n  execute-dir: nowhere\n",
     "_quarto.yml:3: project.execute-dir: value is invalid in Quarto 1.7.34's schema "
     "(found nowhere, expected one of: `file`, `project`)"),
    ("project:\n  render: index.qmd\n",
     "_quarto.yml:2: project.render: value is invalid in Quarto 1.7.34's schema "
     "(found index.qmd, expected an array of values, where each element must be a string)"),
    ("format:\n  html:\n    toc:\nlang: en\n",
     "_quarto.yml:3: format.html.toc: value is invalid in Quarto 1.7.34's schema "
     "(found an empty value, expected `true` or `false`)"),
    ("format:\n  html:\n    css: [a.css, 3]\n",
     "_quarto.yml:3: format.html.css.1: value is invalid in Quarto 1.7.34's schema (found 3, expected a string)"),
    ("format: htmll\n", "_quarto.yml:1: format: value is invalid in Quarto 1.7.34's schema (found htmll, expected 'ansi')"),
    ("type: website\n", "_quarto.yml:1: type: top-level key 'type' is not allowed in project configuration; "
                        f"did you mean 'project: type: ...'? {SCHEMA}"),
])
def test_wrong_value_fails(text: str, expected: str, quarto_schema_dir: Path) -> None:
    assert config(text, quarto_schema_dir) == [expected]


@pytest.mark.parametrize("text", [
    "format:\n  html:\n    toc: true\n",
    "execute:\n  echo: fenced\n",
    "execute:\n  echo: false\n  freeze: auto\n",
    "format: html\n",
    "format:\n  html: default\n",
    "format:\n  acm-html:\n    toc: true\n  html+smart:\n    toc-depth: 2\n",
    "format:\n  html:\n    unknown-option: 1\n",  # a format's options form an open object
    "format:\n  pdf:\n    toc-location: nowhere\n",  # toc-location is an html option (tags: formats)
    "date: 2026-11-21\n",  # a string in YAML 1.2, as the date field wants
    "project:\n  resources: assets/\n  pre-render: [a, b]\n",
])
def test_valid_config_passes(text: str, quarto_schema_dir: Path) -> None:
    assert config(text, quarto_schema_dir) == []


def test_several_problems_are_each_reported_once_in_line_order(quarto_schema_dir: Path) -> None:
    text = "format:\n  html:\n    toc: 1\nexecute:\n  echo: 3\nproject:\n  typo: x\n"
    assert [p.line for p in check_project_config(text, quarto_schema_dir)] == [3, 5, 7]


@pytest.mark.parametrize("text, expected", [
    ("project:\n  type: website\nlang: en\nlang: fr\n",
     "_quarto.yml:4: invalid YAML: duplicated mapping key (as Quarto 1.7.34 reads YAML)"),
    ("website:\n  title: [\n", "_quarto.yml:3: invalid YAML: while parsing a flow node expected the node content, "
                                "but found '<stream end>' (as Quarto 1.7.34 reads YAML)"),
])
def test_invalid_yaml_is_one_problem(text: str, expected: str, quarto_schema_dir: Path) -> None:
    assert config(text, quarto_schema_dir) == [expected]


# --- front matter --------------------------------------------------------------------------------------------

def test_front_matter_bad_key_in_closed_object_names_the_qmd_line(quarto_schema_dir: Path) -> None:
    qmd = '---\ntitle: "A page"\ncrossref:\n  fig-prefx: Figure\n---\n\n# Heading\n'
    text = parse_qmd(qmd).front_matter_text
    assert [p.message for p in check_front_matter(text, quarto_schema_dir, "page.qmd", line_offset=1)] == [
        f"page.qmd:4: crossref.fig-prefx: property name fig-prefx is invalid {SCHEMA}"]


@pytest.mark.parametrize("front, expected", [
    ("title: A\ntoc: yes\n", "page.qmd:3: toc: value is invalid in Quarto 1.7.34's schema (found yes, expected `true` or `false`)"),
    ("title: A\nformat:\n  html:\n    toc: 1\n",
     "page.qmd:5: format.html.toc: value is invalid in Quarto 1.7.34's schema (found 1, expected `true` or `false`)"),
    ("title: A\nlisting:\n  contents: posts\n  typo: 1\n", f"page.qmd:5: listing.typo: property name typo is invalid {SCHEMA}"),
    ("title: A\nwebsite:\n  google-scholar: true\n", None),  # website: is not a front-matter field: accepted
    ("title: A\nvalidate-yaml: false\ntoc: 3\n", None),  # validation turned off, as Quarto allows
    ("title: A\ntoc: !expr params$toc\n", None),  # !expr values are not type-checked
    ("", None),
])
def test_front_matter(front: str, expected: str | None, quarto_schema_dir: Path) -> None:
    assert page(front, quarto_schema_dir) == ([expected] if expected else [])


# --- finding and loading the schema files ----------------------------------------------------------------------

def test_find_schema_dir_prefers_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, beside = tmp_path / "project", tmp_path / "shared" / "quarto-schema" / "1.7.34"
    project.mkdir()
    monkeypatch.delenv(SCHEMA_DIR_ENV, raising=False)
    assert find_schema_dir(project) is None
    beside.mkdir(parents=True)
    assert find_schema_dir(project) == beside
    monkeypatch.setenv(SCHEMA_DIR_ENV, str(tmp_path / "elsewhere"))
    assert find_schema_dir(project) == tmp_path / "elsewhere"


def references(node: object) -> list[str]:
    """Every $ref in a compiled schema."""
    if isinstance(node, dict):
        return ([node["$ref"]] if node.get("type") == "ref" else []) + [r for v in node.values() for r in references(v)]
    return [r for v in node for r in references(v)] if isinstance(node, list) else []


def test_schemas_are_loaded_once_and_every_reference_resolves(quarto_schema_dir: Path) -> None:
    schemas = load_schemas(quarto_schema_dir)
    assert load_schemas(quarto_schema_dir) is schemas
    refs = set(references(dict(schemas.defs)))
    assert {"base-website", "front-matter-format", "quarto-resource-document-toc-toc"} <= refs
    assert sorted(r for r in refs if r not in schemas.defs) == []


# --- the schema language, on small inline schemas ----------------------------------------------------------------

DEFINITIONS = """
- id: item
  number: {description: an item}
- id: base
  object: {closed: true, properties: {a: string}}
"""


def inline(schema: str, value: str, definitions: str = "") -> list[str]:
    """Messages for YAML value text checked against an inline schema (and optional `- id:` definitions)."""
    defs = Definitions()
    for entry in yaml.safe_load(definitions) or []:
        defs.define(convert(entry, defs))
    return [p.message.removesuffix(f" {SCHEMA}") for p in check_yaml(value, convert(yaml.safe_load(schema), defs),
                                                                      defs, "x.yml")]


@pytest.mark.parametrize("schema, value, expected", [
    ("anyOf: [number, {enum: [auto]}]", "3", []),
    ("anyOf: [number, {enum: [auto]}]", "auto", []),
    # both branches fail with equal quality and span: Quarto reports the first.
    ("anyOf: [number, {enum: [auto]}]", "manual",
     ["x.yml:1: value is invalid in Quarto 1.7.34's schema (found manual, expected a number)"]),
    ("maybeArrayOf: string", "a", []),
    ("maybeArrayOf: string", "[a, b]", []),
    ("maybeArrayOf: string", "[a, 3]",
     ["x.yml:1: 1: value is invalid in Quarto 1.7.34's schema (found 3, expected a string)"]),
    ("enum: [left, right]", "middle",
     ["x.yml:1: value is invalid in Quarto 1.7.34's schema (found middle, expected one of: `left`, `right`)"]),
    ("enum: [1, true]", "1", []),
    ("enum: [1, true]", '"1"', ["x.yml:1: value is invalid in Quarto 1.7.34's schema (found \"1\", expected one of: `1`, `true`)"]),
    ("object: {closed: true, properties: {a: string, b: number}}", "a: x\nb: 2", []),
    ("object: {closed: true, properties: {a: string, b: number}}", "a: x\nc: 2", ["x.yml:2: c: property name c is invalid"]),
    ("object: {properties: {a: string}}", "a: x\nc: 2", []),
    ("object: {properties: {a: string}, required: [a]}", "b: 1", ["x.yml:1: object is missing required property a"]),
    ("record: {a: string}", "b: 1", ["x.yml:1: b: property name b is invalid", "x.yml:1: object is missing required property a"]),
    ("object: {propertyNames: {pattern: '^x-'}}", "x-a: 1\ny: 2",
     ["x.yml:2: y: property name y is invalid"]),
    ("object: {additionalProperties: number}", "a: 1\nb: two",
     ["x.yml:2: b: value is invalid in Quarto 1.7.34's schema (found two, expected a number)"]),
    ("arrayOf: {ref: item}", "- 1\n- nope", ["x.yml:2: 1: value is invalid in Quarto 1.7.34's schema (found nope, expected a number)"]),
    ("schema: {anyOf: [boolean, path]}\nerrorDescription: a flag or a file", "3",
     ["x.yml:1: value is invalid in Quarto 1.7.34's schema (found 3, expected `true` or `false`)"]),
    ("string: {pattern: '^[a-z]+$', errorMessage: 'use lower case, not ${value}'}", "ABC", ["x.yml:1: use lower case, not ABC"]),
    ("object: {super: {resolveRef: base}, properties: {b: number}}", "a: x\nb: 1", []),
    ("object: {super: {resolveRef: base}, properties: {b: number}}", "a: x\nc: 1", ["x.yml:2: c: property name c is invalid"]),
    ("null", "~", []),
    ("boolean", "True", []),
    ("any", "{a: [1]}", []),
])
def test_schema_language(schema: str, value: str, expected: list[str]) -> None:
    assert inline(schema, value, DEFINITIONS) == expected


@pytest.mark.parametrize("schema, error", [
    ("strng: {}", "no schema construct"),
    ("object: {closd: true, properties: {a: string}}", "unknown key(s) ['closd'] in object schema"),
    ("anyOf: [string]\nexample: 3", "unknown key(s) ['example'] in anyOf schema"),
    ("object: {closed: true}", "closed object schemas need properties"),
    ("object: {namingConvention: shout-case}", "unknown namingConvention shout-case"),
    ("object: {patternProperties: {'^a': string}}", "patternProperties in YAML schemas is not supported"),
    ("[string, number]", "no schema construct"),
])
def test_unknown_schema_constructs_raise(schema: str, error: str) -> None:
    with pytest.raises(SchemaLanguageError, match=re.escape(error)):
        convert(yaml.safe_load(schema), Definitions())


def test_missing_reference_raises_when_used() -> None:
    with pytest.raises(SchemaLanguageError, match="schema nowhere not found"):
        inline("ref: nowhere", "1")
