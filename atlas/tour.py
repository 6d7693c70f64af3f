"""Presentation tours: scenes, stepping through them, and the map spec of each scene.

Pure, no Streamlit. A tour is read and checked by `loaders.tours`; this module turns its rows into
scenes with resolved map views. A scene's map is an ordinary `atlas.spec.MapSpec` (the page kind, its
service and closures, the places it rings, projector style), so the tour draws exactly what the page
of that kind draws, through `atlas.content.map_content`.

    python -m atlas.tour [TOUR_ID ...]

checks the named tours (all by default) and prints every problem as `file:row:field: what — what to do`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from loaders import Tables, load_all
from loaders.tours import TourRow, TourVocabulary, load_tour, tour_ids

from .content import HIGHLIGHT_LAYER_ID, PROJECTOR_LABEL_PX
from .i18n import LANGUAGES, nfc
from .model import DEFAULT_SPEED_KN, ServicePlan
from .spec import FIT, MAP_KINDS, MapSpec
from .views import VIEW_PRESETS, MapView, parse_view

LABEL_SIZE_PX = PROJECTOR_LABEL_PX
# What a tour may use: the app's languages, map kinds and view presets (loaders know none of them).
# A tour cannot show "Your data" (uploads live in one visitor's session, a tour file is shared).
TOUR_KINDS: tuple[str, ...] = tuple(kind for kind in MAP_KINDS if kind != "your_data")
VOCABULARY = TourVocabulary(LANGUAGES, TOUR_KINDS, tuple(VIEW_PRESETS))
PlanFn = Callable[[str, tuple[str, ...]], ServicePlan]
__all__ = ["HIGHLIGHT_LAYER_ID", "LABEL_SIZE_PX", "Scene", "Tour", "build_tour", "scene_spec"]


@dataclass(frozen=True)
class Scene:
    """One step of a tour: what to draw, where to look, and what to say in each language."""

    number: int
    page_kind: str
    service_id: str | None
    closed: tuple[str, ...]
    view_name: str
    view: MapView | None
    highlight: tuple[str, ...]
    titles: Mapping[str, str]
    captions: Mapping[str, str]
    source_ids: tuple[str, ...]
    origin: str | None = None
    destination: str | None = None

    def title(self, language: str) -> str:
        return nfc(self.titles[language])

    def caption(self, language: str) -> str:
        return nfc(self.captions[language])


@dataclass(frozen=True)
class Tour:
    tour_id: str
    scenes: tuple[Scene, ...]

    def scene(self, number: int) -> Scene:
        """Scene by its 1-based number (clamped into the tour)."""
        return self.scenes[clamp_scene(number, len(self.scenes)) - 1]


def build_tour(tour_id: str, rows: Iterable[TourRow]) -> Tour:
    """Scenes from validated rows, with their views resolved."""
    scenes = []
    for row in sorted(rows, key=lambda r: r.scene):
        view_name, view = (FIT, None) if row.view == FIT else parse_view(row.view, "world")
        scenes.append(
            Scene(
                number=row.scene,
                page_kind=row.page_kind,
                service_id=row.service_id,
                closed=row.closed,
                view_name=view_name,
                view=view,
                highlight=row.highlight,
                titles=dict(row.titles),
                captions=dict(row.captions),
                source_ids=row.source_ids,
                origin=row.origin,
                destination=row.destination,
            )
        )
    return Tour(tour_id, tuple(scenes))


def clamp_scene(number: int, count: int) -> int:
    """A scene number inside 1..count (1 for an empty tour)."""
    return max(1, min(number, max(count, 1)))


def scene_number(param: str | None, count: int) -> int:
    """The scene a `scene=` link asks for: 1-based, clamped; anything unreadable is scene 1."""
    if param is None or not param.strip().isdigit():
        return 1
    return clamp_scene(int(param.strip()), count)


def step(number: int, delta: int, count: int) -> int:
    """The scene `delta` steps away, stopping at the first and the last."""
    return clamp_scene(number + delta, count)


def scene_spec(scene: Scene, language: str) -> MapSpec:
    """The map of a scene: the page kind's map with the scene's service, closures and rings (a
    comparison: its two ends, one TEU, the default assumptions)."""
    return MapSpec(
        kind=scene.page_kind,  # type: ignore[arg-type]
        language=language,
        service_id=scene.service_id,
        closed=scene.closed,
        speed_kn=DEFAULT_SPEED_KN,
        view_name=scene.view_name,
        view=scene.view,
        highlight=scene.highlight,
        style="projector",
        origin=scene.origin,
        destination=scene.destination,
    )


def scenario_distances(scene: Scene, plan: PlanFn) -> tuple[float, float] | None:
    """(normal, what-if) total sea distance in nm for a scene that closes passages; else None."""
    if not scene.closed or scene.service_id is None:
        return None
    baseline = plan(scene.service_id, ())
    scenario = plan(scene.service_id, scene.closed)
    return baseline.rotation.distance_nm, scenario.rotation.distance_nm


def load_scenes(tour_id: str, tables: Tables) -> tuple[Tour | None, tuple]:
    """A tour read from data/tours/ and checked against the tables and the app's vocabulary."""
    loaded = load_tour(tour_id, tables, VOCABULARY)
    if loaded.rows is None:
        return None, loaded.problems
    return build_tour(tour_id, loaded.rows), ()


def main(argv: Sequence[str] | None = None) -> int:
    """Check tours (all on disk by default); print each problem; exit 1 if any tour has one."""
    names = list(sys.argv[1:] if argv is None else argv)
    result = load_all()
    if result.tables is None:
        for problem in result.problems:
            print(problem)
        print("fix the tables first: make validate")
        return 1
    failed = 0
    for tour_id in names or tour_ids():
        tour, problems = load_scenes(tour_id, result.tables)
        for problem in problems:
            print(problem)
        if tour is None:
            failed += 1
        else:
            print(f"tours/{tour_id}.csv: {len(tour.scenes)} scenes valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
