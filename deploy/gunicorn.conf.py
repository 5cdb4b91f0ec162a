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
# Threads, so that a browser's keep-alive connection stays open between the dozens
# of thumbnails a timeline asks for (a sync worker closes every connection) and a
# thread waiting on the database leaves the CPU to another: measured in
# imaging/benchmarks/bench_serving.py, README "Production serving". Each thread
# keeps its own database connection: workers x threads per node (PgBouncer, README).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
preload_app = True
# Photo uploads arrive whole in memory (S14); give slow phone connections time.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Restart workers now and then so a slow leak cannot build up, but rarely: a new
# worker's first requests cost 90-145 ms (connections, prepared statements), and
# at 1,000 requests a thumbnail-heavy node replaced a worker every few seconds.
max_requests = 50_000
max_requests_jitter = 5_000
# Behind the TLS proxy only: trust X-Forwarded-* from it alone.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The access log carries paths (uuids, never names) but no query strings: a patient
# search `?q=` is PHI (S27, S37); capability tokens in paths (share links,
# invitations, password resets) are replaced (S39). The logger class offers only
# the fields below and builds nothing else per request (pixiodoc/accesslog.py).
# GUNICORN_ACCESS_LOG= (empty) turns it off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
logger_class = "pixiodoc.accesslog.RedactingAccessLogger"
access_log_format = (
    '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)ss rid=%({x-request-id}o)s'
)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
limit_request_line = 8190
