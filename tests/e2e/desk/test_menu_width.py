"""The top menu fits one line at 1366 px in every language, for the role with the most menus
(Admin): the navigation bar is no taller than one row."""
import os

import pytest

from tests.e2e.conftest import docs_screenshots

SCREENSHOTS = docs_screenshots("desk")

LANGUAGES = ("en", "fr", "ru", "uk", "hy")


@pytest.mark.parametrize("role", ["Admin", "Manager"])
def test_the_top_menu_fits_one_line_at_1366(db, live_server, browser, make_user, role):
    user = make_user(role)
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw")
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_load_state("networkidle")
    heights = {}
    for language in LANGUAGES:
        page.goto(f"{live_server}/lang/{language}")
        page.goto(f"{live_server}/")
        heights[language] = page.evaluate(
            "() => document.querySelector('.navbar .navbar-collapse').getBoundingClientRect()"
            ".height")
        if role == "Admin" and language in ("ru", "hy"):
            os.makedirs(SCREENSHOTS, exist_ok=True)
            page.locator(".navbar").screenshot(
                path=os.path.join(SCREENSHOTS, f"menu-1366-admin-{language}.png"))
    context.close()
    print(f"\n[menu height at 1366 px] {role}: {heights}")
    assert all(height <= 60 for height in heights.values()), heights
