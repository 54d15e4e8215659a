"""The Content-Security-Policy blocks nothing of Tessera's own: Chromium reports no violation
on pages that run FAB's scripts (menus, select2, date pickers, Swagger UI) and ours."""
import pytest

from app.security import ADMIN

PAGES = ["/", "/users/list/", "/users/add", "/security-events/", "/jobs/", "/swagger/v1",
         "/client/list/", "/client/add", "/sales/sell", "/desk/", "/reports/", "/dashboard/",
         "/audit/", "/payroll/", "/clients/search", "/timetable/", "/cash-desk/",
         "/cash-report/", "/stock/", "/shop/", "/lending/", "/courses/", "/documents/"]

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' '
                              + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


@pytest.mark.e2e
def test_no_csp_violations(live_server, page, browser_login):
    console = []
    page.on("console", lambda message: console.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.add_init_script(LISTEN)
    page.goto(f"{live_server}/login/")
    assert page.evaluate("window.__cspViolations") == []
    browser_login(page, ADMIN)
    visited = 0
    for path in PAGES:
        response = page.goto(f"{live_server}{path}")
        if response.status != 200:
            continue
        visited += 1
        page.wait_for_load_state("networkidle")
        assert response.headers.get("content-security-policy"), path
        assert page.evaluate("window.__cspViolations") == [], path
    assert visited >= 6
    # FAB's jQuery ran under the policy: the user menu's dropdown toggles
    page.goto(f"{live_server}/users/add")
    assert page.evaluate("typeof window.jQuery") == "function"
    assert console == []
