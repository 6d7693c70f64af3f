# Corridor Atlas as a container: `docker build -t corridor-atlas .` then
# `docker run --rm -p 8501:8501 corridor-atlas` and open http://localhost:8501 (docs/HOSTING.md).
FROM python:3.11-slim

# Settings come from .streamlit/config.toml and STREAMLIT_* variables (STREAMLIT_<SECTION>_<OPTION>);
# the port and address are fixed by CMD below, so publish with `-p <host port>:8501`.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

# Noto fonts draw Vietnamese diacritics and Chinese characters in the PNG/PDF slide exports; without
# them matplotlib falls back to DejaVu Sans and Chinese labels come out as empty boxes. nginx is the
# static server of deploy/compose.yaml (the same image, another command: deploy/nginx-static.conf).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-core fonts-noto-cjk nginx \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first: the layer is reused until requirements.txt changes.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Streamlit's frontend and static/ with a brotli and a gzip copy of every text file, for the static
# server (scripts/precompress_static.py; the files of exactly the Streamlit installed above).
RUN pip install -r deploy/requirements-static.txt \
    && python scripts/precompress_static.py /srv/corridor-atlas/static
RUN useradd --create-home --uid 10001 atlas && chown -R atlas /app
USER atlas

EXPOSE 8501
# No curl in the slim image: Python's urllib asks Streamlit's health endpoint, which answers "ok".
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4); sys.exit(0 if r.read().strip() == b'ok' else 1)"]

CMD ["streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
