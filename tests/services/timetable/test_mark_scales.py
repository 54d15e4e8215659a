"""Mark scales per service: a range, ordered labels or free text; marks are checked against the
lesson's service's scale (one wrong mark refuses the batch, naming the person and the allowed
marks) and carry their normalised value 0..1; a changed scale re-normalises recorded marks; the
migration gives 1–5 services their scale."""
import importlib.util
import os
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from app.models.passes import Service
from app.models.timetable import LessonResult
from app.security import MANAGER
from app.services import timetable
from app.services.platform import DomainError
from tests.factories.passes import make_service
from tests.factories.timetable import make_group, make_lesson


def _lesson(members=2, **scale):
    group = make_group(members=members, service=make_service(**scale))
    return make_lesson(group), group.test_clients


ONE_TO_FIVE = dict(mark_scale="range", mark_min=Decimal(1), mark_max=Decimal(5),
                   mark_step=Decimal(1))
LEVELS = dict(mark_scale="labels", mark_labels="not yet\ndeveloping\nsecure\nexcellent")


def test_a_range_scale_stores_the_mark_and_its_normalised_value(db, make_user):
    lesson, (a, b) = _lesson(**ONE_TO_FIVE)
    saved = timetable.record_results(lesson.id, [
        {"client_id": a.id, "mark": "4,0"}, {"client_id": b.id, "mark": 1}],
        user=make_user(MANAGER))
    assert {cid: (r.mark, r.mark_value) for cid, r in saved.items()} == {
        a.id: ("4", Decimal("0.75")), b.id: ("1", Decimal("0"))}


def test_a_label_scale_accepts_its_labels_in_any_case(db, make_user):
    lesson, (a, b) = _lesson(**LEVELS)
    saved = timetable.record_results(lesson.id, [
        {"client_id": a.id, "mark": "SECURE"}, {"client_id": b.id, "mark": "excellent"}],
        user=make_user(MANAGER))
    assert {cid: (r.mark, r.mark_value) for cid, r in saved.items()} == {
        a.id: ("secure", Decimal("0.6667")), b.id: ("excellent", Decimal("1"))}


def test_free_text_has_no_value(db, make_user):
    lesson, (a, _b) = _lesson()
    saved = timetable.record_results(lesson.id, [{"client_id": a.id, "mark": "good try"}],
                                     user=make_user(MANAGER))
    assert (saved[a.id].mark, saved[a.id].mark_value) == ("good try", None)


@pytest.mark.parametrize("scale,bad,allowed", [
    (ONE_TO_FIVE, "6", "1–5 (step 1)"), (ONE_TO_FIVE, "4.5", "1–5 (step 1)"),
    (ONE_TO_FIVE, "four", "1–5 (step 1)"), (ONE_TO_FIVE, "NaN", "1–5 (step 1)"),
    (LEVELS, "great", "not yet, developing, secure, excellent")])
def test_one_mark_off_the_scale_refuses_the_batch(db, make_user, scale, bad, allowed):
    lesson, (a, b) = _lesson(**scale)
    good = "3" if scale is ONE_TO_FIVE else "secure"
    with pytest.raises(DomainError) as refused:
        timetable.record_results(lesson.id, [
            {"client_id": a.id, "mark": good}, {"client_id": b.id, "mark": bad}],
            user=make_user(MANAGER))
    assert refused.value.status_code == 422 and refused.value.field == "mark"
    message = str(refused.value.message)
    assert b.full_name in message and allowed in message and bad in message
    assert refused.value.details["client_id"] == b.id
    assert db.session.query(LessonResult).count() == 0


@pytest.mark.parametrize("values,field", [
    (dict(mark_scale="odd"), "mark_scale"),
    (dict(mark_scale="range", mark_max=Decimal(5)), "mark_min"),
    (dict(mark_scale="range", mark_min=Decimal(1)), "mark_max"),
    (dict(mark_scale="range", mark_min=Decimal(5), mark_max=Decimal(1)), "mark_max"),
    (dict(mark_scale="range", mark_min=Decimal(0), mark_max=Decimal(10), mark_step=Decimal(0)),
     "mark_step"),
    (dict(mark_scale="range", mark_min=Decimal(0), mark_max=Decimal(10), mark_step=Decimal(3)),
     "mark_step"),
    (dict(mark_scale="range", mark_min=Decimal(0), mark_max=Decimal(5000),
          mark_step=Decimal(1)), "mark_step"),
    (dict(mark_scale="labels", mark_labels="pass"), "mark_labels"),
    (dict(mark_scale="labels", mark_labels="pass\nPASS"), "mark_labels"),
    (dict(mark_scale="labels", mark_labels="fail\n" + "x" * 21), "mark_labels"),
])
def test_a_scale_is_checked(values, field):
    with pytest.raises(DomainError) as refused:
        timetable.validate_scale(Service(name="S", **values))
    assert refused.value.field == field


def test_a_scale_is_tidied():
    labels = Service(name="S", mark_scale="labels", mark_labels=" fail \n\n pass\n",
                     mark_min=Decimal(1))
    timetable.validate_scale(labels)
    assert (labels.mark_labels, labels.mark_min) == ("fail\npass", None)
    assert timetable.scale_labels(labels) == ["fail", "pass"]
    hundred = Service(name="H", mark_scale="range", mark_min=Decimal(0), mark_max=Decimal(100),
                      mark_labels="x")
    timetable.validate_scale(hundred)
    assert (hundred.mark_step, hundred.mark_labels) == (Decimal(1), None)
    assert timetable.range_values(hundred)[:3] == ["0", "1", "2"]
    free = Service(name="F", mark_scale=None, mark_min=Decimal(1))
    timetable.validate_scale(free)
    assert (free.mark_scale, free.mark_min) == ("text", None)


def test_a_changed_scale_renormalises_recorded_marks(db, make_user):
    lesson, (a, b) = _lesson()
    timetable.record_results(lesson.id, [
        {"client_id": a.id, "mark": "4"}, {"client_id": b.id, "mark": "B"}],
        user=make_user(MANAGER))
    service = lesson.service
    for key, value in ONE_TO_FIVE.items():
        setattr(service, key, value)
    timetable.validate_scale(service)
    assert timetable.renormalise_results(service) == 1
    db.session.flush()
    values = {r.client_id: (r.mark, r.mark_value) for r in db.session.query(LessonResult)}
    assert values == {a.id: ("4", Decimal("0.75")), b.id: ("B", None)}


def _migration():
    here = os.path.dirname(os.path.abspath(__file__))
    folder = os.path.join(here, "..", "..", "..", "migrations", "versions")
    (name,) = [n for n in os.listdir(folder) if n.endswith(".py")
               and "def _normalise_one_to_five" in open(os.path.join(folder, n)).read()]
    spec = importlib.util.spec_from_file_location("mark_scales", os.path.join(folder, name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_gives_one_to_five_services_their_scale(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path}/old.db")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE service (id INTEGER PRIMARY KEY, mark_scale TEXT "
                             "DEFAULT 'text', mark_min NUMERIC, mark_max NUMERIC, "
                             "mark_step NUMERIC)"))
        conn.execute(sa.text("CREATE TABLE lesson (id INTEGER PRIMARY KEY, service_id INT)"))
        conn.execute(sa.text("CREATE TABLE lesson_result (id INTEGER PRIMARY KEY, lesson_id INT,"
                             " mark TEXT, mark_value NUMERIC)"))
        conn.execute(sa.text("INSERT INTO service (id) VALUES (1), (2), (3)"))
        conn.execute(sa.text("INSERT INTO lesson VALUES (1, 1), (2, 2), (3, 3)"))
        conn.execute(sa.text("INSERT INTO lesson_result VALUES (1, 1, '5', NULL), "
                             "(2, 1, ' 2', NULL), (3, 2, '4', NULL), (4, 2, 'A', NULL), "
                             "(5, 3, '7', NULL), (6, 3, NULL, NULL)"))
        with Operations.context(MigrationContext.configure(conn)):
            _migration()._normalise_one_to_five()
        services = conn.execute(sa.text(
            "SELECT id, mark_scale, mark_min, mark_max FROM service ORDER BY id")).all()
        results = conn.execute(sa.text(
            "SELECT id, mark, mark_value FROM lesson_result ORDER BY id")).all()
    assert [tuple(s) for s in services] == [(1, "range", 1, 5), (2, "text", None, None),
                                            (3, "text", None, None)]
    assert [tuple(r) for r in results] == [(1, "5", 1), (2, "2", 0.25), (3, "4", None),
                                           (4, "A", None), (5, "7", None), (6, None, None)]
    engine.dispose()
