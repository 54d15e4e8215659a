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


def test_click_an_empty_slot_to_add_a_lesson(db, live_server, page, browser_login):
    """A row is one track, not a link per slot (issue 20): hovering names the slot under the
    pointer, clicking it opens the add form with that room, day and start time; the lessons
    on the track stay clickable."""
    today = date.today()
    room = make_room(name="Studio Est")
    lesson = make_lesson(make_group(members=1, room=room), starts_at=datetime.combine(today, time(9)))
    make_room(name="Studio Ouest")
    db.session.commit()

    browser_login(page, "Manager")
    page.goto(f"{live_server}/timetable/?date={today.isoformat()}")
    track = page.locator(f'.tt-track.tt-addable[data-add-url*="room={room.id}&"]')
    assert track.count() == 1
    day_start = [int(part) for part in track.get_attribute("data-day-start").split(":")]
    slot_minutes = int(track.get_attribute("data-slot-minutes"))
    slots = int(track.get_attribute("data-slots"))
    index = (14 * 60 + 30 - day_start[0] * 60 - day_start[1]) // slot_minutes  # 14:30
    box = track.bounding_box()
    x = box["x"] + (index + 0.5) * (box["width"] + 1) / slots  # columns 1px apart
    y = box["y"] + box["height"] / 2

    page.mouse.move(x, y)
    assert track.get_attribute("title") == "Add a lesson 14:30"
    assert "tt-hovering" in track.get_attribute("class")
    screenshot(page, "timetable-day-add-hover-en.png")
    page.mouse.click(x, y)
    page.wait_for_url("**/lessons/add?**")
    assert page.input_value("#start") == "14:30"
    assert page.input_value("#date") == today.isoformat()
    assert page.input_value("#room") == str(room.id)
    assert page.input_value("#minutes") == "60"

    page.go_back()
    page.locator(f'a.tt-lesson[data-lesson-id="{lesson.id}"]').click()
    page.wait_for_url(f"**/attendance/{lesson.id}")
