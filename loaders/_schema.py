"""The table schemas from data/datapackage.json (Frictionless Table Schema)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from ._paths import DATAPACKAGE_PATH
from ._problems import DataError, Problem


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
    """Every resource of the embedded data package, by resource name, in package order.

    Raises DataError (never a traceback's KeyError or JSONDecodeError) when the package is missing or
    is not a data package with a schema for each resource."""
    try:
        package = json.loads(DATAPACKAGE_PATH.read_text(encoding="utf-8"))
        schemas = {
            resource["name"]: TableSchema(resource["name"], resource["path"], resource["schema"])
            for resource in package["resources"]
        }
        for schema in schemas.values():
            if not all(
                isinstance(field["name"], str) and "type" in field for field in schema.descriptor["fields"]
            ):
                raise ValueError("a field has no name or type")
    except FileNotFoundError:
        raise _package_error("file is missing") from None
    except (OSError, UnicodeDecodeError) as error:
        raise _package_error(f"file cannot be read ({error})") from None
    except json.JSONDecodeError as error:
        raise _package_error(f"not valid JSON (line {error.lineno}: {error.msg})") from None
    except (KeyError, TypeError, ValueError) as error:
        raise _package_error(f"not a data package with a schema for each resource ({error!r})") from None
    if not schemas:
        raise _package_error("the package lists no resources")
    return schemas


def _package_error(what: str) -> DataError:
    return DataError(
        [
            Problem(
                "datapackage.json",
                None,
                None,
                what,
                "restore it: git checkout data/datapackage.json, or run python scripts/write_datapackage.py",
            )
        ]
    )


def table_schema(name: str) -> TableSchema:
    """The schema of one resource; KeyError names the known resources."""
    schemas = table_schemas()
    if name not in schemas:
        raise KeyError(f"unknown table {name!r}; known tables: {', '.join(schemas)}")
    return schemas[name]
