"""The payroll demo: pay schemes for the instructors and two payrolls, loaded once."""
from app.demo import staff as demo
from app.models.payroll import Payroll, PayRule
from app.security import ACCOUNTANT
from tests.factories.payroll import make_employee


def test_demo_pay_rules_are_idempotent(db, make_user):
    for name in ("Aram Petrosyan", "Olena Kovalenko", "Marie Dubois", "Paul Martin"):
        make_employee(full_name=name)
    db.session.commit()
    users = {"accountant": make_user(ACCOUNTANT)}

    first = demo.load(users)
    rules, payrolls = db.session.query(PayRule).count(), db.session.query(Payroll).count()
    second = demo.load(users)

    assert first["pay_rules"] == rules == 7 + 1  # four schemes and the accountant's salary
    assert payrolls == 2 and first["payrolls"] == 2
    assert second == {"pay_rules": 0, "payrolls": 0}
    assert db.session.query(PayRule).count() == rules
    statuses = sorted(p.status for p in db.session.query(Payroll))
    assert statuses == ["approved", "draft"]
