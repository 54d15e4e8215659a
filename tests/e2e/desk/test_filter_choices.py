"""Filters whose choices are fetched when opened, in Chromium (the client list's category, the
timetable's group): narrowed by what is typed; choosing one filters the page, and the filter
keeps its value."""
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


def test_the_timetable_group_filter_is_chosen_from_choices_fetched_on_demand(
        db, live_server, page, browser_login):
    from datetime import date, datetime, time

    from tests.factories.timetable import make_group, make_lesson

    salsa, tango = make_group(name="Salsa débutants"), make_group(name="Tango avancé")
    today = date.today()
    make_lesson(salsa, starts_at=datetime.combine(today, time(18)))
    make_lesson(tango, starts_at=datetime.combine(today, time(19)))
    db.session.commit()
    browser_login(page, "Front desk")
    page.goto(f"{live_server}/timetable/?date={today.isoformat()}")
    assert page.locator("select[name=group] option", has_text="Tango").count() == 0
    page.click("select[name=group] + .select2 .select2-selection")
    with page.expect_response(lambda r: "/timetable/choices/group?q=sals" in r.url):
        page.locator(".select2-container--open .select2-search__field").press_sequentially(
            "sals")
    expect(page.locator(".select2-results__option", has_text="Tango")).to_have_count(0)
    page.locator(".select2-results__option", has_text="Salsa débutants").click()
    screenshot(page, "timetable-group-filter.png")
    page.click(".timetable-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert f"group={salsa.id}" in page.url
    cards = page.locator(".tt-lesson .tt-group")
    assert cards.all_inner_texts() == ["Salsa débutants"]
    assert "Salsa débutants" in page.locator(
        "select[name=group] + .select2 .select2-selection__rendered").inner_text()


def test_a_client_filter_in_russian_asks_for_two_letters_then_searches(db, live_server, page,
                                                                        browser_login):
    from tests.factories.passes import make_pass

    holder = make_client(last_name="Иванова", first_name="Анна")
    make_pass(client=holder)
    make_pass(client=make_client(last_name="Petrov", first_name="Ivan"))
    browser_login(page, "Manager")
    page.goto(f"{live_server}/lang/ru")
    page.goto(f"{live_server}/pass/list/")
    page.click("a.accordion-toggle[href='#accordion1_href']")
    page.click("#filter_form button.dropdown-toggle")
    page.click("#filter_form a.filter[name=client]")
    page.click("#filter_form select.tessera-choices + .select2 .select2-selection")
    # Select2's own English is replaced by the page's translation
    expect(page.locator(".select2-results__message")).to_have_text(
        "Введите не менее 2 символов")
    with page.expect_response(lambda r: "/pass/choices/client?q=" in r.url and "page=1" in r.url):
        page.locator(".select2-container--open .select2-search__field").press_sequentially(
            "иван")
    option = page.locator(".select2-results__option", has_text="Иванова")
    expect(option).to_have_count(1)
    expect(page.locator(".select2-results__option", has_text="Petrov")).to_have_count(0)
    option.click()
    page.click("#filter_form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert f"_flt_0_client={holder.id}" in page.url
    screenshot(page, "pass-client-filter-ru.png")
    body = page.content()
    assert "Иванова Анна" in body and "Petrov" not in body


def test_an_individual_lesson_is_planned_for_a_client_found_by_name(db, live_server, page,
                                                                     browser_login):
    from datetime import date

    from sqlalchemy import select

    from app.models.timetable import Lesson
    from tests.factories.passes import make_service

    pupil = make_client(last_name="Zqpupil", first_name="Ann")
    service = make_service(name="Piano")
    db.session.commit()
    browser_login(page, "Manager")
    page.goto(f"{live_server}/lessons/add?date={date.today().isoformat()}&start=10:00")
    page.click("select#client + .select2 .select2-selection")
    with page.expect_response(lambda r: "/lessons/choices/client?q=zqpu" in r.url):
        page.locator(".select2-container--open .select2-search__field").press_sequentially(
            "zqpu")
    page.locator(".select2-results__option", has_text="Zqpupil").click()
    page.select_option("select#service", str(service.id))
    screenshot(page, "lesson-form-client-picker.png")
    page.click("form.lesson-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    db.session.expire_all()
    lesson = db.session.scalar(select(Lesson).where(Lesson.client_id == pupil.id))
    assert lesson is not None and lesson.service_id == service.id
