"""gunicorn settings. The app ingests and builds boundary files once, before forking."""

import os

bind = os.environ.get("WEC_BIND", "0.0.0.0:8050")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEC_THREADS", "4"))
preload_app = True
timeout = 120
accesslog = "-"
errorlog = "-"
