"""Marking a whole lesson costs a constant number of SQL statements, and a lesson's batch
write-off racing the front desk and another lesson never overdraws a pass."""
import threading
from datetime import date, datetime, time, timedelta

from sqlalchemy import event, func, select

from app.models.audit import AuditEntry
from app.models.passes import Charge, Pass, SessionWriteOff
from app.models.timetable import Attendance
from app.services.timetable import attendance
from app.services.money.passes import NoValidPass, record_owed_visit, write_off_session
from tests.factories.timetable import give_passes, make_group, make_lesson

TODAY = date.today()


def lesson_of(size, without_pass=2, hour=10):
    """A lesson of ``size`` members, all but ``without_pass`` of them holding a pass."""
    group = make_group(members=size)
    give_passes(group.test_clients[without_pass:], group.service)
    lesson = make_lesson(group, starts_at=datetime.combine(TODAY, time(hour, 0)))
    return lesson, group.test_clients


def marks(clients, status="present"):
    return [{"client_id": c.id, "status": status} for c in clients]


class Statements:
    """The statements run inside the block: how many, and how many are not INSERTs."""

    def __init__(self, engine):
        self.engine, self.texts = engine, []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._before)

    def _before(self, conn, cursor, statement, *args):
        self.texts.append(statement)

    def figures(self):
        """(total, not INSERTs, distinct INSERTs, not about attendance rows)."""
        inserts = [t for t in self.texts if t.lstrip().upper().startswith("INSERT")]
        passes = [t for t in self.texts if "attendance" not in t.split("SET")[0]
                  and not t.lstrip().upper().startswith("INSERT")]
        return len(self.texts), len(self.texts) - len(inserts), len(set(inserts)), len(passes)


def statements(db, count_queries, lesson, clients):
    """(total, not INSERTs, distinct INSERTs) of: marking everyone present + held, then half of
    them absent, then undo held."""
    everyone, half = marks(clients), marks(clients[::2], "absent")
    lesson_id, size, halved = lesson.id, len(clients), len(clients[::2])
    db.session.commit()
    figures = []

    def measure(job):
        with count_queries() as n, Statements(db.engine) as seen:
            result = job()
            db.session.flush()
        assert n() == len(seen.texts)
        figures.append(seen.figures())
        db.session.commit()
        return result

    result = measure(lambda: attendance.mark_attendance(lesson_id, everyone, held=True))
    assert len(result.written_off) == size
    assert sum(w.pass_id is None for w in result.written_off) == 2
    result = measure(lambda: attendance.mark_attendance(lesson_id, half))
    assert len(result.cancelled) == halved
    result = measure(lambda: attendance.undo_held(lesson_id))
    assert len(result.cancelled) == size - halved
    return figures


def test_marking_5_or_30_present_costs_the_same_statements(db, count_queries):
    small = statements(db, count_queries, *lesson_of(5, hour=9))
    big = statements(db, count_queries, *lesson_of(30, hour=11))
    # PostgreSQL: every table's new rows go in one INSERT (insertmanyvalues with RETURNING).
    # SQLite has no INSERT form that ties returned ids to rows, so SQLAlchemy inserts new rows
    # one by one there ("insertmanyvalues" docs): only the number of INSERTs may grow.
    if db.engine.dialect.name == "postgresql":
        assert small[0] == big[0]
    else:
        assert small[0][1:] == big[0][1:]
        # 25 more people: 25 more attendance rows and 25 more write-offs, one INSERT each
        assert big[0][0] - small[0][0] == 2 * 25
    assert small[2][1:] == big[2][1:]  # undo held: constant too
    # Changing statuses later: the write-offs, charges and passes are constant; each attendance
    # row whose status changes is still its own (versioned) ORM UPDATE.
    assert [f[3] for f in small] == [f[3] for f in big]
    assert big[0][1] < 30  # everything but the INSERTs; it was about 7 statements per client


def test_batch_marking_keeps_audit_charges_and_counters(db):
    lesson, clients = lesson_of(6)
    db.session.commit()
    result = attendance.mark_attendance(lesson.id, marks(clients), held=True)
    db.session.commit()
    by_client = {w.client_id: w for w in result.written_off}
    owed = [by_client[c.id] for c in clients[:2]]
    for write_off in owed:
        charge = db.session.get(Charge, write_off.charge_id)
        assert charge.write_off_id == write_off.id and charge.kind == "visit"
        assert charge.amount == write_off.value == lesson.service.single_visit_price
    for client in clients[2:]:
        assert by_client[client.id].pass_id is not None
        assert by_client[client.id].value == 10  # 100.00 for 10 sessions
    rows = {row.client_id: row.write_off_id for row in db.session.scalars(select(Attendance))}
    assert rows == {c.id: by_client[c.id].id for c in clients}
    audited = set(db.session.scalars(
        select(AuditEntry.row_id).where(AuditEntry.table_name == "session_write_off",
                                        AuditEntry.action == "insert")))
    assert audited == {str(w.id) for w in result.written_off}
    audited_charges = set(db.session.scalars(
        select(AuditEntry.row_id).where(AuditEntry.table_name == "charge",
                                        AuditEntry.field == "write_off_id")))
    assert audited_charges == {str(w.charge_id) for w in owed}
    attendance.undo_held(lesson.id)
    db.session.commit()
    assert db.session.scalar(select(func.sum(Pass.sessions_used))) == 0
    assert all(db.session.get(Charge, w.charge_id).cancelled for w in owed)
    cancelled = set(db.session.scalars(
        select(AuditEntry.row_id).where(AuditEntry.table_name == "session_write_off",
                                        AuditEntry.field == "cancelled")))
    assert cancelled == {str(w.id) for w in result.written_off}


LESSONS, DESKS, SESSIONS, MEMBERS = 3, 6, 4, 5


def test_batch_marking_racing_desks_and_other_lessons_never_overdraws(app, db):
    """Three lessons of the same group are marked held while six desks check the same clients
    in: every pass has 4 sessions and 9 visits are tried per client, so passes run out midway.
    Each pass ends at exactly its total, every visit beyond it is owed."""
    group = make_group(members=MEMBERS)
    passes = give_passes(group.test_clients, group.service, sessions=SESSIONS)
    lessons = [make_lesson(group, starts_at=datetime.combine(TODAY, time(8 + 2 * i, 0)))
               for i in range(LESSONS)]
    db.session.commit()
    lesson_ids = [lesson.id for lesson in lessons]
    client_ids = [c.id for c in group.test_clients]
    pass_ids = [p.id for p in passes]
    service_id = group.service_id
    at = datetime.combine(TODAY, time(13, 0))
    barrier = threading.Barrier(LESSONS + DESKS)
    errors, lock = [], threading.Lock()

    def run(job):
        from app.extensions import db as thread_db

        with app.app_context():
            try:
                barrier.wait(timeout=60)
                job()
                thread_db.session.commit()
            except Exception as exc:  # collected and asserted below
                thread_db.session.rollback()
                with lock:
                    errors.append(repr(exc))
            finally:
                thread_db.session.remove()

    def mark(lesson_id):
        return lambda: attendance.mark_attendance(
            lesson_id, [{"client_id": c, "status": "present"} for c in client_ids], held=True)

    def desk(k):
        def job():
            for step, client_id in enumerate(client_ids):
                moment = at + timedelta(minutes=k * 10 + step)
                try:
                    write_off_session(client_id, service_id, moment)
                except NoValidPass:
                    record_owed_visit(client_id, service_id, moment)
        return job

    threads = [threading.Thread(target=run, args=(mark(lid),)) for lid in lesson_ids]
    threads += [threading.Thread(target=run, args=(desk(k),)) for k in range(DESKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert errors == []
    db.session.expire_all()
    for pass_id in pass_ids:
        pass_ = db.session.get(Pass, pass_id)
        on_pass = db.session.scalar(select(func.count(SessionWriteOff.id)).where(
            SessionWriteOff.pass_id == pass_id, SessionWriteOff.cancelled.is_(False)))
        assert pass_.sessions_used == on_pass == SESSIONS and pass_.status == "used_up"
    per_client = dict(db.session.execute(
        select(SessionWriteOff.client_id, func.count(SessionWriteOff.id))
        .group_by(SessionWriteOff.client_id)).all())
    assert per_client == {c: LESSONS + DESKS for c in client_ids}
    owed = db.session.scalar(select(func.count(SessionWriteOff.id)).where(
        SessionWriteOff.pass_id.is_(None), SessionWriteOff.charge_id.is_not(None)))
    assert owed == MEMBERS * (LESSONS + DESKS - SESSIONS)
    assert db.session.scalar(select(func.count(Attendance.id))) == LESSONS * MEMBERS
