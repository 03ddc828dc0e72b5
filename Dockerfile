# syntax=docker/dockerfile:1
# Build stage: wheels for the app and its dependencies.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY dashboard ./dashboard
COPY layouts ./layouts
COPY callbacks ./callbacks
COPY data ./data
COPY geo ./geo
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# Runtime stage: only the installed app, run by gunicorn as an unprivileged user.
FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    WEC_DATA_DIR=/var/lib/wec WEC_RAW_DIR=/data/raw WEC_BIND=0.0.0.0:8050
RUN useradd --system --create-home --home-dir /app wec && mkdir -p /var/lib/wec \
    && chown wec /var/lib/wec
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
WORKDIR /app
COPY app.py gunicorn.conf.py ./
USER wec
EXPOSE 8050
# Mount the raw data (read-only) at /data/raw and a volume at /var/lib/wec; set
# DATABASE_URL for PostgreSQL and REDIS_URL for a shared cache.
CMD ["gunicorn", "-c", "gunicorn.conf.py", "app:server"]
