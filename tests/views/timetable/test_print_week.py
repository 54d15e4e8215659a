"""The printable week: one room's or one instructor's week on one A4 landscape PDF page, read
back with pdftotext / pdfinfo; query count constant in the number of lessons; permissions."""
import re
import subprocess
from datetime import date, datetime, time, timedelta

from app.security import ACCOUNTANT, FRONT_DESK, INSTRUCTOR, MANAGER, STOREKEEPER
from tests.factories.timetable import make_employee, make_group, make_lesson, make_room

MONDAY = date.today() - timedelta(days=date.today().weekday())


def at(day_offset, hour, minute=0):
    return datetime.combine(MONDAY + timedelta(days=day_offset), time(hour, minute))


def _pdf(tmp_path, data, name="week.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    return text, info


def test_room_week_prints_on_one_landscape_page(db, login, tmp_path):
    room = make_room(name="Studio Nord")
    salsa = make_group(name="Salsa débutants", room=room)
    yoga = make_group(name="Йога утро", room=room)
    make_lesson(salsa, starts_at=at(0, 18, 30), minutes=90)
    make_lesson(yoga, starts_at=at(2, 7, 15))
    for day in range(7):  # a busy week still fits one page
        for hour in (9, 10, 11, 12, 13, 14, 15, 16):
            make_lesson(salsa, starts_at=at(day, hour))
    db.session.commit()
    page = login(FRONT_DESK).get(f"/timetable/print?room={room.id}&date={MONDAY}")
    assert page.status_code == 200 and page.mimetype == "application/pdf"
    text, info = _pdf(tmp_path, page.data)
    assert re.search(r"Pages:\s+1\n", info)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert width > height and round(width) == 842 and round(height) == 595  # A4 landscape
    assert "Studio Nord" in text and "Salsa débutants" in text and "Йога утро" in text
    assert "18:30–20:00" in text and "07:15–08:15" in text
    assert salsa.instructor.full_name in text


def test_instructor_week_and_the_link_from_the_week_page(db, login, tmp_path):
    teacher = make_employee(full_name="Anahit Petrosyan")
    group = make_group(name="Kids ballet", instructor=teacher)
    make_lesson(group, starts_at=at(5, 10))
    db.session.commit()
    browser = login(MANAGER)
    week = browser.get(f"/timetable/?view=week&instructor={teacher.id}&date={MONDAY}")
    link = re.search(r'id="print-week-pdf" href="([^"]+)"', week.get_data(as_text=True))
    assert link
    page = browser.get(link.group(1).replace("&amp;", "&"))
    text, info = _pdf(tmp_path, page.data)
    assert "Anahit Petrosyan" in text and "Kids ballet" in text and "10:00–11:00" in text
    assert re.search(r"Pages:\s+1\n", info)


def test_print_query_count_does_not_grow_with_lessons(db, login, count_queries):
    room = make_room()
    browser = login(MANAGER)

    def queries(extra):
        for i in range(extra):
            make_lesson(make_group(members=2, room=room), starts_at=at(i % 7, 8 + i // 7))
        db.session.commit()
        with count_queries() as n:
            assert browser.get(f"/timetable/print?room={room.id}&date={MONDAY}") \
                .status_code == 200
        return n()

    assert queries(1) == queries(9)


def test_who_may_print(db, login):
    room = make_room()
    db.session.commit()
    for role in (MANAGER, FRONT_DESK, INSTRUCTOR):
        assert login(role).get(f"/timetable/print?room={room.id}").status_code == 200, role
    for role in (ACCOUNTANT, STOREKEEPER):
        assert login(role).get(f"/timetable/print?room={room.id}").status_code in (302, 403), role
