"""Quarto 1.7.34's YAML schema language, compiled for validation (completions and documentation dropped).

Ported from quarto-cli v1.7.34 (MIT): src/core/lib/yaml-schema/from-yaml.ts (convertFromYaml and
convertFromFieldsObject), common.ts (objectSchema and the other combinators) and src/core/lib/text.ts
(case-convention sniffing). Compiled schemas are dicts shaped like Quarto's (``{"type": "object",
"properties": ...}``) or ``True``/``False``; quarto_schema_validator checks values against them. A construct
or key this port does not know raises SchemaLanguageError rather than passing silently.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Callable

Schema = dict[str, Any] | bool

STRING: dict[str, Any] = {"type": "string", "description": "be a string"}
NUMBER: dict[str, Any] = {"type": "number", "description": "be a number"}
BOOLEAN: dict[str, Any] = {"type": "boolean", "description": "be `true` or `false`"}
NULL: dict[str, Any] = {"type": "null", "description": "be the null value"}
ANY: dict[str, Any] = {"type": "any"}
LITERALS = {"object": None, "path": STRING, "string": STRING, "number": NUMBER, "boolean": BOOLEAN, "any": ANY}
# Keys setBaseSchemaProperties reads (or schema.yml's schema/base allows) beside a construct's own key.
BASE_KEYS = {"additionalCompletions", "completions", "id", "hidden", "tags", "errorDescription", "description",
             "default", "errorMessage"}
OBJECT_KEYS = BASE_KEYS | {"namingConvention", "properties", "patternProperties", "propertyNames", "closed",
                           "additionalProperties", "super", "required"}
_CASES = {"capitalizationCase": ("camel", "capitalization"), "underscore_case": ("snake", "underscore"),
          "dash-case": ("kebab", "dash")}
# namingConvention spellings convertFromObject accepts: camelCase, camel-case, camel_case, ... for each case.
NAMING = {"ignore": "ignore"} | {spelling: case for case, words in _CASES.items() for w in words
                                 for spelling in (f"{w}Case", f"{w}-case", f"{w}_case")}


class SchemaLanguageError(Exception):
    """A schema construct this port does not understand, or a broken reference: never silently accepted."""


def js_str(value: Any) -> str:
    """Render a scalar as JavaScript's String() would: true, null, 3."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        return str(int(value))
    return str(value)


def describe(schema: Schema) -> str:
    """Return Quarto's schemaDescription: 'be a string', 'be one of: `a`, `b`', ..."""
    if isinstance(schema, bool):
        return "be anything" if schema else "be no possible value"
    return schema.get("description") or f"be {schema['type']}"


def enum_s(*values: Any) -> dict[str, Any]:
    """Quarto's enumSchema."""
    text = ", ".join(f"`{js_str(v)}`" for v in values)
    return {"type": "enum", "enum": list(values),
            "description": f"be one of: {text}" if len(values) > 1 else f"be '{js_str(values[0])}'"}


def regex_s(pattern: str, description: str | None = None) -> dict[str, Any]:
    """Quarto's regexSchema."""
    return {"type": "string", "pattern": pattern,
            "description": description or f'be a string that satisfies regex "{pattern}"'}


def any_of(*schemas: Schema) -> dict[str, Any]:
    """Quarto's anyOfSchema."""
    return {"type": "anyOf", "anyOf": list(schemas),
            "description": "be at least one of: " + ", ".join(describe(s)[3:] for s in schemas)}


def all_of(*schemas: Schema) -> dict[str, Any]:
    """Quarto's allOfSchema."""
    return {"type": "allOf", "allOf": list(schemas),
            "description": "be all of: " + ", ".join(describe(s)[3:] for s in schemas)}


def array_s(items: Schema) -> dict[str, Any]:
    """Quarto's arraySchema."""
    return {"type": "array", "items": items,
            "description": f"be an array of values, where each element must {describe(items)}"}


def ref_s(ref: str, description: str) -> dict[str, Any]:
    """Quarto's refSchema."""
    return {"type": "ref", "$ref": ref, "description": description}


def object_s(properties: dict[str, Schema] | None = None, *, pattern: dict[str, Schema] | None = None,
             property_names: Schema | None = None,
             required: list[str] | None = None, additional: Schema | None = None,
             base: list[Schema] | None = None, naming: Any = None, closed: bool | None = None,
             description: str | None = None) -> dict[str, Any]:
    """Quarto's objectSchema (common.ts), including super (base) merging and case-convention sniffing."""
    properties, pattern, required = properties or {}, pattern or {}, required or []
    if base:
        if any(isinstance(b, bool) or b.get("type") != "object" for b in base):
            raise SchemaLanguageError("object super must name object schemas")
        result: dict[str, Any] = {}
        for b in base:
            result.update(b)
        result.pop("$id", None)
        for key, own in (("properties", properties), ("patternProperties", pattern)):
            result[key] = {k: v for b in base for k, v in (b.get(key) or {}).items()} | own
        result["required"] = [r for b in base for r in b.get("required") or []] + required or None
        extra = [b["additionalProperties"] for b in base if b.get("additionalProperties") is not None]
        extra += [additional] if additional else []
        if extra:
            result["additionalProperties"] = all_of(*extra)
        names = [n for b in base if (n := b.get("propertyNames")) is not None
                 and not (isinstance(n, dict) and (n.get("tags") or {}).get("case-detection"))]
        result.pop("propertyNames", None)
        if names:
            result["propertyNames"] = names[0] if len(names) == 1 else any_of(*names)
        result["closed"] = bool(closed) or any(b.get("closed") for b in base)
        return result
    result = {"type": "object", "description": description or "be an object", "properties": properties,
              "patternProperties": pattern, "closed": closed}
    if required:
        result["required"] = required
    if additional is not None:
        result["additionalProperties"] = additional
    case = None if naming == "ignore" else _case_convention_schema(list(properties), naming)
    if case is not None and property_names is None:
        property_names, result["tags"] = case, dict(case["tags"])
    if property_names is not None:
        result["propertyNames"] = property_names
    return result


def _case_convention_schema(keys: list[str], conventions: list[str] | None) -> dict[str, Any] | None:
    """createCaseConventionSchema: a propertyNames pattern that refuses near-misses of the known keys.

    Quarto matches it unanchored ("x".match(...)), so the negative lookahead succeeds one character in
    and the pattern refuses no non-empty key: Quarto 1.7.34 accepts `link_citations` beside `link-citations`.
    """
    if conventions is not None:
        pattern, found = "|".join(f"({c})" for c in conventions), list(conventions)
    else:
        misses, found = [], list(dict.fromkeys(c for c in map(_detect_case, keys) if c))
        for key, case in zip(keys, map(_detect_case, keys)):
            others = {"capitalizationCase": (_dash, _underscore), "dash-case": (_underscore, _capitalization),
                      "underscore_case": (_dash, _capitalization)}.get(case or "", ())
            misses += [m for m in (f(key) for f in others) if m not in keys]
        if not found:
            return None
        pattern = "(?!(" + "|".join(f"^{m}$" for m in misses) + "))"
    return {"type": "string", "pattern": pattern,
            "tags": {"case-convention": found, "error-importance": -5, "case-detection": True},
            "errorMessage": "property ${value} does not match case convention " + ",".join(keys)}


def _detect_case(key: str) -> str | None:
    """detectCaseConvention (text.ts)."""
    if key.lower() != key:
        return "capitalizationCase"
    for sep, name in (("_", "underscore_case"), ("-", "dash-case")):
        if 0 < key.find(sep) < len(key) - 1:
            return name
    return None


def _underscore(key: str) -> str:
    """toUnderscoreCase (text.ts)."""
    return "_".join(x for x in re.sub("([A-Z]+)", r"-\1", key).replace("-", "_").split("_") if x).lower()


def _dash(key: str) -> str:
    """toDashCase (text.ts)."""
    return _underscore(key).replace("_", "-")


def _capitalization(key: str) -> str:
    """toCapitalizationCase (text.ts)."""
    return re.sub("_(.)", lambda m: m.group(1).upper(), _underscore(key))


class Definitions(dict[str, dict[str, Any]]):
    """Quarto's schema definitions by $id (setSchemaDefinition: the first definition of an id wins)."""

    def define(self, schema: dict[str, Any]) -> dict[str, Any]:
        """Record a schema under its $id and return a reference to it."""
        if "$id" not in schema:
            raise SchemaLanguageError(f"definition without an id: {str(schema)[:80]}")
        self.setdefault(schema["$id"], schema)
        return ref_s(schema["$id"], schema.get("description") or f"be {schema['$id']}")

    def resolve(self, schema: Schema) -> Schema:
        """Follow references to a concrete schema; a missing id or a cycle is an error."""
        seen: set[str] = set()
        while isinstance(schema, dict) and schema.get("type") == "ref":
            ref = schema["$ref"]
            if ref in seen or ref not in self:
                raise SchemaLanguageError(f"schema {ref} {'is a cycle' if ref in seen else 'not found'}")
            seen.add(ref)
            schema = self[ref]
        return schema


def _check_keys(yaml: dict[str, Any], allowed: set[str], what: str) -> None:
    """Refuse keys the schema language does not define for this construct."""
    if unknown := set(yaml) - allowed:
        raise SchemaLanguageError(f"unknown key(s) {sorted(unknown)} in {what} schema")


def _base(yaml: Any, schema: Schema) -> Schema:
    """setBaseSchemaProperties, for what validation uses: id, tags, hidden, errorDescription, errorMessage."""
    if not isinstance(yaml, dict) or isinstance(schema, bool):
        return schema
    result = dict(schema)
    tags = {"hidden": True} if yaml.get("hidden") is True else {}
    tags |= yaml.get("tags") or {}
    if tags:
        result["tags"] = (schema.get("tags") or {}) | tags
    for key, to in (("id", "$id"), ("errorDescription", "description"), ("errorMessage", "errorMessage")):
        if yaml.get(key):
            result[to] = yaml[key]
    return result


def convert(yaml: Any, defs: Definitions) -> Schema:
    """convertFromYaml: turn one schema written in Quarto's YAML schema language into a compiled schema."""
    if yaml is None:
        return NULL
    if isinstance(yaml, str) and yaml in LITERALS:
        return LITERALS[yaml] or object_s()
    if not isinstance(yaml, (dict, list)):
        return {"type": "enum", "enum": [yaml], "description": f"be {json.dumps(yaml)}"}
    key = next((k for k in CONVERTERS if isinstance(yaml, dict) and k in yaml), None)
    if key is None:
        raise SchemaLanguageError(f"cannot convert {str(yaml)[:80]}: no schema construct")
    _check_keys(yaml, BASE_KEYS | {key}, key)
    return _base(yaml, CONVERTERS[key](yaml[key], defs))


def _inner(value: Any, allowed: set[str], what: str) -> dict[str, Any]:
    """The construct's own mapping (``string: {pattern: ...}``), its keys checked; {} when not a mapping."""
    if not isinstance(value, dict):
        return {}
    _check_keys(value, BASE_KEYS | allowed, what)
    return value


def _scalar(schema: dict[str, Any]) -> Callable[[Any, Definitions], Schema]:
    """number/boolean/null/path: the base schema with the inner mapping's base properties."""
    return lambda value, defs: _base(_inner(value, {"pattern"} if schema is STRING else set(), "scalar"), schema)


def _string(value: Any, defs: Definitions) -> Schema:
    """convertFromString: a string, or a regex when it gives a pattern."""
    inner = _inner(value, {"pattern"}, "string")
    return _base(inner, regex_s(inner["pattern"]) if inner.get("pattern") else STRING)


def _pattern(value: Any, defs: Definitions) -> Schema:
    """convertFromPattern: ``pattern: regex`` or ``pattern: {regex: ...}``."""
    if isinstance(value, str):
        return regex_s(value)
    return _base(_inner(value, {"regex"}, "pattern"), regex_s(value["regex"]))


def _listed(make: Callable[..., Schema]) -> Callable[[Any, Definitions], Schema]:
    """anyOf/allOf: a list of schemas, or ``{schemas: [...]}``."""
    def conv(value: Any, defs: Definitions) -> Schema:
        inner = _inner(value, {"schemas"}, "anyOf/allOf")
        return _base(inner, make(*(convert(s, defs) for s in (inner["schemas"] if inner else value))))
    return conv


def _enum(value: Any, defs: Definitions) -> Schema:
    """convertFromEnum: a list of values, or ``{values: [...]}``."""
    inner = _inner(value, {"values"}, "enum")
    return _base(inner, enum_s(*(inner["values"] if inner else value)))


def _array_of(value: Any, defs: Definitions) -> Schema:
    """convertFromArrayOf: ``arrayOf: schema`` or ``arrayOf: {schema: ..., length: n}`` (length is unused)."""
    if isinstance(value, dict) and value.get("schema"):
        return _base(_inner(value, {"schema", "length"}, "arrayOf"), array_s(convert(value["schema"], defs)))
    return array_s(convert(value, defs))


def _maybe_array_of(value: Any, defs: Definitions) -> Schema:
    """convertFromMaybeArrayOf: the schema or an array of it."""
    inner = convert(value, defs)
    return any_of(inner, array_s(inner))


def _record(value: Any, defs: Definitions) -> Schema:
    """convertFromRecord: a closed object whose every property is required."""
    props = value["properties"] if isinstance(value.get("properties"), dict) else value
    inner = _object({"properties": props, "closed": True, "required": "all"}, defs)
    return _base(value, inner) if props is not value else inner


def _object(value: Any, defs: Definitions) -> Schema:
    """convertFromObject (from-yaml.ts)."""
    o = _inner(value, OBJECT_KEYS, "object")
    naming = o.get("namingConvention")
    if isinstance(naming, str) and naming not in NAMING:
        raise SchemaLanguageError(f"unknown namingConvention {naming}")
    naming = NAMING.get(naming, naming) if isinstance(naming, str) else naming
    if o.get("patternProperties"):  # from-yaml.ts 1.7.34 converts `properties` here (a bug): refuse it
        raise SchemaLanguageError("patternProperties in YAML schemas is not supported by Quarto 1.7.34")
    props = {k: convert(v, defs) for k, v in (o.get("properties") or {}).items()}
    names, closed = None, None
    if "propertyNames" in o:
        names = convert(o["propertyNames"], defs)
    elif o.get("closed") is True:
        if not props or naming not in (None, "ignore"):
            raise SchemaLanguageError("closed object schemas need properties and no namingConvention")
        naming, closed = "ignore", True
    additional = o.get("additionalProperties")
    additional = None if additional is None else (False if additional is False else convert(additional, defs))
    supers = o.get("super")
    base = [convert(s, defs) for s in (supers if isinstance(supers, list) else [supers])] if supers else None
    required = list(o.get("properties") or {}) if o.get("required") == "all" else o.get("required")
    schema = object_s(props, property_names=names, required=required, additional=additional, base=base,
                      naming=naming, closed=closed)
    return _base(o, schema)


def _resolve_ref(value: Any, defs: Definitions) -> Schema:
    """lookup: the definition itself (not a reference), which must already be defined."""
    if value not in defs:
        raise SchemaLanguageError(f"lookup of key {value} in definitions failed")
    return defs[value]


CONVERTERS: dict[str, Callable[[Any, Definitions], Schema]] = {  # from-yaml.ts's order of precedence
    "anyOf": _listed(any_of), "allOf": _listed(all_of), "boolean": _scalar(BOOLEAN), "arrayOf": _array_of,
    "enum": _enum, "maybeArrayOf": _maybe_array_of, "null": _scalar(NULL), "number": _scalar(NUMBER),
    "object": _object, "path": _scalar(STRING), "record": _record,
    "ref": lambda value, defs: ref_s(value, f"be {value}"), "resolveRef": _resolve_ref, "string": _string,
    "pattern": _pattern, "schema": convert,
}


def field_formats(field: dict[str, Any], schema: Schema) -> list[str] | None:
    """The formats a schema field applies to (annotateSchemaFromField: enabled, then disabled, then tags)."""
    formats = schema.get("tags", {}).get("formats") if isinstance(schema, dict) else None
    if field.get("enabled") is not None:
        formats = list(field["enabled"])
    if field.get("disabled") is not None:
        formats = [f"!{x}" for x in field["disabled"]]
    return (field.get("tags") or {}).get("formats", formats)


def convert_fields(fields: list[dict[str, Any]], defs: Definitions) -> dict[str, Schema]:
    """convertFromFieldsObject: a schema file's ``- name:`` entries as properties (aliases too)."""
    result: dict[str, Schema] = {}
    for field in fields:
        schema = convert(field["schema"], defs)
        formats = field_formats(field, schema)
        tags = (schema.get("tags") or {}) | (field.get("tags") or {}) | ({"formats": formats} if formats else {})
        schema = {**schema, "tags": tags} if isinstance(schema, dict) else schema
        result[field["name"]] = schema
        if field.get("alias"):
            result[field["alias"]] = schema
    return result
