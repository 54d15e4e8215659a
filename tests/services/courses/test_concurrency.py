"""Many desks at once: 20 certifications give numbers 1..20 without gaps or duplicates, and
registrations never overfill a course."""
import threading

from sqlalchemy import select

from app.models.courses import Course, CourseParticipant
from app.services.courses import certificates, registrations
from app.services.platform import Conflict
from tests.factories.courses import make_company, make_course

WORKERS = 20


def _run_at_once(app, actions):
    barrier = threading.Barrier(len(actions))
    outcomes = []
    lock = threading.Lock()

    def desk(action):
        from app.extensions import db as database

        with app.app_context():
            barrier.wait()
            try:
                action()
                database.session.commit()
                result = "ok"
            except Conflict:
                database.session.rollback()
                result = "refused"
            except Exception as exc:  # anything else is a failure the assertions will show
                database.session.rollback()
                result = f"error: {type(exc).__name__}: {exc}"
            finally:
                database.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=desk, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_concurrent_certifications_number_without_gaps_or_duplicates(app, db):
    course = make_course(max_participants=WORKERS, certificate_series="SEM")
    company, people = make_company(people=WORKERS)
    _, participants = registrations.register(course.id, [{"client_id": p.id} for p in people],
                                             organisation_id=company.id)
    db.session.commit()
    course_id, ids = course.id, [p.id for p in participants]

    outcomes = _run_at_once(app, [
        (lambda pid=pid: certificates.certify(course_id, pid, "passed")) for pid in ids])

    assert outcomes == ["ok"] * WORKERS
    db.session.expire_all()
    numbers = sorted(db.session.execute(
        select(CourseParticipant.certificate_number)
        .where(CourseParticipant.course_id == course_id)).scalars())
    assert numbers == [f"SEM-{n:04d}" for n in range(1, WORKERS + 1)]
    assert db.session.get(Course, course_id).certificate_last_number == WORKERS


def test_concurrent_registrations_never_overfill(app, db):
    course = make_course(max_participants=5)
    company, people = make_company(people=WORKERS)
    db.session.commit()
    course_id, org_id = course.id, company.id

    outcomes = _run_at_once(app, [
        (lambda cid=p.id: registrations.register(course_id, [{"client_id": cid}],
                                                 organisation_id=org_id)) for p in people])

    assert [o for o in outcomes if o.startswith("error")] == []
    assert outcomes.count("ok") == 5 and outcomes.count("refused") == WORKERS - 5
    db.session.expire_all()
    assert db.session.query(CourseParticipant).filter_by(course_id=course_id).count() == 5
