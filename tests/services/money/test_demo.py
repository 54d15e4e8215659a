"""The sales demo data loads after the clients' and adds nothing the second time."""
from app.models.passes import Pass, PassPlan, Payment, Service


def test_demo_sales_are_idempotent(db, make_user):
    from app.demo import clients as demo_clients, money as demo_passes

    users = {"frontdesk": make_user("Front desk")}
    demo_clients.load(users)
    first = demo_passes.load(users)
    db.session.commit()
    counts = [db.session.query(m).count() for m in (Service, PassPlan, Pass, Payment)]
    assert first["passes"] > 10 and first["debtors"] > 0 and first["passes running out"] > 0
    assert any("+" in name for (name,) in db.session.query(PassPlan.name))
    second = demo_passes.load(users)
    db.session.commit()
    assert second["passes"] == 0 and second["services"] == 0 and second["pass plans"] == 0
    assert [db.session.query(m).count() for m in (Service, PassPlan, Pass, Payment)] == counts
