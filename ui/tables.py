"""Every table the pages show: st.dataframe without Streamlit's own export, plus the project's.

Streamlit's built-in "Download as CSV" writes cells as they are, so a name such as
`=HYPERLINK(…)` arrives in a spreadsheet as a formula. `client.disableDataExport` (config.toml)
hides that button and the clipboard copy; the download offered here goes through exports.csv_bytes,
which defuses formulas.
"""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from atlas import exports
from atlas.numbers import number

from . import data
from .state import language


def data_table(
    frame: pd.DataFrame, csv_name: str | None = None, *, quantities: dict[str, int] | None = None
) -> None:
    """The frame as a table across the page; with `csv_name`, a formula-safe CSV download below.

    `quantities` names the columns that hold quantities, with their decimals: they are written in
    the reader's format (vi `1.548,3`, en `1,548.3`). Other numbers (years, ids) stay as they are."""
    shown = frame
    if quantities:
        lang = language()
        shown = frame.assign(
            **{
                column: frame[column].map(lambda v, d=decimals: number(v, lang, d))
                for column, decimals in quantities.items()
                if column in frame.columns
            }
        )
    st.dataframe(shown, hide_index=True, width="stretch")
    if csv_name:
        t = data.translator(language())
        # Made when clicked, not on every run (~4 ms a table): a rerun that nobody downloads from
        # pays nothing. The frame is the one on screen, so the file is what the visitor saw.
        st.download_button(
            t("data.download_csv", name=csv_name),
            functools.partial(exports.csv_bytes, frame),
            file_name=csv_name,
            mime="text/csv",
            on_click="ignore",
            key=f"table_csv_{csv_name}",
        )
