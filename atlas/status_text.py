"""Status and date text: "operating · as of 2025-12-10", "on or before 2023-10-31".

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


def date_with_qualifier(t: Callable[..., str], date: object, qualifier: object) -> str:
    """An agreement's date as the source supports it: '2023-10-31' or 'on or before 2023-10-31'."""
    if not isinstance(date, str) or not date:
        return ""
    return t("date.on_or_before", date=date) if qualifier == "on_or_before" else date
