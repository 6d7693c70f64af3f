"""Cached access to the curated data and routes: loaded once per process, shared by every session."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pydeck as pdk
import streamlit as st

from atlas import layers, model, overlay
from atlas.content import MapContent, Uploads, map_content
from atlas.deck import content_deck
from atlas.i18n import Translator
from atlas.label_hints import LabelHint
from atlas.label_hints import label_hint as hint_for
from atlas.spec import MapSpec
from loaders import LoadResult, Tables, load_all


@st.cache_resource(show_spinner=False)
def load_result() -> LoadResult:
    """Validate and load the embedded data once per server process (read-only afterwards)."""
    return load_all()


def tables() -> Tables:
    """The tables, or stop the page with the data problems shown (never a traceback)."""
    result = load_result()
    if result.tables is None:
        from .widgets import show_data_problems

        show_data_problems(result.problems)
        st.stop()
    return result.tables


@st.cache_resource(show_spinner=False)
def translator(language: str) -> Translator:
    return Translator(tables().translations, language)


@st.cache_resource(show_spinner=False, max_entries=256)
def service_plan(service_id: str, closed: tuple[str, ...], speed_kn: float) -> model.ServicePlan:
    return model.plan_service(tables(), service_id, closed, speed_kn)


@dataclass(frozen=True)
class SessionData:
    """This session's accepted uploads: the curated tables merged with them, and their routes.
    `digest` names the uploaded files, so what is cached for them is cached per upload."""

    digest: str
    tables: Tables
    uploads: Uploads


def session_data() -> SessionData | None:
    """The uploads accepted on "Your data" in this session, or None (merged once per upload)."""
    result = st.session_state.get("yours_result")
    if result is None or not result.ok or result.data is None:
        return None
    # Routed by the "Your data" page when it accepts the upload: (routes, skipped).
    routes = st.session_state.get("yours_routes") or ((), ())
    digest = st.session_state.get("yours_digest", "")
    kept = st.session_state.get("_session_data")
    if kept is None or kept.digest != digest:
        merged = overlay.merge_tables(tables(), result.data)
        kept = SessionData(digest, merged, Uploads(result.data, tuple(routes[0])))
        st.session_state["_session_data"] = kept
    return kept


def content(spec: MapSpec, session: SessionData | None = None) -> MapContent:
    """What a map shows, built once per spec (and upload); the view is not part of the key (it only
    frames). A comparison that cannot be made raises atlas.compare.CompareError."""
    if session is None:
        built = _content(spec.without_view())
    else:
        built = _session_content(spec.without_view(), session.digest, session)
    return built if spec.view is None else replace(built, spec=spec)


# A spec is a frozen dataclass of plain values, so its repr is exact; Streamlit's own hashing of it
# (pickle-based) took ~1 ms a lookup, and every map page looks its spec up twice a run.
_SPEC_KEY = {MapSpec: repr}


@st.cache_resource(show_spinner=False, max_entries=256, hash_funcs=_SPEC_KEY)
def _content(spec: MapSpec) -> MapContent:
    return map_content(spec, tables(), translator(spec.language), plan=service_plan)


def deck(
    spec: MapSpec, size_px: tuple[float, float], online: bool, session: SessionData | None = None
) -> pdk.Deck:
    """The deck a page shows for a spec on a screen of `size_px` (with this session's uploads),
    built and serialised once.

    st.pydeck_chart serialises its deck on every run (`Deck.to_json`, ~10 ms for a map page) and
    pydeck's `Deck()` retries a failing Jupyter import five times per deck: a rerun whose map did not
    change (a language switch back, a widget elsewhere on the page, a click) now costs neither. The
    data version is part of the key implicitly: the tables are loaded once per process (uploads by
    their digest), and Streamlit's cache clearing empties this cache with theirs. Read-only: every
    session shares it.
    """
    return _deck(spec, size_px, online, session.digest if session else "", session)


def label_hint(spec: MapSpec, size_px: tuple[float, float], session: SessionData | None = None) -> LabelHint:
    """Which labels the map of `spec` leaves out on a screen of `size_px`, and which preset views
    would show them (atlas.label_hints), worked out once per spec and screen like the deck."""
    return _label_hint(spec, size_px, session.digest if session else "", session)


@st.cache_resource(show_spinner=False, max_entries=256, hash_funcs=_SPEC_KEY)
def _label_hint(
    spec: MapSpec, size_px: tuple[float, float], digest: str, _session: SessionData | None
) -> LabelHint:
    shown = content(spec, _session)
    return hint_for(shown, shown.view(size_px), size_px)


@st.cache_resource(show_spinner=False, max_entries=256, hash_funcs=_SPEC_KEY)
def _deck(
    spec: MapSpec, size_px: tuple[float, float], online: bool, digest: str, _session: SessionData | None
) -> pdk.Deck:
    shown = content(spec, _session)
    built = content_deck(shown, shown.view(size_px), online_tiles=online, frame_px=size_px)
    serialised = built.to_json()
    built.to_json = lambda: serialised  # the same string for every session and run
    return built


@st.cache_resource(show_spinner=False)
def sea_services() -> list[str]:
    return model.sea_services(tables())


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs=_SPEC_KEY)
def _session_content(spec: MapSpec, digest: str, _session: SessionData) -> MapContent:
    # Curated services route as everywhere (cached); uploaded ones come routed with the session.
    return map_content(
        spec, _session.tables, translator(spec.language), plan=service_plan, uploads=_session.uploads
    )


@st.cache_resource(show_spinner=False)
def corridor_lines() -> list[model.CorridorLine]:
    return model.corridor_lines(tables())


@st.cache_resource(show_spinner=False)
def air_links() -> list[model.AirLink]:
    return model.air_links(tables())


# Layer records, cached per language and selection: building them (simplifying routes, joining
# sources, formatting tooltips) costs ~0.4 s, a rerun that only changes the view must not pay it again.
# Records are read-only by convention; cache_resource avoids copying them on every rerun.


@st.cache_resource(show_spinner=False, max_entries=512)
def service_records(
    service_id: str,
    closed: tuple[str, ...],
    speed_kn: float,
    language: str,
    colour: tuple[int, ...] | None = None,
    width: float = 4.0,
    dashed: bool = False,
    label_key: str = "map.service",
) -> list[dict]:
    plan = service_plan(service_id, closed, speed_kn)
    return layers.service_records(
        tables(),
        plan,
        language,
        translator(language),
        colour=list(colour) if colour else None,
        width=width,
        dashed=dashed,
        label_key=label_key,
    )


@st.cache_resource(show_spinner=False, max_entries=256)
def place_records(language: str, kinds: tuple[str, ...], only: tuple[str, ...] | None = None) -> list[dict]:
    return layers.place_records(tables(), language, translator(language), kinds=kinds, only=only)


@st.cache_resource(show_spinner=False, max_entries=256)
def label_records(language: str, kinds: tuple[str, ...], only: tuple[str, ...] | None = None) -> list[dict]:
    return layers.label_records(place_records(language, kinds, only), tables(), language)


@st.cache_resource(show_spinner=False, max_entries=16)
def zone_records(language: str) -> list[dict]:
    return layers.zone_records(tables(), language, translator(language))


@st.cache_resource(show_spinner=False, max_entries=64)
def corridor_records(language: str, operating_only: bool = False) -> list[dict]:
    corridors = tables().corridors.set_index("corridor_id")["status"]
    lines = [c for c in corridor_lines() if not operating_only or corridors[c.corridor_id] == "operating"]
    return layers.corridor_records(tables(), lines, language, translator(language))


@st.cache_resource(show_spinner=False, max_entries=16)
def air_records(language: str) -> list[dict]:
    return layers.air_records(tables(), air_links(), language, translator(language))


@st.cache_resource(show_spinner=False, max_entries=16)
def gate_pair_records(language: str, operating_only: bool = False) -> list[dict]:
    pairs = tables().gate_pairs
    if operating_only:
        pairs = pairs.loc[pairs["status"] == "operating"]
    return layers.gate_pair_records(tables(), pairs, language, translator(language))
