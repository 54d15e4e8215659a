"""Payroll page, payslips and employee pages: permissions per role, rendering, query counts."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.models.payroll import PER_ATTENDEE, PER_LESSON, PayRule
from app.security import ACCOUNTANT, ADMIN, FRONT_DESK, INSTRUCTOR, MANAGER
from app.services.staff import payroll as service
from tests.factories.payroll import at, make_attendance, make_employee, make_lesson, make_rule

JAN_START, JAN_END = date(2026, 1, 1), date(2026, 1, 31)


def _january(db, names=("Aram Petrosyan",), user_ids=None):
    employees = []
    for index, name in enumerate(names):
        emp = make_employee(full_name=name, user_id=(user_ids or {}).get(index))
        make_rule(emp, PER_LESSON, amount=Decimal("20"))
        make_rule(emp, PER_ATTENDEE, amount=Decimal("1.50"))
        for day in (5, 12):
            lesson = make_lesson(emp, at(date(2026, 1, day)))
            make_attendance(lesson)
            make_attendance(lesson, status="late")
        employees.append(emp)
    db.session.commit()
    return employees


def test_accountant_calculates_sees_lines_and_approves(db, login):
    _january(db, names=("Aram Petrosyan", "Ирина Смирнова"))
    make_lesson(make_employee(full_name="Paul Martin"), at(date(2026, 1, 7)), status="planned")
    db.session.commit()
    client = login(ACCOUNTANT)
    assert client.get("/payroll/").status_code == 200

    response = client.post("/payroll/calculate", data={"start": "2026-01-01", "end": "2026-01-31"})
    assert response.status_code == 302
    payroll_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    page = client.get(f"/payroll/{payroll_id}").get_data(as_text=True)

    assert "Aram Petrosyan" in page and "Ирина Смирнова" in page
    assert "€92.00" in page  # 2 × (20 + 2 × 1.50) per employee, both employees
    assert "past, not marked held" in page and "Paul Martin" in page
    assert 'id="approve-payroll"' in page

    filtered = client.get(f"/payroll/{payroll_id}?employee={db.session.get(PayRule, 1).employee_id}")
    assert "Ирина Смирнова" not in filtered.get_data(as_text=True).split("All employees")[1].split(
        "</select>")[1]

    client.post(f"/payroll/{payroll_id}/approve")  # not confirmed: asks first
    db.session.expire_all()
    assert service.get_payroll(payroll_id).status == "draft"
    client.post(f"/payroll/{payroll_id}/approve", data={"confirmed": "1"})
    db.session.expire_all()
    assert service.get_payroll(payroll_id).status == "approved"
    page = client.get(f"/payroll/{payroll_id}").get_data(as_text=True)
    assert 'id="approve-payroll"' not in page and "Reverse" not in page
    client.get("/lang/hy")
    assert client.get(f"/payroll/{payroll_id}").status_code == 200


def test_a_refused_calculation_is_shown(db, login):
    client = login(ACCOUNTANT)
    response = client.post("/payroll/calculate", data={"start": "2026-02-01", "end": "2026-01-01"},
                           follow_redirects=True)
    assert "Pick a period whose start is not after its end." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [MANAGER, FRONT_DESK, INSTRUCTOR])
def test_payroll_page_is_refused_to_other_roles(db, login, role):
    client = login(role)
    assert client.get("/payroll/").status_code in (302, 403)
    assert client.post("/payroll/calculate", data={"start": "2026-01-01",
                                                   "end": "2026-01-31"}).status_code in (302, 403)
    assert db.session.query(service.Payroll).count() == 0


def test_only_admin_reverses(db, login, make_user):
    _january(db)
    payroll = service.calculate_draft(JAN_START, JAN_END)
    service.approve_payroll(payroll.id, make_user(ACCOUNTANT).id)

    accountant = login(ACCOUNTANT)
    assert "Reverse" not in accountant.get(f"/payroll/{payroll.id}").get_data(as_text=True)
    accountant.post(f"/payroll/{payroll.id}/reverse", data={"reason": "mine"})
    db.session.expire_all()
    assert service.get_payroll(payroll.id).status == "approved"

    admin = login(ADMIN)
    assert "Reverse" in admin.get(f"/payroll/{payroll.id}").get_data(as_text=True)
    admin.post(f"/payroll/{payroll.id}/reverse", data={"reason": "Wrong January rate"})
    db.session.expire_all()
    reversed_ = service.get_payroll(payroll.id)
    assert reversed_.status == "reversed" and reversed_.reversal_reason == "Wrong January rate"


def test_instructor_sees_only_own_payslips(db, login, make_user):
    client = login(INSTRUCTOR)
    own, other = _january(db, names=("Aram Petrosyan", "Olena Kovalenko"),
                           user_ids={0: client.user_id})
    payroll = service.calculate_draft(JAN_START, JAN_END)

    assert client.get(f"/payslips/{payroll.id}/{own.id}").status_code == 404  # still a draft
    service.approve_payroll(payroll.id, None)

    listing = client.get("/payslips/").get_data(as_text=True)
    assert "Aram Petrosyan" in listing and "Olena Kovalenko" not in listing
    page = client.get(f"/payslips/{payroll.id}/{own.id}")
    assert page.status_code == 200 and "€46.00" in page.get_data(as_text=True)
    assert client.get(f"/payslips/{payroll.id}/{other.id}").status_code == 403
    assert client.post(f"/payslips/{payroll.id}/{other.id}/pdf").status_code == 403

    accountant = login(ACCOUNTANT)
    listing = accountant.get("/payslips/").get_data(as_text=True)
    assert "Aram Petrosyan" in listing and "Olena Kovalenko" in listing
    assert accountant.get(f"/payslips/{payroll.id}/{other.id}").status_code == 200


def test_payroll_page_query_count_does_not_grow_with_rows(db, login, count_queries):
    client = login(ACCOUNTANT)
    _january(db, names=("A One",))
    small = service.calculate_draft(JAN_START, JAN_END)
    with count_queries() as few:
        assert client.get(f"/payroll/{small.id}").status_code == 200
    _january(db, names=("B Two", "C Three", "D Four", "E Five"))
    large = service.calculate_draft(JAN_START, JAN_END)
    with count_queries() as many:
        page = client.get(f"/payroll/{large.id}").get_data(as_text=True)
    assert "E Five" in page
    assert many() == few()


def test_employee_record_shows_services_delivered_and_pay_rules(db, login):
    emp = make_employee(full_name="Marie Dubois")
    make_rule(emp, PER_LESSON, amount=Decimal("20"), valid_from=date.today().replace(day=1))
    lesson = make_lesson(emp, at(date.today().replace(day=1)))
    make_attendance(lesson, value="12.50")
    db.session.commit()
    client = login(ACCOUNTANT)
    assert "Marie Dubois" in client.get("/employeeview/list/").get_data(as_text=True)
    page = client.get(f"/employeeview/show/{emp.id}").get_data(as_text=True)
    assert 'id="services-delivered"' in page
    assert date.today().strftime("%Y-%m") in page and "€12.50" in page
    assert "Pay rules" in page


def test_invalid_pay_rule_is_refused_with_a_message(db, login):
    emp = make_employee()
    db.session.commit()
    client = login(ACCOUNTANT)
    response = client.post("/payruleview/add", data={
        "employee": str(emp.id), "kind": "revenue_percent", "percent": "150",
        "valid_from": "2026-01-01"})
    assert response.status_code == 200
    assert "A revenue share needs a percent between 0 and 100." in response.get_data(as_text=True)
    assert db.session.query(PayRule).count() == 0
    client.post("/payruleview/add", data={
        "employee": str(emp.id), "kind": "revenue_percent", "percent": "35",
        "valid_from": "2026-01-01"})
    assert db.session.query(PayRule).count() == 1


def test_staff_menu_per_role(db, login):
    accountant = {item["name"]: item for item in login(ACCOUNTANT).get("/api/v1/menu/").json["result"]}
    staff = {child["name"] for child in accountant["Staff"]["childs"]}
    assert {"Employees", "Pay rules", "Payroll", "Payslips"} <= staff
    instructor = {item["name"]: item for item in login(INSTRUCTOR).get("/api/v1/menu/").json["result"]}
    assert {child["name"] for child in instructor["Staff"]["childs"]} == {"Payslips"}


def test_manager_reads_employees_without_pay_rules(db, login):
    emp = make_employee(full_name="Paul Martin")
    make_rule(emp, PER_LESSON, amount=Decimal("77.70"))
    db.session.commit()
    client = login(MANAGER)
    page = client.get(f"/employeeview/show/{emp.id}")
    assert page.status_code == 200 and "Paul Martin" in page.get_data(as_text=True)
    assert "77.70" not in page.get_data(as_text=True)
    assert client.get("/payruleview/list/").status_code in (302, 403)
    assert client.post(f"/employeeview/edit/{emp.id}", data={"full_name": "X"}).status_code in (
        302, 403)
    db.session.expire_all()
    assert db.session.get(type(emp), emp.id).full_name == "Paul Martin"


def test_editing_a_rate_used_by_an_approved_payroll(db, login):
    emp = _january(db)[0]
    payroll = service.calculate_draft(JAN_START, JAN_END)
    service.approve_payroll(payroll.id, None)
    rule = db.session.query(PayRule).filter_by(kind=PER_LESSON).one()
    client = login(ACCOUNTANT)
    form = {"employee": str(emp.id), "kind": PER_LESSON, "amount": "20.00",
            "valid_from": "2026-01-01", "row_version": str(rule.version)}

    refused = client.post(f"/payruleview/edit/{rule.id}", data=dict(form, amount="25.00"))
    assert "Add a new rule valid from the date of the change" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PayRule, rule.id).amount == Decimal("20.00")

    client.post(f"/payruleview/edit/{rule.id}", data=dict(form, valid_to="2026-02-28"))
    db.session.expire_all()
    assert db.session.get(PayRule, rule.id).valid_to == date(2026, 2, 28)


def test_reversal_is_an_action_no_other_role_holds():
    from app.security import GRANTS, ROLES, role_can

    assert all(not role_can(role, "reverse", "Payroll") for role in ROLES if role != ADMIN)
    assert role_can(ADMIN, "reverse", "Payroll")
    assert {role for role in GRANTS if role_can(role, "approve", "Payroll")} == {ACCOUNTANT}


def test_approval_asks_for_confirmation_and_warns_when_the_period_is_not_over(db, login):
    today = date.today()
    payroll = service.calculate_draft(today.replace(day=1), today + timedelta(days=3))
    client = login(ACCOUNTANT)
    page = client.get(f"/payroll/{payroll.id}/approve").get_data(as_text=True)
    assert 'id="confirm-approve"' in page and 'id="period-not-over"' in page
    # confirmed, but the early-approval box not ticked: still a draft, the warning again
    page = client.post(f"/payroll/{payroll.id}/approve", data={"confirmed": "1"}).get_data(
        as_text=True)
    assert "The period is not over yet" in page
    db.session.expire_all()
    assert service.get_payroll(payroll.id).status == "draft"
    client.post(f"/payroll/{payroll.id}/approve", data={"confirmed": "1", "early": "1"})
    db.session.expire_all()
    assert service.get_payroll(payroll.id).status == "approved"
