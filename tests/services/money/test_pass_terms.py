"""A sold pass keeps the terms it was sold with: editing or retiring its plan changes nothing."""
from datetime import date, datetime, time

import pytest

from app.models.passes import Pass
from app.services.money import plans
from app.services.money.passes import NoValidPass, freeze_pass, write_off_session
from app.services.platform import Conflict
from tests.factories.passes import make_client, make_pass, make_plan, make_service

TODAY = date.today()


def at(hour):
    return datetime.combine(TODAY, time(hour, 0))


def test_editing_the_time_window_after_a_sale_leaves_the_old_pass_covering_the_old_window(db):
    plan = make_plan(time_window="day")  # 12:00-17:00
    old = make_pass(make_client(), plan)
    service_id = plan.services[0].id
    plan.time_window = "morning"
    db.session.flush()
    new = make_pass(make_client(), plan)

    assert write_off_session(old.client_id, service_id, at(14)).pass_id == old.id
    with pytest.raises(NoValidPass):
        write_off_session(old.client_id, service_id, at(9))
    assert write_off_session(new.client_id, service_id, at(9)).pass_id == new.id
    with pytest.raises(NoValidPass):
        write_off_session(new.client_id, service_id, at(14))


def test_services_and_freeze_limits_stay_as_sold(db):
    gym, pool = make_service(), make_service()
    plan = make_plan(services=[gym], freezes_allowed=1, freeze_days_allowed=5)
    pass_ = make_pass(make_client(), plan)
    plan.services = [pool]
    plan.freezes_allowed, plan.freeze_days_allowed, plan.validity_days = 0, 0, 5
    plan.sessions, plan.price = 1, 1
    db.session.flush()

    assert [s.id for s in pass_.services] == [gym.id]
    assert write_off_session(pass_.client_id, gym.id, at(10)).pass_id == pass_.id
    with pytest.raises(NoValidPass):
        write_off_session(pass_.client_id, pool.id, at(10))
    freeze_pass(pass_.id, TODAY, 5)  # the pass's own limits: 1 freeze of up to 5 days
    stored = db.session.get(Pass, pass_.id)
    assert (stored.sessions_total, stored.validity_days, str(stored.list_price)) == (10, 30,
                                                                                     "100.00")


def test_a_plan_passes_were_sold_from_cannot_be_deleted(db):
    plan = make_plan()
    make_pass(make_client(), plan)
    with pytest.raises(Conflict):
        plans.ensure_plan_deletable(plan)
    plans.ensure_plan_deletable(make_plan())  # never sold: may go


def test_a_pass_built_by_hand_takes_its_plans_terms_at_insert(db):
    plan = make_plan(time_window="evening", validity_days=45)
    client = make_client()
    pass_ = Pass(client_id=client.id, plan_id=plan.id, start_date=TODAY, end_date=TODAY,
                 sessions_total=3, price_paid=30, list_price=30)
    db.session.add(pass_)
    db.session.flush()
    db.session.expire(pass_)
    assert (pass_.time_window, pass_.validity_days) == ("evening", 45)
    assert [s.id for s in pass_.services] == [plan.services[0].id]
