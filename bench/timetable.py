"""Benchmark: the timetable day grid, a week grid and marking a 30-person lesson on a big centre
(30 rooms, 60 instructors, 400 groups, 6,000 lessons a week, 3,000 active passes), with wall
time and SQL query counts per request.

    .venv/bin/python bench/timetable.py              # the sizes above
    .venv/bin/python bench/timetable.py --scale 0.1  # a tenth of the lessons
    BENCH_DATABASE_URL=postgresql://… bench/timetable.py       # also on PostgreSQL

The grid's query count does not depend on the number of lessons shown (it is printed for a
small and a full week). Marking a lesson held writes every session off in one batch
(app/services/money/write_offs.py): one SELECT of the candidate passes, one guarded UPDATE of all
the counters, one INSERT per table on PostgreSQL — constant whatever the class size (17
statements for 30 people; 222 before the batch). SQLite cannot tie returned ids to rows, so
SQLAlchemy inserts the new rows one by one there: only the INSERTs grow with the class.
Re-marking an already held lesson is constant.
"""
import argparse
from datetime import date, datetime, timedelta
from decimal import Decimal

from _common import (
    NO_REDIS, analyze, build_app, create_manager, login, measure, median, median_get,
    print_header, print_row, run_on_databases, stopwatch,
)
from sqlalchemy import insert

RUNS = 5
ROOMS, INSTRUCTORS, GROUPS, MEMBERS, SERVICES = 30, 60, 400, 10, 10
SLOTS = 30  # 07:00 .. 22:00 by 30 minutes


def populate(db, lessons_per_week, monday):
    """Bulk-insert the centre; returns (id of the 30-person lesson)."""
    from app.models.clients import Client
    from app.models.passes import Pass, PassPlan, Service, pass_plan_service, pass_service
    from app.models.staff import Employee
    from app.models.timetable import Group, GroupMember, Lesson, Room

    now = datetime.now()
    audit = dict(created_on=now, changed_on=now, version=1)
    run = db.session.execute
    run(insert(Service.__table__), [dict(id=i + 1, name=f"Service {i}", single_visit_price=10,
                                         active=True, **audit) for i in range(SERVICES)])
    run(insert(PassPlan.__table__), [dict(id=1, name="All", sessions=50, validity_days=60,
                                          time_window="any", price=500, freezes_allowed=0,
                                          freeze_days_allowed=0, low_balance_threshold=2,
                                          active=True, **audit)])
    run(insert(pass_plan_service), [dict(pass_plan_id=1, service_id=i + 1)
                                    for i in range(SERVICES)])
    run(insert(Room.__table__), [dict(id=i + 1, name=f"Room {i:02d}", capacity=40, active=True,
                                      **audit) for i in range(ROOMS)])
    run(insert(Employee.__table__), [dict(id=i + 1, full_name=f"Instructor {i:02d}", active=True,
                                          **audit) for i in range(INSTRUCTORS)])
    run(insert(Group.__table__), [dict(id=g + 1, name=f"Group {g:03d}", service_id=g % SERVICES + 1,
                                       room_id=g % ROOMS + 1, instructor_id=g % INSTRUCTORS + 1,
                                       capacity=30, active=True, **audit)
                                  for g in range(GROUPS + 1)])
    clients = GROUPS * MEMBERS + 30
    run(insert(Client.__table__), [dict(id=c + 1, first_name=f"C{c}", last_name=f"Bench{c}",
                                        card_number=f"B{c:06d}", consent_email=False,
                                        consent_sms=False, discount_percent=0, active=True,
                                        **audit) for c in range(clients)])
    joined = monday - timedelta(days=30)
    members = [dict(group_id=g + 1, client_id=g * MEMBERS + i + 1, joined_on=joined, **audit)
               for g in range(GROUPS) for i in range(MEMBERS)]
    members += [dict(group_id=GROUPS + 1, client_id=GROUPS * MEMBERS + i + 1, joined_on=joined,
                     **audit) for i in range(30)]
    run(insert(GroupMember.__table__), members)
    pass_clients = list(range(1, 2971)) + list(range(GROUPS * MEMBERS + 1, clients + 1))
    run(insert(Pass.__table__), [dict(client_id=c, plan_id=1, start_date=monday - timedelta(days=7),
                                      end_date=monday + timedelta(days=50), sessions_total=50,
                                      sessions_used=0, list_price=500, discount_percent=0,
                                      price_paid=Decimal(500), status="active", validity_days=60,
                                      time_window="any", freezes_allowed=0,
                                      freeze_days_allowed=0, **audit)
                                 for c in pass_clients])
    run(insert(pass_service), [dict(pass_id=p, service_id=i + 1)
                               for p in range(1, len(pass_clients) + 1) for i in range(SERVICES)])
    lessons = []
    per_day = lessons_per_week // 7
    for day in range(7):
        for k in range(per_day):
            room, slot = k % ROOMS, k // ROOMS
            group = (slot * ROOMS + room + day * 7) % GROUPS
            starts = datetime.combine(monday + timedelta(days=day), datetime.min.time()) + \
                timedelta(hours=7, minutes=30 * slot)
            lessons.append(dict(group_id=group + 1, service_id=group % SERVICES + 1,
                                room_id=room + 1, instructor_id=(room + ROOMS * (slot % 2)) + 1,
                                starts_at=starts, ends_at=starts + timedelta(minutes=30),
                                status="planned", **audit))
    for i in range(0, len(lessons), 5000):
        run(insert(Lesson.__table__), lessons[i:i + 5000])
    big_start = datetime.combine(monday + timedelta(days=8), datetime.min.time()) + timedelta(hours=10)
    big = run(insert(Lesson.__table__).returning(Lesson.__table__.c.id), [dict(
        group_id=GROUPS + 1, service_id=(GROUPS) % SERVICES + 1, room_id=1, instructor_id=1,
        starts_at=big_start, ends_at=big_start + timedelta(hours=1), status="planned", **audit)])
    big_id = big.scalar_one()
    db.session.commit()
    return big_id


def run(url, instance, scale):
    app = build_app(url, instance, REDIS_URL=NO_REDIS)
    from app.extensions import db

    today = date.today()
    monday = today - timedelta(days=today.weekday())
    lessons_per_week = max(210, int(6000 * scale))
    with app.app_context():
        db.drop_all()
        db.create_all()
        create_manager()
        with stopwatch() as load:
            big_id = populate(db, lessons_per_week, monday)
            analyze(db)
        engine = db.engine
    web = login(app)
    print(f"\n{url.split('://')[0]}: {lessons_per_week:,} lessons a week, {ROOMS} rooms, "
          f"{INSTRUCTORS} instructors, {GROUPS} groups (built in {load.seconds:.1f} s); "
          f"median of {RUNS}")
    print_header(f"{'what':<46}")
    wednesday = (monday + timedelta(days=2)).isoformat()
    quiet_day = (monday + timedelta(days=8)).isoformat()
    for label, path in (
            ("day grid, 1 lesson (the day of the big lesson)", f"/timetable/?date={quiet_day}"),
            (f"day grid, {lessons_per_week // 7} lessons", f"/timetable/?date={wednesday}"),
            ("day grid via API", f"/api/v1/timetable?date={wednesday}"),
            ("week grid, one room", f"/timetable/?view=week&room=1&date={wednesday}"),
            ("week grid, one instructor", f"/timetable/?view=week&instructor=2&date={wednesday}"),
            ("attendance page, 30 members", f"/attendance/{big_id}")):
        print_row(f"{label:<46}", median_get(engine, web, path, RUNS))
    with app.app_context():
        from app.models.timetable import GroupMember

        members = [m.client_id for m in db.session.query(GroupMember)
                   .filter(GroupMember.group_id == GROUPS + 1)]
    payload = {"marks": [{"client_id": c, "status": "present"} for c in members], "held": True}
    marks, remarks = [], []
    for _ in range(RUNS):
        with measure(engine) as result:
            response = web.post(f"/api/v1/lesson/{big_id}/attendance", json=payload)
        assert response.status_code == 200 and len(response.json["write_offs"]) == 30, \
            response.get_data(as_text=True)
        marks.append(result)
        with measure(engine) as result:
            response = web.post(f"/api/v1/lesson/{big_id}/attendance", json=payload)
        assert response.json["write_offs"] == []
        remarks.append(result)
        assert web.post(f"/api/v1/lesson/{big_id}/undo").status_code == 200
    for label, results in (("mark 30 present + held (30 write-offs)", marks),
                           ("mark the held lesson again (idempotent)", remarks)):
        print_row(f"{label:<46}", median(results))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the 6,000 weekly lessons to build (default 1.0)")
    parser.add_argument("--url", help="run on this database only (used for PostgreSQL)")
    args = parser.parse_args()
    run_on_databases(args, "tessera-bench-timetable-", run, args.scale)


if __name__ == "__main__":
    main()
