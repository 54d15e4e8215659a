"""The managers' dashboard draws every chart with nothing fetched from outside the server; an
Excel report is built with a progress bar reaching 100 % and downloaded."""
import os
from urllib.parse import urlparse

import openpyxl
import pytest

from tests.e2e.conftest import screenshot
from tests.factories.reports import build_centre

pytestmark = pytest.mark.e2e


@pytest.fixture
def outside_requests(page):
    """Abort (and remember) every request to a host other than the app's loopback address."""
    attempted = []

    def handle(route):
        host = urlparse(route.request.url).hostname
        if host not in ("127.0.0.1",):
            attempted.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", handle)
    return attempted


@pytest.fixture
def inline_jobs(app):
    before = app.config.get("RQ_ASYNC", True)
    app.config["RQ_ASYNC"] = False
    yield
    app.config["RQ_ASYNC"] = before


def test_dashboard_draws_every_chart_offline(live_server, page, browser_login, db,
                                             outside_requests):
    build_centre()
    browser_login(page, "Manager")
    page.goto(f"{live_server}/dashboard/?date_from=2026-01-01&date_to=2026-04-30")
    page.wait_for_function(  # a function, not an expression: the CSP forbids eval
        "() => Array.from(document.querySelectorAll('[data-chart]')).every(el => el.dataset.ready)",
        timeout=15000)
    page.wait_for_timeout(400)  # let the (short) animations finish before reading pixels
    charts = page.evaluate("""() => Array.from(document.querySelectorAll('canvas.dashboard-chart'))
        .map(c => {
            const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) { painted++; } }
            return {name: c.dataset.chart, width: c.width, height: c.height,
                    chart: !!Chart.getChart(c), painted: painted};
        })""")
    assert {c["name"] for c in charts} == {"revenue_by_service", "pass_sales", "debts",
                                           "new_clients", "attendance_rate"}
    for chart in charts:
        assert chart["width"] > 0 and chart["height"] > 0, chart
        assert chart["chart"], chart
        assert chart["painted"] > 500, chart
    cells = page.locator(".dashboard-heatmap table td").count()
    assert cells == 7 * 24
    assert not outside_requests
    screenshot(page, "dashboard.png")


def test_excel_report_progress_and_download(live_server, page, browser_login, db,
                                            outside_requests, inline_jobs, tmp_path):
    build_centre()
    browser_login(page, "Manager")
    page.goto(f"{live_server}/reports/attendance?date_from=2026-02-01&date_to=2026-04-30")
    page.click("button.build-report[data-format=xlsx]")
    bar = page.locator("#report-progress .progress-bar")
    page.wait_for_selector("a.report-download", timeout=20000)
    assert bar.inner_text().strip() == "100%"
    assert bar.get_attribute("aria-valuenow") == "100"
    with page.expect_download() as info:
        page.click("a.report-download")
    target = tmp_path / "attendance.xlsx"
    info.value.save_as(str(target))
    sheet = openpyxl.load_workbook(target).active
    assert sheet["E1"].value == "Client" and sheet.max_row > 50
    assert os.path.getsize(target) > 5000
    assert not outside_requests
    screenshot(page, "report-built.png")
