"""Strict CSP, HSTS and cookie flags (S35); no-store on pages (issue 2 item 10)."""

import pytest


def directives(response):
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:]
        for part in (p.strip() for p in header.split(";"))
        if part
    }


# S35
def test_pages_send_the_strict_content_security_policy(client_for, clinician):
    for response in (
        client_for(clinician).get("/patients/"),
        client_for(clinician).get("/"),
    ):
        policy = directives(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
        assert all("http" not in source for source in policy["script-src"])


# S35
@pytest.mark.urls("pixiodoc.tests.security.error_urls")
def test_scripts_run_by_nonce_only(client):
    first = client.get("/test-script/")
    second = client.get("/test-script/")
    nonces = []
    for response in (first, second):
        script_src = directives(response)["script-src"]
        nonce = next(s for s in script_src if s.startswith("'nonce-"))[7:-1]
        assert f'nonce="{nonce}"' in response.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]  # fresh for every response


# S35
def test_session_and_csrf_cookies_are_http_only_and_same_site(
    client, client_for, clinician
):
    response = client.get("/accounts/login/")  # the sign-in form sets the CSRF cookie
    csrf = next(c for name, c in response.cookies.items() if "csrf" in name)
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client_for(clinician).get("/patients/")  # sessions are re-sent
    session = next(c for name, c in response.cookies.items() if "session" in name)
    assert session["httponly"] and session["samesite"] == "Lax"


# item 10: no page that may show PHI is kept by a browser or proxy
def test_pages_are_never_cached(client_for, clinician):
    response = client_for(clinician).get("/patients/")
    assert "no-store" in response["Cache-Control"]
