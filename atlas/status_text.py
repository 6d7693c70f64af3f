"""'operating · as of 2025-12-10': a status always shown with the date its source confirms it.

Pure text: pages and tooltips pass their translator `t` (atlas.i18n.Translator). A status without a
date (uploaded data may lack one) is shown alone rather than with an empty date.
"""

from __future__ import annotations

from collections.abc import Callable


def status_with_as_of(t: Callable[..., str], status: object, as_of: object) -> str:
    """The translated status and its 'as of' date; '' when there is no status."""
    if not isinstance(status, str) or not status:
        return ""
    label = t(f"status.{status}")
    if not isinstance(as_of, str) or not as_of:
        return label
    return t("status.as_of", status=label, date=as_of)
