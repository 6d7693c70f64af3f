"""Downloads: tables as CSV, places and routes as GeoJSON and GeoPackage, each carrying its sources.

CSV cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) are prefixed with an
apostrophe (OWASP's CSV-injection advice), so an exported name cannot become =HYPERLINK(…).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import shapely

from loaders import Tables, split_ids

from .citations import source_date, source_label, source_text
from .i18n import Translator
from .model import CorridorLine, ServicePlan

if TYPE_CHECKING:
    from .content import MapContent

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(value: object) -> object:
    """A text cell that starts like a formula, made inert; numbers are left alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so Excel shows Vietnamese and Chinese correctly), formula-safe."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(defuse_formula)
    return safe.to_csv(index=False).encode("utf-8-sig")


def places_frame(tables: Tables) -> gpd.GeoDataFrame:
    return tables.places.copy()


def routes_frame(
    tables: Tables, plans: Sequence[ServicePlan], lines: Sequence[CorridorLine]
) -> gpd.GeoDataFrame:
    """One row per sea leg and per land corridor, with lengths and source ids."""
    services = tables.services.set_index("service_id")
    corridors = tables.corridors.set_index("corridor_id")
    rows = []
    for plan in plans:
        for index, leg in enumerate(plan.rotation.legs):
            rows.append(
                {
                    "route_id": f"{plan.service_id}#{index + 1}",
                    "kind": "sea_leg",
                    "name_en": services.loc[plan.service_id, "name_en"],
                    "from_place_id": plan.stops[index % len(plan.stops)].place_id,
                    "to_place_id": plan.stops[(index + 1) % len(plan.stops)].place_id,
                    "closed_passages": ";".join(plan.closed),
                    "passages": ";".join(leg.passages),
                    "distance_nm": round(leg.distance_nm, 1),
                    "distance_km": round(leg.distance_km, 1),
                    "speed_kn": leg.speed_kn,
                    "days": round(leg.days, 2),
                    "method": leg.method,
                    "source_ids": services.loc[plan.service_id, "source_ids"],
                    "geometry": leg.geometry,
                }
            )
    for line in lines:
        rows.append(
            {
                "route_id": line.corridor_id,
                "kind": f"corridor_{corridors.loc[line.corridor_id, 'mode']}",
                "name_en": corridors.loc[line.corridor_id, "name_en"],
                "distance_km": round(line.route.length_km, 1),
                "source_ids": corridors.loc[line.corridor_id, "source_ids"],
                "geometry": line.route.geometry,
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    frame["geometry"] = shapely.force_2d(frame.geometry.to_numpy())
    return frame


def sources_note(tables: Tables, data_date: str, t: Translator | None = None) -> str:
    """Plain-text provenance included with every export, in the export's language."""
    t = t or Translator(tables.translations, "en")
    lines = [t("export.data_as_of", date=data_date), t("export.sources", sources="")]
    for row in tables.sources.to_dict("records"):
        url = row["url"] if isinstance(row["url"], str) else ""
        title = source_text(row, "title", t.language)
        publisher = source_text(row, "publisher", t.language)
        lines.append(f"- [{row['source_id']}] {title} — {publisher}, {source_date(row, t)} {url}".rstrip())
    lines.append(t("export.basemap") + " — world-atlas 2.0.2")
    return "\n".join(line.rstrip() for line in lines)


def content_sources_note(tables: Tables, content: MapContent, extra_source_ids: Iterable[str] = ()) -> str:
    """`sources_note` for the sources of what a map shows, with its data date, in its language."""
    ids = [*content.source_ids, *extra_source_ids]
    used = tables.sources.loc[tables.sources["source_id"].isin(ids)]
    t = Translator(tables.translations, content.spec.language)
    return sources_note(replace(tables, sources=used), content.data_date, t)


def sources_line(tables: Tables, source_ids: Iterable[str], t: Translator) -> list[str]:
    """'Publisher, date' for each source, once each, in order, in t's language."""
    parts = [source_label(tables, [sid], t) for sid in source_ids]
    return list(dict.fromkeys(p for p in parts if p))


def content_frames(tables: Tables, content: MapContent) -> dict[str, gpd.GeoDataFrame]:
    """The places and routes a map shows, as the data exports write them (routes only if any)."""
    t = Translator(tables.translations, content.spec.language)
    places = places_frame(tables)
    places = places.loc[places["id"].isin(content.place_ids)]
    places = places.assign(
        sources=[source_label(tables, split_ids(ids), t) for ids in places["source_ids"]],
        data_as_of=content.data_date,
    )
    frames = {"places": places}
    if content.comparison is not None:
        frames["routes"] = comparison_legs_frame(content.comparison)
    elif content.plans or content.lines:
        frames["routes"] = routes_frame(tables, content.plans, content.lines)
    return frames


def comparison_legs_frame(comparison) -> gpd.GeoDataFrame:
    """A comparison's legs (`atlas.compare.legs_frame`: times, CO₂e, assumptions, sources) as lines."""
    from .compare import legs_frame

    legs = [leg for option in comparison.options for leg in option.legs]
    geometry = [shapely.LineString(leg.path) for leg in legs]
    return gpd.GeoDataFrame(legs_frame(comparison), geometry=geometry, crs="EPSG:4326")


def geojson_bytes(frame: gpd.GeoDataFrame, note: str) -> bytes:
    """GeoJSON FeatureCollection with the provenance note as a top-level member."""
    collection = json.loads(frame.to_json(na="null", drop_id=True))
    collection["corridor_atlas_sources"] = note
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def geopackage_bytes(layers: dict[str, gpd.GeoDataFrame], note: str) -> bytes:
    """A GeoPackage with one layer per frame plus a `sources` attribute table."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corridor-atlas.gpkg"
        for name, frame in layers.items():
            frame.to_file(path, layer=name, driver="GPKG")
        provenance = gpd.GeoDataFrame(
            {"note": note.splitlines()}, geometry=[None] * len(note.splitlines()), crs="EPSG:4326"
        )
        provenance.to_file(path, layer="sources", driver="GPKG")
        return path.read_bytes()
