"""Validate a data directory against data/datapackage.json and the project's own rules.

    python -m loaders.validate [DATA_DIR] [--stale DAYS]

prints every problem as `file:row:field: what is wrong — what to do` (row = line in the file, the
header is row 1) and exits 0 when the data is clean, 1 otherwise. The app runs the same checks.

--stale DAYS also lists, as warnings, every status whose `status_as_of` is more than DAYS days old
(e.g. --stale 365): they do not make the data invalid, so the exit code stays 0 for clean data.
"""

from __future__ import annotations

import datetime as dt
import sys

from ._paths import resolve_data_dir
from ._validation import validate_data_dir


def _parse(args: list[str]) -> tuple[str | None, int | None] | None:
    """(directory, stale days) or None when the arguments are not understood."""
    directory: str | None = None
    stale: int | None = None
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--stale":
            if not rest or not rest[0].isdigit():
                return None
            stale = int(rest.pop(0))
        elif arg.startswith("-") or directory is not None:
            return None
        else:
            directory = arg
    return directory, stale


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    parsed = _parse(args)
    if parsed is None:
        print(__doc__)
        return 2
    directory = resolve_data_dir(parsed[0])
    if not directory.is_dir():
        print(f"{directory}: not a directory — pass the folder that holds the CSV files")
        return 1
    result = validate_data_dir(directory)
    for problem in result.problems:
        print(problem)
    if not result.ok:
        print(f"{len(result.problems)} problem(s) in {directory}")
        return 1
    print(f"{directory}: all {len(result.tables)} tables valid")
    if parsed[1] is not None:
        _print_stale(directory, parsed[1])
    return 0


def _print_stale(directory, max_age_days: int) -> None:
    from .bundle import load_all
    from .freshness import stale_statuses

    loaded = load_all(directory, geography=False)
    if loaded.tables is None:
        return
    stale = stale_statuses(loaded.tables, dt.date.today(), max_age_days)
    for entry in stale:
        print(f"warning: {entry.as_problem(max_age_days)}")
    print(f"{len(stale)} status(es) older than {max_age_days} days (warnings; the data is valid)")


if __name__ == "__main__":
    sys.exit(main())
