"""The table schemas from data/datapackage.json (Frictionless Table Schema)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from ._paths import DATAPACKAGE_PATH


@dataclass(frozen=True)
class TableSchema:
    """One resource of the data package: its file name and Table Schema descriptor."""

    name: str
    path: str
    descriptor: dict[str, Any]

    @property
    def field_names(self) -> list[str]:
        return [field["name"] for field in self.descriptor["fields"]]

    def field(self, name: str) -> dict[str, Any]:
        return next(field for field in self.descriptor["fields"] if field["name"] == name)

    @property
    def required_fields(self) -> list[str]:
        return [
            field["name"]
            for field in self.descriptor["fields"]
            if field.get("constraints", {}).get("required")
        ]


@cache
def table_schemas() -> dict[str, TableSchema]:
    """Every resource of the embedded data package, by resource name, in package order."""
    package = json.loads(DATAPACKAGE_PATH.read_text(encoding="utf-8"))
    return {
        resource["name"]: TableSchema(resource["name"], resource["path"], resource["schema"])
        for resource in package["resources"]
    }


def table_schema(name: str) -> TableSchema:
    """The schema of one resource; KeyError names the known resources."""
    schemas = table_schemas()
    if name not in schemas:
        raise KeyError(f"unknown table {name!r}; known tables: {', '.join(schemas)}")
    return schemas[name]
