"""Playwright: a translator logs in, lands on the workbench, finds the Russian of a menu item,
edits it, and sees the new text in the menu at once (on a tmp copy of the catalogs)."""
import re

from tests.e2e.conftest import screenshot

MENU_ITEM = "Administration"  # the menu category the translator sees


def test_translator_edits_a_menu_item_and_sees_it(page, live_server, browser_login,
                                                 translations_copy):
    browser_login(page, "Translator")
    page.goto(f"{live_server}/lang/ru?next=/")
    assert page.url.endswith("/translations/")
    page.click("tr[data-lang=ru] a")
    page.fill("input[name=q]", MENU_ITEM)
    page.click(".translation-search button[type=submit]")
    row = page.locator("tr.translation-entry").filter(
        has=page.locator(".translation-source div",
                         has_text=re.compile(rf"^{MENU_ITEM}$"))).first
    row.locator("textarea").fill("Администрация (правка)")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".alert-success").count() == 1
    assert "Администрация (правка)" in page.locator(".navbar").inner_text()
    screenshot(page, "translator_workbench.png")
