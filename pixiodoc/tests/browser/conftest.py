"""Browser tests: Debian's Chromium driven by Playwright (STACK.md), against live_server.

Every test here is marked `browser`. Where no Chromium is installed they skip
with one line saying so; CI installs it and fails on any skip.
"""

import os
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Chromium's fake camera (a moving test pattern) with the permission prompt answered.
FAKE_CAMERA = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]

# Playwright's sync API keeps an event loop running in this thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"
                    )
                )


class RequestsInFlight:
    """The live server's requests that started and have not finished yet."""

    def __init__(self):
        self._threads: set[int] = set()
        self._lock = threading.Lock()

    def started(self, **kwargs):
        with self._lock:
            self._threads.add(threading.get_ident())

    def finished(self, **kwargs):
        with self._lock:
            self._threads.discard(threading.get_ident())

    def count(self) -> int:
        with self._lock:
            return len(self._threads)

    def wait_until_none(self, *, timeout: float, quiet_for: float = 0.2) -> bool:
        """True once no request has run for `quiet_for` seconds (a closing page's
        last request may still be on its way to the server)."""
        deadline = time.monotonic() + timeout
        quiet_since = None
        while time.monotonic() < deadline:
            if self.count():
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= quiet_for:
                return True
            time.sleep(0.02)
        return False


@pytest.fixture(autouse=True)
def _live_server_settles(request):
    """Close the test's browser pages and let the live server finish before the flush.

    The test database is flushed when the test ends. A request still running in
    the live server's thread (a thumbnail the page was loading, an audit event
    being appended) holds locks that TRUNCATE waits for on PostgreSQL, while
    that request waits for tables TRUNCATE already took: a deadlock. Set up
    after pytest-django's live-server helper (so torn down before its flush)
    and before the Playwright contexts (so torn down after they are closed).
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    from django.core.signals import request_finished, request_started

    in_flight = RequestsInFlight()
    request_started.connect(in_flight.started)
    request_finished.connect(in_flight.finished)
    try:
        yield  # the Playwright contexts (set up after us) are closed by now
        if not in_flight.wait_until_none(timeout=30):
            pytest.fail("the live server still answered requests 30 s after the test")
    finally:
        request_started.disconnect(in_flight.started)
        request_finished.disconnect(in_flight.finished)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def page_for(live_server, new_context):
    """page_for(member, **context_args) -> a Playwright page signed in as that member.

    `context_args` go to the browser context (a phone's viewport, touch).
    """
    from django.conf import settings
    from django.test import Client

    from pixiodoc.testing import sign_in

    def open_page(member, **context_args):
        client = sign_in(Client(), member)
        context = new_context(base_url=live_server.url, **context_args)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        return context.new_page()

    return open_page


@pytest.fixture(scope="module")
def camera_browser(playwright):
    """A Chromium with the fake camera: the flags are launch flags, so its own browser."""
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + FAKE_CAMERA
    )
    yield browser
    browser.close()
