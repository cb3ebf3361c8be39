"""Read the data package description (data/datapackage.json) and name its parts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = "data"
DESCRIPTOR = "datapackage.json"


@dataclass(frozen=True)
class ResourceSpec:
    """One tabular resource: its name, file and Table Schema."""

    name: str
    path: Path
    rel_path: str
    schema: dict[str, Any]

    @property
    def field_names(self) -> list[str]:
        """Return the schema's column names, in order."""
        return [f["name"] for f in self.schema["fields"]]

    @property
    def fields(self) -> dict[str, dict[str, Any]]:
        """Return the schema's field descriptors by name."""
        return {f["name"]: f for f in self.schema["fields"]}

    @property
    def primary_key(self) -> list[str]:
        """Return the primary key as a list of column names."""
        pk = self.schema.get("primaryKey", [])
        return [pk] if isinstance(pk, str) else list(pk)

    @property
    def missing_values(self) -> list[str]:
        """Return the strings that stand for a missing value."""
        return list(self.schema.get("missingValues", [""]))


def descriptor_path(project: Path) -> Path:
    """Return the path of the package descriptor in a project."""
    return project / DATA_DIR / DESCRIPTOR


def read_descriptor(project: Path) -> dict[str, Any]:
    """Read data/datapackage.json; raise ValueError with a one-line reason if it cannot be read."""
    path = descriptor_path(project)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValueError(f"{DATA_DIR}/{DESCRIPTOR}: file not found") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{DATA_DIR}/{DESCRIPTOR}: not valid JSON ({exc})") from exc


def resource_specs(project: Path, descriptor: dict[str, Any]) -> list[ResourceSpec]:
    """List the package's resources with their paths resolved inside the project."""
    return [
        ResourceSpec(
            name=r["name"],
            path=project / DATA_DIR / r["path"],
            rel_path=f"{DATA_DIR}/{r['path']}",
            schema=r["schema"],
        )
        for r in descriptor.get("resources", [])
    ]
