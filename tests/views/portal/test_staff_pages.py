"""Staff side of the portal: the card's portal section and invitation, booking for a client
(pre-marked on the attendance page), a group's booking mode, waiving a penalty."""
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.models.passes import Charge
from app.models.portal import BookingPenalty, BookingSettings, CancellationRule
from app.services.portal import booking, penalties
from tests.factories.clients import make_client
from tests.factories.portal import bookable_lesson, client_with_pass
from tests.factories.timetable import make_group


def test_card_shows_the_portal_section_to_the_front_desk_only(app, db, login):
    client = make_client(email="x@example.org")
    client_id = client.id
    page = login("Front desk").get(f"/clients/{client_id}/card")
    assert page.status_code == 200
    assert b"Invite to the portal" in page.data
    instructor_view = login("Accountant").get(f"/clients/{client_id}/card")
    assert b"Invite to the portal" not in instructor_view.data
    refused = login("Accountant").post(f"/portal-staff/invite/{client_id}")
    assert refused.status_code in (302, 403)
    assert not db.session.scalars(select(BookingPenalty)).all()


def test_front_desk_books_for_a_client_who_appears_pre_marked(app, db, login):
    lesson = bookable_lesson()
    client = client_with_pass(lesson.service, first_name="Booked", last_name="Person")
    db.session.commit()
    lesson_id, client_id = lesson.id, client.id
    desk = login("Front desk")
    response = desk.post("/portal-staff/book", data={"client_id": client_id,
                                                     "lesson_id": lesson_id})
    assert response.status_code == 302
    page = desk.get(f"/attendance/{lesson_id}").get_data(as_text=True)
    assert "Booked" in page and "booked-online" in page
    row = page[page.index(f'data-client-id="{client_id}"'):]
    row = row[:row.index("</tr>")]
    assert 'value="present" checked' in row


def test_manager_sets_a_groups_booking_mode(app, db, login):
    group = make_group()
    db.session.commit()
    group_id = group.id
    manager = login("Manager")
    response = manager.post("/booking-settings/add", data={
        "group": group_id, "open": "y", "capacity": "8", "opens_days_before": "7",
        "closes_minutes_before": "60", "waitlist_cutoff_minutes": "120"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    settings = db.session.scalar(select(BookingSettings))
    assert settings.group_id == group_id and settings.capacity == 8 and settings.open
    other_id = make_group().id
    db.session.commit()
    refused = manager.post("/booking-settings/add", data={
        "group": other_id, "capacity": "-1", "opens_days_before": "7",
        "closes_minutes_before": "60", "waitlist_cutoff_minutes": "120"})
    assert refused.status_code == 200 and b"zero or more" in refused.data


def test_manager_waives_a_late_cancel_fee_with_a_reason(app, db, login):
    lesson = bookable_lesson(starts_in=timedelta(hours=2))
    db.session.add(CancellationRule(service_id=lesson.service_id, late_cancel_penalty="fee",
                                    late_cancel_fee=Decimal("5.00")))
    made = booking.book(client_with_pass(lesson.service).id, lesson.id)
    db.session.commit()
    booking.cancel(made.id)
    db.session.commit()
    [penalty] = penalties.charge_penalties(now=lesson.ends_at + timedelta(minutes=1))
    penalty_id, charge_id = penalty.id, penalty.charge_id
    manager = login("Manager")
    assert manager.get("/booking-penalties/list/").status_code == 200
    manager.post(f"/portal-staff/penalty/{penalty_id}/waive", data={"reason": ""})
    db.session.expire_all()
    assert db.session.get(BookingPenalty, penalty_id).waived is False
    manager.post(f"/portal-staff/penalty/{penalty_id}/waive", data={"reason": "first time"})
    db.session.expire_all()
    assert db.session.get(BookingPenalty, penalty_id).waived is True
    assert db.session.get(Charge, charge_id).cancelled is True
    assert login("Front desk").post(f"/portal-staff/penalty/{penalty_id}/waive",
                                    data={"reason": "x"}).status_code in (302, 403)
