"""Reminder kinds: who is due, each occasion once, and how another domain adds a kind."""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models.communication import Message, ReminderLog
from app.jobs.communication import enqueue_delivery
from app.services.communication import reminders
from tests.communication_fixtures import smtp_server  # noqa: F401
from tests.factories.clients import make_client
from tests.factories.communication import make_template

TODAY = date(2026, 3, 10)


@pytest.fixture
def sync_jobs(app):
    saved = app.config.get("RQ_ASYNC")
    app.config["RQ_ASYNC"] = False
    yield
    app.config["RQ_ASYNC"] = saved


def _service_and_plan(db):
    from app.models.passes import PassPlan, Service

    service = Service(name="Yoga", single_visit_price=Decimal("10"))
    plan = PassPlan(name="Yoga 10", sessions=10, validity_days=30, price=Decimal("90"),
                    low_balance_threshold=2, services=[service])
    db.session.add_all([service, plan])
    db.session.flush()
    return service, plan


def _pass(db, client, plan, used, end_date):
    from app.models.passes import Pass

    item = Pass(client_id=client.id, plan_id=plan.id, start_date=end_date - timedelta(days=30),
                end_date=end_date, sessions_total=10, sessions_used=used, status="active")
    db.session.add(item)
    db.session.flush()
    return item


def _messages(db, kind):
    return db.session.scalars(select(Message).where(Message.kind == f"reminder:{kind}")
                              .order_by(Message.recipient)).all()


def test_pass_running_out_by_sessions_or_days_once_per_pass(app, db, smtp_server, sync_jobs):
    make_template(name="pass_running_out", subject="Your pass",
                  body="{first_name}: {sessions_left} left on {pass_name}, until {pass_end_date}.")
    _service, plan = _service_and_plan(db)
    few = make_client(first_name="Few", email="few@example.org", consent_email=True)
    ending = make_client(first_name="End", email="end@example.org", consent_email=True)
    fine = make_client(first_name="Fine", email="fine@example.org", consent_email=True)
    _pass(db, few, plan, used=9, end_date=TODAY + timedelta(days=20))
    _pass(db, ending, plan, used=1, end_date=TODAY + timedelta(days=2))
    _pass(db, fine, plan, used=1, end_date=TODAY + timedelta(days=20))
    db.session.commit()
    assert reminders.send_due_reminders(enqueue_delivery, TODAY, kinds=["pass_running_out"]) == {"pass_running_out": 2}
    assert reminders.send_due_reminders(enqueue_delivery, TODAY, kinds=["pass_running_out"]) == {"pass_running_out": 0}
    assert reminders.send_due_reminders(enqueue_delivery, TODAY + timedelta(days=1),
                                        kinds=["pass_running_out"]) == {"pass_running_out": 0}
    assert sorted(smtp_server.addresses()) == ["end@example.org", "few@example.org"]
    bodies = {d["to"]: d["body"].strip() for d in smtp_server.deliveries}
    assert bodies["few@example.org"].startswith("Few: 1 left on Yoga 10")


def test_debt_reminder_once_a_month(app, db, smtp_server, sync_jobs):
    from app.models.passes import Charge

    make_template(name="debt", subject="Balance", body="{client_name} owes {due_amount}.")
    debtor = make_client(first_name="Owe", last_name="Lee", email="owe@example.org", consent_email=True)
    make_client(first_name="Paid", email="paid@example.org", consent_email=True)
    db.session.add(Charge(client_id=debtor.id, amount=Decimal("25.50"), kind="visit",
                          charged_on=TODAY))
    db.session.commit()
    assert reminders.send_due_reminders(enqueue_delivery, TODAY, kinds=["debt"]) == {"debt": 1}
    assert reminders.send_due_reminders(enqueue_delivery, TODAY + timedelta(days=5), kinds=["debt"]) == {"debt": 0}
    assert reminders.send_due_reminders(enqueue_delivery, TODAY + timedelta(days=31), kinds=["debt"]) == {"debt": 1}
    assert smtp_server.addresses() == ["owe@example.org", "owe@example.org"]
    assert "Lee Owe owes €25.50." in smtp_server.deliveries[0]["body"]


def test_lesson_tomorrow_reaches_group_members_and_individual_clients(app, db, smtp_server, sync_jobs):
    from app.models.timetable import Group, GroupMember, Lesson

    make_template(name="lesson_tomorrow", channel="sms", subject=None,
                  body="{first_name}, {lesson_name} at {lesson_time}")
    service, _plan = _service_and_plan(db)
    member = make_client(first_name="Mem", phone="+111", consent_sms=True)
    gone = make_client(first_name="Gone", phone="+222", consent_sms=True)
    solo = make_client(first_name="Solo", phone="+333", consent_sms=True)
    group = Group(name="Morning yoga", service_id=service.id, capacity=10)
    db.session.add(group)
    db.session.flush()
    db.session.add_all([
        GroupMember(group_id=group.id, client_id=member.id, joined_on=TODAY - timedelta(days=30)),
        GroupMember(group_id=group.id, client_id=gone.id, joined_on=TODAY - timedelta(days=30),
                    left_on=TODAY - timedelta(days=1)),
    ])
    tomorrow = datetime.combine(TODAY + timedelta(days=1), time(10, 0))
    db.session.add_all([
        Lesson(group_id=group.id, service_id=service.id, starts_at=tomorrow,
               ends_at=tomorrow + timedelta(hours=1), status="planned"),
        Lesson(client_id=solo.id, service_id=service.id, starts_at=tomorrow + timedelta(hours=3),
               ends_at=tomorrow + timedelta(hours=4), status="planned"),
        Lesson(client_id=solo.id, service_id=service.id, starts_at=tomorrow + timedelta(days=1),
               ends_at=tomorrow + timedelta(days=1, hours=1), status="planned"),
    ])
    db.session.commit()
    from app.services.communication.sms import LogSmsProvider

    LogSmsProvider.sent.clear()
    assert reminders.send_due_reminders(enqueue_delivery, TODAY, kinds=["lesson_tomorrow"]) == {"lesson_tomorrow": 2}
    assert reminders.send_due_reminders(enqueue_delivery, TODAY, kinds=["lesson_tomorrow"]) == {"lesson_tomorrow": 0}
    assert sorted(to for to, _text, _key in LogSmsProvider.sent) == ["+111", "+333"]
    texts = sorted(text for _to, text, _key in LogSmsProvider.sent)
    assert texts[0].startswith("Mem, Yoga at") and "10:00" in texts[0]


def test_birthday_once_a_year_and_feb_29_on_feb_28(app, db, smtp_server, sync_jobs):
    make_template(name="birthday", subject="Happy birthday", body="Happy birthday, {first_name}!")
    make_client(first_name="Leap", email="leap@example.org", consent_email=True,
                birth_date=date(2000, 2, 29))
    make_client(first_name="Kid", consent_email=True, birth_date=date(2015, 2, 28))  # guardian
    assert reminders.send_due_reminders(enqueue_delivery, date(2026, 2, 28), kinds=["birthday"]) == {"birthday": 2}
    assert reminders.send_due_reminders(enqueue_delivery, date(2026, 2, 28), kinds=["birthday"]) == {"birthday": 0}
    assert reminders.send_due_reminders(enqueue_delivery, date(2027, 2, 28), kinds=["birthday"]) == {"birthday": 2}
    assert len(smtp_server.deliveries) == 4
    assert all(d["to"] == "leap@example.org" or d["to"].startswith("parent")
               for d in smtp_server.deliveries)


def test_kind_without_template_waits_and_new_kind_is_one_declaration(app, db, smtp_server, sync_jobs):
    client = make_client(first_name="Ann", email="ann@example.org", consent_email=True)
    client_id = client.id
    declared = reminders.REMINDER_KINDS.get("item_due_back")  # the stock domain's own kind
    label = reminders.PLACEHOLDERS.get("item_name")

    @reminders.register_reminder("item_due_back", "Lent item due back",
                                 placeholders={"item_name": "Lent item"})
    def items_due_back(on_date):
        from app.models.clients import Client
        from app.extensions import db as database

        yield database.session.get(Client, client_id), "loan7", {"item_name": "Grammar book"}

    try:
        assert reminders.send_due_reminders(enqueue_delivery, TODAY, kinds=["item_due_back"]) == {"item_due_back": 0}
        assert db.session.scalar(select(func.count()).select_from(ReminderLog)) == 0
        make_template(name="item_due_back", subject="Book", body="Please bring back {item_name}.")
        assert reminders.send_due_reminders(enqueue_delivery, TODAY, kinds=["item_due_back"]) == {"item_due_back": 1}
        assert reminders.send_due_reminders(enqueue_delivery, TODAY, kinds=["item_due_back"]) == {"item_due_back": 0}
    finally:
        reminders.REMINDER_KINDS.pop("item_due_back")
        reminders.PLACEHOLDERS.pop("item_name")
        if declared is not None:
            reminders.REMINDER_KINDS["item_due_back"] = declared
            reminders.PLACEHOLDERS["item_name"] = label
    assert [d["body"].strip() for d in smtp_server.deliveries] == ["Please bring back Grammar book."]
    assert _messages(db, "item_due_back")[0].status == "sent"
