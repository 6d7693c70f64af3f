"""Names of the sea passages a scenario can close, and their mapping onto searoute's network.

searoute 1.6 tags some edges of its maritime network with a ``passage`` name (see
``searoute.classes.passages.Passage``); passing ``restrictions=[...]`` gives those edges an infinite
weight. The list *replaces* searoute's default ``["northwest"]``, so the Arctic passages must be
re-added on every call or a closure of Suez sends ships over Siberia.
"""

from __future__ import annotations

from collections.abc import Iterable

CLOSABLE_PASSAGES: tuple[str, ...] = (
    "babalmandab",
    "bosporus",
    "gibraltar",
    "malacca",
    "ormuz",
    "panama",
    "suez",
    "sunda",
)
"""Passages a scenario may close; the names are searoute's own, so no translation is needed."""

SHORTHANDS: dict[str, tuple[str, ...]] = {
    # The Red Sea is only avoided when both ends are shut: with Suez alone closed, ships could
    # still reach the Indian Ocean ports of the Red Sea through Bab-el-Mandeb and vice versa.
    "red_sea": ("suez", "babalmandab"),
}

ALWAYS_CLOSED: tuple[str, ...] = ("bering", "northwest")
"""Arctic passages (searoute's names): never open, whatever a scenario asks."""

REPORTED_PASSAGES: frozenset[str] = frozenset((*CLOSABLE_PASSAGES, "south_africa", "chili", *ALWAYS_CLOSED))
"""Passage tags worth showing; searoute also tags internal edges such as ``segment``."""


def resolve_closed(closed: Iterable[str]) -> tuple[str, ...]:
    """Expand shorthands and validate passage names; return the sorted, de-duplicated closures.

    Raises ValueError naming the valid choices when a name is unknown. The Arctic passages are not
    included here: `restrictions_for` adds them.
    """
    if isinstance(closed, str):
        # A bare string would otherwise be read letter by letter.
        closed = (closed,)
    resolved: set[str] = set()
    unknown: list[str] = []
    for name in closed:
        key = name.strip().lower()
        if key in SHORTHANDS:
            resolved.update(SHORTHANDS[key])
        elif key in CLOSABLE_PASSAGES:
            resolved.add(key)
        else:
            unknown.append(name)
    if unknown:
        valid = ", ".join((*CLOSABLE_PASSAGES, *SHORTHANDS))
        raise ValueError(f"unknown passage name(s) {unknown!r}; valid names: {valid}")
    return tuple(sorted(resolved))


def restrictions_for(closed: Iterable[str]) -> tuple[str, ...]:
    """searoute ``restrictions`` for a scenario: its closures plus the always-closed Arctic passages."""
    return tuple(sorted({*resolve_closed(closed), *ALWAYS_CLOSED}))
