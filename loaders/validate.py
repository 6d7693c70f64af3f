"""Validate a data directory against data/datapackage.json and the project's own rules.

    python -m loaders.validate [DATA_DIR]

prints every problem as `file:row:field: what is wrong — what to do` (row = line in the file, the
header is row 1) and exits 0 when the data is clean, 1 otherwise. The app runs the same checks.
"""

from __future__ import annotations

import sys

from ._paths import resolve_data_dir
from ._validation import validate_data_dir


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or (args and args[0] in ("-h", "--help")):
        print(__doc__)
        return 0 if args and args[0] in ("-h", "--help") else 2
    directory = resolve_data_dir(args[0] if args else None)
    if not directory.is_dir():
        print(f"{directory}: not a directory — pass the folder that holds the CSV files")
        return 1
    result = validate_data_dir(directory)
    for problem in result.problems:
        print(problem)
    if result.ok:
        print(f"{directory}: all {len(result.tables)} tables valid")
        return 0
    print(f"{len(result.problems)} problem(s) in {directory}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
