"""The manager of Dash background callbacks (long uploads run there, with progress).

Without Redis: a disk cache in the data folder, and each job in a process of its
own. With REDIS_URL: Celery, with Redis as broker and result store, so jobs run on
Celery workers (`celery -A app:celery_app worker`) and any web worker can follow them.

Results are never cached (no `cache_by`): a check's answer depends on the state of
the upload in the store, not only on its id and the published version. A cached answer
would show a Publish button for an upload already published, or, with a Redis shared
by two stores, another store's report. The store keeps each upload's report, so asking
again is cheap.
"""

from __future__ import annotations

from dashboard.settings import Settings

# A kept result is dropped after this long unused.
EXPIRE_SECONDS = 3600
# The disk cache is a SQLite file shared by every worker and job: on a busy machine a
# write may wait behind others, so it waits up to this long (diskcache's default is
# 60 s) before giving up. A check whose answer is still lost is shown from the store
# (the page's watcher), so a timeout here costs a few seconds, never the check.
DISKCACHE_TIMEOUT_SECONDS = 120


def background_manager(settings: Settings):
    from dash import CeleryManager, DiskcacheManager

    if settings.redis_url:
        return CeleryManager(celery_app(settings), expire=EXPIRE_SECONDS)
    import diskcache

    settings.background_dir.mkdir(parents=True, exist_ok=True)
    cache = diskcache.Cache(str(settings.background_dir), timeout=DISKCACHE_TIMEOUT_SECONDS)
    return DiskcacheManager(cache, expire=EXPIRE_SECONDS)


def celery_app(settings: Settings):
    from celery import Celery

    app = Celery("wec", broker=settings.redis_url, backend=settings.redis_url)
    app.conf.update(
        task_default_queue=settings.celery_queue,
        result_expires=EXPIRE_SECONDS,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        # A check still running a minute past its timeout has been declared failed
        # already (dashboard: WEC_CHECK_TIMEOUT_SECONDS): the worker stops it (prefork pool).
        task_time_limit=settings.check_timeout_seconds + 60,
    )
    return app
