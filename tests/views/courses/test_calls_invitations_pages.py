"""The organisation card's call history (a refused call keeps the input; "accepted" registers
the person) and the course page's invitations (invite an organisation, record a "yes")."""
from datetime import date, timedelta

from app.models.courses import CourseInvitation, OrganisationCall
from app.security import ACCOUNTANT, MANAGER
from app.services.courses import registrations
from tests.factories.communication import make_template
from tests.factories.courses import make_company, make_course


def test_calls_on_the_organisation_card(app, db, login):
    company, (person,) = make_company(short_name="Bank Three", people=1)
    course = make_course(title="AML basics")
    db.session.commit()
    browser = login(MANAGER)
    page = browser.get(f"/organisation-balances/{company.id}").get_data(as_text=True)
    assert "record-call" in page and "AML basics" in page
    refused = browser.post(f"/organisation-balances/{company.id}/call", data={
        "result": "accepted", "note": "Keep this note", "course_id": course.id})
    assert refused.status_code == 400 and "Keep this note" in refused.get_data(as_text=True)
    response = browser.post(f"/organisation-balances/{company.id}/call", data={
        "result": "accepted", "course_id": course.id, "client_id": person.id,
        "note": "Yes, with pleasure", "next_call_on": (date.today() + timedelta(days=2)).isoformat()})
    assert response.status_code == 302
    assert [p.client_id for p in registrations.course_participants(course.id)] == [person.id]
    page = browser.get(f"/organisation-balances/{company.id}").get_data(as_text=True)
    assert "Yes, with pleasure" in page
    assert login(ACCOUNTANT).post(f"/organisation-balances/{company.id}/call", data={
        "result": "no_answer"}).status_code in (302, 403)
    assert db.session.query(OrganisationCall).count() == 1


def test_inviting_an_organisation_and_a_yes(app, db, login):
    make_template(name="course_invitation", subject="{course_title}", body="Join {course_title}")
    company, people = make_company(short_name="Bank Four", people=2)
    course = make_course(title="Stress tests")
    db.session.commit()
    browser = login(MANAGER)
    response = browser.post(f"/courses/{course.id}/invite", data={
        "organisation_id": company.id, "channel": "email"})
    assert response.status_code == 302
    invitation = db.session.query(CourseInvitation).order_by(CourseInvitation.id).first()
    assert db.session.query(CourseInvitation).count() == 2
    page = browser.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "course-invitations" in page and people[0].full_name in page
    assert "invite-segment" in page
    for _ in range(2):
        browser.post(f"/courses/{course.id}/invitation/{invitation.id}", data={"answer": "yes"})
    assert [p.client_id for p in registrations.course_participants(course.id)] == [
        invitation.client_id]


def test_economics_page_shows_where_costs_come_from(app, db, login):
    from app.models.stock import Product
    from tests.factories.courses import make_cost
    from tests.factories.stock import make_product

    course = make_course(title="Audit")
    make_cost(course, "Coffee", "12.00", "actual")
    paper = make_product(stock=3, name="Workbooks")
    db.session.commit()
    browser = login(MANAGER)
    refused = browser.post(f"/courses/{course.id}/materials", data={
        "product_id": paper.id, "quantity": "9"})
    assert refused.status_code in (400, 409) and 'value="9"' in refused.get_data(as_text=True)
    assert browser.post(f"/courses/{course.id}/materials", data={
        "product_id": paper.id, "quantity": "2"}).status_code == 302
    page = browser.get(f"/courses/{course.id}/economics").get_data(as_text=True)
    assert "cost-typed" in page and "cost-stock" in page and "Coffee" in page
    db.session.expire_all()
    assert db.session.get(Product, paper.id).on_hand == 1


def test_invitations_with_call_back_tasks_and_a_yes_on_the_task_form(app, db, login):
    from app.models.communication import Task
    from tests.factories.communication import make_task_result

    make_template(name="course_invitation", subject="{course_title}", body="Join {course_title}")
    company, people = make_company(short_name="Bank Five", people=2)
    course = make_course(title="Basel IV")
    yes = make_task_result("Yes, will attend", kind="yes")
    db.session.commit()
    browser = login(MANAGER)
    page = browser.get(f"/courses/{course.id}").get_data(as_text=True)
    assert 'name="callback_days"' in page
    refused = browser.post(f"/courses/{course.id}/invite", data={
        "organisation_id": company.id, "channel": "email", "callback_days": "365"})
    text = refused.get_data(as_text=True)
    assert "call-back" in text and 'value="365"' in text
    assert db.session.query(CourseInvitation).count() == 0
    response = browser.post(f"/courses/{course.id}/invite", data={
        "organisation_id": company.id, "channel": "email", "callback_days": "2"})
    assert response.status_code == 302
    task = db.session.query(Task).order_by(Task.id).first()
    assert db.session.query(Task).count() == 2 and task.manager_id is not None
    saved = browser.post(f"/task/edit/{task.id}", data={
        "due_at": task.due_at.strftime("%Y-%m-%d %H:%M:%S"), "manager": task.manager_id,
        "client": task.client_id, "text": task.text, "status": "done", "result": yes.id,
        "reaction": "Glad"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert [p.client_id for p in registrations.course_participants(course.id)] == [
        task.client_id]
