"""Reports and dashboard pages: permissions per role, rendering, preview, query counts."""
import re

import pytest

from app.security import ACCOUNTANT, ADMIN, FRONT_DESK, INSTRUCTOR, MANAGER, STOREKEEPER
from tests.factories.reports import build_centre

PAGES = ["/reports/", "/reports/mine", "/reports/instructors", "/reports/attendance",
         "/reports/revenue", "/reports/debts", "/reports/passes_running_out",
         "/reports/special_clients", "/reports/calls_tasks", "/reports/attendance_by_group",
         "/dashboard/"]


@pytest.mark.parametrize("role", [MANAGER, ACCOUNTANT, ADMIN])
def test_managers_accountants_and_admin_see_every_page(app, db, login, role):
    client = login(role)
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 200, page


@pytest.mark.parametrize("role", [FRONT_DESK, INSTRUCTOR, STOREKEEPER])
def test_other_roles_are_refused(app, db, login, role):
    client = login(role)
    for page in ("/reports/", "/reports/debts", "/reports/mine", "/dashboard/"):
        response = client.get(page)
        assert response.status_code in (302, 403), page
        if response.status_code == 302:
            assert "/reports" not in response.headers["Location"]
    assert client.get("/api/v1/dashboard/pass_sales").status_code in (401, 403)


def test_unknown_report_is_404(app, db, login):
    assert login(MANAGER).get("/reports/no_such_report").status_code == 404


def test_report_page_shows_the_preview_and_build_buttons(app, db, login):
    build_centre()
    client = login(MANAGER)
    page = client.get("/reports/attendance?date_from=2026-03-01&date_to=2026-03-31")
    html = page.get_data(as_text=True)
    assert 'id="report-preview"' in html and "Family" in html
    assert 'data-format="xlsx"' in html and 'data-format="pdf"' not in html  # not printable
    assert "js/reports.js" in html and 'data-csrf="' in html
    assert 'value="2026-03-01"' in html
    html = client.get("/reports/instructors?date_from=2026-03-01&date_to=2026-03-31") \
        .get_data(as_text=True)
    assert 'data-format="pdf"' in html and "Alice Martin" in html


def test_report_page_with_bad_parameters_shows_the_message(app, db, login):
    html = login(MANAGER).get("/reports/revenue?date_from=2026-03-10&date_to=2026-03-01") \
        .get_data(as_text=True)
    assert "The period ends before it starts." in html


def test_preview_query_count_does_not_grow_with_rows(app, db, login, count_queries):
    client = login(MANAGER)
    with count_queries() as empty:
        client.get("/reports/attendance?date_from=2026-03-01&date_to=2026-03-31")
    build_centre()
    with count_queries() as full:
        html = client.get("/reports/attendance?date_from=2026-02-01&date_to=2026-04-30") \
            .get_data(as_text=True)
    assert html.count("<tr>") > 50
    assert full() == empty()


def test_my_reports_lists_only_my_own(app, db, login):
    from app.models.jobs import JobRecord

    mine, other = login(MANAGER), login(MANAGER)
    db.session.add_all([
        JobRecord(rq_id="r-mine", kind="report:debts:xlsx", user_id=mine.user_id,
                  status="finished"),
        JobRecord(rq_id="r-other", kind="report:revenue:pdf", user_id=other.user_id,
                  status="finished"),
        JobRecord(rq_id="not-a-report", kind="purge", user_id=mine.user_id)])
    db.session.commit()
    html = mine.get("/reports/mine").get_data(as_text=True)
    assert "Debts" in html and "Revenue" not in html and "purge" not in html


def test_dashboard_page_uses_only_local_scripts(app, db, login):
    html = login(MANAGER).get("/dashboard/").get_data(as_text=True)
    assert "/vendor/chart.umd.js" in html and "js/dashboard.js" in html
    # the scripts' random CSP nonces may spell anything ("…licdnn7…" once): left out
    addresses = " ".join(re.findall(r'(?:src|href)="([^"]*)"', html)).lower()
    assert "googleapis" not in html and "cdn" not in addresses
    assert all(address.startswith(("/", "#", "?")) or not address
               for address in re.findall(r'src="([^"]*)"', html))
    assert html.count('class="dashboard-chart"') == 5 and "dashboard-heatmap" in html


def test_chart_js_is_served_by_the_app(app, db):
    response = app.test_client().get("/vendor/chart.umd.js")
    assert response.status_code == 200 and b"Chart" in response.data[:5000]


def test_reports_menu_follows_the_permission(app, db, login):
    manager = login(MANAGER).get("/reports/").get_data(as_text=True)
    assert 'href="/dashboard/"' in manager and 'href="/reports/mine"' in manager
    front = login(FRONT_DESK).get("/", follow_redirects=True).get_data(as_text=True)
    assert 'href="/dashboard/"' not in front and 'href="/reports/mine"' not in front
