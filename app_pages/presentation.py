"""Presentation: a tour of scenes (map, title and caption in vi / en / zh) for a projector.

The URL holds the tour and the scene (/presentation?tour=story&scene=3&lang=vi), so a link opens
that slide and Back / Next keep the address bar current. Each scene's map is the map of its page
kind (`atlas.tour.scene_spec`), drawn from the same content as the page and the exports.
"""

import functools

import streamlit as st

from atlas.citations import source_label
from atlas.content import PHONE_MAP_PX
from atlas.deck import content_deck
from atlas.i18n import LANGUAGE_NAMES, LANGUAGES
from atlas.model import DEFAULT_SPEED_KN, ServicePlan
from atlas.numbers import number
from atlas.tour import scenario_distances, scene_number, scene_spec, step
from ui import data
from ui.presentation import go_to, hide_chrome, plain_markdown, set_language, tour_for, tour_pdf
from ui.sidebar import online_tiles
from ui.state import language, write_query_params
from ui.widgets import MAP_FRAME_KEY, legend, map_placeholder_css, map_size

DEFAULT_TOUR = "story"
# Half of a 1280-px projector, and short enough that the controls, the map and its legend fit 720 px.
TOUR_MAP_PX = (600.0, 440.0)

lang = language()
t = data.translator(lang)
hide_chrome()
exit_link = {"page": "app_pages/overview.py", "label": t("tour.exit"), "query_params": {"lang": lang}}

tour_id = st.query_params.get("tour") or DEFAULT_TOUR
tables, tour, problems = tour_for(tour_id)
if tour is None:
    st.error(t("tour.problems", count=len(problems)))
    st.code("\n".join(str(problem) for problem in problems), language=None)
    st.caption(plain_markdown(t("tour.check_hint", tour=tour_id)))
    st.page_link(**exit_link)
    st.stop()

count = len(tour.scenes)
number_shown = scene_number(st.query_params.get("scene"), count)
scene = tour.scene(number_shown)


def plan(service_id: str, closed: tuple[str, ...]) -> ServicePlan:
    return data.service_plan(service_id, closed, DEFAULT_SPEED_KN)


with st.container(key="tour-controls", horizontal=True, vertical_alignment="center", gap="medium"):
    # PageUp / PageDown are what presentation clickers send; the buttons work without any keyboard.
    st.button(
        t("tour.back"),
        key="tour-back",
        on_click=go_to,
        args=(step(number_shown, -1, count),),
        disabled=number_shown <= 1,
        shortcut="PageUp",
    )
    with st.container(key="tour-counter", width="content"):
        st.markdown(t("tour.counter", number=number_shown, total=count))
    st.button(
        t("tour.next"),
        key="tour-next",
        on_click=go_to,
        args=(step(number_shown, 1, count),),
        disabled=number_shown >= count,
        shortcut="PageDown",
    )
    with st.container(key="tour-languages", horizontal=True, horizontal_alignment="right", gap="small"):
        for code in LANGUAGES:
            st.button(
                LANGUAGE_NAMES[code],
                key=f"tour-lang-{code}",
                on_click=set_language,
                args=(code,),
                disabled=code == lang,
            )
        st.download_button(
            t("export.tour_pdf"),
            data=functools.partial(tour_pdf, tour_id, lang),
            file_name=f"corridor-atlas-{tour_id}-{lang}.pdf",
            mime="application/pdf",
            on_click="ignore",
            key="tour-pdf",
        )
        st.page_link(**exit_link)

# A long legend (a comparison names every option) goes beside the map, under the caption, where a
# 720-px projector has room; under the map it would run below the fold.
LEGEND_BELOW_MAX_ITEMS = 6
content = data.content(scene_spec(scene, lang))
# On a phone the map is the screen's width: fitted for it, a world-wide scene keeps both its ends.
size = (PHONE_MAP_PX[0], TOUR_MAP_PX[1]) if map_size() == PHONE_MAP_PX else TOUR_MAP_PX
view = content.view(size)
with st.container(key="tour-stage"):
    map_column, text_column = st.columns([1, 1], gap="medium")
    with map_column:
        st.html(map_placeholder_css(t("map.loading"), int(size[1])))
        with st.container(key=f"{MAP_FRAME_KEY}-tour"):
            st.pydeck_chart(
                content_deck(content, view, online_tiles=online_tiles(), frame_px=size),
                height=int(size[1]),
                key=f"tour-map-{tour_id}-{number_shown}",
            )
        if len(content.legend) <= LEGEND_BELOW_MAX_ITEMS:
            legend(content.legend, t)
    with text_column:
        with st.container(key="tour-title"):
            st.title(plain_markdown(scene.title(lang)), anchor=False)
        with st.container(key="tour-caption"):
            st.markdown(plain_markdown(scene.caption(lang)))
        with st.container(key="tour-notes"):
            distances = scenario_distances(scene, plan)
            if distances is not None:
                baseline_nm, scenario_nm = (number(nm, lang) for nm in distances)
                st.markdown(
                    plain_markdown(t("tour.distance_compare", baseline=baseline_nm, scenario=scenario_nm))
                )
            st.markdown(plain_markdown(t("tour.sources", sources=source_label(tables, scene.source_ids, t))))
            st.markdown(plain_markdown(t("sidebar.scope")))
        if len(content.legend) > LEGEND_BELOW_MAX_ITEMS:
            legend(content.legend, t)

write_query_params({"tour": tour_id, "scene": str(number_shown)})
