"""Benchmark: Tessera against the bare framework and the SQL floor, in ONE table.

    .venv/bin/python bench/compare.py --scale 0.01 --url postgresql://tessera:tessera@127.0.0.1/tessera_perfbench
    make bench SCALE=0.01 BENCH_DATABASE_URL=postgresql://…

Builds a centre of ``100,000 × scale`` clients (bulk inserts; every tenth client owes), then
measures each page in this process and its baseline — a bare Flask-AppBuilder ModelView /
ModelRestApi over the same table (client list, search and API rows, in a second process: FAB's
AppBuilder is one per process) or the hand-written SQL that fetches the same rows (card, debts).
Then, on the emptied database, each other area builds its own data (bench/timetable.py's week,
bench/payroll.py's month, bench/reports.py's attendance marks) and is measured against its
floor in this process: the timetable day and week grids against the one query fetching the same
lessons with their counts, marking a 30-person lesson against its statements written by hand
(rolled back), a month's payroll against its aggregate SQL, the Excel report against raw
xlsxwriter in constant_memory mode fed by the same query; these rows' runs and their floor's
are interleaved, so a drift of the machine during a row falls on both sides.
Each row: median and spread (max − min) of RUNS requests, SQL statements, whether that count is
the same at a tenth of the size ("constant" / "grows"), peak Python memory of one extra request
(tracemalloc), growth of the peak resident set over one more (VmHWM; 0 when the process had
already been that big), and the ratio to the baseline.
The database is emptied and rebuilt: give it a disposable database.
"""
import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta

from _common import NO_REDIS, ROOT, analyze, build_app, create_manager, login, measure
from reports import current_rss_mb, reset_peak, rss_mb
from sqlalchemy import insert, select, text

RUNS = 7


def _memory(call):
    """(peak KiB of Python allocations, peak RSS growth KiB) of one ``call()`` each."""
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    gc.collect()
    reset_peak()
    before = current_rss_mb()
    call()
    return peak / 1024, max(0.0, rss_mb() - before) * 1024


def _result(times, statements, call):
    kib, rss = _memory(call)
    return dict(ms=statistics.median(times), spread=max(times) - min(times), queries=statements,
                kib=kib, rss=rss)


def _timed(engine, call, runs=RUNS):
    """(median ms, spread ms, statements, peak KiB) of ``call()`` run ``runs`` times, then once
    traced (tracemalloc: peak of Python allocations) and once more for the growth of the peak
    resident set (VmHWM after /proc/self/clear_refs; the whole process, C libraries included)."""
    times, statements = [], 0
    call()  # warm-up (templates, caches)
    for _ in range(runs):
        with measure(engine) as result:
            call()
        times.append(result.ms)
        statements = result.queries
    return _result(times, statements, call)


def _timed_together(engine, ours, floor, runs=RUNS):
    """``_timed`` of Tessera's call and of its floor's, their runs interleaved (ours, floor,
    ours, …) so that a drift of the machine over the minutes a row takes falls on both."""
    times = {ours: [], floor: []}
    statements = {}
    ours(), floor()  # warm-up
    for _ in range(runs):
        for call in (ours, floor):
            with measure(engine) as result:
                call()
            times[call].append(result.ms)
            statements[call] = result.queries
    return tuple(_result(times[call], statements[call], call) for call in (ours, floor))


def _get(web, path):
    def call():
        response = web.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return call


def _cases(size):
    """(key, label, Tessera path, baseline kind) — the same work on both sides."""
    last_page = max(0, size // 25 - 1)
    page_500 = min(500, last_page)
    mid = size // 2 + 1
    return [
        ("list1", "client list, first page", "/client/list/", "fab"),
        ("list500", f"client list, page {page_500}", f"/client/list/?page_ClientModelView={page_500}",
         "fab"),
        ("list100", "client list, 100 rows", "/client/list/?psize_ClientModelView=100", "fab"),
        ("searchlat3", "search 3 letters (Latin)", "/client/list/?_flt_0_search_name=dub", "fab"),
        ("searchcyr3", "search 3 letters (Cyrillic)",
         "/client/list/?_flt_0_search_name=%D0%B8%D0%B2%D0%B0", "fab"),
        # "ван" begins no name ("иванов…" holds it): the matches after the names beginning
        # with it (none) are found by walking the name index — the slow case
        ("searchmid3", "search 3 letters inside names (Cyrillic)",
         "/client/list/?_flt_0_search_name=%D0%B2%D0%B0%D0%BD", "fab"),
        ("searchfull", "search full name",
         f"/client/list/?_flt_0_search_name=smith{mid}", "fab"),
        ("api25", "client API list, 25 rows", "/api/v1/client/", "fab"),
        ("api100", "client API list, 100 rows", "/api/v1/client/?q=(page_size:100)", "fab"),
        ("card", "client card", f"/clients/{mid}/card", "sql"),
        ("debts", "debts list (first page)", "/debts/", "sql"),
    ]


def populate(db, size):
    """Clients (bench/clients.py's generator) and, for every tenth client, a charge (a debt)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from clients import populate as populate_clients

    from app.models.clients import ClientCategory, Organisation
    from app.models.passes import Charge

    manager = create_manager()
    categories = [ClientCategory(name=n) for n in ("VIP", "Newcomer", "Regular", "Problem")]
    organisations = [Organisation(short_name=f"Org {i}", search_name=f"org {i}", active=True)
                     for i in range(50)]
    db.session.add_all(categories + organisations)
    db.session.commit()
    populate_clients(db, size, 0, manager.id, [c.id for c in categories],
                     [o.id for o in organisations])
    now, today = datetime.now(), date.today()
    rows = [dict(client_id=n, amount=10 + n % 90, kind="other", cancelled=False,
                 charged_on=today - timedelta(days=n % 300), created_on=now, changed_on=now,
                 version=1) for n in range(1, size + 1, 10)]
    for i in range(0, len(rows), 10000):
        db.session.execute(insert(Charge.__table__), rows[i:i + 10000])
    db.session.commit()
    return len(rows)


def _empty(db):
    """Drop every table (and PostgreSQL's alembic_version) and create the models' tables."""
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.create_all()


def tessera(app, size, runs=RUNS):
    """Build the client centre and measure Tessera's client rows; returns {key: result} and
    build facts."""
    from app.extensions import db

    with app.app_context():
        _empty(db)
        started = time.perf_counter()
        debtors = populate(db, size)
        analyze(db)
        build = time.perf_counter() - started
        engine = db.engine
        sizes = ""
        if engine.dialect.name == "postgresql":  # the name trigram table's cost in space
            sizes = "; client table {} MB, name trigrams {} MB (with their indexes)".format(
                *db.session.execute(text(
                    "SELECT pg_total_relation_size('client') / 1048576, "
                    "pg_total_relation_size('client_name_trigram') / 1048576")).one())
    web = login(app)
    token = web.post("/api/v1/security/login", json={
        "username": "bench", "password": "pw", "provider": "db"}).json["access_token"]
    results = {}
    for key, _label, path, _kind in _cases(size):
        if path.startswith("/api/"):
            headers = {"Authorization": f"Bearer {token}"}

            def call(path=path, headers=headers):
                response = web.get(path, headers=headers)
                assert response.status_code == 200, (path, response.status_code)
            results[key] = _timed(engine, call, runs)
        else:
            results[key] = _timed(engine, _get(web, path), runs)
    return results, dict(build=build, debtors=debtors, sizes=sizes)


# --- the timetable, marking, payroll and the Excel report: Tessera and the SQL floor, in this
# process (the floor needs no FAB app); each area builds its own data on the emptied database.

# The grid page's rows by hand: the lessons with their names, filled count and red flag (a
# member who owes, holds a pass running out or keeps an overdue lent item — flags computed in
# SQL for the members of the lessons shown), then the active rooms (the rows, and the room
# filter) and the instructor and group filters: the same rows the page shows.
GRID_FLOOR = [
    "WITH shown AS (SELECT * FROM lesson WHERE starts_at >= :start AND starts_at < :end {extra}), "
    "members AS (SELECT m.group_id, m.client_id FROM group_member m "
    "WHERE m.group_id IN (SELECT group_id FROM shown) AND m.joined_on < CAST(:end AS date) "
    "AND (m.left_on IS NULL OR m.left_on > CAST(:start AS date))), "
    "people AS (SELECT client_id FROM members UNION SELECT client_id FROM shown "
    "WHERE client_id IS NOT NULL), "
    "flagged AS (SELECT client_id FROM (SELECT client_id, amount FROM charge WHERE NOT cancelled "
    "AND client_id IN (SELECT client_id FROM people) UNION ALL SELECT client_id, -amount "
    "FROM payment WHERE client_id IN (SELECT client_id FROM people)) ledger "
    "GROUP BY client_id HAVING sum(amount) >= 0.01 "
    "UNION SELECT p.client_id FROM client_pass p JOIN pass_plan pp ON pp.id = p.plan_id "
    "WHERE p.client_id IN (SELECT client_id FROM people) AND p.status IN ('active', 'frozen') "
    "AND p.end_date >= CAST(:start AS date) AND (p.sessions_total - p.sessions_used <= "
    "pp.low_balance_threshold OR p.end_date <= CAST(:start AS date) + 7) "
    "UNION SELECT client_id FROM loan WHERE client_id IN (SELECT client_id FROM people) "
    "AND returned_on IS NULL AND due_date < CAST(:start AS date)), "
    "per_group AS (SELECT m.group_id, count(*) AS filled, bool_or(f.client_id IS NOT NULL) AS red "
    "FROM members m LEFT JOIN flagged f ON f.client_id = m.client_id GROUP BY m.group_id) "
    "SELECT l.id, l.starts_at, l.ends_at, l.status, CASE WHEN l.client_id IS NOT NULL THEN 1 "
    "ELSE least(g.capacity, r.capacity) END AS capacity, l.room_id, g.name, s.name, "
    "r.name, e.full_name, c.last_name, c.first_name, "
    "CASE WHEN l.client_id IS NOT NULL THEN 1 ELSE coalesce(pg.filled, 0) END AS filled, "
    "(coalesce(pg.red, false) OR l.client_id IN (SELECT client_id FROM flagged)) AS red "
    "FROM shown l LEFT JOIN per_group pg ON pg.group_id = l.group_id "
    "LEFT JOIN class_group g ON g.id = l.group_id "
    "JOIN service s ON s.id = l.service_id LEFT JOIN room r ON r.id = l.room_id "
    "LEFT JOIN employee e ON e.id = l.instructor_id LEFT JOIN client c ON c.id = l.client_id "
    "ORDER BY l.starts_at, l.id",
    "SELECT id, name, capacity FROM room WHERE active ORDER BY name",
    "SELECT id, full_name FROM employee WHERE active ORDER BY full_name",
]  # the group filter fetches its choices when opened: no list of groups with the page

# a month's payroll by hand: ONE statement aggregating the held lessons, picking each lesson
# kind's rule valid on the lesson's day (latest valid_from), computing the amount and writing
# the lines (rolled back) — Tessera reads the same aggregate and writes the same lines
PAYROLL_FLOOR = [
    "INSERT INTO payroll_line (payroll_id, employee_id, employee_name, lesson_id, rule_id, date, "
    "group_name, attendees, revenue, rule_kind, rate, amount) "
    "SELECT DISTINCT ON (x.id, r.kind) (SELECT min(id) FROM payroll), x.instructor_id, "
    "e.full_name, x.id, r.id, x.day, g.name, x.attendees, x.revenue, r.kind, "
    "coalesce(r.percent, r.amount), "
    "CASE WHEN r.min_attendees IS NOT NULL AND x.attendees < r.min_attendees "
    "THEN coalesce(r.base_amount, 0) WHEN r.kind = 'per_lesson' THEN r.amount "
    "WHEN r.kind = 'per_attendee' THEN r.amount * x.attendees "
    "ELSE round(x.revenue * r.percent / 100, 2) END "
    "FROM (SELECT l.id, l.instructor_id, l.group_id, CAST(l.starts_at AS date) AS day, "
    "sum(CASE WHEN a.status IN ('present', 'late') THEN 1 ELSE 0 END) AS attendees, "
    "sum(CASE WHEN w.cancelled THEN 0 ELSE coalesce(w.value, 0) END) AS revenue "
    "FROM lesson l LEFT JOIN attendance a ON a.lesson_id = l.id "
    "LEFT JOIN session_write_off w ON w.id = a.write_off_id "
    "WHERE l.status = 'held' AND l.starts_at >= :start AND l.starts_at < :end "
    "GROUP BY l.id) x "
    "JOIN employee e ON e.id = x.instructor_id LEFT JOIN class_group g ON g.id = x.group_id "
    "JOIN pay_rule r ON r.employee_id = x.instructor_id "
    "AND r.kind IN ('per_lesson', 'per_attendee', 'revenue_percent') "
    "AND r.valid_from <= x.day AND (r.valid_to IS NULL OR r.valid_to >= x.day) "
    "ORDER BY x.id, r.kind, r.valid_from DESC",
]


def _grid_floor(extra):
    return [GRID_FLOOR[0].format(extra=extra)] + GRID_FLOOR[1:]


def _floor(engine, statements, params):
    """The statements run by hand on one connection, then rolled back (a floor that writes
    leaves nothing behind)."""
    def call():
        with engine.connect() as conn:
            for statement in statements:
                result = conn.execute(text(statement), params)
                if result.returns_rows:
                    result.all()
    return call


def timetable_rows(app, lessons_per_week, runs=RUNS):
    """Day grid, a room's week grid and marking a 30-person lesson (bench/timetable.py's
    centre), each with its SQL floor."""
    import timetable as area
    from sqlalchemy import bindparam, update

    from app.extensions import db
    from app.models.passes import Pass, SessionWriteOff
    from app.models.timetable import Attendance, GroupMember, Lesson

    today = date.today()
    monday = today - timedelta(days=today.weekday())
    with app.app_context():
        _empty(db)
        create_manager()
        big_id = area.populate(db, lessons_per_week, monday)
        analyze(db)
        engine = db.engine
        members = [m.client_id for m in db.session.query(GroupMember)
                   .filter(GroupMember.group_id == area.GROUPS + 1)]
        db.session.remove()
    web = login(app)
    wednesday = monday + timedelta(days=2)
    day = dict(start=datetime.combine(wednesday, datetime.min.time()))
    day["end"] = day["start"] + timedelta(days=1)
    week = dict(start=datetime.combine(monday, datetime.min.time()), room=1)
    week["end"] = week["start"] + timedelta(days=7)
    results = {
        "dayday": _timed_together(engine, _get(web, f"/timetable/?date={wednesday}"),
                                  _floor(engine, _grid_floor(""), day), runs),
        "weekroom": _timed_together(engine,
                                    _get(web, f"/timetable/?view=week&room=1&date={wednesday}"),
                                    _floor(engine, _grid_floor("AND room_id = :room"), week),
                                    runs),
    }
    with app.app_context():  # the floor fetches the lessons and red flags the page shows
        from app.services.timetable.grid import build_grid

        grid = build_grid(wednesday)
        with engine.connect() as conn:
            rows = conn.execute(text(_grid_floor("")[0]), day).all()
        assert (len(rows), sum(row.red for row in rows)) == (
            len(grid.lessons), sum(card["red"] for card in grid.lessons)), "grid floor"
        db.session.remove()
    payload = {"marks": [{"client_id": c, "status": "present"} for c in members], "held": True}

    def mark():
        response = web.post(f"/api/v1/lesson/{big_id}/attendance", json=payload)
        assert response.status_code == 200 and len(response.json["write_offs"]) == 30, \
            response.get_data(as_text=True)

    def undo():
        assert web.post(f"/api/v1/lesson/{big_id}/undo").status_code == 200

    def floor_mark():
        # the marking's statements by hand: the members' passes, one UPDATE of their counters,
        # one INSERT of the write-offs, one of the marks, the lesson held — then rolled back
        now = datetime.now()
        audit = dict(created_on=now, changed_on=now, version=1)
        with engine.connect() as conn:
            with conn.begin() as transaction:
                passes = conn.execute(
                    select(Pass.id, Pass.client_id).where(
                        Pass.client_id.in_(members), Pass.status == "active",
                        Pass.sessions_used < Pass.sessions_total)
                    .order_by(Pass.client_id, Pass.end_date)).all()
                first = {}
                for pass_id, client_id in passes:
                    first.setdefault(client_id, pass_id)
                conn.execute(update(Pass.__table__).where(
                    Pass.__table__.c.id.in_(bindparam("ids", expanding=True)))
                    .values(sessions_used=Pass.__table__.c.sessions_used + 1),
                    {"ids": list(first.values())})
                at = now
                ids = conn.execute(insert(SessionWriteOff.__table__).returning(
                    SessionWriteOff.__table__.c.id, sort_by_parameter_order=True), [
                    dict(client_id=c, service_id=1, pass_id=p, at=at, value=10,
                         cancelled=False, walk_in=False, **audit)
                    for c, p in first.items()]).scalars().all()
                conn.execute(insert(Attendance.__table__), [
                    dict(lesson_id=big_id, client_id=c, status="present", write_off_id=w,
                         **audit) for c, w in zip(first, ids)])
                conn.execute(update(Lesson.__table__).where(Lesson.__table__.c.id == big_id)
                             .values(status="held"))
                transaction.rollback()

    floor = _timed(engine, floor_mark, runs)  # first: rolled back, it always finds no marks
    results["mark30"] = (_timed_pair(engine, mark, undo, runs), floor)
    return results


def _timed_pair(engine, call, reset, runs):
    """Like ``_timed`` for a write: ``reset()`` (unmeasured) after every ``call()``."""
    def once():
        call()
        reset()
    times, statements = [], 0
    once()
    for _ in range(runs):
        with measure(engine) as result:
            call()
        reset()
        times.append(result.ms)
        statements = result.queries
    return _result(times, statements, once)


def payroll_rows(app, lessons, runs=RUNS):
    """A month's payroll draft (bench/payroll.py's month) and its aggregate SQL."""
    import payroll as area

    from app.extensions import db
    from app.services.staff import payroll as service

    instructors = max(2, lessons // 400)
    with app.app_context():
        _empty(db)
        area.build(db, instructors, lessons, 12)
        analyze(db)
        engine = db.engine
        period = dict(start=datetime.combine(area.PERIOD[0], datetime.min.time()),
                      end=datetime.combine(area.PERIOD[1] + timedelta(days=1),
                                           datetime.min.time()))

        def draft():
            service.calculate_draft(*area.PERIOD)
            db.session.remove()
        results = {"payroll": _timed_together(engine, draft,
                                              _floor(engine, PAYROLL_FLOOR, period), runs)}
        with engine.connect() as conn:  # the floor writes the lesson lines Tessera writes
            ours = conn.execute(text("SELECT count(*) FROM payroll_line WHERE lesson_id IS NOT "
                                     "NULL")).scalar()
            written = conn.execute(text(PAYROLL_FLOOR[0]), period).rowcount
            assert written == ours, (written, ours)
    return results


def report_rows(app, wanted, runs=RUNS):
    """The attendance report to Excel (bench/reports.py's marks) against raw xlsxwriter in
    constant_memory mode fed by the same query (rows written as the database returns them)."""
    import xlsxwriter
    from reports import build_data

    from app.extensions import db
    from app.services.reports import get_report, parse_params
    from app.services.reports.excel import FORMATS, write_workbook
    from app.services.reports.registry import count_rows

    folder = tempfile.mkdtemp(prefix="tessera-bench-xlsx-")
    with app.app_context():
        build_data(db, wanted)
        analyze(db)
        engine = db.engine
        report = get_report("attendance")
        params = parse_params(report, {"date_from": "2020-01-01", "date_to": "2030-12-31"})
        db.session.remove()

        def ours():
            write_workbook(report, params, os.path.join(folder, "ours.xlsx"),
                           total=count_rows(report, params))
            db.session.remove()

        def raw():
            total = count_rows(report, params)
            workbook = xlsxwriter.Workbook(os.path.join(folder, "raw.xlsx"),
                                           {"constant_memory": True})
            sheet = workbook.add_worksheet()
            header = workbook.add_format({"bold": True})
            for index, column in enumerate(report.columns):
                fmt = workbook.add_format(FORMATS[column.type]) if column.type in FORMATS else None
                sheet.set_column(index, index, column.width, fmt)
                sheet.write_string(0, index, str(column.title), header)
            sheet.freeze_panes(1, 0)
            result = db.session.connection().execution_options(stream_results=True,
                                                               yield_per=2000).execute(
                report.query(params))
            for number, row in enumerate(result, start=1):
                sheet.write_row(number, 0, row)
            sheet.autofilter(0, 0, total, len(report.columns) - 1)
            workbook.close()
            db.session.remove()
        results = {"excel": _timed_together(engine, ours, raw, runs)}
    shutil.rmtree(folder, ignore_errors=True)
    return results


# --- baselines -------------------------------------------------------------------------------

SQL_FLOOR = {
    # the client card's rows, hand-written: the same rows every section shows the manager
    # (header with guardians and tags, passes, balance, visits, results, payments, bonus,
    # courses, calls, messages, tasks, portal, client and issued documents, audit history)
    "card": [
        "SELECT c.*, cc.name, cs.name, u.first_name, u.last_name, o.short_name FROM client c "
        "LEFT JOIN client_category cc ON cc.id = c.category_id LEFT JOIN client_source cs ON "
        "cs.id = c.source_id LEFT JOIN ab_user u ON u.id = c.manager_id LEFT JOIN organisation o "
        "ON o.id = c.organisation_id WHERE c.id = :id",
        "SELECT * FROM guardian WHERE client_id = :id ORDER BY id",
        "SELECT t.id, t.name FROM client_tag ct JOIN tag t ON t.id = ct.tag_id "
        "WHERE ct.client_id = :id ORDER BY t.name",
        "SELECT p.*, pp.name, f.start_date, f.end_date FROM client_pass p JOIN pass_plan pp ON "
        "pp.id = p.plan_id LEFT JOIN pass_freeze f ON f.pass_id = p.id WHERE p.client_id = :id "
        "ORDER BY p.start_date DESC, p.id DESC, f.start_date",
        "SELECT (SELECT coalesce(sum(amount), 0) FROM charge WHERE client_id = :id AND NOT "
        "cancelled) - (SELECT coalesce(sum(amount), 0) FROM payment WHERE client_id = :id)",
        "SELECT a.status, l.starts_at, s.name FROM attendance a JOIN lesson l ON l.id = "
        "a.lesson_id JOIN service s ON s.id = l.service_id WHERE a.client_id = :id UNION ALL "
        "SELECT 'present', w.at, s.name FROM session_write_off w JOIN service s ON s.id = "
        "w.service_id WHERE w.client_id = :id AND w.walk_in AND NOT w.cancelled "
        "ORDER BY 2 DESC LIMIT 50",
        "SELECT r.mark, r.mark_value, r.comment, l.starts_at, s.name FROM lesson_result r "
        "JOIN lesson l ON l.id = r.lesson_id JOIN service s ON s.id = l.service_id "
        "WHERE r.client_id = :id ORDER BY l.starts_at, r.id",
        "SELECT * FROM payment WHERE client_id = :id ORDER BY paid_at DESC, id DESC LIMIT 20",
        "SELECT *, sum(points) OVER () FROM bonus_transaction WHERE client_id = :id "
        "ORDER BY at DESC, id DESC LIMIT 10",
        "SELECT p.*, c.title, c.starts_on, c.ends_on, o.short_name FROM course_participant p "
        "JOIN course c ON c.id = p.course_id LEFT JOIN course_registration r ON r.id = "
        "p.registration_id LEFT JOIN organisation o ON o.id = r.organisation_id "
        "WHERE p.client_id = :id ORDER BY c.starts_on DESC, p.id",
        "SELECT c.*, u.first_name, u.last_name, tr.name FROM call c LEFT JOIN ab_user u ON "
        "u.id = c.manager_id LEFT JOIN task_result tr ON tr.id = c.result_id "
        "WHERE c.client_id = :id ORDER BY c.at DESC LIMIT 20",
        "SELECT * FROM message WHERE client_id = :id ORDER BY created_on DESC, id DESC LIMIT 20",
        "SELECT t.*, u.first_name, u.last_name, tr.name FROM task t LEFT JOIN ab_user u ON "
        "u.id = t.manager_id LEFT JOIN task_result tr ON tr.id = t.result_id "
        "WHERE t.client_id = :id ORDER BY t.due_at DESC LIMIT 20",
        "SELECT EXISTS (SELECT 1 FROM portal_account_client WHERE client_id = :id)",
        "SELECT b.*, l.starts_at, s.name FROM booking b JOIN lesson l ON l.id = b.lesson_id "
        "JOIN service s ON s.id = l.service_id WHERE b.client_id = :id AND l.starts_at >= "
        "current_date ORDER BY l.starts_at, b.id LIMIT 20",
        "SELECT * FROM client_document WHERE client_id = :id ORDER BY created_on DESC, id DESC",
        "SELECT * FROM document WHERE client_id = :id ORDER BY created_on DESC, id DESC LIMIT 50",
        "SELECT a.*, u.username FROM audit_entry a LEFT JOIN ab_user u ON u.id = a.user_id "
        "WHERE a.table_name = 'client' AND a.row_id = CAST(:id AS varchar) "
        "ORDER BY a.at DESC, a.id DESC LIMIT 200",
    ],
    # the debts list's first page: balance per debtor, oldest unpaid charge, names, 100 rows
    "debts": [
        "WITH ledger AS (SELECT client_id, amount FROM charge WHERE NOT cancelled UNION ALL "
        "SELECT client_id, -amount FROM payment), b AS (SELECT client_id, sum(amount) AS balance "
        "FROM ledger GROUP BY client_id HAVING sum(amount) >= 0.01) "
        "SELECT count(*), sum(balance) FROM b",
        "WITH ledger AS (SELECT client_id, amount FROM charge WHERE NOT cancelled UNION ALL "
        "SELECT client_id, -amount FROM payment), b AS (SELECT client_id, sum(amount) AS balance "
        "FROM ledger GROUP BY client_id HAVING sum(amount) >= 0.01), "
        "s AS (SELECT client_id, min(charged_on) AS since FROM charge WHERE NOT cancelled "
        "GROUP BY client_id) "
        "SELECT b.client_id, b.balance, s.since, c.last_name, c.first_name FROM b "
        "LEFT JOIN s ON s.client_id = b.client_id JOIN client c ON c.id = b.client_id "
        "ORDER BY s.since, b.client_id LIMIT 100",
    ],
}


def bare_wsgi():
    """The bare FAB app for gunicorn (bench/load.py): ``compare:bare_wsgi()``."""
    return make_bare_app(os.environ["BENCH_DATABASE_URL"])[0]


def make_bare_app(url):
    """A bare FAB app: a ModelView and a ModelRestApi over Tessera's client table."""
    from flask import Flask
    from flask_appbuilder import AppBuilder, ModelRestApi, ModelView
    from flask_appbuilder.models.sqla.interface import SQLAInterface
    from flask_sqlalchemy import SQLAlchemy

    from app.models.clients import Client

    flask_app = Flask("bare")
    flask_app.config.update(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench", WTF_CSRF_ENABLED=False,
                            FAB_UPDATE_PERMS=True, SQLALCHEMY_TRACK_MODIFICATIONS=False)
    db = SQLAlchemy(flask_app)

    class BareClientView(ModelView):
        datamodel = SQLAInterface(Client)
        list_columns = ["last_name", "first_name", "birth_date", "phone", "email",
                        "card_number", "category", "manager", "organisation", "medical_notes"]
        search_columns = ["search_name", "phone_digits", "card_number"]
        base_order = ("search_name", "asc")

    class BareClientApi(ModelRestApi):
        resource_name = "bareclient"
        datamodel = SQLAInterface(Client)
        list_columns = ["id", "last_name", "first_name", "middle_name", "birth_date", "gender",
                        "phone", "email", "address", "card_number", "category.id",
                        "category.name", "source.id", "source.name", "manager.id",
                        "manager.first_name", "manager.last_name", "organisation.id",
                        "organisation.short_name", "consent_email", "consent_sms",
                        "discount_percent", "preferences", "sensitivity_notes", "medical_notes",
                        "notes", "active"]
        max_page_size = 500

    with flask_app.app_context():
        appbuilder = AppBuilder(flask_app, db.session)
        appbuilder.add_view(BareClientView, "Clients")
        appbuilder.add_api(BareClientApi)
        sm = appbuilder.sm
        if not sm.find_user(username="bare"):
            sm.add_user("bare", "Bare", "Admin", "bare@x.local", sm.find_role(sm.auth_role_admin),
                        password="pw")
        engine = db.engine
    return flask_app, engine


def bare(url, size):
    """The bare FAB app's list, search and API rows, and the SQL floors."""
    flask_app, engine = make_bare_app(url)
    web = flask_app.test_client()
    web.post("/login/", data={"username": "bare", "password": "pw"})
    token = web.post("/api/v1/security/login", json={
        "username": "bare", "password": "pw", "provider": "db"}).json["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    mid = size // 2 + 1
    results = {}
    for key, _label, path, kind in _cases(size):
        if kind == "fab":
            path = (path.replace("/client/list/", "/bareclientview/list/")
                    .replace("ClientModelView", "BareClientView")
                    .replace("/api/v1/client/", "/api/v1/bareclient/"))
            if key == "searchfull":  # FAB's own "contains" filter on the same column
                path = f"/bareclientview/list/?_flt_2_search_name=smith{mid}"
            elif key.startswith("search"):
                path = path.replace("_flt_0_", "_flt_2_")

            def call(path=path):
                response = web.get(path, headers=headers)
                assert response.status_code == 200, (path, response.status_code)
            results[key] = _timed(engine, call)
        else:
            def call(statements=SQL_FLOOR[key]):
                with engine.connect() as conn:
                    for statement in statements:
                        conn.execute(text(statement), {"id": mid}).all()
            results[key] = _timed(engine, call)
    return results


def _sizes(scale):
    """Each area's size at ``scale``: clients, weekly lessons, payroll lessons, report rows."""
    return dict(clients=max(1000, int(100_000 * scale)), week=max(420, int(6000 * scale)),
                payroll=max(200, int(25000 * scale)), report=max(2000, int(1_000_000 * scale)))


def _small(sizes):
    """A tenth of each size: the query counts measured there must equal the full size's."""
    return dict(clients=max(200, sizes["clients"] // 10), week=max(210, sizes["week"] // 10),
                payroll=max(20, sizes["payroll"] // 10), report=max(200, sizes["report"] // 10))


EXCEL_RUNS = 3  # the report takes seconds: median of 3


AREAS = ("clients", "timetable", "payroll", "excel")


def _areas(app, sizes, runs, only):
    """{key: (Tessera's result, floor result)} of the timetable, marking, payroll and report
    (those of them in ``only``)."""
    results = {}
    if "timetable" in only:
        results.update(timetable_rows(app, sizes["week"], runs))
    if "payroll" in only:
        results.update(payroll_rows(app, sizes["payroll"], runs))
    if "excel" in only:
        results.update(report_rows(app, sizes["report"], min(runs, EXCEL_RUNS)))
    return results


def _area_labels(sizes):
    return [("dayday", f"timetable day grid, {sizes['week'] // 7} lessons",
             "SQL floor (3 queries)"),
            ("weekroom", "timetable week grid, one room", "SQL floor (3 queries)"),
            ("mark30", "mark a 30-person lesson present + held", "SQL floor (its statements)"),
            ("payroll", f"payroll for a month, {sizes['payroll']:,} lessons",
             "SQL floor (1 statement: aggregate, rules, lines written)"),
            ("excel", f"Excel report, {sizes['report']:,} rows",
             "raw xlsxwriter constant_memory")]


def _row(label, a, base, b, small_queries):
    scale_check = "constant" if small_queries == a["queries"] else f"grows ({small_queries}→{a['queries']})"
    return (f"| {label} | {a['ms']:.1f} | {a['spread']:.1f} | {a['queries']} | {scale_check} | "
            f"{a['kib']:.0f} | {a['rss']:.0f} | {base} | {b['ms']:.1f} | {b['queries']} | "
            f"{a['ms'] / b['ms']:.2f}× |")


def machine_speed(rounds=5):
    """Milliseconds a fixed pure-Python loop takes, ``rounds`` times: how fast the machine ran
    around the measurements (on a shared 2-core machine the same loop's time moves by half
    within a minute) — read the table's milliseconds against it."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        total = 0
        for number in range(3_000_000):
            total += number * number
        times.append((time.perf_counter() - started) * 1000)
    return times


def _speed(times):
    return f"{min(times):.0f}–{max(times):.0f} ms (median {statistics.median(times):.0f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the 100,000 clients to build (default 1.0)")
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="a disposable PostgreSQL database (BENCH_DATABASE_URL)")
    parser.add_argument("--areas", default=",".join(AREAS),
                        help="comma-separated areas to measure (default: all of "
                             f"{', '.join(AREAS)}); e.g. --scale 10 --areas clients for the "
                             "client rows at 1,000,000 clients")
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    only = set(args.areas.split(","))
    if not only <= set(AREAS):
        parser.error(f"--areas: choose among {', '.join(AREAS)}")
    if not args.url:
        parser.error("--url postgresql://… (or BENCH_DATABASE_URL) is required")
    sizes = _sizes(args.scale)
    small = _small(sizes)
    size = sizes["clients"]
    if args.baseline:
        print(json.dumps(bare(args.url, size)))
        return
    speed_before = machine_speed()
    with tempfile.TemporaryDirectory(prefix="tessera-bench-compare-") as instance:
        app = build_app(args.url, instance, REDIS_URL=NO_REDIS)
        counted_areas = _areas(app, small, 1, only)
        areas = _areas(app, sizes, RUNS, only)
        # the clients last: the database is left with them for bench/load.py (make bench-load)
        if "clients" in only:
            counted, _facts = tessera(app, small["clients"], runs=1)
            ours, facts = tessera(app, size)
            done = subprocess.run([sys.executable, os.path.abspath(__file__), "--baseline",
                                   "--scale", str(args.scale), "--url", args.url], check=True,
                                  cwd=ROOT, capture_output=True, text=True)
            theirs = json.loads(done.stdout.strip().splitlines()[-1])
    speed_after = machine_speed()
    clients = (f"{size:,} clients, {facts['debtors']:,} debtors (built in {facts['build']:.1f} s"
               f"{facts['sizes']})"
               if "clients" in only else "areas: " + ", ".join(sorted(only)))
    print(f"\n{clients} on {args.url.split('://')[0]}; "
          f"median of {RUNS} requests ({EXCEL_RUNS} for the report), spread = max − min; "
          f"queries also counted at a tenth of each size ({small['clients']:,} clients, "
          f"{small['week']} lessons a week, {small['payroll']} payroll lessons, "
          f"{small['report']:,} report rows): constant or grows; machine speed (a fixed "
          f"Python loop, 5 times) before {_speed(speed_before)}, after {_speed(speed_after)}")
    print("| page / operation | median ms | spread ms | queries | at a tenth | peak KiB "
          "(Python) | peak RSS growth KiB | baseline | baseline ms | baseline queries | ratio |")
    print("|---|---:|---:|---:|---|---:|---:|---|---:|---:|---:|")
    for key, label, _path, kind in (_cases(size) if "clients" in only else []):
        base = "bare FAB" if kind == "fab" else "SQL floor"
        print(_row(label, ours[key], base, theirs[key], counted[key]["queries"]))
    for key, label, base in _area_labels(sizes):
        if key not in areas:
            continue
        a, b = areas[key]
        print(_row(label, a, base, b, counted_areas[key][0]["queries"]))


if __name__ == "__main__":
    main()
