"""Segments, tasks, calls and the control figures."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from app.models.clients import Tag
from app.services.communication import mailings
from app.services.communication import tasks
from app.services.platform.errors import Conflict, DomainError
from tests.factories.clients import make_category, make_client, make_industry, make_organisation
from tests.factories.communication import make_call, make_task, make_task_result


def test_segment_criteria_are_sql_conditions(db, make_user):
    from app.models.passes import Charge, Pass, PassPlan, Service

    manager = make_user("Manager")
    vip = make_category("VIP")
    industry = make_industry("IT")
    org = make_organisation(industry_id=industry.id)
    tag = Tag(name="yoga-lovers")
    db.session.add(tag)
    today = date.today()
    a = make_client(first_name="A", category_id=vip.id, manager_id=manager.id,
                    birth_date=today.replace(year=today.year - 30) - timedelta(days=1))
    b = make_client(first_name="B", organisation_id=org.id, birth_date=date(1950, 1, 1))
    c = make_client(first_name="C", birth_date=today - timedelta(days=365 * 10))
    make_client(first_name="Inactive", category_id=vip.id, active=False)
    c.tags.append(tag)
    service = Service(name="Pool", single_visit_price=Decimal("5"))
    plan = PassPlan(name="Pool 8", sessions=8, validity_days=30, price=Decimal("40"),
                    services=[service])
    db.session.add_all([service, plan])
    db.session.flush()
    db.session.add(Pass(client_id=b.id, plan_id=plan.id, start_date=today, status="active",
                        end_date=today + timedelta(days=30), sessions_total=8, sessions_used=0))
    db.session.add(Charge(client_id=c.id, amount=Decimal("12"), kind="visit", charged_on=today))
    db.session.commit()

    def ids(**segment):
        return mailings.segment_client_ids(segment)

    assert ids(category_id=vip.id) == [a.id]
    assert ids(manager_id=manager.id) == [a.id]
    assert ids(industry_id=industry.id) == [b.id]
    assert ids(tag_id=tag.id) == [c.id]
    assert ids(age_min=30, age_max=30) == [a.id]
    assert ids(age_min=60) == [b.id]
    assert ids(age_max=17) == [c.id]
    assert ids(pass_status="active") == [b.id]
    assert ids(service_id=service.id) == [b.id]
    assert ids(debt=True) == [c.id]
    assert ids(debt="1", age_max=17) == [c.id]
    assert ids() == sorted([a.id, b.id, c.id])
    with pytest.raises(DomainError):
        ids(age_min=40, age_max=20)
    with pytest.raises(DomainError):
        ids(pass_status="bogus")


def test_task_rules_and_closing(db, make_user):
    manager = make_user("Manager")
    client = make_client()
    answer = make_task_result("Will come", "answer")
    with pytest.raises(DomainError):
        tasks.create_task("", date.today(), manager.id, client.id)
    task = tasks.create_task("Call about renewal", date.today(), manager.id, client.id)
    db.session.commit()
    assert task.due_at.hour == 9 and task.status == "open"
    with pytest.raises(DomainError):
        tasks.close_task(task.id, "done")  # neither result nor reaction
    with pytest.raises(Conflict):
        tasks.close_task(task.id, "done", answer.id, version=task.version + 5)
    tasks.close_task(task.id, "done", answer.id, "pleased", version=task.version)
    db.session.commit()
    assert task.status == "done" and task.done_at is not None and task.result.name == "Will come"


def test_log_call_in_one_step_closes_the_task(db, make_user):
    manager = make_user("Manager")
    client = make_client()
    other = make_client()
    refusal = make_task_result("Too expensive", "refusal")
    task = tasks.create_task("Call back", datetime.now(), manager.id, client.id)
    db.session.commit()
    with pytest.raises(DomainError):
        tasks.log_call(manager.id, other.id, 60, task_id=task.id, close=True)
    with pytest.raises(DomainError):
        tasks.log_call(manager.id, client.id, -5)
    call = tasks.log_call(manager.id, client.id, 95, refusal.id, "annoyed", task_id=task.id,
                          close=True, task_status="problem")
    db.session.commit()
    assert call.task_id == task.id and call.duration_seconds == 95
    assert task.status == "problem" and task.result_id == refusal.id and task.reaction == "annoyed"


def test_desk_lists_todays_and_overdue_open_tasks_of_the_manager(db, make_user):
    me = make_user("Manager")
    someone = make_user("Manager")
    now = datetime(2026, 3, 10, 12, 0)
    overdue = make_task(manager_id=me.id, due_at=now - timedelta(days=2))
    today = make_task(manager_id=me.id, due_at=now + timedelta(hours=3))
    make_task(manager_id=me.id, due_at=now + timedelta(days=1))
    make_task(manager_id=me.id, due_at=now - timedelta(hours=1), status="done")
    make_task(manager_id=someone.id, due_at=now)
    desk = tasks.desk_tasks(me.id, now)
    assert [t.id for t in desk["overdue"]] == [overdue.id]
    assert [t.id for t in desk["today"]] == [today.id]


def test_control_figures_are_grouped(db, make_user):
    anna = make_user("Manager")
    paul = make_user("Manager")
    client = make_client()
    yes = make_task_result("Will come", "answer")
    no = make_task_result("Moved away", "refusal")
    day = datetime(2026, 3, 10, 10, 0)
    make_call(manager_id=anna.id, client_id=client.id, at=day, duration_seconds=60,
              reaction="happy", result_id=yes.id)
    make_call(manager_id=anna.id, client_id=client.id, at=day + timedelta(hours=2),
              duration_seconds=120)
    make_call(manager_id=anna.id, client_id=client.id, at=day + timedelta(days=1),
              duration_seconds=30)
    make_call(manager_id=paul.id, client_id=client.id, at=day, duration_seconds=300,
              reaction="angry")
    for result in (yes, yes, no):
        make_task(manager_id=anna.id, status="done", result_id=result.id, done_at=day)
    make_task(manager_id=anna.id, status="open")
    start, end = date(2026, 3, 1), date(2026, 3, 31)
    rows = tasks.calls_by_manager_and_day(start, end)
    summary = {(r["manager_id"], r["day"]): (r["calls"], r["seconds"]) for r in rows}
    assert summary == {(anna.id, date(2026, 3, 10)): (2, 180), (anna.id, date(2026, 3, 11)): (1, 30),
                       (paul.id, date(2026, 3, 10)): (1, 300)}
    by_result = {r["result"]: r["count"] for r in tasks.tasks_by_result(start, end)}
    assert by_result == {"Will come": 2, "Moved away": 1}
    assert sorted(r["reaction"] for r in tasks.reactions(start, end)) == ["angry", "happy"]


def test_demo_data_is_idempotent_and_templates_are_valid(db, make_user):
    from sqlalchemy import func, select

    from app.demo import communication as demo
    from app.models.communication import Call, MessageTemplate, Task, TaskResult
    from app.services.communication.templates import validate_template

    manager = make_user("Manager", "manager")
    for n in range(6):
        make_client(first_name=f"Demo{n}")
    first = demo.load({"manager": manager})
    db.session.commit()
    assert first["message templates"] == 25 and first["task results"] == 10
    assert first["tasks"] == 6 and first["calls"] == 3
    second = demo.load({"manager": manager})
    db.session.commit()
    assert set(second.values()) == {0}
    for template in db.session.scalars(select(MessageTemplate)):
        validate_template(template)
    languages = set(db.session.scalars(select(MessageTemplate.language)))
    assert languages == {"en", "fr", "ru", "uk", "hy"}
    assert db.session.scalar(select(func.count()).select_from(TaskResult)
                             .where(TaskResult.kind == "refusal")) == 5
    assert db.session.scalar(select(func.count()).select_from(Task)) == 6
    assert db.session.scalar(select(func.count()).select_from(Call)) == 3
