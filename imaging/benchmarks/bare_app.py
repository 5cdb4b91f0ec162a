"""The floor: a bare WSGI app that answers every request with one file's bytes.

No Django, no database, no decryption: what gunicorn alone costs to serve a
thumbnail-sized body with the headers an image response carries (S15). The
serving benchmark runs it under deploy/gunicorn.conf.py beside PixioDoc.
"""

import os
from pathlib import Path

BODY = Path(os.environ["BENCH_BARE_FILE"]).read_bytes()
HEADERS = [
    ("Content-Type", "image/jpeg"),
    ("Content-Length", str(len(BODY))),
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "private, no-cache"),
    ("Content-Security-Policy", "default-src 'none'; sandbox"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
