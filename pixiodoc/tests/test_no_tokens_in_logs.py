"""S39: no capability token (share link, invitation, password reset) in any log.

The database keeps only a token's hash; a log line with the path in clear would
hand the link to whoever reads the logs. Checked where the lines are written:
gunicorn serving with deploy/gunicorn.conf.py (its access and error log, Django's
console handler), Django's request and development-server loggers, and the
access-log format of deploy/nginx.conf.
"""

import http.client
import io
import logging
import re
import secrets
import shutil
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from pixiodoc.benchmarking import gunicorn_serving
from pixiodoc.logs import redact_path
from pixiodoc.testing import free_port, running_server
from sharing.tests.factories import make_link, make_patient_link

NGINX_CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


def token_urls(clinician):
    """Real capability URLs and the secrets in them."""
    link, share_token = make_link(actor=clinician)
    _, patient_token = make_patient_link(actor=clinician)
    invitation_token = secrets.token_urlsafe(32)
    user = clinician.user
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    reset_token = default_token_generator.make_token(user)
    urls = [
        f"/s/{share_token}/",
        f"/s/{share_token}/photos/{uuid.uuid4()}/",
        f"/p/{patient_token}/",
        f"/p/{patient_token}/withdraw/teaching/",
        f"/accounts/invitations/{invitation_token}/",
        f"/accounts/password-reset/{uid}/{reset_token}/",
    ]
    return urls, [share_token, patient_token, invitation_token, reset_token]


def get(base, path) -> int:
    conn = http.client.HTTPConnection(urlsplit(base).netloc, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


# S39
def test_gunicorn_serving_with_the_deploy_config_logs_no_token(
    transactional_db, clinician, settings, tmp_path
):
    urls, secrets_ = token_urls(clinician)
    log = tmp_path / "gunicorn.log"
    with gunicorn_serving(settings, tmp_path / "blobs", log=log) as base:
        for path in urls:
            get(base, path)
    text = log.read_text()
    for secret in secrets_:
        assert secret not in text
    for line in ("/s/[token]/", "/accounts/invitations/[token]/"):
        assert f'"GET {line} HTTP/1.1"' in text  # logged, redacted
    assert '"GET /accounts/password-reset/[uid]/[token]/ HTTP/1.1"' in text
    assert re.search(r'"GET /s/\[token\]/photos/[0-9a-f-]{36}/ HTTP/1.1"', text)


@pytest.fixture
def console_output():
    """What Django's console handler writes, read back."""
    handler = next(
        h for h in logging.getLogger("django.request").handlers if h.name == "console"
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


# S39
def test_djangos_request_and_server_logs_carry_no_token(clinician, console_output):
    urls, secrets_ = token_urls(clinician)
    for path in urls:
        logging.getLogger("django.request").error("Internal Server Error: %s", path)
        logging.getLogger("django.server").info(
            '"%s" %s %s', f"GET {path}?c=cover-token HTTP/1.1", "200", "512"
        )
    text = console_output.getvalue()
    for secret in [*secrets_, "cover-token"]:
        assert secret not in text
    assert "Internal Server Error: /s/[token]/" in text
    assert '"GET /accounts/invitations/[token]/?[query] HTTP/1.1" 200 512' in text


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


# S39: a new capability URL (a patient link, say) cannot be forgotten here.
def test_every_url_that_carries_a_token_is_redacted():
    sample = secrets.token_urlsafe(32)
    routes = [r for r in _patterns(get_resolver()) if "token>" in r]
    assert routes  # share links, invitations, password resets at least
    for route in routes:
        path = "/" + re.sub(
            r"<(?:(\w+):)?(\w+)>",
            # Only the token is secret; other arguments (a purpose) are words.
            lambda m: (
                sample
                if m[2] == "token"
                else (str(uuid.uuid4()) if m[1] == "uuid" else "teaching")
            ),
            route,
        )
        assert sample not in redact_path(path), route


def nginx_config(tmp_path: Path, port: int) -> Path:
    """A plain-HTTP nginx answering 204, logging with deploy/nginx.conf's own
    `map` and `log_format` (the rest of that file needs certificates)."""
    deploy = NGINX_CONF.read_text()
    log_map = re.search(r"^map \$uri \$pixiodoc_log_uri \{.*?^\}", deploy, re.M | re.S)
    log_format = re.search(r"^log_format pixiodoc .*?;$", deploy, re.M | re.S)
    temp = {
        name: tmp_path / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")
    }
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"""
daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    {log_map[0]}
    {log_format[0]}
    server {{
        listen 127.0.0.1:{port};
        access_log {tmp_path}/access.log pixiodoc;
        location / {{ return 204; }}
    }}
}}
"""
    )
    return config


# S39: nginx itself, with the formats of deploy/nginx.conf
def test_nginx_logs_no_token(clinician, tmp_path):
    urls, secrets_ = token_urls(clinician)
    harmless = ["/patients/", "/accounts/password-reset/sent/", "/static/app.css"]
    port = free_port()
    config = nginx_config(tmp_path, port)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    with running_server(
        [nginx, "-c", str(config), "-e", str(tmp_path / "error.log")],
        port,
        what="nginx",
    ) as base:
        for path in [*urls, *harmless]:
            assert get(base, path + "?q=Smith") == 204
    logged = re.findall(r'"GET (\S+)" 204', (tmp_path / "access.log").read_text())
    assert logged == [redact_path(path) for path in [*urls, *harmless]]
    assert not any(secret in path for secret in secrets_ for path in logged)
