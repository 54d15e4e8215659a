"""The daily minimum-participants job: scheduled, and creating each course's task once."""
from datetime import date, timedelta

from app.jobs.courses import warn_courses_below_minimum_daily
from app.jobs.schedule import PERIODIC
from app.models.communication import Task
from tests.factories.courses import make_course


def test_the_daily_job_is_scheduled_and_creates_the_tasks(app, db):
    assert any(func is warn_courses_below_minimum_daily for func, _, _ in PERIODIC)
    make_course(starts_on=date.today() + timedelta(days=1), min_participants=1)
    db.session.commit()
    assert warn_courses_below_minimum_daily() == 1
    assert warn_courses_below_minimum_daily() == 0
    db.session.expire_all()
    assert db.session.query(Task).count() == 1
