"""A whole small centre for the report tests: random but seeded, built row by row (not through
the other domains' services) so the reports are checked against independent SQL."""
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from app.extensions import db
from app.models.clients import Client, ClientSource
from app.models.communication import Call, Task, TaskResult
from app.models.passes import Charge, Pass, PassPlan, Payment, Service, SessionWriteOff
from app.models.payroll import Payroll, PayrollLine
from app.models.staff import Employee
from app.models.stock import Product
from app.models.timetable import Attendance, Group, GroupMember, Lesson

PERIOD = (date(2026, 3, 1), date(2026, 3, 31))
STATUSES = ("present", "present", "present", "late", "absent", "excused")


def _day(rng, start, end):
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def add(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def build_centre(seed=7, clients=30, lessons=90, managers=()):
    """Services, instructors, groups with members joining and leaving, lessons over February
    to April (held, planned, cancelled), attendance with write-offs (some owed), passes,
    payments, charges, payrolls (approved, draft, reversed), calls and tasks; commits."""
    rng = random.Random(seed)
    lo, hi = date(2026, 2, 1), date(2026, 4, 30)
    sources = [add(ClientSource(name=name)) for name in ("Website", "Friends", "Street")]
    services = [add(Service(name=name, single_visit_price=Decimal("12.00")))
                for name in ("Yoga", "Swimming", "Chess")]
    employees = [add(Employee(full_name=name, position="Instructor"))
                 for name in ("Alice Martin", "Boris Petrov", "Carla Sargsyan", "Dan Idle")]
    groups = [add(Group(name=f"Group {i}", service_id=services[i % 3].id,
                        instructor_id=employees[i % 3].id, capacity=12)) for i in range(6)]
    people = []
    for i in range(clients):
        created = datetime.combine(_day(rng, lo, hi), time(10, 0))
        source = rng.choice(sources + [None])
        people.append(add(Client(first_name=f"Name{i:02d}", last_name=f"Family{i:02d}",
                                 phone=f"+3361234{i:04d}", created_on=created,
                                 source_id=source.id if source else None)))
    for client in people:
        for group in rng.sample(groups, rng.randrange(0, 3)):
            joined = _day(rng, lo, hi)
            left = _day(rng, joined, hi) if rng.random() < 0.4 else None
            add(GroupMember(group_id=group.id, client_id=client.id, joined_on=joined,
                            left_on=left))
    plan = add(PassPlan(name="Ten visits", sessions=10, validity_days=60, price=Decimal("100"),
                        services=services[:2], low_balance_threshold=2))
    unlimited = add(PassPlan(name="Unlimited month", sessions=None, validity_days=30,
                             price=Decimal("90"), services=services))
    passes = {}
    for client in people[: clients * 2 // 3]:
        start = _day(rng, lo, hi - timedelta(days=20))
        chosen = rng.choice([plan, unlimited])
        total = chosen.sessions
        used = rng.randrange(0, total + 1) if total else rng.randrange(0, 20)
        p = add(Pass(client_id=client.id, plan_id=chosen.id, start_date=start,
                     end_date=start + timedelta(days=chosen.validity_days), sessions_total=total,
                     sessions_used=used, price_paid=chosen.price,
                     list_price=chosen.price,
                     status=rng.choice(["active", "active", "active", "frozen", "refunded"])))
        passes[client.id] = p
        add(Charge(client_id=client.id, amount=chosen.price, kind="pass", pass_id=p.id,
                   charged_on=start))
        paid = rng.choice([chosen.price, chosen.price, Decimal("40.00"), Decimal("0")])
        if paid:
            add(Payment(client_id=client.id, amount=paid, method=rng.choice(["cash", "card"]),
                        purpose="pass", pass_id=p.id,
                        paid_at=datetime.combine(start, time(9, 30))))
        if rng.random() < 0.15:
            add(Payment(client_id=client.id, amount=Decimal("-10.00"), method="cash",
                        purpose="pass", reason="partial refund",
                        paid_at=datetime.combine(start + timedelta(days=3), time(12, 0))))
    for _i in range(lessons):
        group = rng.choice(groups)
        day = _day(rng, lo, hi)
        starts = datetime.combine(day, time(rng.choice([8, 10, 12, 17, 18, 19]),
                                            rng.choice([0, 30])))
        length = rng.choice([45, 60, 90])
        status = rng.choice(["held", "held", "held", "planned", "cancelled"])
        instructor = group.instructor_id if rng.random() < 0.9 else employees[3].id
        lesson = add(Lesson(group_id=group.id, service_id=group.service_id,
                            instructor_id=instructor, starts_at=starts,
                            ends_at=starts + timedelta(minutes=length), status=status))
        if status != "held":
            continue
        for client in rng.sample(people, rng.randrange(1, 6)):
            mark = rng.choice(STATUSES)
            write_off = None
            if mark in ("present", "late") and rng.random() < 0.85:
                p = passes.get(client.id)
                owed = p is None or rng.random() < 0.2
                write_off = add(SessionWriteOff(
                    client_id=client.id, service_id=group.service_id,
                    pass_id=None if owed else p.id, at=starts,
                    value=Decimal("12.00") if owed else Decimal("10.00"),
                    cancelled=rng.random() < 0.05))
                if owed:
                    charge = add(Charge(client_id=client.id, amount=Decimal("12.00"),
                                        kind="visit", write_off_id=write_off.id,
                                        charged_on=day))
                    write_off.charge_id = charge.id
            add(Attendance(lesson_id=lesson.id, client_id=client.id, status=mark,
                           write_off_id=write_off.id if write_off else None))
    for status, amount in (("approved", "55.00"), ("draft", "999.00"), ("reversed", "777.00")):
        payroll = add(Payroll(period_start=PERIOD[0], period_end=PERIOD[1], status=status))
        for employee in employees[:2]:
            add(PayrollLine(payroll_id=payroll.id, employee_id=employee.id,
                            employee_name=employee.full_name, date=date(2026, 3, 15),
                            rule_kind="fixed_monthly", amount=Decimal(amount)))
    results = [add(TaskResult(name=name, kind=kind)) for name, kind in
               (("Will come", "answer"), ("Too expensive", "refusal"))]
    for manager_id in managers:
        for _i in range(12):
            client = rng.choice(people)
            at = datetime.combine(_day(rng, lo, hi), time(rng.randrange(9, 19), 0))
            result = rng.choice(results + [None])
            add(Call(at=at, manager_id=manager_id, client_id=client.id,
                     duration_seconds=rng.randrange(30, 600),
                     result_id=result.id if result else None))
            status = rng.choice(["open", "done", "problem"])
            add(Task(text="Call back", due_at=at, manager_id=manager_id, client_id=client.id,
                     status=status, done_at=at + timedelta(hours=2) if status != "open" else None,
                     result_id=rng.choice(results).id if status != "open" else None))
    _shop(rng, people, lo, hi)
    db.session.commit()
    return {"services": services, "employees": employees, "groups": groups, "clients": people,
            "plans": [plan, unlimited]}


def _shop(rng, people, lo, hi):
    """A few products received, sold over the period (one sale returned)."""
    from app.services.stock import movements, sales

    products = []
    for n, (price, cost) in enumerate((("2.00", "0.70"), ("25.00", "12.00"), ("8.50", "3.10"))):
        product = add(Product(name=f"Shop item {n}", sku=f"SHOP-{n}", sale_price=Decimal(price),
                              cost=Decimal(cost)))
        movements.receive(product.id, 40)
        products.append(product)
    for i in range(12):
        product = rng.choice(products)
        client = rng.choice(people + [None])
        quantity = rng.randrange(1, 4)
        total = product.sale_price * quantity
        sale = sales.sell([{"product_id": product.id, "quantity": quantity}],
                          client_id=client.id if client else None,
                          payments=[] if client else [{"method": "cash", "amount": str(total)}])
        sale.sold_at = datetime.combine(_day(rng, lo, hi), time(12, 0))
        if i == 0:
            sales.return_sale(sale.id, "Damaged")
    db.session.flush()
    # the sales' receipt documents wrote PDF jobs for after the commit: the report tests count
    # their own jobs only, so these are left out of the outbox
    from sqlalchemy import delete

    from app.models.jobs import JobRecord

    db.session.execute(delete(JobRecord).where(JobRecord.kind == "document:pdf"))
    db.session.info.pop("tessera_outbox_pending", None)
