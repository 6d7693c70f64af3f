"""The sidebar every page shares: language, basemap, and the layer filters that apply everywhere."""

from __future__ import annotations

import streamlit as st

from atlas.i18n import LANGUAGE_NAMES, LANGUAGES, Translator
from atlas.spec import LAYER_FILTERS

from .data import translator


def render_sidebar() -> Translator:
    """Draw the shared controls and return the translator for the chosen language."""
    with st.sidebar:
        st.selectbox(
            "Language · Ngôn ngữ · 语言", LANGUAGES, key="lang", format_func=lambda code: LANGUAGE_NAMES[code]
        )
        t = translator(st.session_state["lang"])
        st.radio(
            t("sidebar.basemap"),
            ("offline", "online"),
            key="basemap",
            format_func=lambda key: t(f"sidebar.basemap.{key}"),
            help=t("sidebar.basemap.help"),
        )
        st.multiselect(
            t("sidebar.layers"),
            LAYER_FILTERS,
            default=list(LAYER_FILTERS),
            key="layers",
            format_func=lambda key: t(f"layer.{key}"),
        )
        st.toggle(
            t("sidebar.show_planned"), value=True, key="show_planned", help=t("sidebar.show_planned.help")
        )
        st.caption(t("sidebar.scope"))
    return t


def active_layers() -> tuple[str, ...]:
    """The layer filters in force, in their canonical order (a spec's `layers`)."""
    chosen = set(st.session_state.get("layers", LAYER_FILTERS))
    return tuple(name for name in LAYER_FILTERS if name in chosen)


def online_tiles() -> bool:
    return st.session_state.get("basemap") == "online"


def show_planned() -> bool:
    return bool(st.session_state.get("show_planned", True))
