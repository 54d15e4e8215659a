"""Browser fixtures: the app served on a loopback port in a thread, Debian's Chromium via Playwright."""
import os
import threading

import pytest
from werkzeug.serving import make_server


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "artifacts")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def docs_screenshots(area):
    """Where a browser test keeps the pictures the docs show: docs/screenshots/<area> when
    ``TESSERA_DOCS_SCREENSHOTS=1`` (refreshing the docs' pictures on purpose), else
    tests/artifacts/screenshots/<area> — an ordinary test run leaves the repository as it was."""
    if os.environ.get("TESSERA_DOCS_SCREENSHOTS") == "1":
        return os.path.join(ROOT, "docs", "screenshots", area)
    return os.path.join(ARTIFACTS, "screenshots", area)


@pytest.fixture
def live_server(app):
    """The app on http://127.0.0.1:<free port>, stopped after the test."""
    # port 0: the kernel picks a free port at bind time (no race with parallel workers)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def browser_login(live_server, make_user):
    """Log ``page`` in as a new user with ``role``; returns the user."""

    def do_login(page, role, username=None):
        user = make_user(role, username)
        page.goto(f"{live_server}/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", "pw")
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_load_state("networkidle")
        return user

    return do_login


def screenshot(page, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, name)
    page.screenshot(path=path, full_page=True)
    return path
