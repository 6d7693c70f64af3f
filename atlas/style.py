"""Colours and widths chosen for colour-blind viewers and washed-out projectors.

Colours are the Okabe–Ito palette (distinct under the common colour-vision deficiencies); status is
carried by line style (solid / dashed) and fill (filled / hollow), never by colour alone.
"""

from __future__ import annotations

Rgba = list[int]

BLUE: Rgba = [0, 114, 178, 255]
VERMILLION: Rgba = [213, 94, 0, 255]
ORANGE: Rgba = [230, 159, 0, 255]
GREEN: Rgba = [0, 158, 115, 255]
SKY: Rgba = [86, 180, 233, 255]
PURPLE: Rgba = [204, 121, 167, 255]
YELLOW: Rgba = [240, 228, 66, 255]
BLACK: Rgba = [30, 30, 30, 255]
GREY: Rgba = [110, 110, 110, 255]

SEA_FILL: Rgba = [214, 230, 242, 255]
LAND_FILL: Rgba = [244, 241, 232, 255]
LAND_EDGE: Rgba = [150, 150, 140, 255]
BORDER_LINE: Rgba = [90, 90, 90, 255]
LABEL_HALO: Rgba = [255, 255, 255, 230]

PLACE_COLOURS: dict[str, Rgba] = {
    "port": BLUE,
    "terminal": BLUE,
    "border_gate": VERMILLION,
    "rail_border_station": BLACK,
    "airport": ORANGE,
    "city": GREY,
    "economic_zone": GREEN,
    "industrial_park": GREEN,
}

SERVICE_COLOURS: dict[str, Rgba] = {"scheduled": BLUE, "partner_lane": PURPLE}
SCENARIO_COLOUR: Rgba = VERMILLION
AIR_COLOUR: Rgba = ORANGE
CORRIDOR_COLOURS: dict[str, Rgba] = {"road": GREEN, "rail": BLACK, "high_speed_rail": SKY}
# A gate pair's level is its marker's colour; none is a colour of the corridors drawn beside them
# (green road, sky-blue high-speed line) except railway, which shares the railway's black.
GATE_LEVEL_COLOURS: dict[str, Rgba] = {
    "international": VERMILLION,
    "bilateral_main": ORANGE,
    "auxiliary": YELLOW,
    "freight_opening": PURPLE,
    "railway": BLACK,
    "unspecified": GREY,
}
# The smart-gate pilot's ring: a colour no level and no corridor of the border map uses.
SMART_GATE_COLOUR: Rgba = BLUE


def hex_colour(rgba: Rgba) -> str:
    """#rrggbb for legends drawn in HTML or matplotlib."""
    return "#{:02x}{:02x}{:02x}".format(*rgba[:3])
