"""Streamlit glue shared by the pages: cached data, the shared sidebar, deep-link state, widgets."""
