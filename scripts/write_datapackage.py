"""Write data/datapackage.json: the Frictionless Table Schema of every curated table.

The JSON file is the contract; this script only keeps it tidy. Run it after editing a schema here:
    python scripts/write_datapackage.py
"""

from __future__ import annotations

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

# A double underscore joins two ids (gate pairs: vn__cn).
ID_PATTERN = "^[a-z0-9]+(__?[a-z0-9]+)*$"
ID_LIST_PATTERN = "^[a-z0-9_]+(;[a-z0-9_]+)*$"
# Border markers as the sources write them: "1119–1120", "1088/2–1089" (an en dash between the two).
ROAD_MARKERS_PATTERN = "^[0-9]+(/[0-9]+)?–[0-9]+(/[0-9]+)?$"
# Partial ISO dates: the sources often give only a year or a month.
PARTIAL_DATE_PATTERN = "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"


def _id(name: str, description: str, unique: bool = False) -> dict:
    constraints: dict = {"required": True, "pattern": ID_PATTERN}
    if unique:
        constraints["unique"] = True
    return {"name": name, "type": "string", "description": description, "constraints": constraints}


def _text(name: str, description: str, required: bool = False) -> dict:
    field: dict = {"name": name, "type": "string", "description": description}
    if required:
        field["constraints"] = {"required": True}
    return field


def _enum(name: str, values: list[str], description: str, required: bool = True) -> dict:
    return {
        "name": name,
        "type": "string",
        "description": description,
        "constraints": {"required": required, "enum": values},
    }


def _partial_date(name: str, description: str, required: bool = False) -> dict:
    return {
        "name": name,
        "type": "string",
        "format": "default",
        "description": description + " (YYYY, YYYY-MM or YYYY-MM-DD)",
        "constraints": {"required": required, "pattern": PARTIAL_DATE_PATTERN},
    }


def _sources(name: str = "source_ids") -> dict:
    return {
        "name": name,
        "type": "string",
        "description": "Semicolon-separated ids from sources.csv",
        "constraints": {"required": True, "pattern": ID_LIST_PATTERN},
    }


def _status_as_of() -> dict:
    # Not required by the schema: a row without a status needs no date. The validator's own rule
    # (loaders._checks.status_problems) rejects a status without a date or a source, by row.
    return _partial_date("status_as_of", "Date on which a source last confirms the status")


def _status_sources() -> dict:
    return {
        "name": "status_source_ids",
        "type": "string",
        "description": "Semicolon-separated ids from sources.csv that confirm the status on status_as_of",
        "constraints": {"pattern": ID_LIST_PATTERN},
    }


def _fk(field: str, resource: str, target: str = "id") -> dict:
    return {"fields": field, "reference": {"resource": resource, "fields": target}}


PLACE_KINDS = [
    "port",
    "terminal",
    "border_gate",
    "rail_border_station",
    "airport",
    "city",
    "economic_zone",
    "industrial_park",
]
STATUS = ["operating", "planned", "pilot", "suspended"]
ASSUMPTION_MODES = ["road", "rail", "sea", "air", "any"]
ASSUMPTION_PARAMETERS = [
    "line_haul_speed",
    "road_factor",
    "wait",
    "frequency",
    "terminal",
    "border_crossing",
    "port_call",
    "payload",
    "co2e_ttw",
    "co2e_wtt",
    "co2e_wtw",
]
ASSUMPTION_UNITS = [
    "km/h",
    "kn",
    "h",
    "ratio",
    "trains/week",
    "t/TEU",
    "kg CO2e/t-km",
    "kg CO2e/TEU-km",
]

RESOURCES: list[dict] = [
    {
        "name": "sources",
        "path": "sources.csv",
        "title": "Source articles and public references",
        "schema": {
            "fields": [
                _id("source_id", "Stable id: art### for the articles, ref_* for public references", True),
                _enum("kind", ["article", "reference"], "Article from the brief or public reference"),
                _text("title", "Title (or a descriptive title where the copy has none)", True),
                _text("publisher", "Publisher or site", True),
                {"name": "url", "type": "string", "format": "uri", "description": "Address, if known"},
                _partial_date("published_date", "Publication or event date"),
                _enum("language", ["vi", "ms", "en", "zh", "nl"], "Language of the text"),
                _text("file", "Copy inside data/ for the articles"),
                {
                    "name": "accessed_date",
                    "type": "date",
                    "description": "When it was read",
                    "constraints": {"required": True},
                },
                _text("licence", "Licence or copyright note"),
                _text("notes", "How the date was established, caveats"),
            ],
            "primaryKey": "source_id",
        },
    },
    {
        "name": "places",
        "path": "places.csv",
        "title": "Ports, terminals, gates, stations, airports, cities and zones",
        "schema": {
            "fields": [
                _id("id", "Stable place id (public contract)", True),
                _enum("kind", PLACE_KINDS, "What the place is"),
                _text("name_en", "English name", True),
                _text("name_vi", "Vietnamese name, NFC with diacritics", True),
                _text("name_zh", "Chinese name in characters, empty where none is established"),
                _text("label_en", "Short map label in English, where the name is too long for a map"),
                _text("label_vi", "Short map label in Vietnamese"),
                _text("label_zh", "Short map label in Chinese"),
                {
                    "name": "country",
                    "type": "string",
                    "description": "ISO 3166-1 alpha-2",
                    "constraints": {"required": True, "pattern": "^[A-Z]{2}$"},
                },
                {
                    "name": "lat_deg",
                    "type": "number",
                    "description": "Latitude, degrees (EPSG:4326)",
                    "constraints": {"required": True, "minimum": -90, "maximum": 90},
                },
                {
                    "name": "lon_deg",
                    "type": "number",
                    "description": "Longitude, degrees (EPSG:4326)",
                    "constraints": {"required": True, "minimum": -180, "maximum": 180},
                },
                {
                    "name": "unlocode",
                    "type": "string",
                    "description": "UN/LOCODE",
                    "constraints": {"pattern": "^[A-Z]{2}[A-Z2-9]{3}$"},
                },
                {
                    "name": "iata",
                    "type": "string",
                    "description": "IATA airport code",
                    "constraints": {"pattern": "^[A-Z]{3}$"},
                },
                _enum(
                    "waterfront",
                    ["sea", "river"],
                    "Ports and terminals: on the sea coast, or up a river (Kolkata, Antwerp)",
                    required=False,
                ),
                _enum("status", STATUS, "Operating state, empty where not meaningful", required=False),
                _status_as_of(),
                _status_sources(),
                _enum(
                    "coord_method",
                    ["reference", "reference_adjusted", "approximate"],
                    "How the coordinate was obtained",
                ),
                {
                    "name": "coord_precision_m",
                    "type": "integer",
                    "description": "Estimated precision, metres",
                    # A city or zone drawn from its centre is good to ~20 km; 1,000 km is no position.
                    "constraints": {"required": True, "minimum": 1, "maximum": 1_000_000},
                },
                _text("coord_reference", "Which reference(s) and what they give", True),
                _sources(),
                _text("notes", "Notes"),
            ],
            "primaryKey": "id",
        },
    },
    {
        "name": "gate_pairs",
        "path": "gate_pairs.csv",
        "title": "Viet Nam – China border gate pairs",
        "schema": {
            "fields": [
                _id("pair_id", "Stable pair id", True),
                _id("vn_place_id", "Vietnamese side (places.id)"),
                _id("cn_place_id", "Chinese side (places.id)"),
                _text("label_en", "Short name of the pair for map labels, English", True),
                _text("label_vi", "Short name of the pair for map labels, Vietnamese", True),
                _text("label_zh", "Short name of the pair for map labels, Chinese", True),
                _enum(
                    "level",
                    [
                        "international",
                        "bilateral_main",
                        "auxiliary",
                        "freight_opening",
                        "railway",
                        "unspecified",
                    ],
                    "Level of the gate pair; unspecified where no source states it",
                ),
                _enum("status", STATUS, "Status on status_as_of"),
                _status_as_of(),
                _status_sources(),
                _text("status_note_en", "What the status means, English", True),
                _text("status_note_vi", "What the status means, Vietnamese", True),
                _text("status_note_zh", "What the status means, Chinese", True),
                {
                    "name": "smart_gate_pilot",
                    "type": "boolean",
                    "description": "Part of the smart-gate pilot",
                    "constraints": {"required": True},
                },
                {
                    "name": "smart_gate_road_markers",
                    "type": "string",
                    "description": (
                        "Border markers of the pilot's dedicated freight road (e.g. 1119–1120); required "
                        "for a pilot pair. No public position: maps draw it at the pair"
                    ),
                    "constraints": {"pattern": ROAD_MARKERS_PATTERN},
                },
                _text("smart_gate_note_en", "Pilot details, English"),
                _text("smart_gate_note_vi", "Pilot details, Vietnamese"),
                _text("smart_gate_note_zh", "Pilot details, Chinese"),
                _sources(),
            ],
            "primaryKey": "pair_id",
            "foreignKeys": [_fk("vn_place_id", "places"), _fk("cn_place_id", "places")],
        },
    },
    {
        "name": "services",
        "path": "services.csv",
        "title": "Scheduled links and illustrative partner lanes",
        "schema": {
            "fields": [
                _id("service_id", "Stable service id", True),
                _enum("mode", ["sea", "air", "road", "rail"], "Mode of transport"),
                _enum(
                    "kind", ["scheduled", "partner_lane"], "A scheduled service, or a lane to a partner port"
                ),
                _text("name_en", "English name", True),
                _text("name_vi", "Vietnamese name", True),
                _text("name_zh", "Chinese name"),
                _text("operator", "Operator(s) as the source names them"),
                _text("frequency_text", "Frequency in the source's own words"),
                {
                    "name": "frequency_days",
                    "type": "number",
                    "description": "Headway between sailings, days",
                    "constraints": {"minimum": 0.1, "maximum": 366},
                },
                _partial_date("start_date", "First sailing or flight"),
                _enum("status", ["operating", "proposed", "under_study", "illustrative"], "Service status"),
                _status_as_of(),
                _status_sources(),
                _sources(),
                _text("notes", "Notes"),
            ],
            "primaryKey": "service_id",
        },
    },
    {
        "name": "service_stops",
        "path": "service_stops.csv",
        "title": "Ordered stops of each service",
        "schema": {
            "fields": [
                _id("service_id", "services.service_id"),
                {
                    "name": "stop_seq",
                    "type": "integer",
                    "description": "Order of the call, from 1",
                    "constraints": {"required": True, "minimum": 1, "maximum": 500},
                },
                _id("place_id", "places.id"),
                _enum("stop_basis", ["stated", "assumed"], "Whether the source names this exact place"),
                {
                    "name": "port_hours",
                    "type": "number",
                    "description": "Time in port per call, hours",
                    "constraints": {"minimum": 0, "maximum": 720},
                },
                _text("note", "Why this place"),
                _sources(),
            ],
            "primaryKey": ["service_id", "stop_seq"],
            "foreignKeys": [_fk("service_id", "services", "service_id"), _fk("place_id", "places")],
        },
    },
    {
        "name": "cargo",
        "path": "cargo.csv",
        "title": "Commodities by service and direction",
        "schema": {
            "fields": [
                _id("service_id", "services.service_id"),
                _enum(
                    "direction",
                    ["export_from_china", "import_to_china"],
                    "Seen from China, as the source lists them: exports from China, imports into China. "
                    "The source names no port of loading or discharge for either list",
                ),
                {
                    "name": "seq",
                    "type": "integer",
                    "description": "Order in the source's list",
                    "constraints": {"required": True, "minimum": 1, "maximum": 10_000},
                },
                _text("commodity_en", "English", True),
                _text("commodity_vi", "Vietnamese", True),
                _text("commodity_zh", "Chinese", True),
                {
                    "name": "hs_chapter",
                    "type": "string",
                    "description": "HS chapter where unambiguous",
                    "constraints": {"pattern": "^[0-9]{2}$"},
                },
                _text("source_wording", "The source's words", True),
                _sources(),
            ],
            "primaryKey": ["service_id", "direction", "seq"],
            "foreignKeys": [_fk("service_id", "services", "service_id")],
        },
    },
    {
        "name": "agreements",
        "path": "agreements.csv",
        "title": "Agreements, MoUs, decisions, talks and visits",
        "schema": {
            "fields": [
                _id("agreement_id", "Stable id", True),
                _partial_date("date", "Date signed or held"),
                _enum(
                    "date_qualifier",
                    ["on", "on_or_before"],
                    "on: the source dates the event; on_or_before: only the article's publication date "
                    "is known, the event happened then or earlier",
                    required=False,
                ),
                _enum(
                    "kind",
                    [
                        "mou",
                        "framework_agreement",
                        "strategic_framework_agreement",
                        "government_decision",
                        "talks",
                        "visit",
                        "service_launch",
                        "agreement",
                        "announcement",
                    ],
                    "What it is",
                ),
                _text("title_en", "English title", True),
                _text("title_vi", "Vietnamese title", True),
                _text("title_zh", "Chinese title", True),
                _text("parties_en", "Semicolon-separated parties, English", True),
                _text("parties_vi", "Semicolon-separated parties, Vietnamese", True),
                _text("parties_zh", "Semicolon-separated parties (；), Chinese", True),
                _text("topic_en", "What it covers, English", True),
                _text("topic_vi", "What it covers, Vietnamese", True),
                _text("topic_zh", "What it covers, Chinese", True),
                {
                    "name": "place_ids",
                    "type": "string",
                    "description": "Semicolon-separated places.id",
                    "constraints": {"required": True, "pattern": ID_LIST_PATTERN},
                },
                _sources(),
                _text("notes", "Notes"),
            ],
            "primaryKey": "agreement_id",
        },
    },
    {
        "name": "figures",
        "path": "figures.csv",
        "title": "Every quantitative fact from the sources",
        "schema": {
            "fields": [
                _id("figure_id", "Stable id", True),
                _id("entity_id", "places.id, services.service_id or gate_pairs.pair_id"),
                _id("metric", "What is measured (snake_case)"),
                {
                    "name": "value",
                    "type": "number",
                    "description": "The number",
                    # Any published trade figure fits (world GDP in dollars is ~1e14); 1e400 does not.
                    "constraints": {"required": True, "minimum": -1e15, "maximum": 1e15},
                },
                _text("unit", "Unit as published (English)", True),
                _text("unit_vi", "Unit in Vietnamese", True),
                _text("unit_zh", "Unit in Chinese", True),
                _enum(
                    "qualifier",
                    ["exact", "about", "more_than", "at_least", "nearly", "less_than", "up_to"],
                    "How the source qualifies the number (up_to: an upper bound, 'lên tới')",
                ),
                _partial_date("as_of", "Date the figure refers to", required=True),
                _text("label_en", "English label", True),
                _text("label_vi", "Vietnamese label", True),
                _text("label_zh", "Chinese label", True),
                _text("source_wording", "The source's words", True),
                _sources(),
                _text(
                    "notes",
                    "What exactly the figure describes (e.g. which Hai Phong: before or after 1 July 2025)",
                ),
            ],
            "primaryKey": "figure_id",
        },
    },
    {
        "name": "corridors",
        "path": "corridors.csv",
        "title": "Road and rail corridors",
        "schema": {
            "fields": [
                _id("corridor_id", "Stable id", True),
                _enum("mode", ["road", "rail", "high_speed_rail"], "Mode"),
                _enum("status", ["operating", "under_construction", "proposed"], "Status on status_as_of"),
                _status_as_of(),
                _status_sources(),
                _text("name_en", "English name", True),
                _text("name_vi", "Vietnamese name", True),
                _text("name_zh", "Chinese name"),
                {
                    "name": "published_length_km",
                    "type": "number",
                    "description": "Published length, km",
                    "constraints": {"minimum": 0, "maximum": 40_000},
                },
                {
                    "name": "length_source_ids",
                    "type": "string",
                    "description": "Source of the length",
                    "constraints": {"pattern": ID_LIST_PATTERN},
                },
                _sources(),
                _text("notes", "Notes"),
            ],
            "primaryKey": "corridor_id",
        },
    },
    {
        "name": "corridor_waypoints",
        "path": "corridor_waypoints.csv",
        "title": "Ordered waypoints of each corridor",
        "schema": {
            "fields": [
                _id("corridor_id", "corridors.corridor_id"),
                {
                    "name": "seq",
                    "type": "integer",
                    "description": "Order from 1",
                    "constraints": {"required": True, "minimum": 1, "maximum": 500},
                },
                _id("place_id", "places.id"),
                _sources(),
            ],
            "primaryKey": ["corridor_id", "seq"],
            "foreignKeys": [_fk("corridor_id", "corridors", "corridor_id"), _fk("place_id", "places")],
        },
    },
    {
        "name": "translations",
        "path": "translations.csv",
        "title": "User-interface text in English, Vietnamese and Chinese",
        "schema": {
            "fields": [
                {
                    "name": "key",
                    "type": "string",
                    "description": "Key used by the code",
                    "constraints": {"required": True, "unique": True, "pattern": "^[a-z0-9_.]+$"},
                },
                _text("en", "English", True),
                _text("vi", "Vietnamese", True),
                _text("zh", "Chinese (Simplified)", True),
            ],
            "primaryKey": "key",
        },
    },
    {
        "name": "assumptions",
        "path": "assumptions.csv",
        "title": "Defaults of the corridor comparison: speeds, dwell, border times, payloads, CO2e factors",
        "schema": {
            "fields": [
                _id("assumption_id", "Stable id used by atlas.compare and in share links", True),
                _enum("mode", ASSUMPTION_MODES, "Mode the figure applies to (any: all modes)"),
                _text("vehicle_class", "Vehicle or vessel class (GLEC / ISO 14083 wording where one exists)"),
                _enum("parameter", ASSUMPTION_PARAMETERS, "What the figure is"),
                {
                    "name": "value",
                    "type": "number",
                    "description": "The figure, in `unit`",
                    "constraints": {"required": True, "minimum": 0},
                },
                _enum("unit", ASSUMPTION_UNITS, "Unit of value"),
                _enum(
                    "basis",
                    ["sourced", "assumption"],
                    "sourced: a published figure (needs source_ids); assumption: our estimate (see notes)",
                ),
                {
                    "name": "source_ids",
                    "type": "string",
                    "description": "Semicolon-separated ids from sources.csv; required when basis is sourced",
                    "constraints": {"pattern": ID_LIST_PATTERN},
                },
                _partial_date("as_of", "Date the figure refers to (sourced) or was set (assumption)", True),
                _text("notes", "What the figure covers and its caveats"),
            ],
            "primaryKey": "assumption_id",
        },
    },
]


def build_package() -> dict:
    resources = []
    for resource in RESOURCES:
        resources.append(
            {
                **resource,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
            }
        )
    return {
        "name": "corridor-atlas",
        "title": "Corridor Atlas curated data",
        "description": "Trade corridors around Hai Phong: places, gate pairs, services, cargo, agreements, "
        "figures and land corridors, each row tied to its sources. Illustrative, not for navigation.",
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Tables: Creative Commons Attribution 4.0",
            }
        ],
        "resources": resources,
    }


def main() -> None:
    path = DATA_DIR / "datapackage.json"
    path.write_text(json.dumps(build_package(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
