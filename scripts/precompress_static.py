"""Streamlit's frontend and the app's static files, laid out as their URLs, each compressible file
beside a brotli (quality 11) and a gzip (level 9) copy, for a static server that sends the copy the
browser asks for (deploy/nginx-static.conf: `brotli_static on; gzip_static on;`).

    .venv/bin/python scripts/precompress_static.py TARGET [--app-static static]

Why: Streamlit sends its 6 MB frontend uncompressed and Debian's HAProxy can only gzip it with libslz
(no level, no brotli), which leaves the overview at 3.1 MB on the wire. Compressed once, ahead of
time, at the highest settings, the same files are 1.9 MB with brotli (docs/SCALING.md, "Page size").

TARGET mirrors the URL paths the app serves:

    TARGET/static/js/index.<hash>.js   ← streamlit/static/static/js/…   (URL /static/js/…)
    TARGET/index.html, favicon.png …   ← streamlit/static/…              (URL /, /favicon.png)
    TARGET/app/static/basemap/…        ← the app's static/ directory     (URL /app/static/basemap/…)

Deterministic and idempotent: the compressed bytes depend only on the file's bytes (gzip without a
name or time stamp), every output file takes its source's modification time, and a second run
rewrites nothing that is already right. It is a mirror: files no longer in the sources (an older
Streamlit's hashed chunks) are removed. Only a directory this script made (it holds MARKER) or an
empty one is written to, so a wrong TARGET cannot lose anyone's files.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import brotli

REPO_DIR = Path(__file__).resolve().parents[1]
MARKER = ".corridor-atlas-precompressed"
# Text formats. Fonts (woff2, woff), images and archives are compressed already: sent as they are.
COMPRESSIBLE_SUFFIXES = frozenset({
    ".js", ".mjs", ".cjs", ".css", ".html", ".htm", ".json", ".geojson", ".map", ".svg", ".txt", ".xml",
    ".md", ".csv", ".wasm", ".ttf", ".otf", ".ico",
})
BROTLI_QUALITY = 11
GZIP_LEVEL = 9
ENCODINGS = (".br", ".gz")


class PrecompressError(RuntimeError):
    """A source or target that cannot be used, with what to do about it."""


def streamlit_static_dir() -> Path:
    """The installed Streamlit's frontend: what its server sends for `/`, `/static/…` and `/favicon.png`."""
    import streamlit

    return Path(streamlit.__file__).resolve().parent / "static"


def compress(data: bytes, encoding: str) -> bytes:
    """`data` as a brotli (".br") or gzip (".gz") stream, the same bytes on every run."""
    if encoding == ".br":
        return brotli.compress(data, quality=BROTLI_QUALITY)
    # mtime=0 and no file name in the header: the stream depends on the data alone.
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def decompress(data: bytes, encoding: str) -> bytes:
    return brotli.decompress(data) if encoding == ".br" else gzip.decompress(data)


@dataclass
class Report:
    """What a run wrote: counts and bytes, for the summary line."""

    files: int = 0
    compressed: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    raw_bytes: int = 0
    brotli_bytes: int = 0
    gzip_bytes: int = 0


def source_files(sources: Sequence[tuple[Path, str]]) -> Iterator[tuple[Path, str]]:
    """(source file, its path under TARGET) for every file of every (directory, URL prefix), sorted."""
    for directory, prefix in sources:
        if not directory.is_dir():
            raise PrecompressError(f"{directory}: not a directory (nothing to precompress)")
        for path in sorted(directory.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            relative = path.relative_to(directory).as_posix()
            if relative.endswith(ENCODINGS) or "__pycache__" in relative.split("/"):
                continue
            yield path, f"{prefix}{relative}"


def claim_target(target: Path) -> None:
    """Make `target` ours: a new or empty directory gets MARKER; any other directory must have it."""
    if target.exists() and not target.is_dir():
        raise PrecompressError(f"{target}: exists and is not a directory; choose another target")
    if target.is_dir() and not (target / MARKER).is_file() and any(target.iterdir()):
        raise PrecompressError(
            f"{target}: not empty and not made by this script (no {MARKER}); choose an empty or new "
            "directory, so that no file of yours is overwritten or removed"
        )
    target.mkdir(parents=True, exist_ok=True)
    marker = target / MARKER
    text = "Made by scripts/precompress_static.py: a mirror, rewritten on every run.\n"
    if not marker.is_file() or marker.read_text(encoding="utf-8") != text:
        marker.write_text(text, encoding="utf-8")


def write_if_changed(path: Path, data: bytes, mtime_ns: int, report: Report, *,
                     same: bool | None = None) -> None:
    """Write `data` to `path` unless it holds it already (`same`, when the caller knows); set its
    mode and time either way."""
    if same is None:
        same = path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
    if not same:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
        report.written.append(path.name)
    os.chmod(path, 0o644)
    os.utime(path, ns=(mtime_ns, mtime_ns))


def variant_is_current(path: Path, raw: bytes, encoding: str) -> bool:
    """The compressed copy already there decompresses to exactly the source's bytes."""
    if not path.is_file():
        return False
    try:
        return decompress(path.read_bytes(), encoding) == raw
    except (OSError, EOFError, zlib.error, brotli.error):
        return False


def precompress(target: Path, sources: Sequence[tuple[Path, str]]) -> Report:
    """Mirror `sources` into `target` with .br and .gz copies; return what was done."""
    claim_target(target)
    report = Report()
    expected: set[str] = {MARKER}
    for source, relative in source_files(sources):
        raw = source.read_bytes()
        mtime_ns = source.stat().st_mtime_ns
        destination = target / relative
        write_if_changed(destination, raw, mtime_ns, report)
        expected.add(relative)
        report.files += 1
        report.raw_bytes += len(raw)
        if source.suffix.lower() not in COMPRESSIBLE_SUFFIXES:
            continue
        report.compressed += 1
        for encoding in ENCODINGS:
            variant = destination.with_name(destination.name + encoding)
            current = variant_is_current(variant, raw, encoding)
            data = variant.read_bytes() if current else compress(raw, encoding)
            # A copy no smaller than the file would only cost the server a lookup: not kept.
            if len(data) >= len(raw):
                continue
            write_if_changed(variant, data, mtime_ns, report, same=current)
            expected.add(relative + encoding)
            if encoding == ".br":
                report.brotli_bytes += len(data)
            else:
                report.gzip_bytes += len(data)
    remove_others(target, expected, report)
    return report


def remove_others(target: Path, expected: set[str], report: Report) -> None:
    """Delete what is in `target` but no longer in the sources, then the directories left empty."""
    for path in sorted(target.rglob("*"), reverse=True):
        relative = path.relative_to(target).as_posix()
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
            else:
                os.chmod(path, 0o755)
        elif relative not in expected:
            path.unlink()
            report.removed.append(relative)
    os.chmod(target, 0o755)


def default_sources(app_static: Path | None) -> list[tuple[Path, str]]:
    sources = [(streamlit_static_dir(), "")]
    if app_static is not None:
        sources.append((app_static, "app/static/"))
    return sources


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, help="directory to fill (new, empty, or made by this script)")
    parser.add_argument("--app-static", type=Path, default=REPO_DIR / "static",
                        help="the app's static/ directory, served as /app/static/ (default: repository's)",
                        metavar="DIR")
    parser.add_argument("--no-app-static", action="store_true", help="only Streamlit's frontend")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    try:
        report = precompress(args.target, default_sources(None if args.no_app_static else args.app_static))
    except PrecompressError as error:
        print(f"precompress_static: {error}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(f"{args.target}: {report.files} files ({report.raw_bytes / 1e6:.1f} MB), "
              f"{report.compressed} compressible (brotli {report.brotli_bytes / 1e6:.1f} MB, "
              f"gzip {report.gzip_bytes / 1e6:.1f} MB); {len(report.written)} written, "
              f"{len(report.removed)} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
