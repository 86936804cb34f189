"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser)."""

import os
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

from tests.services import unavailable

# Sync Playwright runs an event loop in the test thread; the ORM calls in tests are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
# The README's screenshots are tracked: a test run writes under var/ and leaves a clean
# checkout clean, unless UPDATE_SCREENSHOTS=1 asks it to refresh the README's.
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / (
    "docs/screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else "var/screenshots"
)


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server on the in-memory SQLite database shares the test's one connection
    among its threads (Django's connections_override), and SQLite refuses two statements at
    once on it ("database table is locked"): a tablet's save racing the desk's poll failed
    that way. Connections are still accepted side by side; each request runs alone, from the
    application's call until its response is closed (when Django's request_finished runs).
    On PostgreSQL each thread has its own connection and nothing waits."""

    application_lock = threading.Lock()

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)

        def one_at_a_time(environ, start_response):
            self.application_lock.acquire()
            try:
                return ReleasedOnClose(application(environ, start_response), self.application_lock)
            except BaseException:
                self.application_lock.release()
                raise

        return super().set_app(one_at_a_time)

    def _close_connections(self):
        # The shared in-memory connection is the test's own, and never closed by a request;
        # a browser's connection kept alive past the server's stop would fail trying.
        if not self.connections_override:
            super()._close_connections()


class ReleasedOnClose:
    """A WSGI response that releases `lock` once the server has closed it."""

    def __init__(self, response, lock: threading.Lock) -> None:
        self.response, self.lock = response, lock

    def __iter__(self):
        return iter(self.response)

    def close(self) -> None:
        try:
            if hasattr(self.response, "close"):
                self.response.close()
        finally:
            self.lock.release()


@pytest.fixture(scope="session", autouse=True)
def one_request_at_a_time(django_db_setup):
    """Before the live server starts, and after the test database exists: else the server
    does not see that the database is in memory, and each of its threads opens a connection
    of its own to it, whose locks outlive their requests."""
    threaded, LiveServerThread.server_class = LiveServerThread.server_class, OneRequestAtATime
    yield
    LiveServerThread.server_class = threaded


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        unavailable("Debian's Chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


@pytest.fixture
def screen(browser):
    """Another person's screen: a page in a browser context of its own. The contexts are
    closed after the test, or their pages would go on polling the live server (it outlives
    the test) and their templates would show up in later tests' responses."""
    contexts = []

    def open_page():
        contexts.append(browser.new_context())
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def sized(browser):
    """A page at one of the three sizes (pages.SIZES), in a context of its own."""
    from tests.browser.pages import SIZES

    contexts = []

    def open_page(size: str):
        width, height = SIZES[size]
        contexts.append(browser.new_context(viewport={"width": width, "height": height}))
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in(live_server):
    from tests.factories import TEST_PASSWORD

    def sign_in_as(page, user):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    return sign_in_as


@pytest.fixture
def screenshot():
    def save(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)
        return path

    return save
