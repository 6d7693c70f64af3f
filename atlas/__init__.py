"""Application logic between the data and the pages: languages, views, routes for services, decks.

Pure and typed, no Streamlit: the pages draw what these functions return.
"""
