"""What a first visit downloads: nothing on a map page makes the browser fetch a large frontend
chunk that the visitor has not asked for (bench/load.py measures the bytes through the proxy)."""

from __future__ import annotations

import pytest
from test_app_pages import open_app, text


@pytest.mark.parametrize("page", ["overview", "sea_services", "border_gates", "cargo", "partners"])
def test_the_share_link_is_drawn_only_once_its_panel_is_opened(page: str) -> None:
    """st.code loads Streamlit's syntax highlighter (0.76 MB compressed): not for a closed panel."""
    at = open_app(f"{page}.py")
    assert not at.code, "a closed panel drew its link"

    at.session_state[f"share_{page}"] = True
    at.run()

    [link] = [code.value for code in at.code]
    assert link.startswith(f"/{page}?"), link



def test_the_export_buttons_are_drawn_only_once_their_panel_is_opened() -> None:
    """Six download buttons fewer on every first paint and rerun of a page nobody exports from."""
    wanted = {text(f"export.{key}") for key in ("png", "pdf", "html", "places_csv", "routes_geojson", "gpkg")}
    at = open_app("sea_services.py")
    assert not wanted & {button.proto.label for button in at.get("download_button")}

    at.session_state["export_panel_sea_services"] = True
    at.run()

    assert wanted <= {button.proto.label for button in at.get("download_button")}
