"""A training centre's course in a real browser, in Russian and Armenian: an organisation's
3 people registered, their attendance marked and each certified; then the course lists, the
course card with its registrations and the organisation's card. Screenshots are kept in
docs/screenshots/courses/ (and as test artifacts)."""
import os
import re
import shutil
from datetime import date, timedelta

from app.security import MANAGER
from tests.e2e.conftest import docs_screenshots, screenshot
from tests.factories.courses import make_company, make_course
from tests.factories.timetable import make_room

CYRILLIC = re.compile("[\u0400-\u04FF]")
ARMENIAN = re.compile("[\u0531-\u058F]")
SCRIPTS = {"ru": CYRILLIC, "hy": ARMENIAN}
DOCS = docs_screenshots("courses")


def _keep(page, name):
    path = screenshot(page, name)
    os.makedirs(DOCS, exist_ok=True)
    shutil.copy(path, os.path.join(DOCS, name))


def test_register_mark_and_certify_an_organisations_people(db, live_server, page, browser_login):
    today = date.today()
    course = make_course(title="Кредитный риск / Վարկային ռիսկ", starts_on=today,
                         ends_on=today + timedelta(days=1), certificate_series="KR")
    make_course(title="Финансовый анализ", starts_on=today + timedelta(days=20))
    make_course(title="Аудит 2025", starts_on=today - timedelta(days=40),
                ends_on=today - timedelta(days=39))
    company, people = make_company(short_name="Банк Восток", people=3)
    room = make_room(name="Зал A")
    db.session.commit()
    browser_login(page, MANAGER)
    page.goto(f"{live_server}/lang/ru")

    # register the organisation's three people
    page.goto(f"{live_server}/courses/{course.id}?organisation_id={company.id}")
    for person in people:
        page.check(f"form.register-people input[name=client_id][value='{person.id}']")
    page.click("form.register-people button")
    page.wait_for_load_state("networkidle")
    participants = page.locator("table.course-participants tbody tr")
    assert participants.count() == 3

    # a session today, everyone marked present
    page.fill("form.add-session input[name=starts_at]", f"{today.isoformat()}T10:00")
    page.fill("form.add-session input[name=ends_at]", f"{today.isoformat()}T13:00")
    page.select_option("form.add-session select[name=room_id]", str(room.id))
    page.click("form.add-session button")
    page.wait_for_load_state("networkidle")
    boxes = page.locator("table.course-sessions input[type=checkbox][name=present]")
    assert boxes.count() == 3
    for index in range(3):
        boxes.nth(index).check()
    page.locator("table.course-sessions form button").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("table.course-sessions input[name=present]:checked").count() == 3

    # certify each: numbers KR-… issued once
    for _ in range(3):
        page.locator("table.course-participants form[action$='/certify'] button").first.click()
        page.wait_for_load_state("networkidle")
    numbers = page.locator("table.course-participants td.certificate-number").all_inner_texts()
    assert sorted(n.strip() for n in numbers) == ["KR-0001", "KR-0002", "KR-0003"], numbers

    for language in ("ru", "hy"):
        page.goto(f"{live_server}/lang/{language}")
        page.goto(f"{live_server}/courses/")
        text = page.locator("body").inner_text()
        assert "Финансовый анализ" in text and SCRIPTS[language].search(text)
        _keep(page, f"course-lists-{language}.png")
        page.goto(f"{live_server}/courses/{course.id}")
        text = page.locator("body").inner_text()
        assert all(person.full_name in text for person in people)
        assert SCRIPTS[language].search(text)
        _keep(page, f"course-card-{language}.png")
        page.goto(f"{live_server}/organisation-balances/{company.id}")
        text = page.locator("body").inner_text()
        assert "KR-0001" in text and SCRIPTS[language].search(text)
        _keep(page, f"organisation-card-{language}.png")
