"""Start-up work done once per server process: sea routes read back from the disk cache before the
first script needs them; after the first run, the routes it computed written to the cache at once and,
WARM_DELAY_S later, every service's routes under the usual closures computed in the background (then
written too), so the next visitor — and the next process — does not wait for searoute; then each
page's opening map in every language (`warm_maps`), so a first language switch is a cache hit.

Streamlit 1.67 runs nothing of the app before the first visitor's script run under `streamlit run`
(only an `st.App` served through its ASGI mode has start-up hooks), so the first run triggers this.
Validation results are cached on disk by loaders (loaders/cache.py); this module adds the routes.
$CORRIDOR_ATLAS_WARM_UP=0 switches the background computation off (the test suite does, so that no
thread routes while a test patches searoute).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import geo
from atlas import model
from loaders import Tables, cache

WARM_UP_ENV = "CORRIDOR_ATLAS_WARM_UP"
ROUTES_KIND = "routes"
# The overview and the sea page open with no passage closed; these are the closures people try.
WARM_SCENARIOS: tuple[tuple[str, ...], ...] = ((), ("red_sea",), ("malacca",), ("panama",))
# The first visitor's browser is still drawing the map when their script run ends; routing at once
# would take one of the two cores (and the GIL) from it and from their next reruns.
WARM_DELAY_S = 20.0

_lock = threading.Lock()
_prepared = False
_warming: threading.Thread | None = None
# Routes written to (or read from) each entry by this process.
_saved_counts: dict[Path | None, int] = {}


def routes_key() -> str:
    """Routes depend on the data (the ports), geo's code and the routing libraries."""
    return cache.data_fingerprint()


def load_routes() -> int:
    """Seed geo's route cache from disk; a missing or malformed entry seeds nothing."""
    key = routes_key()
    snapshot = cache.read_entry(ROUTES_KIND, key)
    if snapshot is None:
        return 0
    try:
        taken = geo.preload_route_paths(snapshot)
    except (KeyError, TypeError, ValueError):
        return 0
    _saved_counts[cache.entry_path(ROUTES_KIND, key)] = taken
    return taken


def save_routes() -> bool:
    """Write every route this process knows, unless the entry on disk already holds as many."""
    key = routes_key()
    path = cache.entry_path(ROUTES_KIND, key)
    snapshot = geo.route_paths_snapshot()
    count = len(snapshot["paths"])
    if path is None or (path.is_file() and count <= _saved_counts.get(path, 0)):
        return False
    written = cache.write_entry(ROUTES_KIND, key, snapshot)
    if written:
        _saved_counts[path] = count
    return written


def prepare_process() -> None:
    """Once per process, before the first script needs a route: read the routes cache."""
    global _prepared
    with _lock:
        if _prepared:
            return
        _prepared = True
    load_routes()


def warm_up_enabled() -> bool:
    return os.environ.get(WARM_UP_ENV, "1").strip().lower() not in ("0", "off", "false", "no")


def warm_in_background(tables: Tables) -> threading.Thread | None:
    """Once per process, after the first script run: route every sea service (default speed; the
    usual closures) on a daemon thread, then save the routes to disk. Returns the thread it started."""
    global _warming
    with _lock:
        if _warming is not None or not warm_up_enabled():
            return None
        _warming = threading.Thread(target=_warm, args=(tables,), name="corridor-atlas-warm-up", daemon=True)
    _warming.start()
    return _warming


def _warm(tables: Tables) -> None:
    warm_routes(tables)
    warm_maps()


def warm_maps() -> None:
    """The map each page opens with, in every language, built and serialised into the process's
    caches: a visitor's first switch of language is then a cache hit (~30 ms) instead of building
    that language's map (0.5–2 s, bench/first_paint.py). The specs are those of a fresh visitor
    (MapSpec's defaults; the sea page's first service); a page with other choices simply misses."""
    from atlas.content import SCREEN_MAP_PX
    from atlas.i18n import LANGUAGES
    from atlas.spec import MapSpec

    from . import data

    first_service = data.sea_services()[0]
    for language in LANGUAGES:
        for spec in (
            MapSpec(kind="overview", language=language),
            MapSpec(kind="sea_services", language=language, service_id=first_service),
            MapSpec(kind="border_gates", language=language),
            MapSpec(kind="cargo", language=language),
        ):
            data.deck(spec, SCREEN_MAP_PX, False)


def warm_routes(tables: Tables) -> None:
    """Every sea service under every scenario in WARM_SCENARIOS (each leg is routed once per process
    and cached by geo), then the routes are written to the disk cache."""
    save_routes()  # the first page's routes at once: a server stopped soon after still keeps them
    time.sleep(WARM_DELAY_S)
    for closed in WARM_SCENARIOS:
        for service_id in model.sea_services(tables):
            model.plan_service(tables, service_id, closed)
    save_routes()
