"""Entry point for gunicorn: `gunicorn -c gunicorn.conf.py app:server`."""

from dashboard.app import create_app
from dashboard.services import ensure_ready
from dashboard.settings import Settings

settings = Settings.from_env()
settings.require_safe()  # before the first ingest: a weak SECRET_KEY stops the start at once
ensure_ready(settings)
app = create_app(settings)
server = app.server
# With REDIS_URL, background callbacks (staff uploads) run on Celery workers:
#   celery -A app:celery_app worker
celery_app = app.celery_app
