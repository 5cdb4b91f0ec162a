"""gunicorn configuration for a PixioDoc web node: `gunicorn -c deploy/gunicorn.conf.py`.

Settings are read from the environment (see .env.example). The app is loaded in the
master before any worker forks (`preload_app`), so a production setting that is
missing or unsafe stops gunicorn at once with the one-line refusal (S36) instead of
workers failing and being restarted in a loop.
"""

import multiprocessing
import os

wsgi_app = "pixiodoc.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
preload_app = True
# Photo uploads arrive whole in memory (S14); give slow phone connections time.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Restart workers now and then so a slow leak cannot build up.
max_requests = 1000
max_requests_jitter = 100
# Behind the TLS proxy only: trust X-Forwarded-* from it alone.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The access log carries paths (uuids, never names) but no query strings: a patient
# search `?q=` is PHI (S27, S37).
accesslog = "-"
access_log_format = (
    '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)ss rid=%({x-request-id}o)s'
)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
limit_request_line = 8190
