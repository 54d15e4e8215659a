"""Selling, freezing, extending, refunding passes; writing sessions off; red flags."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from app.models.passes import Charge, Payment, SessionWriteOff
from app.services.money import passes as svc
from app.services.platform.errors import DomainError
from app.services.money.payments import client_balances, paid_for_pass, take_payment
from tests.factories.passes import (make_client, make_discount, make_pass, make_plan,
                                    make_service)

TODAY = date.today()


def at(hour, day=None):
    return datetime.combine(day or TODAY, datetime.min.time()).replace(hour=hour)


# --- selling and discounts ----------------------------------------------------------------

def test_sale_charges_the_price_and_the_unpaid_part_is_debt(db):
    client = make_client()
    pass_ = make_pass(client, make_plan(price=Decimal("120.00"), validity_days=30),
                      amount_paid=Decimal("50"))
    assert pass_.price_paid == Decimal("120.00")
    assert pass_.end_date == TODAY + timedelta(days=29)
    assert pass_.sessions_total == 10 and pass_.sessions_left == 10
    assert client_balances([client.id])[client.id] == Decimal("70.00")
    assert paid_for_pass(pass_.id) == Decimal("50.00")


@pytest.mark.parametrize("client_pct,plan_pct,expected", [
    ("0", None, "100.00"),
    ("10", None, "90.00"),
    ("10", "15", "85.00"),
    ("20", "15", "80.00"),
    ("12.5", None, "87.50"),
])
def test_sale_takes_the_larger_of_client_and_plan_discount(db, client_pct, plan_pct, expected):
    client = make_client(discount_percent=Decimal(client_pct))
    plan = make_plan(price=Decimal("100.00"))
    if plan_pct:
        make_discount(plan, plan_pct)
        make_discount(plan, "50", active=False)  # inactive discounts do not count
    pass_ = make_pass(client, plan)
    assert pass_.price_paid == Decimal(expected)
    charge = db.session.query(Charge).filter_by(pass_id=pass_.id).one()
    assert charge.amount == Decimal(expected)


def test_discounted_price_is_rounded_to_cents(db):
    client = make_client(discount_percent=Decimal("33"))
    pass_ = make_pass(client, make_plan(price=Decimal("99.99")))
    assert pass_.price_paid == Decimal("66.99")  # 66.9933 -> 66.99


def test_inactive_plan_is_not_sold(db):
    with pytest.raises(DomainError):
        make_pass(plan=make_plan(active=False))


def test_age_limits_of_the_services_are_enforced(db):
    kids = make_service(min_age=4, max_age=12)
    adult = make_client(birth_date=date(1980, 1, 1))
    with pytest.raises(DomainError):
        make_pass(adult, make_plan(services=[kids]))
    child = make_client(birth_date=TODAY.replace(year=TODAY.year - 8) - timedelta(days=3))
    assert make_pass(child, make_plan(services=[kids])).id


def test_negative_amount_paid_is_refused(db):
    with pytest.raises(DomainError):
        make_pass(amount_paid=Decimal("-1"))


# --- freezes and extensions --------------------------------------------------------------

def test_freeze_moves_the_end_date_and_blocks_write_offs(db):
    plan = make_plan()
    pass_ = make_pass(plan=plan)
    end = pass_.end_date
    svc.freeze_pass(pass_.id, TODAY, 5)
    assert pass_.end_date == end + timedelta(days=5)
    assert pass_.status == "frozen" and pass_.effective_status(TODAY) == "frozen"
    with pytest.raises(svc.NoValidPass):
        svc.write_off_session(pass_.client_id, plan.services[0].id, at(10))
    assert svc.write_off_session(pass_.client_id, plan.services[0].id,
                                 at(10, TODAY + timedelta(days=5))).pass_id == pass_.id


def test_freeze_count_limit(db):
    pass_ = make_pass(plan=make_plan(freezes_allowed=1, freeze_days_allowed=30))
    svc.freeze_pass(pass_.id, TODAY + timedelta(days=1), 2)
    with pytest.raises(DomainError):
        svc.freeze_pass(pass_.id, TODAY + timedelta(days=10), 2)
    assert len(pass_.freezes) == 1


def test_freeze_total_days_limit(db):
    pass_ = make_pass(plan=make_plan(freezes_allowed=3, freeze_days_allowed=10))
    svc.freeze_pass(pass_.id, TODAY + timedelta(days=1), 7)
    with pytest.raises(DomainError):
        svc.freeze_pass(pass_.id, TODAY + timedelta(days=12), 4)
    svc.freeze_pass(pass_.id, TODAY + timedelta(days=12), 3)
    assert sum(f.days for f in pass_.freezes) == 10


def test_plan_without_freezes_refuses_and_overlaps_are_refused(db):
    with pytest.raises(DomainError):
        svc.freeze_pass(make_pass(plan=make_plan(freezes_allowed=0)).id, TODAY, 1)
    pass_ = make_pass()
    svc.freeze_pass(pass_.id, TODAY + timedelta(days=2), 5)
    with pytest.raises(DomainError):
        svc.freeze_pass(pass_.id, TODAY + timedelta(days=4), 2)
    with pytest.raises(DomainError):
        svc.freeze_pass(pass_.id, TODAY + timedelta(days=400), 2)  # outside the pass
    with pytest.raises(DomainError):
        svc.freeze_pass(pass_.id, TODAY, 0)


def test_unfreeze_gives_back_the_unused_days(db):
    pass_ = make_pass(start_date=TODAY - timedelta(days=5))
    end = pass_.end_date
    svc.freeze_pass(pass_.id, TODAY - timedelta(days=2), 10)
    svc.unfreeze_pass(pass_.id, on=TODAY)
    assert pass_.status == "active"
    assert pass_.freezes[0].days == 2
    assert pass_.end_date == end + timedelta(days=2)


def test_unfreeze_of_a_planned_freeze_removes_it(db):
    pass_ = make_pass()
    end = pass_.end_date
    svc.freeze_pass(pass_.id, TODAY + timedelta(days=3), 4)
    svc.unfreeze_pass(pass_.id, on=TODAY)
    assert pass_.freezes == [] and pass_.end_date == end
    with pytest.raises(DomainError):
        svc.unfreeze_pass(pass_.id, on=TODAY)


def test_extend_needs_a_reason_and_moves_the_end(db, make_user):
    pass_ = make_pass()
    end = pass_.end_date
    with pytest.raises(DomainError):
        svc.extend_pass(pass_.id, 3, "  ")
    user = make_user("Manager")
    extension = svc.extend_pass(pass_.id, 3, "pool closed", granted_by_id=user.id)
    assert pass_.end_date == end + timedelta(days=3)
    assert extension.reason == "pool closed" and extension.granted_by_fk == user.id


def test_extending_an_expired_pass_revives_it(db):
    pass_ = make_pass(start_date=TODAY - timedelta(days=40))
    assert svc.expire_passes(TODAY) == 1
    db.session.refresh(pass_)
    assert pass_.status == "expired"
    svc.extend_pass(pass_.id, 20, "illness")
    assert pass_.status == "active" and pass_.end_date >= TODAY


# --- refunds ------------------------------------------------------------------------------

def _use(pass_, n):
    service_id = pass_.plan.services[0].id
    for _ in range(n):
        svc.write_off_session(pass_.client_id, service_id, at(10))


def test_refund_fully_paid_pass_returns_unused_sessions_pro_rata(db):
    client = make_client()
    pass_ = make_pass(client, make_plan(price=Decimal("100.00"), sessions=10),
                      amount_paid=Decimal("100"))
    _use(pass_, 4)
    payment = svc.refund_pass(pass_.id, "moved away")
    assert payment.amount == Decimal("-60.00") and payment.reason == "moved away"
    assert pass_.status == "refunded" and pass_.refunded_on == TODAY
    assert client_balances([client.id])[client.id] == Decimal("0.00")
    with pytest.raises(DomainError):
        svc.refund_pass(pass_.id, "again")


def test_refund_of_a_partly_paid_pass_never_exceeds_what_was_paid(db):
    client = make_client()
    pass_ = make_pass(client, make_plan(price=Decimal("100.00")), amount_paid=Decimal("30"))
    _use(pass_, 5)  # used value 50, paid 30: nothing back, 20 still owed
    assert svc.refund_pass(pass_.id, "stopped") is None
    assert client_balances([client.id])[client.id] == Decimal("20.00")


def test_refund_of_an_unpaid_pass_cancels_the_unused_part(db):
    client = make_client()
    pass_ = make_pass(client, make_plan(price=Decimal("90.00"), sessions=3))
    _use(pass_, 1)
    svc.refund_pass(pass_.id, "changed mind")
    assert client_balances([client.id])[client.id] == Decimal("30.00")
    assert db.session.query(Payment).filter(Payment.amount < 0).count() == 0


def test_refund_of_an_unlimited_pass_goes_by_days(db):
    client = make_client()
    plan = make_plan(sessions=None, validity_days=30, price=Decimal("300.00"))
    pass_ = make_pass(client, plan, start_date=TODAY - timedelta(days=10),
                      amount_paid=Decimal("300"))
    payment = svc.refund_pass(pass_.id, "injury")
    assert payment.amount == Decimal("-200.00")  # 20 of 30 days left, today included


def test_refund_requires_a_reason(db):
    with pytest.raises(DomainError):
        svc.refund_pass(make_pass().id, "")


@pytest.mark.parametrize("price,unused,paid,back", [
    ("100", "60", "100", "60"), ("100", "60", "30", "0"), ("100", "60", "50", "10"),
    ("100", "0", "100", "0"), ("100", "100", "20", "20"), ("100", "60", "0", "0"),
])
def test_refund_amounts_rule(price, unused, paid, back):
    credit, money_back = svc.refund_amounts(Decimal(price), Decimal(unused), Decimal(paid))
    assert credit == Decimal(unused) and money_back == Decimal(back)


# --- write-offs ---------------------------------------------------------------------------

def test_write_off_picks_the_pass_ending_first_and_records_its_value(db):
    client = make_client()
    gym = make_service(name="Gym")
    later = make_pass(client, make_plan(services=[gym], validity_days=60, price=Decimal("90"),
                                        sessions=9))
    sooner = make_pass(client, make_plan(services=[gym], validity_days=20, price=Decimal("50"),
                                         sessions=4))
    write_off = svc.write_off_session(client.id, gym.id, at(9))
    assert write_off.pass_id == sooner.id and write_off.value == Decimal("12.50")
    db.session.refresh(sooner)
    db.session.refresh(later)
    assert sooner.sessions_used == 1 and later.sessions_used == 0


def test_write_off_skips_passes_for_other_services_or_not_started(db):
    client = make_client()
    gym, pool = make_service(name="Gym"), make_service(name="Pool")
    make_pass(client, make_plan(services=[pool]))
    make_pass(client, make_plan(services=[gym]), start_date=TODAY + timedelta(days=1))
    with pytest.raises(svc.NoValidPass):
        svc.write_off_session(client.id, gym.id, at(10))


def test_write_off_covers_every_service_of_a_combined_plan(db):
    client = make_client()
    gym, pool = make_service(name="Gym"), make_service(name="Pool")
    pass_ = make_pass(client, make_plan(name="Gym + pool", services=[gym, pool]))
    svc.write_off_session(client.id, gym.id, at(10))
    svc.write_off_session(client.id, pool.id, at(11))
    db.session.refresh(pass_)
    assert pass_.sessions_used == 2


def test_sessions_never_go_below_zero_and_used_up_is_set(db):
    client = make_client()
    pass_ = make_pass(client, make_plan(sessions=2))
    _use(pass_, 2)
    db.session.refresh(pass_)
    assert pass_.sessions_left == 0 and pass_.status == "used_up"
    with pytest.raises(svc.NoValidPass):
        _use(pass_, 1)
    db.session.refresh(pass_)
    assert pass_.sessions_used == 2


def test_unlimited_pass_value_is_price_per_validity_day(db):
    client = make_client()
    plan = make_plan(sessions=None, validity_days=30, price=Decimal("90.00"))
    pass_ = make_pass(client, plan)
    for hour in (9, 12, 18):
        write_off = svc.write_off_session(client.id, plan.services[0].id, at(hour))
        assert write_off.value == Decimal("3.00")
    db.session.refresh(pass_)
    assert pass_.status == "active" and pass_.sessions_left is None


@pytest.mark.parametrize("window,ok_hours,refused_hours", [
    ("morning", (6, 11), (12, 18)),
    ("day", (12, 16), (11, 17)),
    ("evening", (17, 22), (16, 23)),
    ("any", (0, 12, 23), ()),
])
def test_time_windows(db, window, ok_hours, refused_hours):
    client = make_client()
    plan = make_plan(time_window=window, sessions=None)
    make_pass(client, plan)
    for hour in ok_hours:
        assert svc.write_off_session(client.id, plan.services[0].id, at(hour)).id
    for hour in refused_hours:
        with pytest.raises(svc.NoValidPass):
            svc.write_off_session(client.id, plan.services[0].id, at(hour))


def test_time_windows_follow_the_setting(app, db):
    client = make_client()
    plan = make_plan(time_window="morning", sessions=None)
    make_pass(client, plan)
    old = app.config.get("PASS_TIME_WINDOWS")
    app.config["PASS_TIME_WINDOWS"] = {"morning": ("07:00", "13:30")}
    try:
        assert svc.write_off_session(client.id, plan.services[0].id, at(13)).id
        with pytest.raises(svc.NoValidPass):
            svc.write_off_session(client.id, plan.services[0].id, at(6))
    finally:
        if old is None:
            app.config.pop("PASS_TIME_WINDOWS", None)
        else:
            app.config["PASS_TIME_WINDOWS"] = old


def test_refunded_and_expired_passes_are_not_used(db):
    client = make_client()
    plan = make_plan()
    refunded = make_pass(client, plan)
    svc.refund_pass(refunded.id, "test")
    make_pass(client, plan, start_date=TODAY - timedelta(days=40))
    with pytest.raises(svc.NoValidPass):
        svc.write_off_session(client.id, plan.services[0].id, at(10))


def test_owed_visit_is_charged_and_cancel_restores(db):
    client = make_client()
    service = make_service(single_visit_price=Decimal("12.00"))
    owed = svc.record_owed_visit(client.id, service.id, at(10))
    assert owed.pass_id is None and owed.charge.amount == Decimal("12.00")
    assert owed.charge.write_off_id == owed.id
    assert client_balances([client.id])[client.id] == Decimal("12.00")
    svc.cancel_write_off(owed)
    assert client_balances([client.id])[client.id] == Decimal("0.00")


def test_cancel_write_off_gives_the_session_back(db):
    client = make_client()
    pass_ = make_pass(client, make_plan(sessions=1))
    write_off = svc.write_off_session(client.id, pass_.plan.services[0].id, at(10))
    db.session.refresh(pass_)
    assert pass_.status == "used_up"
    svc.cancel_write_off(write_off)
    svc.cancel_write_off(write_off)  # twice changes nothing
    db.session.refresh(pass_)
    assert pass_.sessions_used == 0 and pass_.status == "active" and write_off.cancelled
    assert db.session.query(SessionWriteOff).count() == 1


# --- red flags ----------------------------------------------------------------------------

def test_red_flags(db, count_queries):
    fine = make_pass(make_client(), make_plan(sessions=10, validity_days=60),
                     amount_paid=Decimal("100"))
    low = make_pass(make_client(), make_plan(sessions=2, validity_days=60),
                    amount_paid=Decimal("100"))
    ending = make_pass(make_client(), make_plan(sessions=10, validity_days=60),
                       start_date=TODAY - timedelta(days=55), amount_paid=Decimal("100"))
    owing = make_pass(make_client(), make_plan(sessions=10, validity_days=60),
                      amount_paid=Decimal("10"))
    passes = [fine, low, ending, owing]
    with count_queries() as queries:
        red = svc.red_pass_ids(passes)
    assert red == {low.id, ending.id, owing.id}
    assert queries() == 2

    ids = [p.client_id for p in passes]
    with count_queries() as queries:
        flags = svc.client_flags(ids, TODAY)
    assert queries() == 1  # debt and red pass in one UNION ALL
    assert flags == {fine.client_id: set(), low.client_id: {"red_pass"},
                     ending.client_id: {"red_pass"}, owing.client_id: {"debt"}}
    running = svc.passes_running_out()
    assert [p.id for p in running] == [ending.id, low.id]


def test_paying_the_debt_clears_the_flag(db):
    pass_ = make_pass(make_client(), make_plan(sessions=10, validity_days=60),
                      amount_paid=Decimal("10"))
    assert svc.client_flags([pass_.client_id])[pass_.client_id] == {"debt"}
    take_payment(pass_.client_id, Decimal("90"), pass_id=pass_.id)
    assert svc.client_flags([pass_.client_id])[pass_.client_id] == set()


def test_daily_status_refresh(db):
    past = make_pass(start_date=TODAY - timedelta(days=40))
    freezing = make_pass(start_date=TODAY - timedelta(days=3))
    svc.freeze_pass(freezing.id, TODAY + timedelta(days=1), 3)
    thawing = make_pass(start_date=TODAY - timedelta(days=10))
    svc.freeze_pass(thawing.id, TODAY - timedelta(days=5), 2)
    thawing.status = "frozen"  # as the night of its freeze left it
    db.session.flush()
    changed = svc.refresh_pass_statuses(TODAY + timedelta(days=1))
    assert changed == {"expired": 1, "frozen": 1, "active": 1}
    for pass_ in (past, freezing, thawing):
        db.session.refresh(pass_)
    assert (past.status, freezing.status, thawing.status) == ("expired", "frozen", "active")
