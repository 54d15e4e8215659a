"""Timetable and attendance pages: permissions per role, rendering, query counts."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.models.passes import Pass
from app.models.timetable import Lesson
from app.security import ACCOUNTANT, FRONT_DESK, INSTRUCTOR, MANAGER, STOREKEEPER
from tests.factories.timetable import (give_passes, make_employee, make_group, make_lesson,
                                       make_room, new_client)

TODAY = date.today()


def at(hour, day=TODAY):
    return datetime.combine(day, time(hour))


def test_grid_shows_lessons_with_filled_capacity_and_red(db, login):
    group = make_group(members=3, name="Salsa débutants")
    give_passes(group.test_clients[:2], group.service)
    give_passes(group.test_clients[2:], group.service, paid=False)
    lesson = make_lesson(group, starts_at=at(18))
    db.session.commit()
    page = login(FRONT_DESK).get(f"/timetable/?date={TODAY.isoformat()}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Salsa débutants" in html and "3/20" in html and group.instructor.full_name in html
    assert f'data-lesson-id="{lesson.id}"' in html and "tt-red" in html
    assert f"/attendance/{lesson.id}" in html and "/lessons/add?" not in html
    manager_html = login(MANAGER).get(f"/timetable/?date={TODAY.isoformat()}").get_data(
        as_text=True)
    assert f"/lessons/add?date={TODAY.isoformat()}&amp;start=07:00" in manager_html



def test_every_lesson_card_links_to_its_own_attendance_page(db, login):
    import re

    group = make_group(members=1, name="Tango")
    lessons = [make_lesson(group, starts_at=at(hour)) for hour in (9, 11, 13)]
    lessons[1].status, lessons[2].status = "cancelled", "held"
    db.session.commit()
    html = login(FRONT_DESK).get(f"/timetable/?date={TODAY.isoformat()}").get_data(as_text=True)
    cards = re.findall(r'data-lesson-id="(\d+)"\s+style="[^"]*"\s+href="/attendance/(\d+)"', html)
    assert sorted(cards) == sorted((str(l.id), str(l.id)) for l in lessons)
    assert html.count('<span class="tt-status">Cancelled</span>') == 1
    assert html.count('<span class="tt-status">Held</span>') == 1


def test_lesson_cards_escape_names_and_show_the_room_in_a_week(db, login):
    """The cards are written in Python (``views/timetable/cards.py``): a group or instructor
    named with markup stays text; a week of one instructor names each lesson's room, a week of
    one room does not repeat it."""
    instructor = make_employee(full_name="Ann <b>&</b>")
    group = make_group(members=1, name='<script>alert("x")</script>', instructor=instructor,
                       room=make_room(name="Studio 'A'"))
    lesson = make_lesson(group, starts_at=at(10))
    db.session.commit()
    desk = login(FRONT_DESK)
    day = desk.get(f"/timetable/?date={TODAY.isoformat()}").get_data(as_text=True)
    assert "<script>alert" not in day
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in day
    assert '<span class="tt-instructor">Ann &lt;b&gt;&amp;&lt;/b&gt;</span>' in day
    assert f'title="10:00–11:00 {lesson.service.name}"' in day
    week = desk.get(f"/timetable/?view=week&instructor={instructor.id}&date={TODAY.isoformat()}"
                    ).get_data(as_text=True)
    assert '<span class="tt-instructor">Ann &lt;b&gt;&amp;&lt;/b&gt; · Studio &#39;A&#39;</span>' in week
    room_week = desk.get(f"/timetable/?view=week&room={group.room_id}&date={TODAY.isoformat()}"
                         ).get_data(as_text=True)  # the room is the page's own: not repeated
    assert '<span class="tt-instructor">Ann &lt;b&gt;&amp;&lt;/b&gt;</span>' in room_week


def test_grid_at_the_calendars_end_shows_today(db, login):
    """A date the grid cannot step from (9999-12-31: no next day) answers with today's grid."""
    page = login(FRONT_DESK).get("/timetable/?view=week&date=9999-12-31")
    assert page.status_code == 200
    assert f'value="{TODAY.isoformat()}"' in page.get_data(as_text=True)


def test_grid_page_does_not_grow_with_the_slots(db, login, app, monkeypatch):
    """One track per row carries the row's add-a-lesson link once, whatever the number of
    time slots: with three times the slots only the slot heads are added, not a cell (and a
    url_for) per row and slot (issue 20)."""
    group = make_group(members=2, name="Tango avancé")
    give_passes(group.test_clients, group.service, paid=False)
    lesson = make_lesson(group, starts_at=at(18))
    make_lesson(make_group(members=1), starts_at=at(9))
    db.session.commit()
    manager = login(MANAGER)

    def grid(slot_minutes):
        monkeypatch.setitem(app.config, "TIMETABLE_SLOT_MINUTES", slot_minutes)
        html = manager.get(f"/timetable/?date={TODAY.isoformat()}").get_data(as_text=True)
        rows = html.count('class="tt-row-head"')
        assert rows >= 2 and html.count('class="tt-track tt-addable"') == rows
        assert html.count('href="/lessons/add?') == rows  # the row heads' links (no JS)
        assert html.count('data-add-url="/lessons/add?') == rows
        assert f'data-slot-minutes="{slot_minutes}"' in html and 'data-day-start="07:00"' in html
        assert f'data-lesson-id="{lesson.id}"' in html and "tt-red" in html
        assert "18:00–19:00" in html and "Tango avancé" in html and "2/20" in html
        return html, rows

    html_30, rows = grid(30)
    html_10, rows_10 = grid(10)
    assert rows_10 == rows
    assert html_30.count('class="tt-slot-head"') == 30 and html_10.count('class="tt-slot-head"') == 90
    assert len(html_10) - len(html_30) < 60 * 120  # 60 more slot heads, nothing per row
    track = f'data-add-url="/lessons/add?date={TODAY.isoformat()}&amp;start=07:00&amp;room={group.room_id}&amp;'
    assert track in html_30


def test_grid_query_count_does_not_grow_with_lessons(db, login, count_queries):
    client = login(MANAGER)

    def page_queries(extra):
        for i in range(extra):
            group = make_group(members=2)
            give_passes(group.test_clients, group.service)
            make_lesson(group, starts_at=at(8 + i))
        db.session.commit()
        with count_queries() as n:
            assert client.get(f"/timetable/?date={TODAY.isoformat()}").status_code == 200
        return n()

    assert page_queries(1) == page_queries(8)


def test_week_view_for_a_room(db, login):
    room = make_room(name="Studio A")
    group = make_group(members=1, room=room)
    make_lesson(group, starts_at=at(9))
    make_lesson(group, starts_at=at(9, TODAY + timedelta(days=1)))
    db.session.commit()
    html = login(MANAGER).get(f"/timetable/?view=week&room={room.id}&date={TODAY}") \
        .get_data(as_text=True)
    assert html.count("data-lesson-id=") == (2 if TODAY.weekday() < 6 else 1)


def test_roles_without_timetable_are_refused(db, login):
    for role in (ACCOUNTANT, STOREKEEPER):
        assert login(role).get("/timetable/").status_code in (302, 403)
    assert login(ACCOUNTANT).get("/checkin/").status_code in (302, 403)


def test_instructor_sees_and_marks_only_own_lessons(db, login, make_user):
    client = login(INSTRUCTOR, "teacher")
    from app.extensions import appbuilder

    teacher = appbuilder.sm.find_user(username="teacher")
    mine = make_employee(user_id=teacher.id, full_name="Aram Petrosyan")
    own = make_lesson(make_group(members=1, instructor=mine), starts_at=at(10))
    other = make_lesson(make_group(members=1, name="Other group"), starts_at=at(12))
    db.session.commit()
    html = client.get(f"/timetable/?date={TODAY}").get_data(as_text=True)
    assert f'data-lesson-id="{own.id}"' in html and f'data-lesson-id="{other.id}"' not in html
    assert "/lessons/add?" not in html  # instructors do not plan lessons
    assert client.get(f"/attendance/{own.id}").status_code == 200
    assert client.get(f"/attendance/{other.id}").status_code == 302
    client.post(f"/attendance/{other.id}/save", data={"held": "1"})
    assert db.session.get(Lesson, other.id).status == "planned"
    client.post(f"/attendance/{own.id}/save", data={"held": "1"})
    db.session.expire_all()
    assert db.session.get(Lesson, own.id).status == "held"
    # instructors may not undo another's lesson (their own: see test_desk_attendance.py)
    assert client.post(f"/attendance/{other.id}/undo").status_code in (302, 403)
    db.session.expire_all()
    assert db.session.get(Lesson, own.id).status == "held"


def test_attendance_page_marks_held_and_undo(db, login, count_queries):
    group = make_group(members=3)
    passes = give_passes(group.test_clients, group.service)
    lesson = make_lesson(group, starts_at=at(10))
    db.session.commit()
    desk = login(FRONT_DESK)
    html = desk.get(f"/attendance/{lesson.id}").get_data(as_text=True)
    assert all(c.full_name in html for c in group.test_clients) and "Save and mark held" in html
    data = {f"status_{c.id}": "present" for c in group.test_clients}
    data["held"] = "1"
    response = desk.post(f"/attendance/{lesson.id}/save", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert [db.session.get(Pass, p.id).sessions_used for p in passes] == [1, 1, 1]
    assert "Undo" in desk.get(f"/attendance/{lesson.id}").get_data(as_text=True)
    desk.post(f"/attendance/{lesson.id}/undo")
    db.session.expire_all()
    assert [db.session.get(Pass, p.id).sessions_used for p in passes] == [0, 0, 0]
    assert db.session.get(Lesson, lesson.id).status == "planned"


def test_attendance_page_query_count_is_constant(db, login, count_queries):
    client = login(FRONT_DESK)

    def queries(members):
        group = make_group(members=members)
        give_passes(group.test_clients, group.service)
        lesson = make_lesson(group, starts_at=at(7 + members))
        db.session.commit()
        with count_queries() as n:
            assert client.get(f"/attendance/{lesson.id}").status_code == 200
        return n()

    assert queries(2) == queries(9)


def test_add_lesson_from_an_empty_cell_and_conflict_message(db, login):
    group = make_group(members=2)
    make_lesson(group, starts_at=at(10))
    other = make_group(members=1, room_id=group.room_id)
    db.session.commit()
    manager = login(MANAGER)
    form = manager.get(f"/lessons/add?date={TODAY}&start=10:30&room={group.room_id}&group={other.id}")
    assert form.status_code == 200 and 'value="10:30"' in form.get_data(as_text=True)
    refused = manager.post("/lessons/add", data={
        "group": other.id, "room": group.room_id, "date": TODAY.isoformat(), "start": "10:30",
        "minutes": "60"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "already booked" in html and group.name in html
    added = manager.post("/lessons/add", data={
        "group": other.id, "room": group.room_id, "date": TODAY.isoformat(), "start": "11:00",
        "minutes": "60"})
    assert added.status_code == 302
    assert db.session.scalar(select(Lesson).where(Lesson.group_id == other.id)) is not None


def test_check_in_by_card_writes_off_a_lesson_once(db, login):
    member = new_client(card_number="0042")
    group = make_group(members=[member])
    passes = give_passes([member], group.service)
    lesson = make_lesson(group, starts_at=at(21))
    db.session.commit()
    desk = login(FRONT_DESK)
    html = desk.get("/checkin/?card=0042").get_data(as_text=True)
    assert member.full_name in html and "autofocus" in html and group.service.name in html
    for _ in range(2):
        response = desk.post("/checkin/lesson", data={"card": "0042", "client_id": member.id,
                                                      "lesson_id": lesson.id})
        assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Pass, passes[0].id).sessions_used == 1
    assert "No client found for “nope”" in desk.get("/checkin/?card=nope").get_data(as_text=True)


def test_check_in_walk_in_service(db, login):
    member = new_client(card_number="0077")
    group = make_group(members=[member])
    passes = give_passes([member], group.service)
    db.session.commit()
    desk = login(FRONT_DESK)
    for _ in range(2):  # the second scan shows the first visit and writes nothing off
        desk.post("/checkin/service", data={"card": "0077", "client_id": member.id,
                                            "service_id": group.service_id})
    db.session.expire_all()
    assert db.session.get(Pass, passes[0].id).sessions_used == 1
    html = desk.get("/checkin/?card=0077").get_data(as_text=True)
    assert "Already checked in at" in html
    card = login(MANAGER).get(f"/clients/{member.id}/card").get_data(as_text=True)
    assert "walk-in" in card and group.service.name in card


def test_visits_section_on_the_client_card(db, login):
    group = make_group(members=1)
    give_passes(group.test_clients, group.service)
    lesson = make_lesson(group, starts_at=at(10))
    db.session.commit()
    from app.services.timetable.attendance import mark_attendance

    mark_attendance(lesson.id, [{"client_id": group.test_clients[0].id, "status": "present"}],
                    held=True)
    db.session.commit()
    html = login(MANAGER).get(f"/clients/{group.test_clients[0].id}/card").get_data(as_text=True)
    assert f"/attendance/{lesson.id}" in html


def test_directory_pages_and_group_capacity_rule(db, login):
    room = make_room(name="Small room", capacity=4)
    group = make_group(members=0, room=room, capacity=4)
    db.session.commit()
    manager = login(MANAGER)
    for url in ("/roomview/list/", "/groupview/list/", "/holidayview/list/",
                "/lessonpatternview/add", "/groupview/add"):
        assert manager.get(url).status_code == 200, url
    manager.post("/lessonpatternview/add", data={
        "group": group.id, "weekday": "2", "start_time": "18:30", "duration_minutes": "60",
        "valid_from": "2026-01-01"})
    from app.models.timetable import Group, LessonPattern

    pattern = db.session.scalar(select(LessonPattern))
    assert pattern is not None and pattern.start_time == time(18, 30) and pattern.weekday == 2
    response = manager.post("/groupview/add", data={
        "name": "Too big", "service": group.service_id, "room": room.id, "capacity": "9",
        "instructor": group.instructor_id, "active": "y"}, follow_redirects=True)
    assert "holds only 4" in response.get_data(as_text=True)
    assert db.session.scalar(select(Group).where(Group.name == "Too big")) is None


def test_generate_the_week_from_the_grid(db, login):
    from tests.factories.timetable import make_pattern

    group = make_group(members=1)
    make_pattern(group, weekday=TODAY.weekday(), start=time(12, 0))
    db.session.commit()
    manager = login(MANAGER)
    assert "generate-week" in manager.get("/timetable/").get_data(as_text=True)
    for _ in range(2):
        manager.post("/lessons/generate", data={"date": TODAY.isoformat()})
    lessons = db.session.scalars(select(Lesson)).all()
    assert [lesson.starts_at for lesson in lessons] == [at(12)]
    make_pattern(group, weekday=TODAY.weekday(), start=time(15, 0))
    db.session.commit()
    login(FRONT_DESK).post("/lessons/generate", data={"date": TODAY.isoformat()})
    assert len(db.session.scalars(select(Lesson)).all()) == 1  # front desk may not plan


def test_attendance_page_says_what_happened_to_each_client(db, login):
    from decimal import Decimal

    group = make_group(members=2)
    group.service.single_visit_price = Decimal("14.00")
    with_pass, without = group.test_clients
    passes = give_passes([with_pass], group.service)
    lesson = make_lesson(group, starts_at=at(10))
    db.session.commit()
    desk = login(FRONT_DESK)
    data = {f"status_{c.id}": "present" for c in group.test_clients}
    data["held"] = "1"
    html = desk.post(f"/attendance/{lesson.id}/save", data=data,
                     follow_redirects=True).get_data(as_text=True)
    plan_name = db.session.get(Pass, passes[0].id).plan.name
    assert f"{with_pass.full_name}: session written off from pass {plan_name} #{passes[0].id}" \
        in html
    assert f"{without.full_name}: no valid pass: visit charged" in html and "14.00" in html
    assert "session written off from pass" in html and "as debt" in html  # the roster too
    again = desk.post(f"/attendance/{lesson.id}/save", data=data,
                      follow_redirects=True).get_data(as_text=True)
    assert f"{with_pass.full_name}: already marked" in again
    db.session.expire_all()
    assert db.session.get(Pass, passes[0].id).sessions_used == 1


def test_grid_statements_do_not_list_the_members(db, login):
    """The members' flags are computed in SQL from the lessons shown: no statement carries one
    bind parameter per member (a day of 900 lessons used to send thousands-long ``IN`` lists)."""
    from sqlalchemy import event

    client = login(MANAGER)

    def largest_statement(members):
        group = make_group(members=members)
        give_passes(group.test_clients, group.service)
        make_lesson(group, starts_at=at(7 + members // 10))
        db.session.commit()
        sizes = []

        def before(conn, cursor, statement, parameters, *args):
            sizes.append(len(parameters) if isinstance(parameters, (list, tuple, dict)) else 0)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            assert client.get(f"/timetable/?date={TODAY.isoformat()}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
        return max(sizes)

    assert largest_statement(2) == largest_statement(40)


def test_the_group_filter_fetches_its_choices_when_opened(db, login):
    """Hundreds of groups are not written into every grid page: the filter asks for them."""
    import re

    salsa = make_group(name="Salsa débutants")
    make_group(name="Tango avancé")
    make_group(name="Salsa closed", active=False)
    db.session.commit()
    web = login(FRONT_DESK)
    html = web.get(f"/timetable/?date={TODAY.isoformat()}").get_data(as_text=True)
    assert 'data-choices-url="/timetable/choices/group"' in html
    group_filter = re.search(r'<select name="group".*?</select>', html, re.S).group(0)
    assert "Salsa" not in group_filter and "Tango" not in group_filter
    # a chosen group is the filter's one option, selected
    html = web.get(f"/timetable/?date={TODAY.isoformat()}&group={salsa.id}").get_data(
        as_text=True)
    group_filter = re.search(r'<select name="group".*?</select>', html, re.S).group(0)
    assert f'<option value="{salsa.id}" selected>Salsa débutants</option>' in group_filter
    assert "Tango" not in group_filter
    # the choices: active groups whose name holds what is typed, accents aside
    found = web.get("/timetable/choices/group?q=DEBUT").json["results"]
    assert found == [{"id": str(salsa.id), "text": "Salsa débutants"}]
    names = [r["text"] for r in web.get("/timetable/choices/group").json["results"]]
    assert "Salsa closed" not in names and {"Salsa débutants", "Tango avancé"} <= set(names)
    assert login(STOREKEEPER).get("/timetable/choices/group").status_code != 200


def test_the_lesson_form_picks_group_and_client_on_demand(db, login):
    """The add-a-lesson form lists no groups or clients: its pickers search them; a chosen
    group (from the grid) or client (a refused form) is its picker's one option."""
    import re

    chosen = make_group(name="Salsa débutants")
    make_group(name="Tango avancé")
    pupil = new_client(last_name="Zqpupil", first_name="Ann")
    db.session.commit()
    manager = login(MANAGER)
    html = manager.get(f"/lessons/add?date={TODAY}&start=10:00").get_data(as_text=True)
    group_picker = re.search(r'<select id="group".*?</select>', html, re.S).group(0)
    client_picker = re.search(r'<select id="client".*?</select>', html, re.S).group(0)
    assert "Salsa" not in group_picker and "Tango" not in group_picker
    assert 'data-choices-url="/lessons/choices/client"' in client_picker
    assert 'data-minimum-input="2"' in client_picker and "Zqpupil" not in client_picker
    html = manager.get(f"/lessons/add?date={TODAY}&group={chosen.id}").get_data(as_text=True)
    group_picker = re.search(r'<select id="group".*?</select>', html, re.S).group(0)
    assert f'<option value="{chosen.id}" selected>Salsa débutants</option>' in group_picker
    assert "Tango" not in group_picker
    # the client search, after two characters
    assert manager.get("/lessons/choices/client?q=z").json["results"] == []
    found = manager.get("/lessons/choices/client?q=zqpu").json["results"]
    assert [int(item["id"]) for item in found] == [pupil.id]
    # a refused form keeps the chosen client
    refused = manager.post("/lessons/add", data={
        "client": pupil.id, "date": TODAY.isoformat(), "start": "10:00", "minutes": "60"})
    client_picker = re.search(r'<select id="client".*?</select>',
                              refused.get_data(as_text=True), re.S).group(0)
    assert f'<option value="{pupil.id}" selected>' in client_picker and "Zqpupil" in client_picker
    # only those who plan lessons search clients here
    assert login(FRONT_DESK).get("/lessons/choices/client?q=zqpu").status_code != 200
