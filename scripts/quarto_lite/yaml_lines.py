"""Where each key and list item of a YAML (or JSON) document is, so that a message can name the line."""

from __future__ import annotations

from typing import Union

import yaml

NodePath = tuple[Union[str, int], ...]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def node_lines(text: str, offset: int = 0) -> dict[NodePath, int]:
    """Return the 1-based line of every mapping key and list item, by path (('website', 'navbar', 'left', 0)).

    JSON is YAML too, so this locates the parts of a datapackage.json as well; a document that does not
    parse gives {}.
    """
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        return {}
    lines: dict[NodePath, int] = {}
    _walk(node, (), lines, offset)
    return lines


def key_lines(text: str, offset: int = 0) -> dict[str, int]:
    """Return the 1-based line of every mapping key outside lists, by dotted path ('website.navbar.left')."""
    return {".".join(map(str, path)): line for path, line in node_lines(text, offset).items()
            if all(isinstance(part, str) for part in path)}


def line_of(lines: dict[NodePath, int], path: NodePath) -> int:
    """Return the line of path, or of the nearest part above it that exists (1 if none)."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1


def _walk(node: yaml.Node | None, prefix: NodePath, lines: dict[NodePath, int], offset: int) -> None:
    """Record the keys of a mapping node, the items of a sequence node, and those below them."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = (*prefix, key.value)
            lines.setdefault(path, key.start_mark.line + 1 + offset)
            _walk(value, path, lines, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            path = (*prefix, index)
            lines.setdefault(path, item.start_mark.line + 1 + offset)
            _walk(item, path, lines, offset)
