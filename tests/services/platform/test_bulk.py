from decimal import Decimal

from app.models.payroll import Payroll, PayrollLine
from app.services.platform import insert_rows
from tests.factories.payroll import make_employee


def _rows(payroll, employee, count):
    rows = []
    for n in range(count):
        row = dict(payroll_id=payroll.id, employee_id=employee.id, employee_name="Ann «Ъ» Ա",
                   date=payroll.period_start, rule_kind="per_lesson", amount=Decimal("10.05"))
        if n % 2:  # keys missing in some rows are NULL
            row.update(group_name=f"Group {n}", attendees=n, revenue=Decimal(n) / 4)
        rows.append(row)
    return rows


def test_rows_go_in_one_statement_whatever_their_number(db, count_queries):
    from datetime import date

    employee = make_employee()
    payroll = Payroll(period_start=date(2026, 1, 1), period_end=date(2026, 1, 31), status="draft")
    db.session.add(payroll)
    db.session.flush()
    with count_queries() as few:
        insert_rows(PayrollLine.__table__, _rows(payroll, employee, 3))
    with count_queries() as many:
        insert_rows(PayrollLine.__table__, _rows(payroll, employee, 3000))
    assert few() == many() == 1
    db.session.commit()
    lines = db.session.query(PayrollLine).order_by(PayrollLine.id).all()
    assert len(lines) == 3003
    assert lines[0].group_name is None and lines[0].revenue is None
    assert lines[1].group_name == "Group 1" and lines[1].revenue == Decimal("0.25")
    assert lines[-1].employee_name == "Ann «Ъ» Ա" and lines[-1].amount == Decimal("10.05")


def test_nothing_to_insert_runs_nothing(db, count_queries):
    with count_queries() as statements:
        insert_rows(PayrollLine.__table__, [])
    assert statements() == 0
