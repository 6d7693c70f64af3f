"""A map legend as HTML swatches, written once for the pages, the tour and the HTML export.

Labels are our own translated text; they are escaped all the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from . import style
from .content import LegendItem
from .i18n import Translator, nfc

_CHIP_STYLE = "display:inline-block;max-width:100%;margin:0 14px 4px 0;line-height:1.5"


def legend_html(items: Sequence[LegendItem], t: Translator, *, css_class: str = "atlas-legend") -> str:
    """Swatches drawn as the map draws them: solid or dashed lines, filled or hollow dots, rings."""
    labelled = [(item.label(t), item.colour, item.shape) for item in items]
    return labelled_legend_html(labelled, css_class=css_class)


def labelled_legend_html(
    items: Sequence[tuple[str, Sequence[int], str]], *, css_class: str = "atlas-legend"
) -> str:
    """The same swatches for (label, colour, shape) items whose labels are already text (the options
    of a comparison are named from the data, not from translation keys)."""
    chips = []
    for label, colour_rgba, shape in items:
        colour = style.hex_colour(list(colour_rgba))
        if shape in ("line", "dashed"):
            border = "dashed" if shape == "dashed" else "solid"
            mark = (
                f'<span style="display:inline-block;width:26px;border-top:4px {border} {colour};'
                'vertical-align:middle"></span>'
            )
        else:
            fill = colour if shape == "dot" else "#ffffff" if shape == "hollow" else "transparent"
            mark = (
                '<span style="display:inline-block;width:11px;height:11px;border-radius:50%;'
                f'border:2px solid {colour};background:{fill};vertical-align:middle"></span>'
            )
        chips.append(
            # A chip keeps its swatch and words together, and wraps inside itself on a phone
            # rather than run off the screen (a comparison's option names are long).
            f'<span class="chip" style="{_CHIP_STYLE}">{mark} {escape(nfc(label))}</span>'
        )
    return f'<div class="{css_class}" style="line-height:2">{"".join(chips)}</div>' if chips else ""
