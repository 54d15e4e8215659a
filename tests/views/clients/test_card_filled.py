"""The client card with every section holding rows: its SQL statements do not grow with them
(a section that loads a related row per item — a booking's lesson, a result's service — would
add statements for every row it shows)."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from app.extensions import db
from app.models.communication import Message
from app.models.passes import BonusTransaction
from app.models.portal import Booking
from app.models.timetable import LessonResult
from app.security import ADMIN, MANAGER
from app.services.courses import registrations
from app.services.documents import issue_document
from tests.factories.clients import make_client
from tests.factories.communication import make_call, make_task
from tests.factories.courses import make_course
from tests.factories.documents import make_payment
from tests.factories.passes import make_pass, make_plan
from tests.factories.payroll import (
    make_attendance, make_employee, make_group, make_lesson, make_service,
)
from tests.factories.portal import make_account


def _fill(client, rows):
    """``rows`` of everything a card section shows, for one client."""
    from flask_appbuilder.security.sqla.models import User
    from sqlalchemy import select

    manager_id = db.session.scalar(select(User.id).limit(1))
    teacher = make_employee()
    service = make_service(name=f"Card service {client.id}")
    plan = make_plan(services=[service], name=f"Card plan {client.id}")
    group = make_group(name=f"Card group {client.id}", service_id=service.id,
                       instructor_id=teacher.id)
    soon = datetime.now().replace(microsecond=0) + timedelta(days=2)
    for n in range(rows):
        make_pass(client, plan=plan)
        lesson = make_lesson(teacher, datetime(2026, 1, 5 + n, 10), group=group)
        make_attendance(lesson, client=client, value="10")
        db.session.add(LessonResult(lesson_id=lesson.id, client_id=client.id, mark=str(3 + n % 3),
                                    comment=f"note {n}"))
        payment = make_payment(client, amount=f"{10 + n}.00")
        db.session.add(BonusTransaction(client_id=client.id, points=Decimal(n + 1), kind="manual",
                                        payment_id=payment.id))
        course = make_course(service_id=service.id, starts_on=date(2026, 2, 1) + timedelta(days=30 * n))
        registrations.register(course.id, [{"client_id": client.id}])
        make_call(client_id=client.id, manager_id=manager_id, commit=False)
        make_task(client_id=client.id, manager_id=manager_id, due_at=datetime.now() + timedelta(days=n), text=f"t{n}",
                  commit=False)
        db.session.add(Message(client_id=client.id, kind="mailing", channel="email",
                               recipient=f"x{n}@example.org", subject=f"s{n}", body="b",
                               status="sent", idempotency_key=f"card-{client.id}-{n}",
                               created_on=datetime.now()))
        future = make_lesson(teacher, soon + timedelta(days=n), status="planned", group=group)
        db.session.add(Booking(lesson_id=future.id, client_id=client.id))
        issue_document("statement", client_id=client.id)
        client.notes = f"changed {n}"  # an audit entry per change
        db.session.commit()
    make_account([client])
    db.session.commit()


@pytest.mark.parametrize("role", [MANAGER, ADMIN])
def test_card_statements_do_not_grow_with_the_rows_of_its_sections(db, login, count_queries,
                                                                    role):
    web = login(role)
    few, many = make_client(), make_client()
    _fill(few, 1)
    _fill(many, 4)
    few_card, many_card = f"/clients/{few.id}/card", f"/clients/{many.id}/card"
    web.get(few_card)
    with count_queries() as small:
        page = web.get(few_card)
    assert page.status_code == 200
    with count_queries() as large:
        page = web.get(many_card)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "note 3" in html and "t3" in html and "x3@example.org" in html  # the rows are shown
    assert "· Booked</li>" in html and "· booked<" not in html  # a label, not the code
    assert large() == small()
