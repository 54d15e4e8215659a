"""Front desk opens the day grid, opens a lesson, marks three present, marks it held and sees
the pass balances drop; grid screenshots in Russian and Armenian are kept as artifacts."""
import os
from datetime import date, datetime, time

from tests.e2e.conftest import screenshot
from tests.factories.timetable import give_passes, make_group, make_lesson, make_room


def test_mark_a_lesson_held_from_the_grid(db, live_server, page, browser_login):
    today = date.today()
    group = make_group(members=3, name="Yoga du soir", room=make_room(name="Зал йоги"))
    give_passes(group.test_clients, group.service, sessions=10)
    lesson = make_lesson(group, starts_at=datetime.combine(today, time(18, 0)), minutes=90)
    make_lesson(make_group(members=2, name="Шахи"), starts_at=datetime.combine(today, time(9)))
    db.session.commit()

    browser_login(page, "Front desk")
    page.goto(f"{live_server}/timetable/?date={today.isoformat()}")
    card = page.locator(f'a.tt-lesson[data-lesson-id="{lesson.id}"]')
    assert "3/20" in card.inner_text()
    screenshot(page, "timetable-day-en.png")
    card.click()
    page.wait_for_load_state("networkidle")
    assert f"/attendance/{lesson.id}" in page.url
    rows = page.locator("table.attendance-table tbody tr")
    assert rows.count() == 3
    assert [rows.nth(i).locator("td.sessions-left").inner_text() for i in range(3)] == ["10"] * 3
    for member in group.test_clients:
        page.check(f"input[name=status_{member.id}][value=present]")
    page.click("#mark-held")
    page.wait_for_load_state("networkidle")
    assert "Attendance saved: 3 sessions written off" in page.content()
    rows = page.locator("table.attendance-table tbody tr")
    assert [rows.nth(i).locator("td.sessions-left").inner_text() for i in range(3)] == ["9"] * 3
    assert page.locator("#undo-held").count() == 1
    screenshot(page, "attendance-held-en.png")

    for language in ("ru", "hy"):
        page.goto(f"{live_server}/lang/{language}")
        page.goto(f"{live_server}/timetable/?date={today.isoformat()}")
        assert page.locator("a.tt-lesson").count() == 2
        path = screenshot(page, f"timetable-day-{language}.png")
        assert os.path.getsize(path) > 10_000
