"""Check _quarto.yml and each page's front matter against Quarto 1.7.34's own schema files, as Quarto does.

The schema files (src/resources/schema/ of quarto-cli v1.7.34, MIT) are data this project does not copy; they
are read from find_schema_dir(root). They are assembled into Quarto's two schemas as quarto-cli does in
src/core/lib/yaml-schema/: front-matter.ts, project-config.ts, format-schemas.ts, execute.ts, from-yaml.ts.

- Front matter is anyOf(null, allOf(open objects)): the properties of every document-*.yml field (and cell-*.yml
  fields tagged with a document-* context), `execute:` and the top-level execute options, and `format:`.
  None of these objects is closed, so Quarto accepts unknown top-level keys (and misspelt ones).
- `format:` is a format name, or an object whose keys must match a format (`html`, `foo-html`, `html+x`,
  additionalProperties false); each format's options are the fields whose `tags: formats` (with the
  `$html-doc`-style aliases of format-aliases.yml) admit it: an open object, so unknown options are accepted,
  known ones with a wrong type are not.
- _quarto.yml is allOf(front matter, project.yml's fields): `project:` is closed (project.yml) and `website:`
  is ref base-website (definitions.yml), closed too, which is why `website: google-scholar: true` is refused.

Scalars are read as Quarto reads them (js-yaml's JSON schema, YAML 1.2): `yes` and 2024-01-01 are strings.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from quarto_lite.quarto_schema_lang import (NULL, Definitions, Schema, SchemaLanguageError, all_of, any_of, convert,
                                 convert_fields, describe, enum_s, js_str, object_s, ref_s, regex_s)
from quarto_lite.quarto_schema_validator import Failure, Val, validate

QUARTO_VERSION = "1.7.34"
SCHEMA_DIR_ENV = "QUARTO_SCHEMA_DIR"
# Quarto takes the format names from `pandoc --list-output-formats` (src/core/schema/yaml-schema.ts); the schema
# files hold that list as format-aliases.yml's pandoc-all, less these three that Quarto 1.7.34's pandoc lists.
PANDOC_ONLY_FORMATS = ("ansi", "asciidoc_legacy", "djot")
QUARTO_FORMATS = ("md", "hugo", "dashboard", "email")  # appended to pandoc's list in front-matter.ts
# js-yaml's JSON-schema implicit types (null, bool, int, float), in its order; anything else is a string.
JSON_SCALARS = (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$"),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$"),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o[0-7_]+|[0-9][0-9_]*)(?<!_)$"),
    ("tag:yaml.org,2002:float", r"^(?:[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+]?"
                                r"[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))(?<!_)$"),
)


def _yaml12(base: type) -> type:
    """A PyYAML loader class that resolves plain scalars as js-yaml's JSON schema does."""
    loader = type(f"Json{base.__name__}", (base,), {"yaml_implicit_resolvers": {}})
    for tag, pattern in JSON_SCALARS:
        loader.add_implicit_resolver(tag, re.compile(pattern), None)
    return loader


DOC_LOADER = _yaml12(yaml.SafeLoader)  # the pure-Python loader's marks index characters of the text
FILE_LOADER = _yaml12(getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@dataclass(frozen=True)
class SchemaProblem:
    """Something Quarto's schema refuses: file, 1-based line in that file, key path, and what is wrong."""

    file: str
    line: int
    key: str
    note: str
    found: str | None = None
    expected: str | None = None
    yaml_error: bool = False

    @property
    def message(self) -> str:
        """One line, like Quarto's: `_quarto.yml:24: website.google-scholar: property name ... is invalid (...)`."""
        where = f"{self.file}:{self.line}: " + (f"{self.key}: " if self.key else "")
        if self.yaml_error:
            return f"{where}{self.note} (as Quarto {QUARTO_VERSION} reads YAML)"
        if self.found is None:
            return f"{where}{self.note} (Quarto {QUARTO_VERSION}'s schema)"
        return f"{where}{self.note} in Quarto {QUARTO_VERSION}'s schema (found {self.found}, expected {self.expected})"


@dataclass(frozen=True)
class QuartoSchemas:
    """Quarto's compiled definitions and its front-matter and project-configuration schemas."""

    defs: Definitions
    front_matter: Schema
    project_config: Schema


def find_schema_dir(root: Path) -> Path | None:
    """Return $QUARTO_SCHEMA_DIR if set, else <root>/../shared/quarto-schema/1.7.34 if it exists, else None."""
    if os.environ.get(SCHEMA_DIR_ENV):
        return Path(os.environ[SCHEMA_DIR_ENV])
    beside = root.resolve().parent / "shared" / "quarto-schema" / QUARTO_VERSION
    return beside if beside.is_dir() else None


@functools.cache
def load_schemas(schema_dir: Path) -> QuartoSchemas:
    """Read the schema files in schema_dir and build Quarto's front-matter and project schemas."""
    files = {p.name: yaml.load(p.read_text(encoding="utf-8"), Loader=FILE_LOADER)
             for p in sorted(schema_dir.glob("*.yml"))}
    defs = Definitions()
    for entry in files["definitions.yml"]:  # definitions.ts: loadDefaultSchemaDefinitions
        defs.define(convert(entry, defs))
    fields: list[tuple[str, dict[str, Any]]] = []
    for name, data in files.items():  # from-yaml.ts: buildResourceSchemas, ids quarto-resource-<file>-<field>
        if fnmatchcase(name, "cell-*.yml") or fnmatchcase(name, "document-*.yml") or name == "project.yml":
            for field, schema in convert_fields(data, defs).items():
                defs.define({**schema, "$id": f"quarto-resource-{name[:-4]}-{field}"})
            fields += [] if name == "project.yml" else [(name[:-4], f) for f in data]
    aliases = files["format-aliases.yml"]["aliases"]
    execute = defs.define({**_context_object(fields, "document-execute"), "$id": "front-matter-execute"})
    fmt = defs.define({**_format_schema(fields, defs, aliases), "$id": "front-matter-format"})
    front = defs.define({**any_of(NULL, all_of(
        object_s({"execute": execute, "format": fmt}, description="be a Quarto YAML front matter object"),
        _context_object(fields, "document-*", lambda ctx, field: field["name"] != "format"),
        execute, ref_s("quarto-dev-schema", ""))), "$id": "front-matter"})
    project_fields = defs.define({**object_s(convert_fields(files["project.yml"], defs)),
                                  "$id": "project-config-fields"})
    profile = ref_s("project-profile", "Specify a default profile and profile groups")
    project = defs.define({**all_of(
        object_s({"execute": execute, "format": fmt, "profile": profile},
                 description="be a Quarto YAML front matter object"),
        execute, front, project_fields), "description": "be a project configuration object", "$id": "project-config"})
    return QuartoSchemas(defs, front, project)


def _context_object(fields: list[tuple[str, dict[str, Any]]], glob: str,
                    keep: Callable[[str, dict[str, Any]], bool] | None = None) -> dict[str, Any]:
    """objectRefSchemaFromContextGlob: an open object of the fields from files (or contexts) matching glob."""
    props: dict[str, Schema] = {}
    for ctx, field in fields:
        contexts = (field.get("tags") or {}).get("contexts") or []
        if (keep is None or keep(ctx, field)) and any(fnmatchcase(c, glob) for c in (ctx, *contexts)):
            ref = ref_s(f"quarto-resource-{ctx}-{field['name']}", f"be quarto-resource-{ctx}-{field['name']}")
            props |= {field["name"]: ref} | ({field["alias"]: ref} if field.get("alias") else {})
    return object_s(props)


def _format_schema(fields: list[tuple[str, dict[str, Any]]], defs: Definitions,
                   aliases: dict[str, list[str]]) -> dict[str, Any]:
    """makeFrontMatterFormatSchema: a format name, a .lua writer, or {format: its options or 'default'}."""
    names = sorted((set(aliases["pandoc-all"]) | set(PANDOC_ONLY_FORMATS)) - set(QUARTO_FORMATS)) + [*QUARTO_FORMATS]
    regexes = {name: f"^(.+-)?{name}([-+].+)?$" for name in names}
    lua = regex_s("^.+.lua$")  # front-matter.ts writes "^.+\.lua$" in a JavaScript string: the \ is lost

    def applies(name: str) -> Callable[[str, dict[str, Any]], bool]:
        """format-schemas.ts useSchema: whether a field's `formats` tag admits the format."""
        def test(ctx: str, field: dict[str, Any]) -> bool:
            formats = defs[f"quarto-resource-{ctx}-{field['name']}"].get("tags", {}).get("formats")
            off = _expand([f[1:] for f in formats or [] if f.startswith("!")], aliases)
            on = _expand([f for f in formats or [] if not f.startswith("!")], aliases)
            return name not in off and (not on or name in on)
        return test

    options = {regexes[n]: any_of(_context_object(fields, "document-*", applies(n)), enum_s("default")) for n in names}
    format_names = any_of(*(regex_s(regexes[n], f"be '{n}'") for n in names), lua)
    format_names["description"] = "be the name of a pandoc-supported output format"
    return {**any_of(format_names, object_s(property_names=lua), all_of(object_s(pattern=options, additional=False))),
            "errorMessage": "${value} is not a valid output format."}


def _expand(names: list[str], aliases: dict[str, list[str]]) -> set[str]:
    """expandAliasesFrom: format names with `$alias` entries expanded (recursively)."""
    todo, result = list(names), set()
    while todo:
        name = todo.pop()
        if not name.startswith("$"):
            result.add(name)
        elif name[1:] in aliases:
            todo += aliases[name[1:]]
        else:
            raise SchemaLanguageError(f"{name} doesn't have an entry in the aliases map")
    return result


def check_project_config(text: str, schema_dir: Path, file: str = "_quarto.yml") -> list[SchemaProblem]:
    """Validate _quarto.yml's text as Quarto does when it loads a project."""
    schemas = load_schemas(schema_dir)
    return _tidy([_top_level_type(p) for p in check_yaml(text, schemas.project_config, schemas.defs, file)])


def check_front_matter(text: str, schema_dir: Path, file: str, line_offset: int = 0) -> list[SchemaProblem]:
    """Validate a page's front-matter YAML; line_offset is the .qmd line before it (1 for front_matter_text)."""
    schemas = load_schemas(schema_dir)
    problems = check_yaml(text, schemas.front_matter, schemas.defs, file, line_offset)
    if problems and not problems[0].yaml_error:
        data = yaml.load(text, Loader=DOC_LOADER)
        if isinstance(data, dict) and data.get("validate-yaml") is False:
            return []  # validate-document.ts: `validate-yaml: false` turns validation off
    return problems


def check_yaml(text: str, schema: Schema, defs: Definitions, file: str, line_offset: int = 0) -> list[SchemaProblem]:
    """Validate YAML text against a compiled schema, phrasing failures as Quarto's error handlers do."""
    value = _parse(text, file, line_offset)
    if isinstance(value, list):
        return value
    return _tidy([_problem(f, file) for f in validate(value, schema, defs)])


def _parse(text: str, file: str, offset: int) -> Val | list[SchemaProblem]:
    """Parse YAML as Quarto does into a Val tree, or return the YAML error as a problem."""
    loader = DOC_LOADER(text)
    try:
        node = loader.get_single_node()
        return Val(None, 1 + offset, 0, "") if node is None else _val(node, loader, text, offset)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark else 0) + 1 + offset
        note = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        return [SchemaProblem(file, line, "", f"invalid YAML: {note}", yaml_error=True)]
    finally:
        loader.dispose()


def _val(node: yaml.Node, loader: Any, text: str, offset: int, key_line: int | None = None) -> Val:
    """Turn a composed YAML node into a Val; an empty value takes its key's line (errors.ts expandEmptySpan)."""
    raw = text[node.start_mark.index:node.end_mark.index]
    line = key_line if key_line and not raw.strip() else node.start_mark.line + 1 + offset
    if isinstance(node, yaml.ScalarNode):
        result = {"value": node.value, "tag": "!expr"} if node.tag == "!expr" else loader.construct_object(node)
        return Val(result, line, len(raw), raw)
    if isinstance(node, yaml.SequenceNode):
        items = tuple(_val(n, loader, text, offset) for n in node.value)
        return Val([i.result for i in items], line, len(raw), raw, items=items)
    pairs: list[tuple[Val, Val]] = []
    for key_node, value_node in node.value:
        key = _val(key_node, loader, text, offset)
        name = key.text if isinstance(key.result, (dict, list)) else js_str(key.result)
        if any(k.result == name for k, _ in pairs):
            raise yaml.MarkedYAMLError(problem="duplicated mapping key", problem_mark=key_node.start_mark)
        key = Val(name, key.line, key.span, key.text)
        pairs.append((key, _val(value_node, loader, text, offset, key.line)))
    return Val({k.result: v.result for k, v in pairs}, line, len(raw), raw, pairs=tuple(pairs))


def _problem(f: Failure, file: str) -> SchemaProblem | None:
    """Phrase one failure as Quarto's error handlers (errors.ts) would, on one line."""
    if isinstance(f.value.result, dict) and f.value.result.get("tag") == "!expr" and f.schema_path[-1] == "type":
        return None  # ignoreExprViolations
    path = [str(p) for p in f.instance_path]
    custom = f.schema.get("errorMessage") if isinstance(f.schema, dict) else None
    found: str | None = _shorten(" ".join(f.value.text.split())) or "an empty value"
    expected: str | None = describe(f.schema).removeprefix("be ")
    note = "value is invalid"
    extra_key = f.schema is False and "additionalProperties" in f.schema_path
    if extra_key or "propertyNames" in f.schema_path or "closed" in f.schema_path:
        bad = path[-1] if extra_key else str(f.value.result)  # additionalProperties' path already names it
        path += [] if extra_key else [bad]
        note, found, expected = f"property name {bad} is invalid", None, None
    elif f.schema_path[-1] == "required":
        note, found, expected = f.message, None, None
    if isinstance(custom, str):
        fragments = {"value": f.value.text.strip(), "key": path[-1] if path else "", "fullPath": ":".join(path)}
        note, found, expected = custom, None, None
        for name, text in fragments.items():
            note = note.replace("${" + name + "}", text, 1)
    return SchemaProblem(file, f.value.line, ".".join(path), note, found, expected)


def _shorten(text: str, most: int = 60) -> str:
    """Keep a quoted value short enough for a one-line message."""
    return text if len(text) <= most else text[:most - 3] + "..."


def _top_level_type(problem: SchemaProblem) -> SchemaProblem:
    """project-config.ts disallowTopLevelType: a top-level `type:` key gets its own message."""
    if problem.key != "type" or problem.yaml_error:
        return problem
    return replace(problem, note="top-level key 'type' is not allowed in project configuration; did you mean "
                                 "'project: type: ...'?", found=None, expected=None)


def _tidy(problems: Iterable[SchemaProblem | None]) -> list[SchemaProblem]:
    """Drop repeats (Quarto checks some values through several schemas) and order by line."""
    return sorted(dict.fromkeys(p for p in problems if p is not None), key=lambda p: p.line)
