"""Cached access to the curated data and routes: loaded once per process, shared by every session."""

from __future__ import annotations

import streamlit as st

from atlas import model
from atlas.i18n import Translator
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


@st.cache_resource(show_spinner=False)
def corridor_lines() -> list[model.CorridorLine]:
    return model.corridor_lines(tables())


@st.cache_resource(show_spinner=False)
def air_links() -> list[model.AirLink]:
    return model.air_links(tables())
