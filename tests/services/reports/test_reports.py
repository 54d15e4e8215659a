"""Every report's figures against an independent SQL computation over a seeded random centre."""
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from app.services.platform.errors import DomainError
from app.services.reports import get_report, iter_rows, parse_params, preview
from app.services.reports.registry import all_reports, count_rows
from tests.factories.reports import PERIOD, build_centre

LO = datetime(2026, 3, 1)
HI = datetime(2026, 4, 1)


def rows_of(name, **params):
    report = get_report(name)
    return list(iter_rows(report, parse_params(report, params)))


def sql(db, statement, **params):
    return db.session.execute(text(statement), params).all()


def money(value):
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


@pytest.fixture
def centre(db, make_user):
    managers = [make_user("Manager").id, make_user("Manager").id]
    data = build_centre(managers=managers)
    data["managers"] = managers
    return data


def test_every_report_is_declared_once_with_typed_columns(app, db):
    reports = all_reports()
    names = [r.name for r in reports]
    assert len(names) == len(set(names))
    assert {"instructors", "attendance", "revenue", "debts", "passes_running_out",
            "special_clients", "calls_tasks", "attendance_by_group"} <= set(names)
    for report in reports:
        assert report.columns and all(c.key and str(c.title) for c in report.columns)


def test_bad_parameters_are_refused_with_the_field(app, db):
    report = get_report("attendance")
    with pytest.raises(DomainError) as error:
        parse_params(report, {"date_from": "2026-13-40"})
    assert error.value.field == "date_from"
    with pytest.raises(DomainError) as error:
        parse_params(report, {"date_from": "2026-03-10", "date_to": "2026-03-01"})
    assert error.value.field == "date_to"
    with pytest.raises(DomainError):
        parse_params(report, {"status": "sleeping"})
    with pytest.raises(DomainError):
        parse_params(get_report("debts"), {"min_days": "-3"})
    values = parse_params(report, {})
    assert values["date_to"] == date.today() and values["date_from"].day == 1


def test_instructor_league_matches_sql(app, db, centre):
    rows = {r["instructor"]: r for r in rows_of("instructors", date_from="2026-03-01",
                                                   date_to="2026-03-31")}
    a, b = PERIOD
    expected = {}
    for name, eid in sql(db, "SELECT full_name, id FROM employee"):
        enrol = sql(db, "SELECT count(*) FROM group_member m JOIN class_group g ON g.id = "
                        "m.group_id WHERE g.instructor_id = :e AND m.joined_on >= :a AND "
                        "m.joined_on <= :b", e=eid, a=a, b=b)[0][0]
        drop = sql(db, "SELECT count(*) FROM group_member m JOIN class_group g ON g.id = "
                       "m.group_id WHERE g.instructor_id = :e AND m.left_on >= :a AND "
                       "m.left_on <= :b", e=eid, a=a, b=b)[0][0]
        lessons = sql(db, "SELECT status, starts_at, ends_at FROM lesson WHERE instructor_id = :e "
                          "AND starts_at >= :lo AND starts_at < :hi", e=eid, lo=LO, hi=HI)
        revenue = sql(db, "SELECT sum(w.value) FROM attendance t JOIN lesson l ON l.id = "
                          "t.lesson_id JOIN session_write_off w ON w.id = t.write_off_id WHERE "
                          "l.instructor_id = :e AND l.starts_at >= :lo AND l.starts_at < :hi "
                          "AND w.cancelled = :no", e=eid, lo=LO, hi=HI, no=False)[0][0]
        pay = sql(db, "SELECT count(*), sum(pl.amount) FROM payroll_line pl JOIN payroll p ON "
                      "p.id = pl.payroll_id WHERE pl.employee_id = :e AND p.status = 'approved' "
                      "AND pl.date >= :a AND pl.date <= :b", e=eid, a=a, b=b)[0]
        if not (enrol or drop or lessons or pay[0]):
            continue

        def as_dt(v):
            return v if isinstance(v, datetime) else datetime.fromisoformat(str(v))

        hours = sum((as_dt(e) - as_dt(s)).total_seconds() / 3600
                    for st, s, e in lessons if st != "cancelled")
        held = sum(1 for st, _s, _e in lessons if st == "held")
        expected[name] = dict(enrolments=enrol, dropouts=drop, lessons=len(lessons), held=held,
                              hours=round(hours, 2), revenue=money(revenue),
                              payroll=money(pay[1]),
                              profit=money(revenue) - money(pay[1]),
                              held_share=held / len(lessons) if lessons else None)
    assert set(rows) == set(expected) and len(expected) >= 3
    for name, figures in expected.items():
        row = rows[name]
        for key, value in figures.items():
            if key == "held_share" and value is not None:
                assert row[key] == pytest.approx(value)
            else:
                assert row[key] == value, (name, key)
    assert rows["Alice Martin"]["payroll"] == Decimal("55.00")  # approved only
    profits = [r["profit"] for r in rows_of("instructors", date_from="2026-03-01",
                                            date_to="2026-03-31")]
    assert profits == sorted(profits, reverse=True)


def test_instructor_league_by_service(app, db, centre):
    yoga = centre["services"][0]
    rows = rows_of("instructors", date_from="2026-03-01", date_to="2026-03-31",
                   service_id=str(yoga.id))
    expected = sql(db, "SELECT count(*) FROM lesson WHERE service_id = :s AND starts_at >= :lo "
                       "AND starts_at < :hi", s=yoga.id, lo=LO, hi=HI)[0][0]
    assert sum(r["lessons"] for r in rows) == expected > 0
    assert all(r["payroll"] == 0 for r in rows)  # the fixed lines name no lesson of the service


def test_attendance_matches_sql_and_filters(app, db, centre):
    rows = rows_of("attendance", date_from="2026-03-01", date_to="2026-03-31")
    statuses = sql(db, "SELECT t.status, count(*) FROM attendance t JOIN lesson l ON l.id = "
                       "t.lesson_id WHERE l.starts_at >= :lo AND l.starts_at < :hi "
                       "GROUP BY t.status", lo=LO, hi=HI)
    assert len(rows) == sum(n for _s, n in statuses) > 20
    by_status = defaultdict(int)
    for row in rows:
        by_status[row["status"]] += 1
    assert dict(by_status) == {status: n for status, n in statuses}
    value = sql(db, "SELECT sum(w.value) FROM attendance t JOIN lesson l ON l.id = t.lesson_id "
                    "JOIN session_write_off w ON w.id = t.write_off_id WHERE l.starts_at >= :lo "
                    "AND l.starts_at < :hi AND w.cancelled = :no", lo=LO, hi=HI, no=False)[0][0]
    assert sum(r["value"] or 0 for r in rows) == money(value)
    assert [r["starts_at"] for r in rows] == sorted(r["starts_at"] for r in rows)

    group = centre["groups"][1]
    in_group = rows_of("attendance", date_from="2026-03-01", date_to="2026-03-31",
                       group_id=str(group.id), status="present")
    expected = sql(db, "SELECT count(*) FROM attendance t JOIN lesson l ON l.id = t.lesson_id "
                       "WHERE l.group_id = :g AND t.status = 'present' AND l.starts_at >= :lo "
                       "AND l.starts_at < :hi", g=group.id, lo=LO, hi=HI)[0][0]
    assert len(in_group) == expected and {r["group"] for r in in_group} <= {group.name}

    client = centre["clients"][3]
    mine = rows_of("attendance", date_from="2026-02-01", date_to="2026-04-30",
                   client=client.last_name.upper())
    expected = sql(db, "SELECT count(*) FROM attendance WHERE client_id = :c", c=client.id)[0][0]
    assert len(mine) == expected


def test_attendance_statuses_go_through_the_translated_labels(app, db, centre, monkeypatch):
    from app.services.reports import attendance

    monkeypatch.setitem(attendance.STATUS_LABELS, "present", "PRESENT!")
    statuses = {r["status"] for r in rows_of("attendance", date_from="2026-03-01",
                                             date_to="2026-03-31")}
    assert "PRESENT!" in statuses and "present" not in statuses


def test_attendance_by_group_matches_sql(app, db, centre):
    rows = rows_of("attendance_by_group", date_from="2026-03-01", date_to="2026-03-31")
    got = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        got[row["group"]][0] += row["lessons"]
        got[row["group"]][1] += row["marks"]
        got[row["group"]][2] += row["visits"]
        assert row["rate"] == pytest.approx(row["visits"] / row["marks"])
    totals = defaultdict(lambda: [0, 0, 0])
    for name, lessons, marks, visits in sql(
            db, "SELECT g.name, count(DISTINCT l.id), count(t.id), "
                "sum(CASE WHEN t.status IN ('present', 'late') THEN 1 ELSE 0 END) "
                "FROM lesson l JOIN class_group g ON g.id = l.group_id "
                "LEFT JOIN attendance t ON t.lesson_id = l.id "
                "WHERE l.status = 'held' AND l.starts_at >= :lo AND l.starts_at < :hi "
                "GROUP BY g.name, l.instructor_id", lo=LO, hi=HI):
        totals[name][0] += lessons
        totals[name][1] += marks
        totals[name][2] += visits
    assert dict(got) == dict(totals) and totals


def test_revenue_matches_sql(app, db, centre):
    rows = rows_of("revenue", date_from="2026-02-01", date_to="2026-04-30")
    expected = defaultdict(lambda: [0, Decimal("0"), Decimal("0")])
    for paid_at, purpose, method, amount in sql(
            db, "SELECT paid_at, purpose, method, amount FROM payment WHERE paid_at >= :lo "
                "AND paid_at < :hi", lo=datetime(2026, 2, 1), hi=datetime(2026, 5, 1)):
        paid_at = paid_at if isinstance(paid_at, datetime) else datetime.fromisoformat(paid_at)
        key = (f"{paid_at:%Y-%m}", purpose, method)
        amount = money(amount)
        if amount > 0:
            expected[key][0] += 1
            expected[key][1] += amount
        else:
            expected[key][2] += -amount
    got = {(r["month"], r["purpose"], r["method"]): [r["payments"], r["received"], r["refunded"]]
           for r in rows}
    assert got == {k: v for k, v in expected.items()} and len(got) >= 3
    for row in rows:
        assert row["net"] == row["received"] - row["refunded"]


def _fifo_since(charges, paid):
    """The oldest charge not covered when payments pay the oldest charges first."""
    running = Decimal("0")
    for day, amount in charges:
        running += amount
        if running > paid:
            return day
    return None


def test_debts_match_sql_with_age(app, db, centre):
    on = date(2026, 5, 10)
    rows = rows_of("debts", on=on.isoformat())
    balances = {cid: money(total) for cid, total in sql(
        db, "SELECT client_id, sum(amount) FROM (SELECT client_id, amount FROM charge WHERE "
            "cancelled = :no UNION ALL SELECT client_id, -amount FROM payment) x "
            "GROUP BY client_id", no=False)}
    debtors = {cid: b for cid, b in balances.items() if b >= Decimal("0.01")}
    assert {r["client_id"]: r["balance"] for r in rows} == debtors and debtors
    paid = {cid: money(total) for cid, total in sql(
        db, "SELECT client_id, sum(amount) FROM payment GROUP BY client_id")}
    for row in rows:
        charges = [(d if isinstance(d, date) else date.fromisoformat(d), money(a)) for d, a in sql(
            db, "SELECT charged_on, amount FROM charge WHERE client_id = :c AND cancelled = :no "
                "ORDER BY charged_on, id", c=row["client_id"], no=False)]
        since = _fifo_since(charges, paid.get(row["client_id"], Decimal("0")))
        assert row["since"] == since
        assert row["days"] == (on - since).days
    assert [r["since"] for r in rows] == sorted(r["since"] for r in rows)
    old = rows_of("debts", on=on.isoformat(), min_days="60")
    assert {r["client_id"] for r in old} == {r["client_id"] for r in rows if r["days"] >= 60}


def test_passes_running_out_match_sql(app, db, centre):
    on = date(2026, 3, 20)
    rows = rows_of("passes_running_out", on=on.isoformat(), days="14")
    expected = {pid for (pid,) in sql(
        db, "SELECT p.id FROM client_pass p JOIN pass_plan pl ON pl.id = p.plan_id "
            "WHERE p.status IN ('active', 'frozen') AND p.end_date >= :on AND "
            "(p.end_date <= :horizon OR (p.sessions_total IS NOT NULL AND "
            "p.sessions_total - p.sessions_used <= pl.low_balance_threshold))",
        on=on, horizon=on + timedelta(days=14))}
    assert {r["pass_id"] for r in rows} == expected and expected
    for row in rows:
        assert row["days_left"] == (row["end_date"] - on).days >= 0
    chess = centre["services"][2]  # only the unlimited plan covers chess
    chess_rows = rows_of("passes_running_out", on=on.isoformat(), days="14",
                         service_id=str(chess.id))
    assert {r["plan"] for r in chess_rows} <= {"Unlimited month"}


def test_special_clients_match_sql(app, db, centre):
    period = dict(date_from="2026-02-01", date_to="2026-04-30")
    came = {cid for (cid,) in sql(
        db, "SELECT client_id FROM session_write_off WHERE cancelled = :no UNION "
            "SELECT client_id FROM attendance WHERE status IN ('present', 'late') "
            "AND write_off_id IS NULL", no=False)}
    everyone = {cid for (cid,) in sql(db, "SELECT id FROM client")}
    payers = {cid for cid, total in sql(db, "SELECT client_id, sum(amount) FROM payment "
                                            "GROUP BY client_id") if money(total) > 0}
    never = rows_of("special_clients", kind="never_came", **period)
    assert {r["client"] for r in never} == {
        name for cid, name in sql(db, "SELECT id, last_name || ' ' || first_name FROM client")
        if cid in everyone - came}
    assert all(r["visits"] == 0 for r in never)
    paid_never = rows_of("special_clients", kind="paid_never_came", **period)
    assert len(paid_never) == len((everyone - came) & payers)
    assert all(r["paid"] > 0 for r in paid_never)
    owed = rows_of("special_clients", kind="owed_visits", date_from="2026-03-01",
                   date_to="2026-03-31")
    expected = {name: (n, money(amount)) for name, n, amount in sql(
        db, "SELECT c.last_name || ' ' || c.first_name, count(w.id), sum(ch.amount) "
            "FROM session_write_off w JOIN client c ON c.id = w.client_id "
            "LEFT JOIN charge ch ON ch.id = w.charge_id AND ch.cancelled = :no "
            "WHERE w.pass_id IS NULL AND w.cancelled = :no AND w.at >= :lo AND w.at < :hi "
            "GROUP BY c.id, c.last_name, c.first_name", no=False, lo=LO, hi=HI)}
    assert {r["client"]: (r["owed_visits"], r["owed_amount"]) for r in owed} == expected
    assert expected


def test_calls_and_tasks_match_sql(app, db, centre):
    rows = rows_of("calls_tasks", date_from="2026-02-01", date_to="2026-04-30")
    lo, hi = datetime(2026, 2, 1), datetime(2026, 5, 1)
    calls = sql(db, "SELECT count(*), sum(duration_seconds) FROM call WHERE at >= :lo AND "
                    "at < :hi", lo=lo, hi=hi)[0]
    done = sql(db, "SELECT count(*) FROM task WHERE status = 'done' AND done_at >= :lo AND "
                   "done_at < :hi", lo=lo, hi=hi)[0][0]
    problem = sql(db, "SELECT count(*) FROM task WHERE status = 'problem' AND done_at >= :lo "
                      "AND done_at < :hi", lo=lo, hi=hi)[0][0]
    assert sum(r["calls"] for r in rows) == calls[0] == 24
    assert sum(r["minutes"] for r in rows) == pytest.approx(calls[1] / 60, abs=0.3)
    assert sum(r["tasks_done"] for r in rows) == done
    assert sum(r["tasks_problem"] for r in rows) == problem
    manager = centre["managers"][0]
    per_result = dict(sql(db, "SELECT coalesce(r.name, '—'), count(*) FROM call c LEFT JOIN "
                              "task_result r ON r.id = c.result_id WHERE c.manager_id = :m "
                              "GROUP BY coalesce(r.name, '—')", m=manager))
    mine = rows_of("calls_tasks", date_from="2026-02-01", date_to="2026-04-30",
                   manager_id=str(manager))
    assert {r["result"]: r["calls"] for r in mine if r["calls"]} == per_result
    assert len({r["manager"] for r in mine}) == 1


def test_preview_is_limited_and_count_matches(app, db, centre):
    report = get_report("attendance")
    params = parse_params(report, {"date_from": "2026-02-01", "date_to": "2026-04-30"})
    total = count_rows(report, params)
    rows, more = preview(report, params, limit=10)
    assert len(rows) == 10 and more and total > 10
    rows, more = preview(report, params, limit=total)
    assert len(rows) == total and not more


def test_reports_match_sql_on_the_demo_centre(app, db):
    """The same independent checks on the demo data `make run` loads."""
    from app.demo import load_demo

    load_demo()
    rows = rows_of("debts", on=date.today().isoformat())
    balances = {cid: money(total) for cid, total in sql(
        db, "SELECT client_id, sum(amount) FROM (SELECT client_id, amount FROM charge WHERE "
            "cancelled = :no UNION ALL SELECT client_id, -amount FROM payment) x "
            "GROUP BY client_id", no=False)}
    debtors = {cid: b for cid, b in balances.items() if b >= Decimal("0.01")}
    assert debtors and {r["client_id"]: r["balance"] for r in rows} == debtors
    start, end = date.today() - timedelta(days=30), date.today() + timedelta(days=1)
    marks = rows_of("attendance", date_from=start.isoformat(), date_to=end.isoformat())
    (expected,) = sql(db, "SELECT count(*) FROM attendance a JOIN lesson l ON l.id = a.lesson_id "
                          "WHERE l.starts_at >= :lo AND l.starts_at < :hi",
                      lo=datetime.combine(start, datetime.min.time()),
                      hi=datetime.combine(end, datetime.min.time()))[0:1]
    assert len(marks) == expected[0] > 0
