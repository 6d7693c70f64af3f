"""Deep links: the URL carries language, service, closed passages, speed, map view and cargo search.

Query parameters are read once per session (so a shared link restores its view) and written back on
every run (so the address bar always holds a link to what is on screen).
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from atlas.i18n import LANGUAGES, pick_language
from atlas.spec import CLOSABLE, parse_closed, parse_layers, parse_query, parse_speed

SHARED_KEYS = ("lang",)
_LOADED_FLAG = "_query_params_loaded"


def load_query_params_once(closable: tuple[str, ...] = CLOSABLE) -> None:
    """Seed session state from the URL on the first run of a session (the same rules as
    `atlas.spec.spec_from_link`, which the command-line exports use)."""
    if st.session_state.get(_LOADED_FLAG):
        return
    params = st.query_params
    st.session_state["lang"] = pick_language((params.get("lang") or "").lower() or None, st.context.locale)
    if "service" in params:
        st.session_state["service"] = params["service"]
    if "closed" in params:
        st.session_state["closed"] = [p for p in parse_closed(params["closed"]) if p in closable]
    if "speed" in params:
        st.session_state["speed"] = parse_speed(params["speed"])
    if "view" in params:
        st.session_state["view_param"] = params["view"]
    if "layers" in params:
        st.session_state["layers"] = list(parse_layers(params["layers"]))
    if params.get("planned") == "0":
        st.session_state["show_planned"] = False
    if "q" in params:
        st.session_state["cargo_query"] = parse_query(params["q"])
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
