"""Where each key of a YAML mapping is, so that a message can name the line."""

from __future__ import annotations

import yaml


def key_lines(text: str, offset: int = 0) -> dict[str, int]:
    """Return the 1-based line of every mapping key, by dotted path ('website.navbar.left')."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}
    _walk(node, "", lines, offset)
    return lines


def _walk(node: yaml.Node | None, prefix: str, lines: dict[str, int], offset: int) -> None:
    """Record the keys of a mapping node and of the mappings below it."""
    if not isinstance(node, yaml.MappingNode):
        return
    for key, value in node.value:
        dotted = f"{prefix}{key.value}"
        lines.setdefault(dotted, key.start_mark.line + 1 + offset)
        _walk(value, dotted + ".", lines, offset)
