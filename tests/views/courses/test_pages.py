"""Course pages: lists, the course page (register, sessions, attendance, certificates), the
economics and the organisations' balances; permissions; constant query counts."""
from datetime import date, datetime, timedelta
from decimal import Decimal

from app.models.courses import CourseAttendance, CourseParticipant
from app.security import ACCOUNTANT, FRONT_DESK, INSTRUCTOR, MANAGER
from app.services.courses import catalogue, organisations, registrations
from tests.factories.courses import make_company, make_cost, make_course
from tests.factories.timetable import make_room


def _course(people=3):
    start = date.today() + timedelta(days=3)
    course = make_course(title="Credit risk", starts_on=start, ends_on=start + timedelta(days=1))
    company, staff = make_company(short_name="Bank One", people=people)
    return course, company, staff


def test_lists_show_upcoming_current_and_past(app, db, login):
    today = date.today()
    make_course(title="Coming", starts_on=today + timedelta(days=5))
    make_course(title="Running", starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1))
    make_course(title="Done", starts_on=today - timedelta(days=20), ends_on=today - timedelta(days=19))
    db.session.commit()
    page = login(FRONT_DESK).get("/courses/").get_data(as_text=True)
    upcoming = page.index("courses-upcoming")
    current = page.index("courses-current")
    past = page.index("courses-past")
    assert current < page.index("Running") < upcoming < page.index("Coming") < past < page.index("Done")


def test_registering_an_organisations_people_marking_and_certifying(app, db, login):
    course, company, staff = _course()
    room = make_room(name="Hall A")
    db.session.commit()
    browser = login(MANAGER)
    page = browser.get(f"/courses/{course.id}?organisation_id={company.id}").get_data(as_text=True)
    assert all(person.full_name in page for person in staff)
    response = browser.post(f"/courses/{course.id}/register", data={
        "organisation_id": company.id, "client_id": [p.id for p in staff],
        **{f"payment_type_{p.id}": "guarantee" for p in staff}})
    assert response.status_code == 302
    starts = datetime.combine(course.starts_on, datetime.min.time()).replace(hour=10)
    response = browser.post(f"/courses/{course.id}/session", data={
        "starts_at": starts.isoformat(timespec="minutes"),
        "ends_at": (starts + timedelta(hours=3)).isoformat(timespec="minutes"),
        "room_id": room.id})
    assert response.status_code == 302
    db.session.expire_all()
    participants = registrations.course_participants(course.id)
    assert [p.payment_type for p in participants] == ["guarantee"] * 3
    (session,) = catalogue.course_sessions(course)
    response = browser.post(f"/courses/{course.id}/attendance/{session.id}", data={
        "participant_id": [p.id for p in participants],
        "present": [participants[0].id, participants[1].id]})
    assert response.status_code == 302
    response = browser.post(f"/courses/{course.id}/certify", data={
        "participant_id": participants[0].id, "result": "passed", "grade": "5"})
    assert response.status_code == 302
    db.session.expire_all()
    marks = {a.participant_id: a.present for a in db.session.query(CourseAttendance)}
    assert marks == {participants[0].id: True, participants[1].id: True,
                     participants[2].id: False}
    assert db.session.get(CourseParticipant, participants[0].id).certificate_number == "TC-0001"
    page = browser.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "TC-0001" in page and "Hall A" in page and "Bank One" in page


def test_a_refused_registration_is_explained(app, db, login):
    course, company, staff = _course(people=1)
    course.max_participants = 1
    registrations.register(course.id, [{"client_id": staff[0].id}], organisation_id=company.id)
    other, people = make_company(people=1)
    db.session.commit()
    response = login(MANAGER).post(f"/courses/{course.id}/register", data={
        "organisation_id": other.id, "client_id": [people[0].id]})
    assert response.status_code == 200
    assert "full" in response.get_data(as_text=True)
    assert db.session.query(CourseParticipant).count() == 1


def test_roles(app, db, login):
    course, company, staff = _course(people=1)
    _, (participant,) = registrations.register(course.id, [{"client_id": staff[0].id}],
                                               organisation_id=company.id)
    db.session.commit()
    instructor = login(INSTRUCTOR)
    assert instructor.get(f"/courses/{course.id}").status_code == 200
    assert instructor.post(f"/courses/{course.id}/register", data={
        "client_id": [staff[0].id]}).status_code in (302, 403)
    accountant = login(ACCOUNTANT)
    response = accountant.post(f"/courses/{course.id}/certify",
                               data={"participant_id": participant.id})
    db.session.expire_all()
    assert db.session.get(CourseParticipant, participant.id).certificate_number is None
    assert response.status_code in (302, 403)
    assert accountant.get(f"/courses/{course.id}/economics").status_code == 200
    assert login(FRONT_DESK).get("/coursecost/list/").status_code in (302, 403)
    assert instructor.get("/organisation-balances/").status_code in (302, 403)


def test_the_course_page_costs_the_same_queries_for_more_people(app, db, login, count_queries):
    course, company, staff = _course(people=2)
    registrations.register(course.id, [{"client_id": p.id} for p in staff],
                           organisation_id=company.id)
    starts = datetime.combine(course.starts_on, datetime.min.time()).replace(hour=9)
    catalogue.add_session(course.id, starts, starts + timedelta(hours=2))
    db.session.commit()
    url = f"/courses/{course.id}"
    browser = login(MANAGER)
    browser.get(url)
    with count_queries() as few:
        assert browser.get(url).status_code == 200
    more, more_staff = make_company(people=6)
    registrations.register(course.id, [{"client_id": p.id} for p in more_staff],
                           organisation_id=more.id)
    catalogue.add_session(course.id, starts + timedelta(days=1), starts + timedelta(days=1, hours=2))
    db.session.commit()
    with count_queries() as many:
        assert browser.get(url).status_code == 200
    assert many() == few()


def test_economics_page_and_organisation_pages(app, db, login):
    course, company, staff = _course(people=2)
    course.planned_participants = 4
    make_cost(course, "Room hire", "300.00", "planned")
    registrations.register(course.id, [{"client_id": p.id} for p in staff],
                           organisation_id=company.id)
    organisations.record_payment(company.id, Decimal("120.00"), course_id=course.id)
    db.session.commit()
    browser = login(MANAGER)
    page = browser.get(f"/courses/{course.id}/economics").get_data(as_text=True)
    assert "Room hire" in page and "400" in page  # planned revenue 4 × 100
    page = browser.get("/organisation-balances/").get_data(as_text=True)
    assert "Bank One" in page and "80" in page  # 200 charged − 120 paid
    page = browser.get(f"/organisation-balances/{company.id}").get_data(as_text=True)
    assert "Credit risk" in page and staff[0].full_name in page
    assert browser.get("/organisation-balances/999999").status_code == 404
    assert browser.get("/courses/999999").status_code == 404


def test_course_form_refuses_and_keeps_the_input(app, db, login):
    browser = login(MANAGER)
    response = browser.post("/course/add", data={
        "title": "Kept title", "starts_on": "2026-06-02", "ends_on": "2026-06-01",
        "price_per_participant": "100", "min_participants": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Kept title" in page
    assert "cannot end before it starts" in page


def test_the_programme_is_uploaded_and_downloaded(app, db, login):
    import io

    course, _, _ = _course(people=0)
    db.session.commit()
    browser = login(MANAGER)
    response = browser.post(f"/courses/{course.id}/programme", data={
        "file": (io.BytesIO(b"%PDF-1.4 programme"), "programme.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    download = browser.get(f"/courses/{course.id}/programme")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 programme"
    refused = browser.post(f"/courses/{course.id}/programme", data={
        "file": (io.BytesIO(b"MZ"), "virus.exe")}, content_type="multipart/form-data")
    assert refused.status_code == 200 and "not accepted" in refused.get_data(as_text=True)


def test_course_form_creates_a_course(app, db, login):
    from app.models.courses import Course

    response = login(MANAGER).post("/course/add", data={
        "title": "Anti-fraud", "starts_on": "2026-06-01", "ends_on": "2026-06-02",
        "price_per_participant": "150", "min_participants": "4", "max_participants": "12",
        "certificate_series": "AF"})
    assert response.status_code == 302
    course = db.session.query(Course).one()
    assert (course.title, course.max_participants, course.cancelled) == ("Anti-fraud", 12, False)


def test_the_client_card_shows_the_persons_courses_and_certificates(app, db, login):
    from app.services.courses import certificates

    course, company, staff = _course(people=1)
    _, (participant,) = registrations.register(course.id, [{"client_id": staff[0].id}],
                                               organisation_id=company.id)
    certificates.certify(course.id, participant.id, "passed", grade="5")
    db.session.commit()
    page = login(MANAGER).get(f"/clients/{staff[0].id}/card").get_data(as_text=True)
    assert "card-courses" in page and "Credit risk" in page and "TC-0001" in page
    assert "Bank One" in page


def test_directory_lists_render_and_show_leads_to_the_course_page(app, db, login):
    course, company, _ = _course(people=0)
    make_cost(course, "Coffee", "3.00", "actual", "per_participant")
    organisations.record_payment(company.id, Decimal("10.00"))
    db.session.commit()
    browser = login(MANAGER)
    for url in ("/course/list/", "/coursecost/list/", "/organisationpayment/list/",
                "/coursedirection/list/"):
        assert browser.get(url).status_code == 200, url
    response = browser.get(f"/course/show/{course.id}")
    assert response.status_code == 302 and response.location.endswith(f"/courses/{course.id}")
    refused = browser.post("/coursecost/add", data={
        "course": course.id, "kind": "planned", "basis": "fixed", "name": "Room",
        "amount": "-5"})
    assert refused.status_code == 200 and "cannot be negative" in refused.get_data(as_text=True)


def test_the_economics_comparison_page(app, db, login):
    course, _, _ = _course(people=0)
    course.planned_participants = 3
    db.session.commit()
    page = login(ACCOUNTANT).get("/courses/economics").get_data(as_text=True)
    assert "Credit risk" in page and "300" in page
    assert login(ACCOUNTANT).get("/courses/economics?date_from=2000-01-01&date_to=bad").status_code == 200
