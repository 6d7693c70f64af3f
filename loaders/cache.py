"""Results that depend only on the data and the code, kept on disk between server processes.

A new process would otherwise validate every table again (~1 s, and importing Frictionless ~0.7 s)
and route every sea leg again before its first visitor sees a map. The key is a hash of everything
the result depends on: every file under the data directory, the embedded schema, the basemap files
the geography checks read, the source of loaders/ and geo/, the versions of the libraries that
compute the results, and the date (validation checks that dates are not in the future). A changed
CSV, schema, library or line of code gives a new key, so a stale entry is never read; entries are
small JSON files (no pickle: a cache file is data, never code).

The directory is `.cache/` in the repository (ignored by git), or $CORRIDOR_ATLAS_CACHE_DIR;
set that to `off` to disable the cache. A missing, unreadable or corrupt entry is a miss, never an
error, and a directory that cannot be written is skipped silently: the cache only saves time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from ._paths import DATAPACKAGE_PATH, REPO_DIR, resolve_data_dir
from ._problems import Problem

CACHE_DIR_ENV = "CORRIDOR_ATLAS_CACHE_DIR"
DEFAULT_CACHE_DIR = REPO_DIR / ".cache"
# Bump when the layout of an entry changes.
FORMAT_VERSION = 1
LIBRARIES = ("frictionless", "pandas", "geopandas", "shapely", "pyproj", "searoute", "antimeridian", "numpy")
# The interface check reads the t("…") keys of the app's own code, so its directories count too.
CODE_DIRS = tuple(REPO_DIR / name for name in ("loaders", "geo", "atlas", "ui", "app_pages"))
BASEMAP_DIR = REPO_DIR / "static" / "basemap"


def cache_dir() -> Path | None:
    """Where entries live; None when the cache is switched off."""
    override = os.environ.get(CACHE_DIR_ENV, "").strip()
    if override.lower() == "off":
        return None
    return Path(override) if override else DEFAULT_CACHE_DIR


def _hash_files(digest: Any, root: Path, paths: Iterable[Path]) -> None:
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")


@cache
def code_fingerprint() -> str:
    """The code and libraries that compute cached results (fixed for the life of a process)."""
    digest = hashlib.sha256(f"format {FORMAT_VERSION}\n".encode())
    for library in LIBRARIES:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{library}=={version}\n".encode())
    for directory in CODE_DIRS:
        _hash_files(digest, REPO_DIR, directory.glob("*.py"))
    _hash_files(digest, REPO_DIR, BASEMAP_DIR.glob("*.geojson"))
    return digest.hexdigest()


def data_fingerprint(data_dir: Path | str | None = None) -> str:
    """Every file under the data directory (names and bytes), the schema, and `code_fingerprint`.

    Read afresh on every call (~1 ms for the curated data), so an edited CSV is noticed at once."""
    directory = resolve_data_dir(data_dir)
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(DATAPACKAGE_PATH.read_bytes())
    if directory.is_dir():
        _hash_files(digest, directory, (p for p in directory.rglob("*") if p.is_file()))
    else:
        digest.update(b"no data directory")
    return digest.hexdigest()


def entry_path(kind: str, key: str) -> Path | None:
    directory = cache_dir()
    return None if directory is None else directory / f"{kind}-{key[:32]}.json"


def read_entry(kind: str, key: str) -> Any | None:
    """The stored value, or None when there is none or it cannot be read (corrupt, truncated,
    written by another format): a miss, never an error."""
    path = entry_path(kind, key)
    if path is None:
        return None
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != key or "value" not in stored:
        return None
    return stored["value"]


def write_entry(kind: str, key: str, value: Any) -> bool:
    """Store a JSON-able value atomically (a reader never sees half a file); False if not written."""
    path = entry_path(kind, key)
    if path is None:
        return False
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{kind}-", suffix=".tmp")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump({"key": key, "value": value}, handle, ensure_ascii=False, separators=(",", ":"))
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from a server running as another user
        os.replace(temporary, path)
    except (OSError, TypeError, ValueError):
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        return False
    _prune(path, kind)
    return True


def _prune(kept: Path, kind: str) -> None:
    """Delete the other entries of this kind: their keys belong to data or code that has changed
    (or to another day), so they would only accumulate."""
    for stale in kept.parent.glob(f"{kind}-*.json"):
        if stale != kept:
            with contextlib.suppress(OSError):
                stale.unlink()


# ------------------------------------------------------------------------------------------ validation


def validation_key(
    data_dir: Path | str | None, *, geography: bool, interface: bool = True, today: dt.date | None = None
) -> str:
    day = (today or dt.date.today()).isoformat()
    flags = f"geography={geography} interface={interface} today={day}"
    return hashlib.sha256(f"{data_fingerprint(data_dir)} {flags}".encode()
                          ).hexdigest()


def _problems_from(value: Any) -> tuple[Problem, ...] | None:
    if not isinstance(value, list):
        return None
    problems = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 5):
            return None
        file, row, field, what, action = item
        if not (isinstance(file, str) and isinstance(what, str) and isinstance(action, str)
                and (row is None or (isinstance(row, int) and not isinstance(row, bool)))
                and (field is None or isinstance(field, str))):
            return None
        problems.append(Problem(file, row, field, what, action))
    return tuple(problems)


def validation_problems(
    data_dir: Path | str | None = None, *, geography: bool = True, interface: bool = True
) -> tuple[Problem, ...]:
    """`validate_data_dir(...).problems`, from the disk cache when the same data was validated before
    by the same code (today)."""
    key = validation_key(data_dir, geography=geography, interface=interface)
    cached = _problems_from(read_entry("validation", key))
    if cached is not None:
        return cached
    # Imported here: validation pulls in Frictionless, which a cache hit never needs.
    from ._validation import validate_data_dir

    problems = tuple(validate_data_dir(data_dir, geography=geography, interface=interface).problems)
    write_entry("validation", key,
                [[p.file, p.row, p.field, p.what, p.action] for p in problems])
    return problems
