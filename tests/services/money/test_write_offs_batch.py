"""The batch write-off (``write_off_sessions``) decides exactly as the one-client path, and a
pass lost to a concurrent write-off sends just its requests through the one-client path."""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select, update

from app.models.passes import Pass
from app.services.money import passes as svc
from app.services.money import write_offs
from tests.factories.passes import make_client, make_plan, make_service

TODAY = date.today()
PLAN = st.tuples(st.sampled_from([None, 1, 2, 3]),            # sessions (None = unlimited)
                 st.sampled_from(["any", "morning", "evening"]),
                 st.integers(-3, 1),                           # start, days from today
                 st.integers(1, 10),                           # validity days
                 st.booleans(),                                # frozen today
                 st.sampled_from(["active", "active", "refunded"]),
                 st.integers(0, 1))                            # service index (or both: combined)
SETUP = st.lists(st.lists(PLAN, max_size=3), min_size=1, max_size=4)  # passes per client
REQUESTS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1), st.sampled_from([9, 19])),
                    min_size=1, max_size=12)


def build(setup):
    """Clients with passes as described; returns (client ids, services, pass ids in order)."""
    services = [make_service(single_visit_price=Decimal("9.90")),
                make_service(single_visit_price=Decimal("12.35"))]
    clients, pass_ids = [], []
    for passes in setup:
        client = make_client()
        clients.append(client.id)
        for sessions, window, start, days, frozen, status, service in passes:
            covered = services if start % 2 else [services[service]]
            plan = make_plan(services=covered, sessions=sessions, time_window=window,
                             validity_days=days, price=Decimal("90.00"))
            pass_ = svc.sell_pass(client.id, plan.id, TODAY + timedelta(days=start))
            if frozen and pass_.start_date <= TODAY <= pass_.end_date:
                svc.freeze_pass(pass_.id, TODAY, 1)
            pass_.status = status
            pass_ids.append(pass_.id)
    write_offs.db.session.flush()
    return clients, services, pass_ids


def outcome(write_offs_, pass_ids, clients, services):
    """What happened, in terms independent of the ids of this copy."""
    index = {pid: i for i, pid in enumerate(pass_ids)}
    done = [(clients.index(w.client_id), [s.id for s in services].index(w.service_id),
             index.get(w.pass_id), w.value, w.charge.amount if w.charge_id else None)
            for w in write_offs_]
    states = [(p.sessions_used, p.status) for p in write_offs.db.session.scalars(
        select(Pass).where(Pass.id.in_(pass_ids)).order_by(Pass.id)
        .execution_options(populate_existing=True))]
    return done, states


def single(client_id, service_id, at):
    try:
        return svc.write_off_session(client_id, service_id, at)
    except svc.NoValidPass:
        return svc.record_owed_visit(client_id, service_id, at)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(setup=SETUP, requests=REQUESTS)
def test_batch_and_single_path_agree(db, setup, requests):
    try:
        results = []
        for run in ("single", "batch"):
            clients, services, pass_ids = build(setup)
            asked = [(clients[c % len(clients)], services[s].id,
                      datetime.combine(TODAY, time(hour, 0))) for c, s, hour in requests]
            if run == "single":
                made = [single(*request) for request in asked]
            else:
                made = svc.write_off_sessions(asked)
            results.append(outcome(made, pass_ids, clients, services))
        assert results[0] == results[1]
        for used, _status in results[1][1]:
            assert used >= 0
    finally:
        db.session.rollback()


def test_a_pass_lost_to_a_concurrent_write_off_falls_back_to_the_next_pass(db, monkeypatch):
    service = make_service()
    client = make_client()
    soon = make_plan(services=[service], sessions=1, validity_days=5)
    later = make_plan(services=[service], sessions=5, validity_days=20)
    first = svc.sell_pass(client.id, soon.id, TODAY)
    second = svc.sell_pass(client.id, later.id, TODAY)
    other = make_client()
    db.session.flush()
    real = write_offs._candidate_rows

    def stale(requests):
        rows = real(requests)
        # someone at the desk takes the last session of the first pass right after the SELECT
        table = Pass.__table__
        db.session.execute(update(table).where(table.c.id == first.id)
                           .values(sessions_used=1, status="used_up"))
        return rows

    monkeypatch.setattr(write_offs, "_candidate_rows", stale)
    at = datetime.combine(TODAY, time(10))
    made = svc.write_off_sessions([(client.id, service.id, at), (other.id, service.id, at)])
    assert made[0].pass_id == second.id and not made[0].cancelled
    assert made[1].pass_id is None and made[1].charge_id is not None  # owed, no pass at all
    db.session.expire_all()
    assert db.session.get(Pass, first.id).sessions_used == 1
    assert db.session.get(Pass, second.id).sessions_used == 1


def test_cancel_write_offs_gives_back_once_and_never_below_zero(db):
    service = make_service()
    client = make_client()
    plan = make_plan(services=[service], sessions=2)
    pass_ = svc.sell_pass(client.id, plan.id, TODAY)
    at = datetime.combine(TODAY, time(10))
    made = svc.write_off_sessions([(client.id, service.id, at)] * 3)
    assert [w.pass_id for w in made] == [pass_.id, pass_.id, None]
    db.session.refresh(pass_)
    assert pass_.status == "used_up"
    svc.cancel_write_offs(made)
    svc.cancel_write_offs(made)  # twice changes nothing
    db.session.refresh(pass_)
    assert pass_.sessions_used == 0 and pass_.status == "active"
    assert all(w.cancelled for w in made) and made[2].charge.cancelled
    db.session.commit()
