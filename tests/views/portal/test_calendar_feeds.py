"""Calendar feeds: a client's bookings and an instructor's lessons as private iCal URLs that
parse with ``icalendar``; revoked or re-issued tokens answer 404; constant query count."""
import re
from datetime import timedelta

import icalendar
from sqlalchemy import select

from app.models.portal import CalendarFeed
from app.services.portal import booking, feeds
from tests.factories.portal import PASSWORD, bookable_lesson, client_with_pass, make_account
from tests.factories.timetable import give_passes, make_employee, make_lesson


def _events(body):
    cal = icalendar.Calendar.from_ical(body)
    return [c for c in cal.walk("VEVENT")]


def _portal(app, db, clients, login):
    make_account(clients, login=login)
    db.session.commit()
    web = app.test_client()
    assert web.post("/my/login", data={"contact": login, "password": PASSWORD}).status_code == 302
    return web


def _feed_path(page):
    url = re.search(r'value="(http[^"]+\.ics)"', page.get_data(as_text=True)).group(1)
    return url[url.index("/my/feed/"):]


def test_client_feed_lists_bookings_and_dies_when_revoked(app, db):
    app.config["TESSERA_TIMEZONE"] = "Asia/Yerevan"
    try:
        first = bookable_lesson(capacity=3)
        second = bookable_lesson(capacity=3, starts_in=timedelta(days=3))
        client = client_with_pass(first.service, email="cal@example.org")
        give_passes([client], second.service)
        other = bookable_lesson(capacity=3)  # not booked: not in the feed
        booking.book(client.id, first.id)
        booking.book(client.id, second.id)
        db.session.commit()
        web = _portal(app, db, [client], "cal@example.org")
        issued = web.post(f"/my/calendar/{client.id}/issue")
        assert issued.status_code == 200
        path = _feed_path(issued)
        response = app.test_client().get(path)  # no login: the token is the key
        assert response.status_code == 200
        assert response.mimetype == "text/calendar"
        events = _events(response.data)
        starts = sorted(e.decoded("dtstart") for e in events)
        assert [s.replace(tzinfo=None) for s in starts] == [first.starts_at, second.starts_at]
        assert all(str(s.tzinfo) == "Asia/Yerevan" for s in starts)
        assert b"TZID=Asia/Yerevan" in response.data and b"BEGIN:VTIMEZONE" in response.data
        assert len(events) == 2 and other.id not in (first.id, second.id)  # unbooked: absent
        assert {str(e["summary"]) for e in events} == {first.service.name, second.service.name}

        # re-issuing revokes the old link; the new one works
        again = web.post(f"/my/calendar/{client.id}/issue")
        new_path = _feed_path(again)
        assert new_path != path
        assert app.test_client().get(path).status_code == 404
        assert app.test_client().get(new_path).status_code == 200
        home = web.get("/my/")
        assert b"Revoke the link" in home.data

        revoked = web.post(f"/my/calendar/{client.id}/revoke")
        assert revoked.status_code == 302
        assert app.test_client().get(new_path).status_code == 404
        assert app.test_client().get("/my/feed/not-a-token.ics").status_code == 404
        stored = db.session.scalars(select(CalendarFeed.token_hash)).all()
        assert len(stored) == 2 and all(len(h) == 64 for h in stored)
        assert new_path.split("/")[-1][:-4] not in stored  # only the hash is kept
    finally:
        app.config["TESSERA_TIMEZONE"] = "UTC"


def test_client_cannot_issue_a_feed_for_another_family(app, db):
    lesson = bookable_lesson()
    mine = client_with_pass(lesson.service, email="mine@example.org")
    stranger = client_with_pass(lesson.service)
    web = _portal(app, db, [mine], "mine@example.org")
    response = web.post(f"/my/calendar/{stranger.id}/issue")
    assert response.status_code == 302  # refused with a message, back to the portal home
    assert db.session.scalar(select(CalendarFeed)) is None


def test_feed_query_count_is_constant(app, db, count_queries):
    def feed_with(n):
        client = client_with_pass(bookable_lesson().service)
        for i in range(n):
            lesson = bookable_lesson(capacity=3, starts_in=timedelta(days=1, hours=i))
            give_passes([client], lesson.service)
            booking.book(client.id, lesson.id)
        token = feeds.issue_feed(client_id=client.id)
        db.session.commit()
        db.session.expire_all()
        with count_queries() as n_queries:
            body = app.test_client().get(f"/my/feed/{token}.ics").data
        assert len(_events(body)) == n
        return n_queries()

    assert feed_with(1) == feed_with(6)


def test_instructor_feed_from_the_staff_side(app, db, login, count_queries):
    web = login("Instructor")
    me = make_employee(user_id=web.user_id)
    stranger = make_employee()
    mine = [make_lesson(instructor_id=me.id) for _ in range(2)]
    cancelled = make_lesson(instructor_id=me.id, status="cancelled")
    make_lesson(instructor_id=stranger.id)
    db.session.commit()
    page = web.get("/calendar-feeds/")
    assert page.status_code == 200 and me.full_name.encode() in page.data
    assert stranger.full_name.encode() not in page.data
    assert web.post("/calendar-feeds/issue", data={"employee_id": stranger.id}).status_code == 403
    issued = web.post("/calendar-feeds/issue", data={"employee_id": me.id})
    assert issued.status_code == 200
    path = _feed_path(issued)
    body = app.test_client().get(path).data
    events = _events(body)
    starts = sorted(e.decoded("dtstart").replace(tzinfo=None) for e in events)
    assert starts == sorted(lesson.starts_at for lesson in mine)
    assert len(events) == 2 and cancelled.status == "cancelled"  # the cancelled one is absent
    assert web.post("/calendar-feeds/revoke", data={"employee_id": me.id}).status_code == 302
    assert app.test_client().get(path).status_code == 404


def test_manager_issues_any_instructors_feed_and_others_may_not(app, db, login):
    someone = make_employee()
    db.session.commit()
    manager = login("Manager")
    assert someone.full_name.encode() in manager.get("/calendar-feeds/").data
    assert manager.post("/calendar-feeds/issue", data={"employee_id": someone.id}).status_code == 200
    assert db.session.scalar(select(CalendarFeed).where(
        CalendarFeed.employee_id == someone.id, CalendarFeed.revoked_at.is_(None))) is not None
    desk = login("Front desk")
    assert desk.get("/calendar-feeds/").status_code in (302, 403)


def test_instructor_feed_query_count_is_constant(app, db, count_queries):
    def feed_with(n):
        instructor = make_employee()
        for i in range(n):
            make_lesson(instructor_id=instructor.id,
                        starts_at=make_lesson().starts_at + timedelta(days=1, hours=i))
        token = feeds.issue_feed(employee_id=instructor.id)
        db.session.commit()
        db.session.expire_all()
        with count_queries() as n_queries:
            body = app.test_client().get(f"/my/feed/{token}.ics").data
        assert len(_events(body)) == n
        return n_queries()

    assert feed_with(1) == feed_with(5)
