"""Presentation chrome: hide the editing UI, large high-contrast type, and the tour's own controls.

The CSS below is a constant of this module: no data ever goes into it, and data shown on a slide
goes through Streamlit's Markdown with its special characters escaped (never as HTML).
"""

from __future__ import annotations

import streamlit as st

from atlas.tour import Tour, load_scenes
from loaders import Problem, Tables

from .data import tables as load_tables
from .widgets import md_escape

# Test ids are Streamlit 1.67's (stSidebar, stExpandSidebarButton …); re-check them on an upgrade.
# Black on white at projector sizes: a 1024×768 projector still shows ~45 characters per caption line.
PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"],
[data-testid="stHeader"],
[data-testid="stToolbar"],
[data-testid="stStatusWidget"],
[data-testid="stDecoration"],
#MainMenu,
footer { display: none !important; }
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #ffffff; color: #000000; }
[data-testid="stMainBlockContainer"] { padding: 0.6rem 1.5rem 0.4rem 1.5rem; max-width: 100%; }
.st-key-tour-controls button,
.st-key-tour-controls a {
  min-height: 2.8rem; padding: 0.2rem 1.2rem; border: 3px solid #000000; border-radius: 0.4rem;
  background: #ffffff; color: #000000;
}
.st-key-tour-controls button p,
.st-key-tour-controls a p,
.st-key-tour-controls a span { font-size: 1.6rem; font-weight: 700; color: #000000; }
.st-key-tour-controls button:disabled { opacity: 0.3; }
.st-key-tour-languages button,
.st-key-tour-languages a { min-height: 2.4rem; padding: 0.1rem 0.6rem; border-width: 2px; }
.st-key-tour-languages button p,
.st-key-tour-languages a p,
.st-key-tour-languages a span { font-size: 1.1rem; }
/* The language on screen: shown selected (white on black), not greyed out. */
.st-key-tour-languages button:disabled { opacity: 1 !important; background: #000000 !important; }
.st-key-tour-languages button:disabled p { color: #ffffff !important; }
.st-key-tour-counter p { font-size: 1.8rem; font-weight: 800; color: #000000; margin: 0; }
/* Sized so that every scene (map, title, caption, legend, sources) fits a 1280 × 720 projector
   without scrolling; larger screens get larger type. */
.st-key-tour-title h1 { font-size: 2.2rem; font-weight: 800; line-height: 1.1; color: #000000; padding: 0; }
.st-key-tour-caption p { font-size: 1.3rem; line-height: 1.35; color: #000000; }
.st-key-tour-notes p { font-size: 1rem; line-height: 1.3; color: #1e1e1e; margin-bottom: 0.3rem; }
.st-key-tour-stage .atlas-legend { font-size: 1rem; line-height: 1.6 !important; color: #000000; }
@media (min-height: 1000px) and (min-width: 1800px) {
  .st-key-tour-title h1 { font-size: 3rem; }
  .st-key-tour-caption p { font-size: 1.8rem; }
  .st-key-tour-notes p { font-size: 1.25rem; }
  .st-key-tour-stage .atlas-legend { font-size: 1.25rem; }
}
[data-testid="stDeckGlJsonChart"] { border: 2px solid #000000; }
</style>
"""


def hide_chrome() -> None:
    """Hide the sidebar, header and toolbar and switch to projector type. Only our constant CSS."""
    st.markdown(PRESENTATION_CSS, unsafe_allow_html=True)


def plain_markdown(text: str) -> str:
    """Text shown literally by st.markdown / st.title (the app's one Markdown escaper)."""
    return md_escape(text)


def tour_for(tour_id: str) -> tuple[Tables, Tour | None, tuple[Problem, ...]]:
    """The tables and a freshly read tour: tours are tiny, so a curator's edit shows on the next rerun."""
    tables = load_tables()
    tour, problems = load_scenes(tour_id, tables)
    return tables, tour, problems


@st.cache_data(show_spinner=False, max_entries=8)
def tour_pdf(tour_id: str, language: str) -> bytes:
    """The whole tour as a PDF handout (rendered on the first click, then cached)."""
    from atlas.export import tour_handout

    return tour_handout(tour_id, language, load_tables())


def go_to(number: int) -> None:
    """Button callback: the URL holds the scene, so a reload or a copied link shows the same slide."""
    st.query_params["scene"] = str(number)


def set_language(code: str) -> None:
    """Button callback: runs before the sidebar's language box is drawn, so it may change its value."""
    st.session_state["lang"] = code
