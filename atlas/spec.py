"""A map spec: exactly the state a deep link carries, and nothing else.

`/sea_services?service=lane_haiphong_antwerp&closed=red_sea&lang=vi` is one spec; the page, the tour,
the slide, the HTML file and the data exports of that link are all rendered from it (through
`atlas.content.map_content`). Parsing and writing the link live here so the app and the command line
(`python -m atlas.export URL`) read it the same way.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

import geo

from .i18n import LANGUAGES, pick_language
from .views import MapView, parse_view, view_param

MapKind = Literal["overview", "sea_services", "border_gates", "partners", "cargo", "compare", "your_data"]
# One vocabulary: a map kind is the URL path of the page that draws it.
MAP_KINDS: tuple[str, ...] = (
    "overview",
    "sea_services",
    "border_gates",
    "partners",
    "cargo",
    "compare",
    "your_data",
)
# The layer filters of the sidebar (also a deep-link parameter, `layers=`).
LAYER_FILTERS: tuple[str, ...] = ("sea", "lanes", "corridors", "air", "gates", "zones", "cities")
Style = Literal["screen", "projector"]
STYLES: tuple[str, ...] = ("screen", "projector")
FIT = "fit"
MIN_SPEED_KN, MAX_SPEED_KN = 8.0, 24.0
MAX_QUERY_CHARS = 100
CLOSABLE: tuple[str, ...] = (*geo.SHORTHANDS, *geo.CLOSABLE_PASSAGES)
DEFAULT_SPEED_KN = 14.0
Unit = Literal["teu", "tonnes"]
UNITS: tuple[str, ...] = ("teu", "tonnes")
MAX_AMOUNT = 1e6
MAX_OVERRIDES = 100
_PLACE_ID = re.compile(r"[a-z0-9_]{1,64}")


@dataclass(frozen=True)
class MapSpec:
    """What one map shows. `view` None means "fit everything the selection draws".

    `service_id` is the sea services page's service, the cargo page's focus, or the service a tour
    scene emphasises; `closed` draws a what-if route over the normal one; `highlight` rings places
    (tours); `query` is the cargo search; `style` "projector" draws larger labels and wider lines.
    A comparison (`compare`) goes from `origin` to `destination` (place ids) for `amount` TEU or
    tonnes, with `overrides` of its assumptions (id, value) and the vessels placed on `day`.
    """

    kind: MapKind = "overview"
    language: str = "en"
    layers: tuple[str, ...] = LAYER_FILTERS
    show_planned: bool = True
    service_id: str | None = None
    closed: tuple[str, ...] = ()
    speed_kn: float = DEFAULT_SPEED_KN
    view_name: str = FIT
    view: MapView | None = None
    highlight: tuple[str, ...] = ()
    query: str = ""
    style: Style = "screen"
    origin: str | None = None
    destination: str | None = None
    unit: Unit = "teu"
    amount: float = 1.0
    overrides: tuple[tuple[str, float], ...] = ()
    day: dt.date | None = None

    def __post_init__(self) -> None:
        if self.kind not in MAP_KINDS:
            raise ValueError(f"unknown map kind {self.kind!r}; use one of {', '.join(MAP_KINDS)}")
        if self.language not in LANGUAGES:
            raise ValueError(f"unknown language {self.language!r}; use one of {', '.join(LANGUAGES)}")
        unknown = set(self.layers) - set(LAYER_FILTERS)
        if unknown:
            raise ValueError(f"unknown layers {sorted(unknown)}; use some of {', '.join(LAYER_FILTERS)}")
        if self.style not in STYLES:
            raise ValueError(f"unknown style {self.style!r}; use one of {', '.join(STYLES)}")
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}; use one of {', '.join(UNITS)}")
        if not (math.isfinite(self.amount) and 0 < self.amount <= MAX_AMOUNT):
            raise ValueError(f"the consignment must be a number above 0 and at most {MAX_AMOUNT:g}")

    @property
    def fitted(self) -> bool:
        return self.view is None

    def without_view(self) -> MapSpec:
        """The spec with its view dropped: what the map *contains* does not depend on where it looks."""
        return replace(self, view=None, view_name=FIT)

    def layer_on(self, name: str) -> bool:
        return name in self.layers

    def query_params(self) -> dict[str, str]:
        """The deep-link parameters of this spec (defaults left out, so links stay short)."""
        params: dict[str, str] = {"lang": self.language}
        if self.kind in ("sea_services", "cargo") and self.service_id:
            params["service"] = self.service_id
        if self.closed:
            params["closed"] = ",".join(self.closed)
        if self.kind == "sea_services" or self.speed_kn != DEFAULT_SPEED_KN:
            params["speed"] = f"{self.speed_kn:g}"
        if self.view is not None:
            params["view"] = view_param(self.view_name, self.view)
        if self.kind in ("overview", "border_gates") and tuple(self.layers) != LAYER_FILTERS:
            params["layers"] = ",".join(self.layers) or "none"
        if not self.show_planned:
            params["planned"] = "0"
        if self.highlight:
            params["highlight"] = ",".join(self.highlight)
        if self.query:
            params["q"] = self.query
        if self.kind == "compare":
            params |= {k: v for k, v in (("from", self.origin), ("to", self.destination)) if v}
            params[self.unit] = f"{self.amount:g}"
            if self.overrides:
                params["set"] = ",".join(f"{key}:{value:g}" for key, value in self.overrides)
            if self.day is not None:
                params["day"] = self.day.isoformat()
        return params

    def link(self) -> str:
        """The path and query of this map in the app, e.g. `/sea_services?service=…&lang=vi`."""
        return f"/{self.kind}?{urlencode(self.query_params())}"


def parse_closed(value: str | None) -> tuple[str, ...]:
    """`closed=red_sea,panama`: known passages only, each once, in the order given."""
    if not value:
        return ()
    return tuple(dict.fromkeys(p.strip() for p in value.split(",") if p.strip() in CLOSABLE))


def parse_speed(value: str | None) -> float:
    """`speed=16`: a finite number of knots, clamped to what the slider offers; else the default."""
    try:
        speed = float(value) if value is not None else DEFAULT_SPEED_KN
    except ValueError:
        return DEFAULT_SPEED_KN
    if not math.isfinite(speed):
        return DEFAULT_SPEED_KN
    return min(max(speed, MIN_SPEED_KN), MAX_SPEED_KN)


def parse_layers(value: str | None) -> tuple[str, ...]:
    if value is None:
        return LAYER_FILTERS
    wanted = {v.strip() for v in value.split(",")}
    return tuple(f for f in LAYER_FILTERS if f in wanted)


def parse_query(value: str | None) -> str:
    """`q=`: NFC (typed text may come decomposed), trimmed to a bounded length."""
    return unicodedata.normalize("NFC", value or "")[:MAX_QUERY_CHARS]


def parse_view_value(value: str | None) -> tuple[str, MapView | None]:
    """`view=`: a preset, `lat,lon,zoom`, or nothing (fit the content)."""
    if not value or value == FIT:
        return FIT, None
    name, view = parse_view(value, "world")
    if name == "world" and value != "world":
        return FIT, None  # unreadable: fit rather than guess
    return name, view


def parse_place(value: str | None) -> str | None:
    """`from=` / `to=`: something shaped like a place id (whether it exists is the data's question)."""
    value = (value or "").strip()
    return value if _PLACE_ID.fullmatch(value) else None


def parse_consignment(params: Mapping[str, str]) -> tuple[Unit, float]:
    """`teu=2` or `tonnes=40`: a positive finite amount up to MAX_AMOUNT; else one TEU."""
    for unit in UNITS:
        try:
            amount = float(params.get(unit, ""))
        except ValueError:
            continue
        if math.isfinite(amount) and amount > 0:
            return unit, min(amount, MAX_AMOUNT)  # type: ignore[return-value]
    return "teu", 1.0


def parse_overrides(value: str | None) -> tuple[tuple[str, float], ...]:
    """`set=sea_speed_kn:16,border_hours:4`: id:value pairs, values finite, ≥ 0 and bounded; the
    first MAX_OVERRIDES kept, sorted by id (so one set of changes is one link)."""
    pairs: dict[str, float] = {}
    for item in (value or "").split(",")[:MAX_OVERRIDES]:
        key, _, text = item.partition(":")
        try:
            number = float(text)
        except ValueError:
            continue
        if _PLACE_ID.fullmatch(key.strip()) and math.isfinite(number) and number >= 0:
            pairs[key.strip()] = min(number, MAX_AMOUNT)
    return tuple(sorted(pairs.items()))


def parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def spec_from_link(link: str, browser_locale: str | None = None) -> MapSpec:
    """The spec of an app link: a full URL, a path with a query, or a bare query string.

    The path names the page (`/sea_services`); an unknown or missing path is the overview.
    """
    parts = urlsplit(link if "://" in link or link.startswith("/") or "=" not in link else "?" + link)
    path = parts.path.strip("/").split("/")[-1] if parts.path.strip("/") else "overview"
    kind = path if path in MAP_KINDS else "overview"
    return spec_from_params(kind, dict(parse_qsl(parts.query, keep_blank_values=True)), browser_locale)


def spec_from_params(kind: str, params: Mapping[str, str], browser_locale: str | None = None) -> MapSpec:
    """The spec for a page's query parameters (the same rules the app applies to its URL)."""
    view_name, view = parse_view_value(params.get("view"))
    unit, amount = parse_consignment(params)
    highlight = tuple(h for h in (params.get("highlight") or "").split(",") if h)
    return MapSpec(
        kind=kind,  # type: ignore[arg-type]
        language=pick_language((params.get("lang") or "").lower() or None, browser_locale),
        layers=parse_layers(params.get("layers")),
        show_planned=params.get("planned") != "0",
        service_id=params.get("service") or None,
        closed=parse_closed(params.get("closed")),
        speed_kn=parse_speed(params.get("speed")),
        view_name=view_name,
        view=view,
        highlight=highlight,
        query=parse_query(params.get("q")),
        origin=parse_place(params.get("from")),
        destination=parse_place(params.get("to")),
        unit=unit,
        amount=amount,
        overrides=parse_overrides(params.get("set")),
        day=parse_day(params.get("day")),
    )
