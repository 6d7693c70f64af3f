"""Deep links: the URL carries language, service, closed passages, speed, map view and cargo search.

Query parameters are read once per session (so a shared link restores its view) and written back on
every run (so the address bar always holds a link to what is on screen).
"""

from __future__ import annotations

import contextlib
import math
import unicodedata
from collections.abc import Mapping

import streamlit as st

from atlas.i18n import LANGUAGES, pick_language

SHARED_KEYS = ("lang",)
_LOADED_FLAG = "_query_params_loaded"


def load_query_params_once(closable: tuple[str, ...]) -> None:
    """Seed session state from the URL on the first run of a session."""
    if st.session_state.get(_LOADED_FLAG):
        return
    params = st.query_params
    st.session_state["lang"] = pick_language((params.get("lang") or "").lower() or None, st.context.locale)
    if "service" in params:
        st.session_state["service"] = params["service"]
    if "closed" in params:
        st.session_state["closed"] = list(
            dict.fromkeys(p for p in params["closed"].split(",") if p in closable)
        )
    if "speed" in params:
        with contextlib.suppress(ValueError):
            speed = float(params["speed"])
            if math.isfinite(speed):
                st.session_state["speed"] = min(max(speed, 8.0), 24.0)
    if "view" in params:
        st.session_state["view_param"] = params["view"]
    if "q" in params:
        st.session_state["cargo_query"] = unicodedata.normalize("NFC", params["q"])[:100]
    st.session_state[_LOADED_FLAG] = True


def language() -> str:
    lang = st.session_state.get("lang", "en")
    return lang if lang in LANGUAGES else "en"


def write_query_params(values: Mapping[str, str | None]) -> None:
    """Make the address bar a link to this view: language plus the page's own state."""
    wanted = {"lang": language()}
    wanted.update({key: value for key, value in values.items() if value})
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


def take_view_param() -> str | None:
    """The `view=` value from the link, used once by the first map page that reads it."""
    return st.session_state.pop("view_param", None)
