# Dockerfile — the Nakksha image: the app and the `nakksha` command on python:3.11-slim, run as a non-root user.
# Build: docker build -t nakksha . ; run with compose.yaml (PostgreSQL, the app, a worker). The commands and
# environment used here are checked against the CLI and the settings by tests/meta/test_container_files.py.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# WeasyPrint (GST documents as PDF) needs Pango, a font with the rupee sign and fonts for India's scripts: the
# Makefile's PDF_PACKAGES.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-core \
 && rm -rf /var/lib/apt/lists/*

# Dependencies first, in a layer that changes only with pyproject.toml (empty packages stand in for the code).
# The install is editable on purpose: migrations, SQL functions and views are read from /app/db at run time.
COPY pyproject.toml README.md ./
RUN mkdir -p app/routes app/adapters jobs \
 && touch app/__init__.py app/routes/__init__.py app/adapters/__init__.py jobs/__init__.py \
 && pip install -e . \
 && rm -rf app jobs

COPY app ./app
COPY jobs ./jobs
COPY db ./db

# The runtime user owns only its data directory (uploaded photos when CLOUDINARY_URL is unset); the code is
# read-only to it.
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/nakksha --create-home nakksha

ENV NAKKSHA_ENV=production \
    NAKKSHA_DATA_DIR=/var/lib/nakksha \
    HOST=0.0.0.0 \
    PORT=8000

USER nakksha
EXPOSE 8000

HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=2)"]

CMD ["nakksha", "serve"]
