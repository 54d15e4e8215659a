"""The client list's category filter in Chromium: its choices are fetched when it is opened,
narrowed by what is typed; choosing one filters the list, and the filter keeps its value."""
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.factories.clients import make_category, make_client


def test_a_category_filter_is_chosen_from_choices_fetched_on_demand(db, live_server, page,
                                                                    browser_login):
    regulars = make_category("Постоянные")
    make_category("Students")
    make_client(last_name="Inthecategory", category=regulars)
    make_client(last_name="Outsider")
    browser_login(page, "Manager")
    fetched = []
    page.on("request", lambda request: fetched.append(request.url)
            if "/client/choices/" in request.url else None)
    page.goto(f"{live_server}/client/list/")
    assert page.locator("option", has_text="Постоянные").count() == 0
    page.click("a.accordion-toggle[href='#accordion1_href']")  # the "Search" panel
    page.click("#filter_form button.dropdown-toggle")
    page.click("#filter_form a.filter[name=category]")
    assert fetched == []  # nothing asked until the picker is opened
    page.click("#filter_form select.tessera-choices + .select2 .select2-selection")
    # opened: every category is offered; typed: only those matching, in any case
    expect(page.locator(".select2-results__option", has_text="Students")).to_have_count(1)
    with page.expect_response(lambda r: "q=%D0%BF%D0%BE%D1%81%D1%82" in r.url):
        page.locator(".select2-container--open .select2-search__field").press_sequentially(
            "пост")
    expect(page.locator(".select2-results__option", has_text="Students")).to_have_count(0)
    option = page.locator(".select2-results__option", has_text="Постоянные")
    option.click()
    screenshot(page, "client-filter-choices.png")
    page.click("#filter_form button[type=submit]")
    page.wait_for_load_state("networkidle")
    body = page.content()
    assert "Inthecategory" in body and "Outsider" not in body
    assert f"_flt_0_category={regulars.id}" in page.url
    # the filter row shows the chosen category again after the reload
    shown = page.locator("#filter_form select.tessera-choices + .select2 "
                         ".select2-selection__rendered")
    assert "Постоянные" in shown.inner_text()
