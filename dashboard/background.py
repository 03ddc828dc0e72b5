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


def background_manager(settings: Settings):
    from dash import CeleryManager, DiskcacheManager

    if settings.redis_url:
        return CeleryManager(celery_app(settings), expire=EXPIRE_SECONDS)
    import diskcache

    settings.background_dir.mkdir(parents=True, exist_ok=True)
    cache = diskcache.Cache(str(settings.background_dir))
    return DiskcacheManager(cache, expire=EXPIRE_SECONDS)


def celery_app(settings: Settings):
    from celery import Celery

    app = Celery("wec", broker=settings.redis_url, backend=settings.redis_url)
    app.conf.update(
        task_default_queue=settings.celery_queue,
        result_expires=EXPIRE_SECONDS,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    return app
