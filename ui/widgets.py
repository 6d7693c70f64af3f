"""Small drawing helpers the pages share: problems, legend, figures, sources, the map itself."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape
from urllib.parse import quote, urlsplit

import pandas as pd
import pydeck as pdk
import streamlit as st

from atlas.citations import source_date, source_label, source_text
from atlas.content import MAP_SIZE_PX, PHONE_MAP_PX, SCREEN_MAP_PX, LegendItem, MapContent
from atlas.i18n import Translator, localized
from atlas.label_hints import LabelHint
from atlas.layers import figure_text
from atlas.legend import labelled_legend_html, legend_html
from atlas.lookup import rows_by
from atlas.numbers import alternatives, number
from atlas.spec import FIT, MapSpec, parse_view_value
from atlas.status_text import status_with_as_of
from atlas.style import SEA_FILL
from atlas.views import VIEW_PRESETS, MapView, view_param
from loaders import Problem, Tables, split_ids

from .data import SessionData, label_hint
from .data import content as content_of
from .data import deck as deck_of
from .data import translator as data_translator
from .export_panel import export_panel
from .state import language, take_view_param

MAP_HEIGHT_PX = int(MAP_SIZE_PX[1])
# Key prefix of the container each map is drawn in (its placeholder's CSS selects on it).
MAP_FRAME_KEY = "map-frame"


def show_data_problems(problems: Sequence[Problem]) -> None:
    """Data that fails validation: say which file, row and field, and what to do. No traceback."""
    st.error(f"The data has {len(problems)} problem(s); the maps are hidden until they are fixed.")
    st.code("\n".join(str(problem) for problem in problems), language=None)
    st.caption("Check again with: make validate")


def legend(items: Sequence[LegendItem], t: Translator) -> None:
    """The map's legend: exactly the content's items (what is drawn), as swatches."""
    html = legend_html(items, t)
    if html:
        st.markdown(html, unsafe_allow_html=True)


def labelled_legend(items: Sequence[tuple[str, Sequence[int], str]]) -> None:
    """A legend whose labels are already text (e.g. the options of a comparison), escaped."""
    html = labelled_legend_html(items)
    if html:
        st.markdown(html, unsafe_allow_html=True)


def figure_metric(tables: Tables, figure_id: str, t: Translator, column=st) -> None:
    """One sourced figure as a card that wraps instead of truncating, with its source and date."""
    fig = rows_by(tables.figures, "figure_id")[figure_id]
    label = fig[f"label_{t.language}"]
    sources = source_label(tables, split_ids(fig["source_ids"]), t)
    with column.container(border=True):
        st.markdown(
            f'<div style="font-size:1.55rem;font-weight:700;line-height:1.2">'
            f'{escape(figure_text(fig, t))}</div><div style="line-height:1.3">{escape(label)}</div>',
            unsafe_allow_html=True,
            help=t(
                "figure.help",
                wording=md_escape(fig["source_wording"]),
                date=md_escape(fig["as_of"]),
                sources=md_escape(sources),
            ),
        )
        st.caption(t("figure.caption", date=md_escape(fig["as_of"]), sources=md_escape(sources)))


def sources_list(tables: Tables, source_ids: Iterable[str], t: Translator) -> None:
    """A compact list of sources with links, as Markdown (escaped: data is never markup)."""
    rows = rows_by(tables.sources, "source_id")
    lines = []
    for source_id in dict.fromkeys(source_ids):
        if source_id not in rows:
            continue
        row = rows[source_id]
        title = md_escape(source_text(row, "title", t.language))
        url = row["url"] if isinstance(row["url"], str) else ""
        link = f"[{title}]({_link_target(url)})" if _is_web_address(url) else title
        publisher = md_escape(source_text(row, "publisher", t.language))
        lines.append(f"- {link} — {publisher}, {md_escape(source_date(row, t))}")
    st.markdown("\n".join(lines))


def md_escape(text: str) -> str:
    """Backslash before every ASCII punctuation mark: no Markdown, HTML, LaTeX ($), autolink (:) or
    Streamlit directive (:red[…]) can form; the text still reads the same."""
    return _MD_SPECIAL.sub(r"\\\g<0>", text)


_MD_SPECIAL = re.compile(r"[!-/:-@\[-`{-~]")


def _is_web_address(url: str) -> bool:
    """Only http(s) addresses become links: never javascript:, data: or a relative path."""
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _link_target(url: str) -> str:
    """The address percent-encoded where Markdown would end or break the link (spaces, brackets)."""
    return quote(url.strip(), safe=":/?#@!$&'*+,;=%-._~")


def view_picker(page_key: str, t: Translator) -> tuple[str, MapView | None]:
    """ "Everything on this map" (fit, the default) or a preset; a `view=` from a shared link wins once.

    Returns the name and the view (None: fit what the map draws)."""
    state_key = f"view_{page_key}"
    incoming = take_view_param()
    if incoming is not None:
        name, view = parse_view_value(incoming)
        st.session_state[state_key] = name
        if name == "custom":
            st.session_state[f"{state_key}_custom"] = view
    options = [FIT, *VIEW_PRESETS]
    if st.session_state.get(state_key) == "custom":
        options = [FIT, "custom", *VIEW_PRESETS]
    name = st.segmented_control(
        t("map.view"),
        options,
        key=state_key,
        # A link already put the choice in session state; passing a default too makes Streamlit warn.
        default=None if state_key in st.session_state else FIT,
        format_func=lambda key: t(f"view.{key}"),
        label_visibility="collapsed",
    )
    name = name or FIT
    if name == FIT:
        return name, None
    if name == "custom":
        return name, st.session_state.get(f"{state_key}_custom")
    return name, VIEW_PRESETS[name]


def view_query_value(name: str, view: MapView | None) -> str | None:
    return None if view is None else view_param(name, view)


def map_chart(deck: pdk.Deck, page_key: str, height: int = MAP_HEIGHT_PX):
    """The deck, clickable, over a "Loading map…" placeholder: returns the selected object (or None)."""
    st.html(map_placeholder_css(data_translator(language())("map.loading"), height))
    with st.container(key=f"{MAP_FRAME_KEY}-{page_key}"):
        event = st.pydeck_chart(
            deck, height=height, on_select="rerun", selection_mode="single-object", key=f"map_{page_key}"
        )
    objects = (event.selection or {}).get("objects", {}) if event is not None else {}
    for records in objects.values():
        if records:
            return records[0]
    return None


def map_placeholder_css(text: str, height: int) -> str:
    """A sea-coloured box of the map's size, saying `text`, behind the deck: Streamlit loads deck.gl
    (3 MB) and software WebGL compiles its shaders before the first frame, seconds in which the map
    area would be blank. The deck's first frame (its sea polygon is opaque) covers the box."""
    quoted = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    frame = f'[class*="st-key-{MAP_FRAME_KEY}-"]'
    return (
        f"<style>{frame} {{ position: relative; min-height: {height}px; }}"
        f'{frame}::before {{ content: "{quoted}"; position: absolute; inset: 0; display: flex; '
        "align-items: center; justify-content: center; border-radius: 0.5rem; "
        f"background: rgb{tuple(SEA_FILL[:3])}; color: #3c4650; font-size: 1rem; }}"
        f"{frame} > * {{ position: relative; z-index: 1; }}</style>"
    )


def place_details(tables: Tables, place_id: str, t: Translator) -> None:
    """What we know about a place, in all three languages, with its coordinate's provenance."""
    row = tables.places.loc[tables.places["id"] == place_id]
    if row.empty:
        return
    place = row.iloc[0].to_dict()
    st.subheader(md_escape(localized(place, t.language)))
    names = " · ".join(
        n for n in (place["name_vi"], place["name_en"], place["name_zh"]) if isinstance(n, str)
    )
    st.caption(md_escape(names))
    facts = {
        t("details.kind"): t(f"kind.{place['kind']}"),
        t("details.status"): status_with_as_of(t, place["status"], place.get("status_as_of")) or "—",
        t(
            "details.coordinates"
        ): f"{number(place['lat_deg'], t.language, 4)}; {number(place['lon_deg'], t.language, 4)}",
        t("details.coord_method"): t(f"coord.{place['coord_method']}")
        + f" (±{number(place['coord_precision_m'], t.language)} m)",
        t("details.coord_reference"): place["coord_reference"],
    }
    for code in ("unlocode", "iata"):
        if isinstance(place.get(code), str) and place[code]:
            facts[code.upper().replace("UNLOCODE", "UN/LOCODE")] = place[code]
    # st.table renders Markdown in its cells.
    cells = [md_escape(str(value)) for value in facts.values()]
    st.table(pd.DataFrame({"": cells}, index=[md_escape(key) for key in facts]))
    sources_list(tables, split_ids(place["source_ids"]), t)


def selection_details(tables: Tables, selected: dict | None, t: Translator, *, hint: bool = True) -> None:
    """What was clicked on the map: a place's details, else the line's (or ship's) tooltip as
    plain text."""
    if selected and "position" in selected and selected.get("id") in set(tables.places["id"]):
        place_details(tables, selected["id"], t)
    elif selected:
        st.text(selected.get("tooltip", ""))  # plain text: tooltips hold data values
    elif hint:
        st.caption(t("map.click_hint"))


def map_size() -> tuple[float, float]:
    """The map's size on this visitor's screen: phones say so in their user agent (Streamlit does not
    report the window's width, so a fitted view is computed for the width a phone or a laptop leaves)."""
    agent = st.context.headers.get("User-Agent", "") if st.context.headers else ""
    return PHONE_MAP_PX if "Mobi" in agent else SCREEN_MAP_PX


def map_panel(
    spec: MapSpec,
    page_key: str,
    t: Translator,
    *,
    online: bool = False,
    session: SessionData | None = None,
) -> tuple[MapContent, dict | None]:
    """The map of a spec, full width, with its legend and Export panel: the page draws the one
    content, and every download renders that same content at the same view. `session` adds this
    session's uploads. Returns the content and the clicked object."""
    content = content_of(spec, session)
    size = map_size()
    view = content.view(size)
    selected = map_chart(deck_of(spec, size, online, session), page_key)
    legend(content.legend, t)
    hidden_labels_note(label_hint(spec, size, session), t)
    share_link(spec, t)
    if session is None:
        export_panel(content, view, t)
    else:
        export_panel(content, view, t, tables=session.tables, upload_key=session.digest)
    return content, selected


def hidden_labels_note(hint: LabelHint, t: Translator) -> None:
    """How many places have no label at this scale, and the preset views (the buttons above the
    map) that would label them: Streamlit does not report a visitor's own zoom, so the labels
    cannot come back as they drag."""
    if not hint.missing:
        return
    n = number(len(hint.missing), t.language)
    if hint.views:
        views = alternatives([t(f"view.{name}") for name, _ in hint.views], t.language)
        st.caption(t("map.labels_hidden", n=n, views=views))
    else:
        st.caption(t("map.labels_hidden_no_view", n=n))


def share_link(spec: MapSpec, t: Translator) -> None:
    """The link to this map, ready to copy (st.code has a copy button). Streamlit does not report
    the pan and zoom a visitor drags to, so the caption says which view the link keeps."""
    # Drawn only once opened (on_change="rerun"): st.code makes the browser load Streamlit's syntax
    # highlighter, 0.76 MB compressed, the second largest file of a first visit (bench/load.py).
    with st.expander(t("share.heading"), key=f"share_{spec.kind}", on_change="rerun") as panel:
        if panel.open:
            base = (st.context.url or "").split("?")[0].rsplit("/", 1)[0]
            link = base + spec.link() if base.startswith("http") else spec.link()
            st.code(link, language=None, wrap_lines=True)
            st.caption(t("share.note"))
