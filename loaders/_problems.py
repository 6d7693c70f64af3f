"""Data problems, reported as `file:row:field: what is wrong — what to do`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a data file.

    `row` is the line number in the file (the header is row 1); `None` means the whole file.
    `field` is the column name; `None` means the whole row or file.
    """

    file: str
    row: int | None
    field: str | None
    what: str
    action: str

    def __str__(self) -> str:
        row = "-" if self.row is None else str(self.row)
        field = self.field or "-"
        return f"{self.file}:{row}:{field}: {self.what} — {self.action}"


# A message quotes at most this much of a value: enough to find it, not the whole of a huge cell.
QUOTE_CHARS = 60


def shortened(value: str, limit: int = QUOTE_CHARS) -> str:
    """The value, cut to `limit` characters with an ellipsis when longer."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def quoted(value: str, limit: int = QUOTE_CHARS) -> str:
    """The value as a problem quotes it: repr() of the shortened text."""
    return repr(shortened(value, limit))


class DataError(Exception):
    """Raised when data cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        summary = "\n".join(str(problem) for problem in problems[:20])
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} data problem(s):\n{summary}{more}")
