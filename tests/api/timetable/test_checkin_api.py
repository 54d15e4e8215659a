"""Walk-in check-in over the API: one session per visit, a replayed key or a second scan
within the window writes nothing."""
from decimal import Decimal

from sqlalchemy import func, select

from app.models.passes import Pass, SessionWriteOff
from app.security import ACCOUNTANT, FRONT_DESK
from tests.factories.passes import make_client, make_pass, make_plan


def test_walk_in_check_in_over_the_api(app, db, api_token):
    plan = make_plan()
    pass_ = make_pass(make_client(), plan, amount_paid=Decimal("100"))
    db.session.commit()
    api = app.test_client()
    headers = {**api_token(FRONT_DESK), "Idempotency-Key": "scan-1"}
    body = {"client_id": pass_.client_id, "service_id": plan.services[0].id}
    first = api.post("/api/v1/checkin/service", json=body, headers=headers)
    assert first.status_code == 200 and first.json["pass_id"] == pass_.id
    assert not first.json["repeated"]
    replay = api.post("/api/v1/checkin/service", json=body, headers=headers)
    assert replay.json == first.json
    scan = api.post("/api/v1/checkin/service", json=body,
                    headers={**headers, "Idempotency-Key": "scan-2"})
    assert scan.json["repeated"] and scan.json["write_off_id"] == first.json["write_off_id"]
    db.session.expire_all()
    assert db.session.get(Pass, pass_.id).sessions_used == 1
    assert db.session.scalar(select(func.count()).select_from(SessionWriteOff)) == 1
    refused = api.post("/api/v1/checkin/service", json={**body, "service_id": "1e309"},
                       headers=api_token(FRONT_DESK))
    assert refused.status_code == 400 and refused.json["field"] == "service_id"
    assert api.post("/api/v1/checkin/service", json=body,
                    headers=api_token(ACCOUNTANT)).status_code == 403
