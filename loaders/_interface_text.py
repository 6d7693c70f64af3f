"""The interface text the app needs from translations.csv: every key the code asks for, in every
language, with only the {fields} the code fills in. A gap here was a KeyError on a page.

The keys come from the app's own source, parsed (not grepped): each `t("key", name=…)` call gives
a key and the field names it passes. Keys the code builds from data (t(f"status.{value}")) must
exist for every value the schema allows. Keys the code builds from its own constants are the
code's business (tests/test_atlas.py checks those).
"""

from __future__ import annotations

import ast
import string
from functools import cache
from pathlib import Path

from ._checks import column_cells
from ._paths import REPO_DIR
from ._problems import Problem, quoted
from ._read import RawTable
from ._schema import table_schemas

LANGUAGE_COLUMNS = ("en", "vi", "zh")
CODE_PATHS: tuple[str, ...] = ("app.py", "app_pages", "ui", "atlas")
# Parameters through which a caller hands a translation key to code that calls t() with it.
KEY_PARAMETERS = frozenset({"label_key"})
# Prefix of a data-built key → the (table, column) enums whose values complete it.
ENUM_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "status.": (
        ("places", "status"),
        ("gate_pairs", "status"),
        ("corridors", "status"),
        ("services", "status"),
    ),
    "kind.": (("places", "kind"),),
    "level.": (("gate_pairs", "level"),),
    "mode.": (("corridors", "mode"), ("services", "mode")),
    "agreement.": (("agreements", "kind"),),
    "direction.": (("cargo", "direction"),),
    "coord.": (("places", "coord_method"),),
}


@cache
def code_keys(repo_dir: Path = REPO_DIR) -> dict[str, frozenset[str]]:
    """Each literal key the code passes to t(…), with the field names every one of its calls passes.

    A key handed over in a parameter named like KEY_PARAMETERS counts too, where it is given as a
    string constant (`label_key="map.scenario"`, or its default), with the fields of `t(label_key, …)`."""
    trees = [
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path)) for path in _code_files(repo_dir)
    ]
    fields: dict[str, frozenset[str]] = {}
    by_variable: dict[str, frozenset[str]] = {}
    for node in (node for tree in trees for node in ast.walk(tree)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"):
            continue
        if not node.args or any(keyword.arg is None for keyword in node.keywords):
            continue  # t(key, **values): the fields are not known here
        passed = frozenset(keyword.arg for keyword in node.keywords if keyword.arg)
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            _narrow(fields, first.value, passed)
        elif isinstance(first, ast.Name) and first.id in KEY_PARAMETERS:
            _narrow(by_variable, first.id, passed)
    for node in (node for tree in trees for node in ast.walk(tree)):
        for name, value in _string_arguments(node):
            if name in by_variable:
                _narrow(fields, value, by_variable[name])
    return fields


def _narrow(fields: dict[str, frozenset[str]], key: str, passed: frozenset[str]) -> None:
    fields[key] = fields[key] & passed if key in fields else passed


def _string_arguments(node: ast.AST) -> list[tuple[str, str]]:
    """(name, constant) for `name="…"` in a call and for parameters with a string default."""
    if isinstance(node, ast.Call):
        pairs = [(k.arg, k.value) for k in node.keywords if k.arg]
    elif isinstance(node, ast.FunctionDef):
        arguments = node.args
        positional = arguments.posonlyargs + arguments.args
        pairs = list(
            zip(
                (a.arg for a in positional[len(positional) - len(arguments.defaults) :]),
                arguments.defaults,
                strict=True,
            )
        )
        pairs += [(a.arg, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True) if d]
    else:
        return []
    return [
        (name, value.value)
        for name, value in pairs
        if isinstance(value, ast.Constant) and isinstance(value.value, str)
    ]


def enum_keys() -> set[str]:
    """Keys built from data values: one per value each schema enum allows."""
    schemas = table_schemas()
    keys: set[str] = set()
    for prefix, columns in ENUM_KEYS.items():
        for table, column in columns:
            constraints = schemas[table].field(column).get("constraints", {})
            keys |= {prefix + value for value in constraints.get("enum", [])}
    return keys


def translation_problems(table: RawTable) -> list[Problem]:
    """Missing keys, and {fields} the code does not fill in (or that are not plain names)."""
    needed = code_keys()
    rows = {row["key"]: (line, row) for line, row in column_cells(table, "key")}
    problems = [
        Problem(
            table.file,
            None,
            "key",
            f"key {quoted(key)} is used by the app but has no row",
            "add a row with the key and its en, vi and zh text (append it at the end of the file)",
        )
        for key in sorted((set(needed) | enum_keys()) - set(rows))
    ]
    for key, (line, row) in rows.items():
        allowed = needed.get(key, frozenset())
        for language in LANGUAGE_COLUMNS:
            problem = _field_problem(row.get(language, ""), allowed)
            if problem is not None:
                problems.append(Problem(table.file, line, language, problem, _advice(allowed)))
    return problems


def _field_problem(text: str, allowed: frozenset[str]) -> str | None:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as error:
        return f"the braces cannot be read ({error})"
    for name in names:
        if not name.isidentifier():
            return f"{{{name}}} is not a plain field name"
        if name not in allowed:
            return f"{{{name}}} is not filled in by the app"
    return None


def _advice(allowed: frozenset[str]) -> str:
    if not allowed:
        return "remove the braces: this text takes no fields (write {{ and }} for literal braces)"
    return f"use only these fields: {', '.join('{' + name + '}' for name in sorted(allowed))}"


def _code_files(repo_dir: Path) -> list[Path]:
    files: list[Path] = []
    for name in CODE_PATHS:
        path = repo_dir / name
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files
