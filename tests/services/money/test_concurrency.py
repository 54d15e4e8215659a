"""50 desks check the same client in at once: a 10-session pass ends at exactly zero."""
import threading
from datetime import datetime

from sqlalchemy import func, select

from app.models.passes import Pass, SessionWriteOff
from app.services.money.passes import NoValidPass, write_off_session
from tests.factories.passes import make_client, make_pass, make_plan

WORKERS = 50


def test_concurrent_write_offs_never_go_below_zero(app, db):
    client = make_client()
    plan = make_plan(sessions=10)
    pass_ = make_pass(client, plan)
    db.session.commit()
    client_id, service_id, pass_id = client.id, plan.services[0].id, pass_.id
    at = datetime.now().replace(hour=10, minute=0, second=0, microsecond=0)

    barrier = threading.Barrier(WORKERS)
    outcomes = []
    lock = threading.Lock()

    def desk():
        from app.extensions import db as database

        with app.app_context():
            barrier.wait()
            try:
                write_off_session(client_id, service_id, at)
                database.session.commit()
                result = "ok"
            except NoValidPass:
                database.session.rollback()
                result = "no_pass"
            except Exception as exc:  # anything else is a failure the assertions will show
                database.session.rollback()
                result = f"error: {type(exc).__name__}: {exc}"
            finally:
                database.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=desk) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    errors = [o for o in outcomes if o.startswith("error")]
    assert errors == []
    assert outcomes.count("ok") == 10
    assert outcomes.count("no_pass") == WORKERS - 10
    db.session.expire_all()
    refreshed = db.session.get(Pass, pass_id)
    assert refreshed.sessions_used == 10 and refreshed.sessions_left == 0
    assert refreshed.status == "used_up"
    written = db.session.scalar(
        select(func.count()).select_from(SessionWriteOff).where(SessionWriteOff.pass_id == pass_id))
    assert written == 10
