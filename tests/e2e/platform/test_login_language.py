"""A member of staff logs in, switches the interface to Armenian, and sees it in Armenian."""
import os

from app.services.platform import translations
from tests.e2e.conftest import screenshot


def test_login_and_switch_to_armenian(live_server, page, browser_login):
    browser_login(page, "Admin")
    assert "/login" not in page.url
    page.goto(f"{live_server}/lang/hy")
    page.goto(f"{live_server}/jobs/")
    hy = translations._read(f"{translations.TRANSLATIONS}/hy/LC_MESSAGES/messages.po", "hy")
    heading = page.locator("h2").first.inner_text()
    assert heading == hy.get("Background jobs").string
    path = screenshot(page, "login-hy.png")
    assert os.path.getsize(path) > 10_000
