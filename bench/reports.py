"""Benchmark: the attendance report of 1,000,000 rows to Excel, streamed from the database.

Prints the time, the peak memory (resident set growth and tracemalloc's peak of Python
allocations) and the ratio to the floor: xlsxwriter writing the same rows, with the same
formats, from a Python list already in memory. Builds its own data in a temporary SQLite file
(or on PostgreSQL when BENCH_DATABASE_URL is set).

    .venv/bin/python bench/reports.py              # 1,000,000 rows
    .venv/bin/python bench/reports.py --scale 0.05 # 50,000 rows, quick
"""
import argparse
import gc
import os
import random
import resource
import tracemalloc
from datetime import datetime, timedelta
from decimal import Decimal

from _common import build_app, database_url, measure, stopwatch, temporary_folder

MARKS_PER_LESSON = 10


def rss_mb():
    """Peak resident memory since the last ``reset_peak()`` (Linux), else since start."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss_mb()


def reset_peak():
    """Start the peak-RSS measurement afresh (writing 5 to clear_refs resets VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


def build_data(db, rows):
    """``rows`` attendance marks: lessons of ten marks each, a third with a write-off."""
    from app.models.clients import Client
    from app.models.passes import Service, SessionWriteOff
    from app.models.staff import Employee
    from app.models.timetable import Attendance, Group, Lesson

    db.drop_all()
    db.create_all()
    rng = random.Random(1)
    conn = db.session.connection()
    now = datetime.now()
    audit = {"created_on": now, "changed_on": now, "version": 1}
    conn.execute(Service.__table__.insert(), [
        {"id": i, "name": f"Service {i}", "single_visit_price": Decimal("10"), "active": True,
         **audit} for i in range(1, 6)])
    conn.execute(Employee.__table__.insert(), [
        {"id": i, "full_name": f"Instructor {i}", "active": True, **audit} for i in range(1, 21)])
    conn.execute(Group.__table__.insert(), [
        {"id": i, "name": f"Group {i}", "service_id": i % 5 + 1, "instructor_id": i % 20 + 1,
         "capacity": 12, "active": True, **audit} for i in range(1, 101)])
    clients = max(100, rows // 200)
    conn.execute(Client.__table__.insert(), [
        {"id": i, "first_name": f"Имя{i}", "last_name": f"Family{i}", "consent_email": False,
         "consent_sms": False, "discount_percent": 0, "active": True, **audit}
        for i in range(1, clients + 1)])
    lessons = max(1, rows // MARKS_PER_LESSON)
    start = datetime(2025, 1, 6, 8, 0)
    batch = 20000
    for first in range(0, lessons, batch):
        chunk = []
        for lid in range(first + 1, min(lessons, first + batch) + 1):
            group = lid % 100 + 1
            starts = start + timedelta(hours=(lid * 7) % (24 * 365))
            chunk.append({"id": lid, "group_id": group, "service_id": group % 5 + 1,
                          "instructor_id": group % 20 + 1, "starts_at": starts,
                          "ends_at": starts + timedelta(hours=1), "status": "held", **audit})
        conn.execute(Lesson.__table__.insert(), chunk)
    statuses = ("present", "present", "present", "late", "absent", "excused")
    mark_id = 0
    for first in range(1, lessons + 1, batch // MARKS_PER_LESSON):
        marks, write_offs = [], []
        for lid in range(first, min(lessons, first + batch // MARKS_PER_LESSON - 1) + 1):
            starts = start + timedelta(hours=(lid * 7) % (24 * 365))
            for k in range(MARKS_PER_LESSON):
                mark_id += 1
                client = (lid * 13 + k * 7919) % clients + 1
                write_off = None
                if mark_id % 3 == 0:
                    write_off = mark_id
                    write_offs.append({"id": mark_id, "client_id": client,
                                       "service_id": (lid % 100 + 1) % 5 + 1, "at": starts,
                                       "value": Decimal("9.50"), "cancelled": False, **audit})
                marks.append({"id": mark_id, "lesson_id": lid, "client_id": client,
                              "status": rng.choice(statuses), "write_off_id": write_off, **audit})
        if write_offs:
            conn.execute(SessionWriteOff.__table__.insert(), write_offs)
        conn.execute(Attendance.__table__.insert(), marks)
    db.session.commit()
    return mark_id


def floor_write(report, rows, path):
    """xlsxwriter alone: the same columns, number formats and rows, from a list in memory,
    each row's values written as they are (``write_row``)."""
    import xlsxwriter

    from app.services.reports.excel import FORMATS

    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet("floor")
    header = workbook.add_format({"bold": True})
    keys = [column.key for column in report.columns]
    for index, column in enumerate(report.columns):
        fmt = workbook.add_format(FORMATS[column.type]) if column.type in FORMATS else None
        sheet.set_column(index, index, column.width, fmt)
        sheet.write_string(0, index, str(column.title), header)
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(rows, start=1):
        sheet.write_row(number, 0, [row[key] for key in keys])
    sheet.autofilter(0, 0, len(rows), len(report.columns) - 1)
    workbook.close()


def report_to_excel(app, folder, rows_wanted, trace):
    """Build the marks, then time the report to Excel, its memory, and the xlsxwriter floor."""
    from app.extensions import db
    from app.services.reports import get_report, parse_params
    from app.services.reports.excel import write_workbook
    from app.services.reports.registry import count_rows, iter_rows

    with app.app_context():
        with stopwatch() as built:
            marks = build_data(db, rows_wanted)
        print(f"database: {db.engine.dialect.name}; {marks:,} attendance marks built in "
              f"{built.seconds:.1f} s")
        report = get_report("attendance")
        params = parse_params(report, {"date_from": "2020-01-01", "date_to": "2030-12-31"})
        db.session.remove()

        gc.collect()
        reset_peak()
        rss_before = current_rss_mb()
        path = os.path.join(folder, "attendance.xlsx")
        with measure(db.engine) as excel:
            total = count_rows(report, params)
            written = write_workbook(report, params, path, total=total)
        rss_growth = rss_mb() - rss_before
        print(f"report → Excel: {written:,} rows in {excel.seconds:.1f} s "
              f"({written / excel.seconds:,.0f} rows/s), {excel.queries} SQL statements, "
              f"file {os.path.getsize(path) / 1e6:.1f} MB, peak resident memory "
              f"{rss_before:.0f} → {rss_before + rss_growth:.0f} MB (+{rss_growth:.1f} MB)")
        db.session.remove()

        if trace:
            tracemalloc.start()
            write_workbook(report, params, os.path.join(folder, "traced.xlsx"))
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"report → Excel, tracemalloc peak of Python allocations: {peak / 1e6:.1f} MB")
            db.session.remove()

        rows = list(iter_rows(report, params))
        print(f"(the same rows as a Python list: resident memory now {current_rss_mb():.0f} MB)")
        with stopwatch() as floor:
            floor_write(report, rows, os.path.join(folder, "floor.xlsx"))
        print(f"floor (xlsxwriter from a list): {floor.seconds:.1f} s "
              f"({len(rows) / floor.seconds:,.0f} rows/s)")
        print(f"ratio report / floor: {excel.seconds / floor.seconds:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 1,000,000 rows")
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc run")
    parser.add_argument("--keep", action="store_true", help="keep the data and files")
    args = parser.parse_args()
    rows_wanted = max(MARKS_PER_LESSON, int(1_000_000 * args.scale))

    from config import Config

    with temporary_folder("tessera-bench-reports-", keep=args.keep) as folder:
        app = build_app(database_url(folder), folder, base=Config, WTF_CSRF_ENABLED=False)
        report_to_excel(app, folder, rows_wanted, trace=not args.no_trace)
        if args.keep:
            print(f"files in {folder}")


if __name__ == "__main__":
    main()
