"""Real Chromium against a live server: the app as a user's browser sees it.

Playwright's sync API is driven directly (no pytest-playwright). The live server is its own app
with CSRF switched on, sharing the database of the ``app`` fixture, so the autouse cleanup in
``tests/conftest.py`` empties the tables after every browser test.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, got_request_exception
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import make_server

from registry import create_app
from registry.extensions import db
from tests.conftest import smtp_inbox, test_config

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for a person to look at, not secrets
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
# Fail fast: every page is local, so anything slower than this is a hang, not a slow network.
TIMEOUT_MS = 5_000
# Rules that fail a page whatever impact axe gives them. Two landmarks of one role and name
# (axe rates it "moderate") leave a screen reader's landmark list with entries that cannot be
# told apart.
ALWAYS_FAIL = {"landmark-unique"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under this folder ``browser`` (``-m 'not browser'`` skips them)."""
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            # In CI a missing browser is a broken image, not a reason to go green quietly.
            pytest.fail(
                f"!!! BROWSER TESTS CANNOT RUN IN CI: {CHROMIUM} not found "
                "(apt-get install chromium) !!!",
                pytrace=False,
            )
        pytest.skip(f"BROWSER TESTS SKIPPED: {CHROMIUM} not found (apt-get install chromium)")
    # Debian's Chromium, not Playwright's download (which cannot be fetched on these machines).
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_app(app: Flask) -> Iterator[Flask]:
    """A second app on the same database, with CSRF on: the browser submits real tokens."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]  # schema already built by ``app``
    live = create_app(test_config(url, WTF_CSRF_ENABLED=True))
    yield live
    with live.app_context():
        db.engine.dispose()


@pytest.fixture
def live_inbox(live_app: Flask, monkeypatch) -> Iterator[list]:
    """The mail the live server sends, through a real SMTP server on loopback."""
    yield from smtp_inbox(live_app, monkeypatch)


@pytest.fixture(scope="session")
def server_errors(live_app: Flask) -> list[str]:
    """Exceptions raised in the live server's thread; a browser only sees them as a 500."""
    errors: list[str] = []

    def record(sender: Flask, exception: BaseException, **extra) -> None:
        errors.append(f"{type(exception).__name__}: {exception}")

    got_request_exception.connect(record, live_app, weak=False)
    return errors


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()  # else the listening socket leaks (ResourceWarning)
    thread.join(timeout=5)


def _new_page(
    browser: Browser, base_url: str, server_errors: list[str], **options
) -> Iterator[Page]:
    server_errors.clear()
    options.setdefault("viewport", {"width": 1280, "height": 900})
    context: BrowserContext = browser.new_context(base_url=base_url, **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    # The real Content-Security-Policy stays on (no ``bypass_csp``): a page that breaks it —
    # an inline script, eval in htmx, an inline style — must fail here, as it would for users.
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield page
    context.close()
    # A server error usually shows in the test only as a timeout; name the real cause here.
    assert not server_errors, "The live server raised:\n" + "\n".join(server_errors)
    assert not csp_errors, "Content-Security-Policy violations:\n" + "\n".join(csp_errors)


@pytest.fixture
def page(browser: Browser, live_server: str, server_errors: list[str]) -> Iterator[Page]:
    """A fresh browser context (no cookies) with JavaScript, ``base_url`` set to the server."""
    yield from _new_page(browser, live_server, server_errors)


@pytest.fixture
def page_nojs(browser: Browser, live_server: str, server_errors: list[str]) -> Iterator[Page]:
    """The same with JavaScript off: the site must work as plain HTML forms."""
    yield from _new_page(browser, live_server, server_errors, java_script_enabled=False)


def check_a11y(page: Page) -> None:
    """Run axe-core on the page as it is now; fail on serious or critical violations, and on
    those of ``ALWAYS_FAIL``.

    ``add_script_tag`` injects inline script, which the app's ``script-src 'self'`` rightly
    blocks; evaluating the source through the DevTools protocol is not subject to the CSP, so
    axe runs without weakening the policy under test. (Needs JavaScript: not for ``page_nojs``.)
    """
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    results = page.evaluate("async () => await axe.run()")
    bad = [
        v
        for v in results["violations"]
        if v["impact"] in ("serious", "critical") or v["id"] in ALWAYS_FAIL
    ]
    lines = []
    for violation in bad:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"    on {', '.join(targets)}"
            + (f" and {len(violation['nodes']) - 3} more" if len(violation["nodes"]) > 3 else "")
        )
    assert not bad, f"axe found accessibility problems on {page.url}:\n" + "\n".join(lines)


def screenshot(page: Page, name: str) -> None:
    """Keep a full-page picture in /tmp/shots/ for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def ui_login(page: Page, base: str, email: str, password: str) -> None:
    """Log in through the login form, as a person would; waits until the home page shows."""
    page.goto(f"{base}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("You are logged in.").wait_for()
