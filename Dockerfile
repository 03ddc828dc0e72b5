# syntax=docker/dockerfile:1
# Build stage: the app's own wheel (with dashboard/assets), and the locked dependencies.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY requirements.lock pyproject.toml README.md ./
# Every dependency pinned and checked against its SHA-256 (requirements.lock).
RUN python -m venv /opt/wec \
    && /opt/wec/bin/pip install --no-cache-dir --require-hashes -r requirements.lock
COPY dashboard ./dashboard
COPY layouts ./layouts
COPY callbacks ./callbacks
COPY data ./data
COPY geo ./geo
COPY presenters ./presenters
RUN /opt/wec/bin/pip wheel --no-cache-dir --no-deps --no-build-isolation --wheel-dir /wheels . \
    && /opt/wec/bin/pip install --no-cache-dir --no-deps /wheels/*.whl

# Runtime stage: the virtualenv only, run by gunicorn as an unprivileged user.
FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/wec/bin:$PATH \
    WEC_DATA_DIR=/var/lib/wec WEC_RAW_DIR=/data/raw WEC_BIND=0.0.0.0:8050
# Chromium prints an area profile to PDF on the server (dashboard/pdf.py).
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --home-dir /app wec && mkdir -p /var/lib/wec \
    && chown wec /var/lib/wec
COPY --from=build /opt/wec /opt/wec
WORKDIR /app
COPY app.py gunicorn.conf.py ./
USER wec
EXPOSE 8050
# Production: SECRET_KEY must be set (a strong random value) or the app will not start.
# Mount the raw data (read-only) at /data/raw and a volume at /var/lib/wec; set
# DATABASE_URL for PostgreSQL and REDIS_URL for the shared cache and Celery. compose.yaml
# runs the whole thing; a Celery worker is this image with the command
#   celery -A app:celery_app worker --loglevel=INFO
CMD ["gunicorn", "-c", "gunicorn.conf.py", "app:server"]
