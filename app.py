"""Corridor Atlas: trade corridors around Hai Phong. This file only routes: config, sidebar, pages.

No page icons: Material symbols are fetched from a font CDN (fails offline) and emoji need a colour
emoji font that projector laptops often lack.
"""

import streamlit as st

import geo
from ui.sidebar import render_sidebar
from ui.state import load_query_params_once

st.set_page_config(page_title="Corridor Atlas", layout="wide")
load_query_params_once(closable=(*geo.CLOSABLE_PASSAGES, *geo.SHORTHANDS))
t = render_sidebar()

PAGES = [
    st.Page("pages/overview.py", title=t("page.overview"), url_path="overview", default=True),
    st.Page("pages/sea_services.py", title=t("page.sea_services"), url_path="sea-services"),
    st.Page("pages/border_gates.py", title=t("page.border_gates"), url_path="border-gates"),
    st.Page("pages/cargo.py", title=t("page.cargo"), url_path="cargo"),
    st.Page("pages/partners.py", title=t("page.partners"), url_path="partners"),
    st.Page("pages/data_sources.py", title=t("page.data_sources"), url_path="data-sources"),
]
st.navigation(PAGES).run()
