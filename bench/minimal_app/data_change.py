"""Baseline for a widget that changes a map's data (bench/trace.py, bench/first_paint.py).

bench/minimal_app/app.py's one ScatterplotLayer, plus a select box that moves the points: the least a
Streamlit page pays to repaint one deck.gl layer whose data changed (rerun, new deck JSON, new
attributes, one draw). No project code is imported, as in app.py.
"""

import pydeck as pdk
import streamlit as st

# atlas/style.py LAND_FILL, copied as in app.py.
LAND_FILL = [244, 241, 232, 255]
SHIFTS = (0, 10, 20)

shift = st.selectbox("Grid shift (degrees)", SHIFTS)
grid = [{"position": [lon + shift, lat]} for lon in range(-150, 180, 30) for lat in range(-60, 90, 30)]
layer = pdk.Layer("ScatterplotLayer", id="grid", data=grid, get_position="position",
                  get_fill_color=LAND_FILL, get_radius=14, radius_units="'pixels'")
view = pdk.ViewState(latitude=0, longitude=0, zoom=0.5)
st.pydeck_chart(pdk.Deck(layers=[layer], initial_view_state=view, map_provider=None))
