"""Presentation: a tour of scenes (map, title and caption in vi / en / zh) for a projector.

The URL holds the tour and the scene (/presentation?tour=story&scene=3&lang=vi), so a link opens
that slide and Back / Next keep the address bar current. Each scene's map is drawn here with the pure
builders, without the sidebar, toolbar or header.
"""

import streamlit as st

from atlas import style
from atlas.deck import build_deck
from atlas.i18n import LANGUAGE_NAMES, LANGUAGES
from atlas.layers import source_label
from atlas.model import DEFAULT_SPEED_KN, ServicePlan, service_row
from atlas.tour import build_tour, scenario_distances, scene_layers, scene_number, step
from ui import data
from ui.presentation import go_to, hide_chrome, plain_markdown, set_language, tour_for
from ui.sidebar import online_tiles
from ui.state import language, write_query_params
from ui.widgets import legend

DEFAULT_TOUR = "story"

lang = language()
t = data.translator(lang)
hide_chrome()
exit_link = {"page": "app_pages/overview.py", "label": t("tour.exit"), "query_params": {"lang": lang}}

tour_id = st.query_params.get("tour") or DEFAULT_TOUR
tables, loaded = tour_for(tour_id)
if loaded.rows is None:
    st.error(t("tour.problems", count=len(loaded.problems)))
    st.code("\n".join(str(problem) for problem in loaded.problems), language=None)
    st.caption(plain_markdown(t("tour.check_hint", tour=tour_id)))
    st.page_link(**exit_link)
    st.stop()

tour = build_tour(tour_id, loaded.rows)
count = len(tour.scenes)
number = scene_number(st.query_params.get("scene"), count)
scene = tour.scene(number)


def plan(service_id: str, closed: tuple[str, ...]) -> ServicePlan:
    return data.service_plan(service_id, closed, DEFAULT_SPEED_KN)


def kind_of(service_id: str | None) -> str:
    return "scheduled" if service_id is None else str(service_row(tables, service_id)["kind"])


with st.container(key="tour-controls", horizontal=True, vertical_alignment="center", gap="medium"):
    # PageUp / PageDown are what presentation clickers send; the buttons work without any keyboard.
    st.button(
        t("tour.back"),
        key="tour-back",
        on_click=go_to,
        args=(step(number, -1, count),),
        disabled=number <= 1,
        shortcut="PageUp",
    )
    with st.container(key="tour-counter", width="content"):
        st.markdown(t("tour.counter", number=number, total=count))
    st.button(
        t("tour.next"),
        key="tour-next",
        on_click=go_to,
        args=(step(number, 1, count),),
        disabled=number >= count,
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
        st.page_link(**exit_link)

LEGENDS = {
    "overview": [
        (t("legend.scheduled_service"), style.BLUE, "line"),
        (t("legend.partner_lane"), style.PURPLE, "dashed"),
        (t("legend.air"), style.ORANGE, "dashed"),
        (t("legend.road"), style.GREEN, "line"),
        (t("legend.rail"), style.BLACK, "line"),
        (t("legend.proposed"), style.GREY, "dashed"),
    ],
    "sea": [(t("legend.baseline"), style.SERVICE_COLOURS[kind_of(scene.service_id)], "line")]
    + ([(t("legend.scenario"), style.SCENARIO_COLOUR, "dashed")] if scene.closed else []),
    "gates": [
        (t("legend.gate_pair"), style.VERMILLION, "line"),
        (t("legend.planned_or_suspended"), style.VERMILLION, "dashed"),
        (t("legend.road"), style.GREEN, "line"),
        (t("legend.rail"), style.BLACK, "line"),
    ],
    "partners": [(t("legend.partner_lane"), style.PURPLE, "dashed"), (t("legend.port"), style.BLUE, "dot")],
}

with st.container(key="tour-stage"):
    map_column, text_column = st.columns([5, 3], gap="large")
    with map_column:
        deck_layers = scene_layers(
            tables, scene, lang, t, plan=plan, corridors=data.corridor_lines(), air=data.air_links()
        )
        st.pydeck_chart(
            build_deck(deck_layers, scene.view, online_tiles=online_tiles()),
            height=560,
            key=f"tour-map-{tour_id}-{number}",
        )
        legend(LEGENDS[scene.page_kind])
    with text_column:
        with st.container(key="tour-title"):
            st.title(plain_markdown(scene.title(lang)), anchor=False)
        with st.container(key="tour-caption"):
            st.markdown(plain_markdown(scene.caption(lang)))
        with st.container(key="tour-notes"):
            distances = scenario_distances(scene, plan)
            if distances is not None:
                baseline_nm, scenario_nm = (f"{nm:,.0f}" for nm in distances)
                st.markdown(
                    plain_markdown(t("tour.distance_compare", baseline=baseline_nm, scenario=scenario_nm))
                )
            st.markdown(plain_markdown(t("tour.sources", sources=source_label(tables, scene.source_ids))))
            st.markdown(plain_markdown(t("sidebar.scope")))

write_query_params({"tour": tour_id, "scene": str(number)})
