"""Demo sales: services, plans (incl. "gym + pool"), discounts, passes for the demo clients —
some running out, some with debts — payments, bonus points and gift certificates.
Services, plans and discounts are named in the demo's language (``app.demo.names``; the keys
below are their English names). Idempotent: services, plans and certificates are found by
name (in any language) or code; passes are sold only to
clients who have none yet."""
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.demo import names as demo_names
from app.extensions import db
from app.models.clients import Client
from app.models.passes import Discount, GiftCertificate, Pass, PassPlan, Service
from app.services.money import certificate_sales
from app.services.money import plans as pass_plans
from app.services.money import passes as service
from app.services.money.payments import debts

SERVICES = [
    # key, single visit price, min age, max age
    ("Gym", "15.00", 16, None),
    ("Pool", "12.00", None, None),
    ("Yoga", "14.00", 14, None),
    ("Kids' dance", "10.00", 4, 12),
    ("English", "20.00", 7, None),
    ("Chess", "9.00", 6, None),
    ("Armenian dance", "11.00", 6, None),
]

PLANS = [
    # key, services, sessions, days, window, price, freezes, freeze days
    ("Gym 12", ["Gym"], 12, 30, "any", "120.00", 1, 7),
    ("Gym unlimited", ["Gym"], None, 30, "any", "160.00", 2, 14),
    ("Gym + pool 16", ["Gym", "Pool"], 16, 45, "any", "210.00", 2, 14),
    ("Morning pool 8", ["Pool"], 8, 30, "morning", "70.00", 1, 7),
    ("Yoga evening 10", ["Yoga"], 10, 60, "evening", "110.00", 1, 10),
    # any time: the kids' class meets on Wednesday afternoon and Saturday morning
    ("Kids' dance 8", ["Kids' dance"], 8, 30, "any", "64.00", 1, 7),
    ("English course 24", ["English"], 24, 90, "any", "360.00", 2, 21),
]

DISCOUNTS = [("Spring offer", "Gym + pool 16", "10")]
CERTIFICATES = [("DEMO-GIFT-50", "50.00"), ("DEMO-GIFT-100", "100.00")]


def _services():
    """``({key: service}, created)``."""
    terms = {key: (price, min_age, max_age) for key, price, min_age, max_age in SERVICES}

    def make(key, name):
        price, min_age, max_age = terms[key]
        return Service(name=name, single_visit_price=Decimal(price), min_age=min_age,
                       max_age=max_age, active=True)

    return demo_names.ensure(Service, "service", list(terms), make)


def _plans(services):
    existing = demo_names.existing(PassPlan, "plan")
    created = 0
    for key, names, sessions, days, window, price, freezes, freeze_days in PLANS:
        if key in existing:
            continue
        plan = PassPlan(name=demo_names.name("plan", key), services=[services[n] for n in names], sessions=sessions,
                        validity_days=days, time_window=window, price=Decimal(price),
                        freezes_allowed=freezes, freeze_days_allowed=freeze_days,
                        low_balance_threshold=2, active=True)
        pass_plans.validate_plan(plan)
        db.session.add(plan)
        existing[key] = plan
        created += 1
    db.session.flush()
    discounts = demo_names.existing(Discount, "discount")
    for key, plan_key, percent in DISCOUNTS:
        if key not in discounts:
            db.session.add(Discount(name=demo_names.name("discount", key),
                                    plan_id=existing[plan_key].id, percent=Decimal(percent),
                                    active=True))
    return existing, created


def _pick_plan(client, plans, index):
    age = client.age()
    if age is not None and age <= 12:
        return plans["Kids' dance 8"]
    if age is not None and age < 16:
        return plans["English course 24"]
    order = ["Gym 12", "Gym + pool 16", "Yoga evening 10", "Gym unlimited", "Morning pool 8",
             "English course 24"]
    return plans[order[index % len(order)]]


def _sell_passes(plans, desk_user_id):
    with_pass = set(db.session.scalars(select(Pass.client_id).distinct()))
    clients = [c for c in db.session.scalars(select(Client).order_by(Client.id).limit(40))
               if c.id not in with_pass]
    today = date.today()
    sold = 0
    for index, client in enumerate(clients):
        plan = _pick_plan(client, plans, index)
        minor = (client.age() or 99) < 18
        if minor:
            # a child's pass covers the whole fortnight of demo lessons (a week back, a week
            # ahead): started over a week ago, valid over a week more, sessions to spare
            start = today - timedelta(days=8 + (index * 3) % max(plan.validity_days - 16, 1))
        else:
            start = today - timedelta(days=(index * 3) % (plan.validity_days - 2))
        price = service.price_for(plan, client)[1]
        # every fifth client pays only part (a debt), the others pay in full
        paid = (price / 2).quantize(Decimal("0.01")) if index % 5 == 0 else price
        method = ("cash", "card", "transfer")[index % 3]
        service.sell_pass(client.id, plan.id, start, amount_paid=paid, method=method,
                          taken_by_id=desk_user_id)
        visits = 0 if plan.sessions is None else min(plan.sessions,
                                                     (index * 7) % (plan.sessions + 1))
        if minor and plan.sessions is not None:
            visits = min(visits, max(plan.sessions - 4, 0))
        hour = {"morning": 9, "day": 14, "evening": 19}.get(plan.time_window, 11)
        for visit in range(visits):
            day = start + timedelta(days=visit % max((today - start).days + 1, 1))
            try:
                service.write_off_session(client.id, plan.services[0].id,
                                          datetime.combine(day, datetime.min.time())
                                          .replace(hour=hour))
            except service.NoValidPass:
                break
        sold += 1
    return sold


def load(users):
    services, services_created = _services()
    plans, plans_created = _plans(services)
    desk = users.get("frontdesk")
    sold = _sell_passes(plans, desk.id if desk else None)
    issued = 0
    buyers = list(db.session.scalars(select(Client.id).order_by(Client.id).limit(
        len(CERTIFICATES))))
    for index, (code, amount) in enumerate(CERTIFICATES):
        if not buyers or db.session.scalar(
                select(GiftCertificate.id).where(GiftCertificate.code == code)):
            continue
        # sold like at the desk: charged to a client and paid by card
        certificate_sales.issue_certificate(Decimal(amount), buyer_client_id=buyers[
            index % len(buyers)], method="card", code=code,
            taken_by_id=desk.id if desk else None)
        issued += 1
    db.session.flush()
    return {"services": services_created, "pass plans": plans_created, "passes": sold,
            "gift certificates": issued, "passes running out": len(service.passes_running_out()),
            "debtors": len(debts())}
