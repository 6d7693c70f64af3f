"""Exports from a deep link, without a browser: exactly what that link shows in the app.

    python -m atlas.export "/sea_services?service=lane_haiphong_antwerp&closed=red_sea&lang=vi" \
        --format pdf -o antwerp-red-sea.pdf
    python -m atlas.export --tour story --lang vi --format pdf -o handout.pdf

The link's path is the page; its query is the app's (lang, service, closed, speed, view, layers,
planned, highlight, q; a comparison's from, to, teu or tonnes, set, day). The app's Export panel
calls the same writers.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from loaders import DataError, Tables, load_all

from . import exports
from .content import MapContent, map_content
from .i18n import LANGUAGES, Translator
from .model import plan_service
from .spec import MapSpec, spec_from_link
from .views import MapView

Writer = Callable[[MapContent, MapView, Tables], bytes]


def _png(content: MapContent, view: MapView, tables: Tables) -> bytes:
    from . import slides

    return slides.map_png(content, view, tables)


def _pdf(content: MapContent, view: MapView, tables: Tables) -> bytes:
    from . import slides

    return slides.map_pdf(content, view, tables)


def _html(content: MapContent, view: MapView, tables: Tables) -> bytes:
    from . import html_export

    return html_export.map_html(content, view, tables).encode("utf-8")


def _csv(content: MapContent, view: MapView, tables: Tables) -> bytes:
    # A CSV has no room for a note, so each row names its sources and the data date. A comparison's
    # CSV is its legs (times by component, CO₂e, assumptions): the table an analyst wants.
    frames = exports.content_frames(tables, content)
    table = frames["routes"] if content.comparison is not None else frames["places"]
    return exports.csv_bytes(table.drop(columns="geometry"))


def _geojson(content: MapContent, view: MapView, tables: Tables) -> bytes:
    import geopandas as gpd

    routes = exports.content_frames(tables, content).get("routes")
    if routes is None:
        routes = gpd.GeoDataFrame({"route_id": []}, geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    return exports.geojson_bytes(routes, exports.content_sources_note(tables, content))


def _gpkg(content: MapContent, view: MapView, tables: Tables) -> bytes:
    frames = exports.content_frames(tables, content)
    return exports.geopackage_bytes(frames, exports.content_sources_note(tables, content))


WRITERS: dict[str, Writer] = {
    "png": _png,
    "pdf": _pdf,
    "html": _html,
    "csv": _csv,
    "geojson": _geojson,
    "gpkg": _gpkg,
}


@functools.lru_cache(maxsize=1)
def embedded_tables() -> Tables:
    """The embedded data, validated (for scripts and tests that have not loaded it)."""
    result = load_all()
    if result.tables is None:
        raise DataError(list(result.problems))
    return result.tables


def content_for(spec: MapSpec, tables: Tables) -> MapContent:
    return map_content(spec, tables, Translator(tables.translations, spec.language), plan=_planner(tables))


def _planner(tables: Tables) -> Callable:
    @functools.cache
    def plan(service_id: str, closed: tuple[str, ...], speed_kn: float):
        return plan_service(tables, service_id, closed, speed_kn)

    return plan


def export_link(link: str, file_format: str, tables: Tables | None = None) -> bytes:
    """The file of one format for what an app link shows."""
    tables = tables or embedded_tables()
    content = content_for(spec_from_link(link), tables)
    return WRITERS[file_format](content, content.view(), tables)


def tour_handout(tour_id: str, language: str, tables: Tables | None = None) -> bytes:
    """The whole tour as a PDF handout: one page per scene with its map, title, caption and sources."""
    from . import slides
    from .tour import load_scenes, scene_spec

    tables = tables or embedded_tables()
    tour, problems = load_scenes(tour_id, tables)
    if tour is None:
        raise DataError(list(problems))
    pages = []
    for scene in tour.scenes:
        content = content_for(scene_spec(scene, language), tables)
        pages.append(
            slides.Page(
                content,
                content.view(),
                title=scene.title(language),
                caption=scene.caption(language),
                extra_sources=scene.source_ids,
            )
        )
    return slides.pages_pdf(pages, tables, f"Corridor Atlas — {tour_id}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m atlas.export", description=__doc__.split("\n\n")[0])
    parser.add_argument("link", nargs="?", help="an app link, e.g. '/sea_services?service=…&lang=vi'")
    parser.add_argument("--tour", help="write a tour as a handout instead (with --format pdf)")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="the tour's language")
    parser.add_argument("--format", choices=sorted(WRITERS), required=True)
    parser.add_argument("-o", "--output", required=True, type=Path)
    args = parser.parse_args(argv)
    if bool(args.link) == bool(args.tour):
        parser.error("give either a link or --tour")
    if args.tour and args.format != "pdf":
        parser.error("a tour is written as a PDF handout: use --format pdf")
    try:
        data = tour_handout(args.tour, args.lang) if args.tour else export_link(args.link, args.format)
    except DataError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"python -m atlas.export: {error}", file=sys.stderr)
        return 2
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
