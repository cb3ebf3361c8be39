"""Quarto 1.7.34's YAML validator (src/core/lib/yaml-validation/validator.ts), ported to Python.

It walks a parsed YAML value (``Val``, with line numbers) against a compiled schema (quarto_schema_lang) and
returns Quarto's failures, with Quarto's rule for which branch of a failed ``anyOf`` to report.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Any

from quarto_lite.quarto_schema_lang import Definitions, Schema, SchemaLanguageError

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Val:
    """A parsed YAML value as Quarto's AnnotatedParse: its value, first line, span and source text."""

    result: Any
    line: int
    span: int
    text: str
    items: tuple[Val, ...] = ()
    pairs: tuple[tuple[Val, Val], ...] = ()


@dataclass(frozen=True)
class Failure:
    """One validation error: the value at fault, the schema it failed, and Quarto's two paths."""

    value: Val
    schema: Schema
    message: str
    instance_path: Path
    schema_path: Path


@functools.cache
def _regex(pattern: str) -> re.Pattern[str]:
    """Compile a schema's (JavaScript) regular expression."""
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise SchemaLanguageError(f"pattern {pattern!r} is not a regex Python reads: {exc}") from None


def validate(value: Val, schema: Schema, defs: Definitions, ip: Path = (), sp: Path = ("#",)) -> list[Failure]:
    """validateGeneric: the failures of value against schema (none means it passes)."""
    schema = defs.resolve(schema)
    if isinstance(schema, bool):
        return [] if schema else [Failure(value, schema, "false", ip, (*sp, "false"))]
    kind = schema["type"]
    if kind not in CHECKS:
        raise SchemaLanguageError(f"unknown schema type {kind!r}")
    return CHECKS[kind](value, schema, defs, ip, (*sp, kind))


def _type(ok: bool, value: Val, schema: Schema, ip: Path, sp: Path) -> list[Failure]:
    """typeIsValid: a 'type mismatch' failure unless ok."""
    return [] if ok else [Failure(value, schema, "type mismatch", ip, (*sp, "type"))]


def _number(value: Val, schema: dict[str, Any], defs: Definitions, ip: Path, sp: Path) -> list[Failure]:
    """validateNumber (the converter never sets minimum or maximum)."""
    return _type(isinstance(value.result, (int, float)) and not isinstance(value.result, bool), value, schema, ip, sp)


def _string(value: Val, schema: dict[str, Any], defs: Definitions, ip: Path, sp: Path) -> list[Failure]:
    """validateString: a string, matching the pattern anywhere (JavaScript's String.match)."""
    if not isinstance(value.result, str):
        return _type(False, value, schema, ip, sp)
    if "pattern" in schema and not _regex(schema["pattern"]).search(value.result):
        return [Failure(value, schema, "value doesn't match pattern", ip, (*sp, "pattern"))]
    return []


def _same(a: Any, b: Any) -> bool:
    """JavaScript's ===, for a parsed YAML value and an enum entry."""
    if isinstance(a, (dict, list)) or isinstance(a, bool) != isinstance(b, bool):
        return False
    return a == b and not (isinstance(a, float) and math.isnan(a))


def _enum(value: Val, schema: dict[str, Any], defs: Definitions, ip: Path, sp: Path) -> list[Failure]:
    """validateEnum."""
    if any(_same(value.result, e) for e in schema["enum"]):
        return []
    return [Failure(value, schema, "must match one of the values", ip, sp)]


def _any_of(value: Val, schema: dict[str, Any], defs: Definitions, ip: Path, sp: Path) -> list[Failure]:
    """validateAnyOf, then collectErrors's pruning to one branch's failures."""
    groups = []
    for i, sub in enumerate(schema["anyOf"]):
        if not (failures := validate(value, sub, defs, ip, (*sp, i))):
            return []
        groups.append(failures)
    return prune(groups)


def prune(groups: list[list[Failure]]) -> list[Failure]:
    """Pick the failed anyOf branch Quarto reports: a missing required key, else the best (quality, span)."""
    def required(f: Failure) -> bool:
        return "required" in f.schema_path and f.schema_path.index("required") == len(f.schema_path) - 1

    if any(g and required(g[0]) for g in groups) and any(g and "propertyNames" in g[0].schema_path for g in groups):
        return next(g for g in groups if g and g[0].schema_path[-1] == "required")
    best, best_key = [], (math.inf, math.inf)
    for group in groups:
        key = (max((_quality(f) for f in group), default=-math.inf), sum(f.value.span for f in group))
        if key < best_key:
            best, best_key = group, key
    return best


def _quality(f: Failure) -> float:
    """errorTypeQuality: lower is a better failure to report."""
    tags = f.schema.get("tags") or {} if isinstance(f.schema, dict) else {}
    if isinstance(tags.get("error-importance"), (int, float)) and tags["error-importance"]:
        return tags["error-importance"]
    back = f.schema_path[::-1]
    if "propertyNames" in f.schema_path:
        return 10
    if back[0] == "required":
        return 0
    return 10 if back[0] == "type" and back[1] == "null" else 1


def _all_of(value: Val, schema: dict[str, Any], defs: Definitions, ip: Path, sp: Path) -> list[Failure]:
    """validateAllOf: every branch's failures."""
    return [f for i, sub in enumerate(schema["allOf"]) for f in validate(value, sub, defs, ip, (*sp, i))]


def _array(value: Val, schema: dict[str, Any], defs: Definitions, ip: Path, sp: Path) -> list[Failure]:
    """validateArray."""
    if not isinstance(value.result, list):
        return _type(False, value, schema, ip, sp)
    if "items" not in schema:
        return []
    return [f for i, item in enumerate(value.items)
            for f in validate(item, schema["items"], defs, (*ip, i), (*sp, "items"))]


def _object(value: Val, schema: dict[str, Any], defs: Definitions, ip: Path, sp: Path) -> list[Failure]:
    """validateObject: closed, properties, patternProperties, additionalProperties, propertyNames, required."""
    if not isinstance(value.result, dict):
        return _type(False, value, schema, ip, sp)
    keys = {k.result: (k, v) for k, v in value.pairs}  # unique: a repeated key is a YAML error, as in js-yaml
    props, failures, seen = schema.get("properties") or {}, [], set()
    if schema.get("closed"):
        failures += [Failure(k, schema, f"object has invalid field {name}", ip, (*sp, "closed"))
                     for name, (k, _) in keys.items() if name not in props]
    for name, sub in props.items():
        if name in keys:
            seen.add(name)
            failures += validate(keys[name][1], sub, defs, (*ip, name), (*sp, "properties", name))
    for pattern, sub in (schema.get("patternProperties") or {}).items():
        for name in [n for n in value.result if _regex(pattern).search(n)]:
            seen.add(name)
            failures += validate(keys[name][1], sub, defs, (*ip, name), (*sp, "patternProperties", pattern))
    for extra, subpath in ((schema.get("additionalProperties"), "additionalProperties"),
                           (schema.get("propertyNames"), "propertyNames")):
        # Quarto's .every() stops at the first failing key; its instance path stays the object's (this port
        # adds the key, so that the problem names it).
        names = [n for n in value.result if n not in seen] if subpath == "additionalProperties" else list(keys)
        for name in names if extra is not None else []:
            key, val = keys[name]
            target, path = (val, (*ip, name)) if subpath == "additionalProperties" else (key, ip)
            if found := validate(target, extra, defs, path, (*sp, subpath)):
                failures += found
                break
    failures += [Failure(value, schema, f"object is missing required property {r}", ip, (*sp, "required"))
                 for r in schema.get("required") or [] if r not in keys]
    return failures


CHECKS = {
    "any": lambda value, schema, defs, ip, sp: [],
    "boolean": lambda value, schema, defs, ip, sp: _type(isinstance(value.result, bool), value, schema, ip, sp),
    "null": lambda value, schema, defs, ip, sp: _type(value.result is None, value, schema, ip, sp),
    "number": _number, "string": _string, "enum": _enum, "anyOf": _any_of, "allOf": _all_of, "array": _array,
    "object": _object,
}
