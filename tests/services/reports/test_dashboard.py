"""Dashboard figures against independent SQL over the seeded centre."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text

from app.services.reports import dashboard
from app.services.platform.errors import DomainError
from tests.factories.reports import build_centre

F = {"date_from": date(2026, 1, 1), "date_to": date(2026, 4, 30), "service_id": None}
MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04"]


def sql(db, statement, **params):
    return db.session.execute(text(statement), params).all()


def month(value):
    value = value if isinstance(value, (date, datetime)) else datetime.fromisoformat(str(value))
    return f"{value:%Y-%m}"


@pytest.fixture
def centre(db):
    return build_centre()


def test_filters_default_to_twelve_months_and_refuse_nonsense(app, db):
    with app.test_request_context():
        f = dashboard.parse_filters({})
        assert f["date_to"] == date.today() and f["date_from"].day == 1
        assert len(dashboard.months(f["date_from"], f["date_to"])) == 12
        with pytest.raises(DomainError):
            dashboard.parse_filters({"date_from": "2026-05-01", "date_to": "2026-01-01"})
        with pytest.raises(DomainError):
            dashboard.parse_filters({"date_from": "2010-01-01", "date_to": "2026-01-01"})
        with pytest.raises(DomainError):
            dashboard.parse_filters({"service_id": "yoga"})


def test_revenue_by_service_and_month(app, db, centre):
    with app.test_request_context():
        data = dashboard.revenue_by_service(F)
    expected = {}
    for name, at, value in sql(db, "SELECT s.name, w.at, w.value FROM session_write_off w JOIN "
                                   "service s ON s.id = w.service_id WHERE w.cancelled = :no",
                               no=False):
        key = (name, MONTHS.index(month(at)))
        expected[key] = expected.get(key, Decimal("0")) + Decimal(str(value))
    assert len(data["labels"]) == 4
    got = {(ds["label"], i): Decimal(str(v)) for ds in data["datasets"]
           for i, v in enumerate(ds["data"]) if v}
    assert got == expected and got
    yoga = centre["services"][0]
    with app.test_request_context():
        only = dashboard.revenue_by_service({**F, "service_id": yoga.id})
    assert [ds["label"] for ds in only["datasets"]] == ["Yoga"]


def test_month_labels_follow_the_language(app, db):
    from flask_babel import force_locale

    with app.test_request_context():
        with force_locale("fr"):
            assert dashboard.month_labels([(2026, 3)]) == ["mars 2026"]
        with force_locale("ru"):
            assert "2026" in dashboard.month_labels([(2026, 3)])[0]
            assert dashboard.month_labels([(2026, 3)])[0].lower().startswith("мар")


def test_visits_heatmap(app, db, centre):
    with app.test_request_context():
        data = dashboard.visits_heatmap(F)
    rows = sql(db, "SELECT at FROM session_write_off WHERE cancelled = :no", no=False)
    grid = [[0] * 24 for _i in range(7)]
    for (at,) in rows:
        at = at if isinstance(at, datetime) else datetime.fromisoformat(at)
        grid[at.weekday()][at.hour] += 1
    assert data["cells"] == grid and data["max"] == max(map(max, grid)) > 0
    assert data["weekdays"][0] == "Mon"


def test_pass_sales(app, db, centre):
    with app.test_request_context():
        data = dashboard.pass_sales(F)
    count, amount = [0] * 4, [Decimal("0")] * 4
    for start, price in sql(db, "SELECT start_date, price_paid FROM client_pass"):
        i = MONTHS.index(month(start))
        count[i] += 1
        amount[i] += Decimal(str(price))
    assert data["datasets"][0]["data"] == [float(n) for n in count]
    assert data["datasets"][1]["data"] == [float(a) for a in amount]


def test_debts_over_time(app, db, centre):
    with app.test_request_context():
        data = dashboard.debts_over_time(F)
    series = data["datasets"][0]["data"]
    for i, end in enumerate([date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1),
                             date(2026, 5, 1)]):
        balances = sql(db, "SELECT client_id, sum(amount) FROM ("
                           "SELECT client_id, amount FROM charge WHERE cancelled = :no AND "
                           "charged_on < :end UNION ALL SELECT client_id, -amount FROM payment "
                           "WHERE paid_at < :end_dt) x GROUP BY client_id",
                       no=False, end=end, end_dt=datetime.combine(end, datetime.min.time()))
        expected = sum((Decimal(str(b)) for _c, b in balances if Decimal(str(b)) > 0),
                       Decimal("0"))
        assert Decimal(str(series[i])) == expected
    assert series[-1] > 0


def test_new_clients_by_source(app, db, centre):
    with app.test_request_context():
        data = dashboard.new_clients(F)
    expected = dict(sql(db, "SELECT coalesce(s.name, ''), count(*) FROM client c LEFT JOIN "
                            "client_source s ON s.id = c.source_id GROUP BY coalesce(s.name, '')"))
    expected = {name or "No source": n for name, n in expected.items()}
    assert dict(zip(data["labels"], data["datasets"][0]["data"])) == expected


def test_attendance_rate(app, db, centre):
    with app.test_request_context():
        data = dashboard.attendance_rate(F)
    rates = []
    for lo, hi in [("2026-01-01", "2026-02-01"), ("2026-02-01", "2026-03-01"),
                   ("2026-03-01", "2026-04-01"), ("2026-04-01", "2026-05-01")]:
        came, total = sql(db, "SELECT sum(CASE WHEN t.status IN ('present', 'late') THEN 1 "
                              "ELSE 0 END), count(*) FROM attendance t JOIN lesson l ON l.id = "
                              "t.lesson_id WHERE l.status = 'held' AND l.starts_at >= :lo AND "
                              "l.starts_at < :hi", lo=datetime.fromisoformat(lo),
                          hi=datetime.fromisoformat(hi))[0]
        rates.append(round(came * 100.0 / total, 1) if total else 0)
    assert data["datasets"][0]["data"] == rates and any(rates)
