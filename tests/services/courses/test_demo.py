"""The demo training centre: courses for three organisations, loaded once."""
from sqlalchemy import func, select

from app.models.courses import Course, CourseParticipant, CourseRegistration


def test_demo_courses_for_three_organisations_loaded_once(app, db):
    from app.demo import load_demo

    summary = load_demo()
    assert summary["courses"] == 4
    organisations = db.session.scalar(
        select(func.count(func.distinct(CourseRegistration.organisation_id))))
    assert organisations == 3
    numbers = sorted(n for n in db.session.scalars(
        select(CourseParticipant.certificate_number)) if n)
    assert numbers and numbers == [f"PS-{i:04d}" for i in range(1, len(numbers) + 1)]
    again = load_demo()
    assert again["courses"] == 0 and again["course participants"] == 0
    assert db.session.scalar(select(func.count(Course.id))) == 4


def test_demo_has_calls_learning_results_and_sales_plans(app, db):
    from app.demo import load_demo
    from app.models.courses import OrganisationCall, SalesPlan
    from app.models.timetable import LessonResult

    load_demo()
    assert db.session.scalar(select(func.count(OrganisationCall.id))) >= 3
    assert db.session.scalar(select(func.count(LessonResult.id))) > 0
    assert db.session.scalar(select(func.count(SalesPlan.id))) >= 1
    load_demo()
    assert db.session.scalar(select(func.count(SalesPlan.id))) <= 2


def test_demo_services_have_mark_scales_and_the_marks_their_values(app, db):
    from app.demo import load_demo
    from app.models.passes import Service
    from app.models.timetable import LessonResult

    load_demo()
    from app.demo import names

    scales = {key: (service.mark_scale, service.mark_labels)
              for key, service in names.existing(Service, "service").items()}
    assert scales["Seminars"][0] == "range" and scales["Kids' dance"][0] == "labels"
    assert scales["Armenian dance"][0] == "labels" and scales["Gym"][0] == "text"
    assert scales["Pool"][1] == "fail\npass"  # the labels in the demo's language (English here)
    values = list(db.session.scalars(select(LessonResult.mark_value)))
    assert values and all(v is not None and 0 <= v <= 1 for v in values)
