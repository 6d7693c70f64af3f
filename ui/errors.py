"""The last line of defence: an error in the app is logged in full under an incident id, and the
visitor sees only a short message with that id, never a traceback with the server's paths.

`client.showErrorDetails = "none"` (config.toml) covers what this cannot wrap (widget callbacks):
Streamlit then shows its own generic message and logs the detail.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from atlas.i18n import LANGUAGES, Translator
from loaders import load_translations

LOGGER = logging.getLogger("corridor_atlas.incidents")
# Used when the interface text itself cannot be read.
_FALLBACK = "Something went wrong on this page. Incident {incident} has been logged; quote it in a report."


@contextmanager
def incidents_reported() -> Iterator[None]:
    """Run the app; an exception becomes a logged incident and a generic message on the page.

    Streamlit's own control flow (st.stop, st.rerun, switch_page) derives from BaseException and
    passes through untouched."""
    try:
        yield
    except Exception as error:
        incident = secrets.token_hex(4)
        LOGGER.error("incident %s on %s", incident, _page_name(), exc_info=error)
        st.error(_message(incident))


def _message(incident: str) -> str:
    language = st.session_state.get("lang")
    try:
        t = Translator(load_translations(), language if language in LANGUAGES else "en")
        return t("error.incident", incident=incident)
    except Exception:  # the message must be shown whatever else is broken
        return _FALLBACK.format(incident=incident)


def _page_name() -> str:
    try:
        return st.context.url or "?"
    except Exception:  # only for the log line
        return "?"
