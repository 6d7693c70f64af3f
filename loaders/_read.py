"""Reading a CSV file strictly: bytes → text → header and rows, or problems saying why not."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from ._problems import Problem, quoted

UTF8_BOM = b"\xef\xbb\xbf"


@dataclass
class RawTable:
    """A CSV file parsed into strings, with the file line on which each record starts."""

    file: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int] = field(default_factory=list)


def decode_csv_bytes(file: str, data: bytes, allow_bom: bool = False) -> tuple[str | None, list[Problem]]:
    """Decode UTF-8 bytes. Curated files must not carry a BOM; uploads may (`allow_bom`)."""
    if not data.strip():
        return None, [
            Problem(
                file,
                None,
                None,
                "file is empty",
                "it needs at least the header row; see data/README.md for the columns",
            )
        ]
    if data.startswith(UTF8_BOM):
        if not allow_bom:
            return None, [
                Problem(
                    file,
                    1,
                    None,
                    "file starts with a UTF-8 byte-order mark (BOM)",
                    "save it as plain UTF-8 without BOM (e.g. LibreOffice: Text CSV, character set UTF-8)",
                )
            ]
        data = data[len(UTF8_BOM) :]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start : error.start + 1].hex().upper()
        return None, [
            Problem(
                file,
                line,
                None,
                f"text is not valid UTF-8 (byte 0x{byte})",
                "re-save the file with the UTF-8 encoding; other encodings are refused",
            )
        ]


def parse_csv_text(file: str, text: str) -> tuple[RawTable | None, list[Problem]]:
    """Split CSV text into header and rows, remembering where each record starts."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    lines: list[int] = []
    next_line = 1
    try:
        for record in reader:
            records.append(record)
            lines.append(next_line)
            next_line = reader.line_num + 1
    except csv.Error as error:
        return None, [
            Problem(
                file,
                reader.line_num,
                None,
                f"the CSV cannot be parsed ({error})",
                "check the quotes on this row: a value with a comma or quote must be "
                "wrapped in double quotes, inner quotes doubled",
            )
        ]
    if not records or not any(cell.strip() for cell in records[0]):
        return None, [
            Problem(
                file,
                1,
                None,
                "the header row is missing",
                "the first line must name the columns; see data/README.md",
            )
        ]
    return RawTable(file, records[0], records[1:], lines[1:]), []


def text_problems(table: RawTable) -> list[Problem]:
    """Cells whose text would draw wrongly: decomposed accents, stray spaces."""
    problems: list[Problem] = []
    for row, line in zip(table.rows, table.lines, strict=True):
        for name, cell in zip(table.header, row, strict=False):
            if unicodedata.normalize("NFC", cell) != cell:
                problems.append(
                    Problem(
                        table.file,
                        line,
                        name,
                        f"text {quoted(cell)} is not NFC-normalised (decomposed diacritics)",
                        "re-type it or save the file with composed (NFC) characters",
                    )
                )
            if cell != cell.strip():
                problems.append(
                    Problem(
                        table.file,
                        line,
                        name,
                        f"value {quoted(cell)} has leading or trailing spaces",
                        "remove the spaces",
                    )
                )
    return problems
