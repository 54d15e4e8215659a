"""The sales plans page: a manager plans and sees their own, Admin sees all; a refused plan
keeps the input."""
from datetime import date

from app.models.courses import SalesPlan
from app.security import ADMIN, FRONT_DESK, MANAGER


def test_managers_plan_their_own_and_admin_sees_all(app, db, login):
    ann, bob = login(MANAGER, "ann"), login(MANAGER, "bob")
    assert ann.post("/sales-plans/", data={"month": "2026-06", "participants": "4",
                                            "revenue": "500"}).status_code == 302
    refused = bob.post("/sales-plans/", data={"month": "2026-06", "participants": "-3",
                                              "revenue": "777"})
    assert refused.status_code == 400 and "777" in refused.get_data(as_text=True)
    plan = db.session.query(SalesPlan).one()
    assert plan.manager_id == ann.user_id and plan.month == date(2026, 6, 1)
    assert "plan-vs-actual" in ann.get("/sales-plans/?month=2026-06").get_data(as_text=True)
    assert "500" in ann.get("/sales-plans/?month=2026-06").get_data(as_text=True)
    assert "500" not in bob.get("/sales-plans/?month=2026-06").get_data(as_text=True)
    admin = login(ADMIN)
    assert "500" in admin.get("/sales-plans/?month=2026-06").get_data(as_text=True)
    assert admin.post("/sales-plans/", data={"month": "2026-06", "manager_id": "",
                                             "participants": "20", "revenue": "9000"}
                      ).status_code == 302
    assert db.session.query(SalesPlan).filter(SalesPlan.manager_id.is_(None)).count() == 1
    assert login(FRONT_DESK).get("/sales-plans/").status_code in (302, 403)
