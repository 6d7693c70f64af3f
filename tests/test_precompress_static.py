"""scripts/precompress_static.py: every text file beside its brotli and gzip copy, the same bytes on
every run, nothing rewritten when nothing changed, and no directory it did not make written to.

That nginx serves these copies for the URLs Streamlit serves is tested through the real proxy in
tests/browser/test_proxy.py.
"""

from __future__ import annotations

import gzip
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import brotli
import pytest
from conftest import REPO_DIR

SCRIPT = REPO_DIR / "scripts" / "precompress_static.py"
_spec = importlib.util.spec_from_file_location("precompress_static", SCRIPT)
precompress_static = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = precompress_static  # its dataclasses look their module up by name
_spec.loader.exec_module(precompress_static)

# Text that compresses, and a font that is compressed already (any bytes with a .woff2 name).
SCRIPT_TEXT = b"export function hello(name) { return 'xin ch\xc3\xa0o ' + name; }\n" * 200
STYLE_TEXT = b".map { colour: navy; }\n" * 300


@pytest.fixture
def sources(tmp_path: Path) -> list[tuple[Path, str]]:
    """A frontend directory (index.html, static/js, static/css, a font) and an app static directory."""
    frontend = tmp_path / "frontend"
    (frontend / "static" / "js").mkdir(parents=True)
    (frontend / "static" / "css").mkdir()
    (frontend / "static" / "media").mkdir()
    (frontend / "index.html").write_bytes(b"<!doctype html><html>" + b"<p>atlas</p>" * 100 + b"</html>")
    (frontend / "static" / "js" / "index.Abc123.js").write_bytes(SCRIPT_TEXT)
    (frontend / "static" / "css" / "index.Def456.css").write_bytes(STYLE_TEXT)
    (frontend / "static" / "media" / "Font.Ghi789.woff2").write_bytes(os.urandom(4096))
    (frontend / "static" / "js" / "tiny.js").write_bytes(b"1")
    app = tmp_path / "app_static"
    (app / "basemap").mkdir(parents=True)
    (app / "basemap" / "land.geojson").write_bytes(b'{"type": "FeatureCollection", "features": []}' * 50)
    return [(frontend, ""), (app, "app/static/")]


def tree(directory: Path) -> dict[str, bytes]:
    return {path.relative_to(directory).as_posix(): path.read_bytes()
            for path in sorted(directory.rglob("*")) if path.is_file()}


def test_files_are_laid_out_as_their_urls_with_both_copies(tmp_path: Path, sources) -> None:
    target = tmp_path / "out"
    precompress_static.precompress(target, sources)
    files = tree(target)

    script = "static/js/index.Abc123.js"
    assert files[script] == SCRIPT_TEXT
    assert brotli.decompress(files[script + ".br"]) == SCRIPT_TEXT
    assert gzip.decompress(files[script + ".gz"]) == SCRIPT_TEXT
    assert len(files[script + ".br"]) < len(files[script + ".gz"]) < len(SCRIPT_TEXT) / 10
    assert gzip.decompress(files["static/css/index.Def456.css.gz"]) == STYLE_TEXT
    assert brotli.decompress(files["app/static/basemap/land.geojson.br"]).startswith(b'{"type"')
    assert "index.html.br" in files


def test_fonts_and_copies_no_smaller_than_the_file_are_left_out(tmp_path: Path, sources) -> None:
    target = tmp_path / "out"
    precompress_static.precompress(target, sources)
    files = tree(target)

    assert "static/media/Font.Ghi789.woff2" in files
    assert not [name for name in files if name.startswith("static/media/") and name.endswith((".br", ".gz"))]
    # A one-byte script compresses to more than one byte: only the file itself.
    assert "static/js/tiny.js" in files
    assert "static/js/tiny.js.gz" not in files and "static/js/tiny.js.br" not in files


def test_output_is_deterministic(tmp_path: Path, sources) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    precompress_static.precompress(first, sources)
    precompress_static.precompress(second, sources)

    assert tree(first) == tree(second)
    # Each copy takes its source's time, so the server's Last-Modified does not depend on the build.
    source_time = (sources[0][0] / "static/js/index.Abc123.js").stat().st_mtime_ns
    assert (first / "static/js/index.Abc123.js.br").stat().st_mtime_ns == source_time


def test_a_second_run_writes_nothing(tmp_path: Path, sources) -> None:
    target = tmp_path / "out"
    precompress_static.precompress(target, sources)
    before = {path: path.stat().st_ino for path in target.rglob("*")}

    again = precompress_static.precompress(target, sources)

    assert again.written == [] and again.removed == []
    assert {path: path.stat().st_ino for path in target.rglob("*")} == before


def test_a_changed_source_is_recompressed_and_a_removed_one_removed(tmp_path: Path, sources) -> None:
    target = tmp_path / "out"
    precompress_static.precompress(target, sources)
    frontend = sources[0][0]
    (frontend / "static/css/index.Def456.css").write_bytes(b"body { margin: 0 }\n" * 100)
    (frontend / "static/js/index.Abc123.js").unlink()

    report = precompress_static.precompress(target, sources)
    files = tree(target)

    assert gzip.decompress(files["static/css/index.Def456.css.gz"]) == b"body { margin: 0 }\n" * 100
    assert brotli.decompress(files["static/css/index.Def456.css.br"]) == b"body { margin: 0 }\n" * 100
    assert not [name for name in files if "index.Abc123" in name]
    assert set(report.removed) == {"static/js/index.Abc123.js", "static/js/index.Abc123.js.br",
                                   "static/js/index.Abc123.js.gz"}


def test_a_damaged_copy_is_rewritten(tmp_path: Path, sources) -> None:
    target = tmp_path / "out"
    precompress_static.precompress(target, sources)
    (target / "static/js/index.Abc123.js.br").write_bytes(b"not brotli")

    precompress_static.precompress(target, sources)

    assert brotli.decompress((target / "static/js/index.Abc123.js.br").read_bytes()) == SCRIPT_TEXT


def test_a_directory_it_did_not_make_is_refused(tmp_path: Path, sources) -> None:
    someone_elses = tmp_path / "home"
    someone_elses.mkdir()
    (someone_elses / "thesis.txt").write_text("do not delete")

    with pytest.raises(precompress_static.PrecompressError, match="not made by this script"):
        precompress_static.precompress(someone_elses, sources)
    assert (someone_elses / "thesis.txt").read_text() == "do not delete"


def test_command_line_says_what_is_wrong_without_a_traceback(tmp_path: Path) -> None:
    someone_elses = tmp_path / "home"
    someone_elses.mkdir()
    (someone_elses / "thesis.txt").write_text("do not delete")

    run = subprocess.run([sys.executable, str(SCRIPT), str(someone_elses), "--quiet"],
                         capture_output=True, text=True, timeout=120, check=False)

    assert run.returncode == 2
    assert "not made by this script" in run.stderr and "Traceback" not in run.stderr
    assert (someone_elses / "thesis.txt").exists()


def test_streamlits_frontend_is_the_directory_its_server_sends() -> None:
    """`/` is index.html and `/static/js/…` static/js/… of this directory (checked against a running
    server through the proxy in tests/browser/test_proxy.py)."""
    frontend = precompress_static.streamlit_static_dir()

    assert (frontend / "index.html").is_file()
    assert list((frontend / "static" / "js").glob("index.*.js"))
