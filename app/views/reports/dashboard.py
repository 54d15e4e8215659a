"""The managers' dashboard: a page of Chart.js charts fed by one JSON endpoint per chart.

Chart.js comes from the npm registry (package.json; ``npm install`` puts it in node_modules/)
and is served by the app itself at /vendor/chart.umd.js: no request leaves the server."""
import os
from pathlib import Path

from flask import abort, current_app, request, send_from_directory
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import BaseApi, expose as api_expose, protect
from flask_babel import gettext as _, lazy_gettext as _l

from app.services.reports import dashboard as service
from app.services.platform import DomainError
from app.views.platform.api_support import api_action
from app.views.platform.base import add_menu_view

CHART_JS_DIR = str(Path(__file__).resolve().parents[3] / "node_modules" / "chart.js" / "dist")

CHART_TITLES = {
    "revenue_by_service": _l("Revenue by service and month"),
    "visits_heatmap": _l("Visits by weekday and hour"),
    "pass_sales": _l("Pass sales"),
    "debts": _l("Debts over time"),
    "new_clients": _l("New clients by source"),
    "attendance_rate": _l("Attendance rate"),
}


class DashboardView(BaseView):
    route_base = "/dashboard"
    class_permission_name = "Dashboard"
    method_permission_name = {"index": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        error = None
        try:
            filters = service.parse_filters(request.args)
        except DomainError as exc:
            error, filters = exc, service.parse_filters({})
        return self.render_template(
            "reports/dashboard.html", title=_("Dashboard"), filters=filters, error=error,
            services=service.service_options(),
            charts=[(name, CHART_TITLES[name]) for name in service.CHARTS])


class DashboardApi(BaseApi):
    resource_name = "dashboard"
    class_permission_name = "Dashboard"
    method_permission_name = {"chart": "read"}
    allow_browser_login = True
    openapi_spec_tag = "Dashboard"

    @api_expose("/<string:name>", methods=["GET"])
    @protect()
    @api_action()
    def chart(self, name):
        """The data of one dashboard chart.
        ---
        get:
          parameters:
          - in: path
            name: name
            schema: {type: string}
          - in: query
            name: date_from
            schema: {type: string, format: date}
          - in: query
            name: date_to
            schema: {type: string, format: date}
          - in: query
            name: service_id
            schema: {type: integer}
          responses:
            200: {description: "labels and datasets"}
            400: {description: "bad filter"}
            404: {description: "no such chart"}
        """
        data = service.chart_data(name, service.parse_filters(request.args))
        return {"title": str(CHART_TITLES[name]), **data}


def chart_js():
    """Chart.js's UMD build from node_modules (see package.json), cached by the browser."""
    if not os.path.isfile(os.path.join(CHART_JS_DIR, "chart.umd.js")):
        abort(404)
    return send_from_directory(CHART_JS_DIR, "chart.umd.js", mimetype="text/javascript",
                               max_age=7 * 24 * 3600)


def register(appbuilder):
    add_menu_view(appbuilder, DashboardView, "Dashboard", "Reports", icon="fa-bar-chart",
                  label=_l("Dashboard"), category_label=_l("Reports"))
    appbuilder.add_api(DashboardApi)
    current_app.add_url_rule("/vendor/chart.umd.js", "vendor_chart_js", chart_js)
