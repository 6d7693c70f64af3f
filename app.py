"""Corridor Atlas: trade corridors around Hai Phong. This file only routes: config, sidebar, pages."""

import geo
import streamlit as st
from ui.sidebar import render_sidebar
from ui.state import load_query_params_once

st.set_page_config(page_title="Corridor Atlas", page_icon=":material/public:", layout="wide")
load_query_params_once(closable=(*geo.CLOSABLE_PASSAGES, *geo.SHORTHANDS))
t = render_sidebar()

PAGES = [
    st.Page("pages/overview.py", title=t("page.overview"), icon=":material/map:", url_path="overview",
            default=True),
    st.Page("pages/sea_services.py", title=t("page.sea_services"), icon=":material/directions_boat:",
            url_path="sea-services"),
    st.Page("pages/border_gates.py", title=t("page.border_gates"), icon=":material/fence:",
            url_path="border-gates"),
    st.Page("pages/cargo.py", title=t("page.cargo"), icon=":material/inventory_2:", url_path="cargo"),
    st.Page("pages/partners.py", title=t("page.partners"), icon=":material/handshake:", url_path="partners"),
    st.Page("pages/data_sources.py", title=t("page.data_sources"), icon=":material/dataset:",
            url_path="data-sources"),
]
st.navigation(PAGES).run()
