"""A real browser for tests: Debian's Chromium driven by Playwright, with the outside network blocked.

Playwright cannot download its own browser build here, so it drives the system Chromium that
`scripts/install.sh --dev` installs (`executable_path`). Every page runs offline: a request to any host other
than loopback is aborted and recorded, and console errors and uncaught page errors are recorded too, so a test
can assert that a page works with no internet and says nothing wrong. Registered as a pytest plugin by
tests/conftest.py: tests ask for the `offline_page` fixture (or `chromium` for a browser of their own).
"""

from __future__ import annotations

import ipaddress
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Route,
    WebSocketRoute,
    sync_playwright,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")


def find_chromium() -> str | None:
    """The Chromium to drive: $TUNESMITH_TEST_CHROMIUM, else Debian's package."""
    configured = os.environ.get("TUNESMITH_TEST_CHROMIUM")
    if configured:
        return configured
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def is_local(url: str) -> bool:
    """True for loopback hosts and for URLs that never touch the network (data:, blob:, about:)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "ws", "wss"):
        return True
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class OfflinePage:
    """A page in its own browser context, and what it tried and said while a test drove it."""

    page: Page
    blocked: list[str] = field(default_factory=list)  # non-local URLs the page asked for (all aborted)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def wait_for(self, selector: str, timeout_ms: float = 20_000) -> None:
        """Wait until `selector` shows; on time-out, fail with what the page tried and said meanwhile."""
        try:
            self.page.wait_for_selector(selector, timeout=timeout_ms)
        except PlaywrightTimeoutError:
            raise AssertionError(
                f"{selector!r} never showed on {self.page.url}; blocked requests: {self.blocked}; "
                f"console errors: {self.console_errors}; page errors: {self.page_errors}"
            ) from None

    def assert_clean(self) -> None:
        """Nothing left the machine and the page logged no error."""
        assert self.blocked == [], f"requests to non-local hosts: {self.blocked}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.page_errors == [], f"uncaught page errors: {self.page_errors}"


# Module scope: the Playwright driver (and its event loop) lives only while a module of browser tests runs.
@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def chromium(playwright_driver: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless; the tests using it skip (and say why) only when it is not installed."""
    path = find_chromium()
    if path is None:
        pytest.skip(
            "Chromium is not installed: scripts/install.sh --dev installs Debian's `chromium` package "
            "(set TUNESMITH_TEST_CHROMIUM to use another build)"
        )
    browser = playwright_driver.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def offline_page(chromium: Browser) -> Iterator[OfflinePage]:
    """A fresh page that can reach only loopback; see OfflinePage for what it records."""
    context = chromium.new_context()
    page = context.new_page()
    recorded = OfflinePage(page)

    def guard(route: Route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            recorded.blocked.append(route.request.url)
            route.abort("internetdisconnected")

    def guard_websocket(socket: WebSocketRoute) -> None:
        if is_local(socket.url):
            socket.connect_to_server()
        else:
            recorded.blocked.append(socket.url)
            socket.close()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            recorded.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    context.route("**/*", guard)
    context.route_web_socket("**/*", guard_websocket)
    page.on("console", on_console)
    page.on("pageerror", lambda error: recorded.page_errors.append(str(error)))
    yield recorded
    context.close()
