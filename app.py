"""Corridor Atlas: trade corridors around Hai Phong. This file only routes: config, sidebar, pages.

Pages live in app_pages/, not pages/: a folder named pages/ switches Streamlit into its legacy
multipage mode, which runs a deep-linked page file directly, without this router or its sidebar.
Their URL paths are the file names (/sea_services, /border_gates …).
No page icons: Material symbols are fetched from a font CDN (fails offline) and emoji need a colour
emoji font that projector laptops often lack.
"""

import streamlit as st

import geo
from atlas.deck import LABEL_FONT_FACE_CSS
from ui import data, startup
from ui.auth import require_sign_in
from ui.errors import incidents_reported
from ui.sidebar import render_sidebar
from ui.state import load_query_params_once

st.set_page_config(page_title="Corridor Atlas", layout="wide")
# Map labels take their "J" from this face: deck.gl's font atlas cuts Noto Sans's (atlas/deck.py).
st.html(f"<style>{LABEL_FONT_FACE_CSS}</style>")
# An exception anywhere below is logged with an incident id; the visitor sees only that id.
with incidents_reported():
    # Before anything else: a visitor who is not admitted sees only the sign-in prompt, no data.
    require_sign_in()
    load_query_params_once(closable=(*geo.CLOSABLE_PASSAGES, *geo.SHORTHANDS))
    startup.prepare_process()  # once per process: sea routes from the disk cache (ui/startup.py)
    data.tables()  # bad data: say which file, row and field in the main area, then stop
    t = render_sidebar()

    PAGES = [
        st.Page("app_pages/overview.py", title=t("page.overview"), default=True),
        st.Page("app_pages/sea_services.py", title=t("page.sea_services")),
        st.Page("app_pages/border_gates.py", title=t("page.border_gates")),
        st.Page("app_pages/cargo.py", title=t("page.cargo")),
        st.Page("app_pages/partners.py", title=t("page.partners")),
        st.Page("app_pages/compare.py", title=t("page.compare")),
        st.Page("app_pages/data_sources.py", title=t("page.data_sources")),
        st.Page("app_pages/presentation.py", title=t("page.presentation")),
        st.Page("app_pages/your_data.py", title=t("page.your_data")),
    ]
    st.navigation(PAGES).run()
    # Once per process, after the first visitor's page: every service's routes, then saved to disk.
    startup.warm_in_background(data.tables())
