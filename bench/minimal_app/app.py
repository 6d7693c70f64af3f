"""Baseline for bench/first_paint.py: the least a Streamlit page with one deck.gl map costs.

One ScatterplotLayer, no basemap (`map_provider=None`, as in the app, so no tile server is contacted).
The points are a synthetic grid, not places; they are filled with the embedded basemap's land colour so
the benchmark's "map painted" test (the land colour is on screen) applies to both apps unchanged.
Run from the repository root so the app's own .streamlit/config.toml applies.
"""

import pydeck as pdk
import streamlit as st

# atlas/style.py LAND_FILL; copied, because the baseline must not import any project code.
LAND_FILL = [244, 241, 232, 255]
GRID = [{"position": [lon, lat]} for lon in range(-150, 180, 30) for lat in range(-60, 90, 30)]

layer = pdk.Layer("ScatterplotLayer", id="grid", data=GRID, get_position="position",
                  get_fill_color=LAND_FILL, get_radius=14, radius_units="'pixels'")
view = pdk.ViewState(latitude=0, longitude=0, zoom=0.5)
st.pydeck_chart(pdk.Deck(layers=[layer], initial_view_state=view, map_provider=None))
