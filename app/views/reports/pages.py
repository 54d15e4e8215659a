"""Reports pages (list, one report with its preview and build buttons, "my reports") and the
API that starts a report job. Progress and download go through the foundation's job API."""
from flask import abort, current_app, g, request
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import BaseApi, expose as api_expose, protect
from flask_babel import get_locale, gettext as _, lazy_gettext as _l

from app.services.platform import DomainError
from app.services.reports import all_reports, get_report, parse_params, preview
from app.services.reports.choices import param_fields
from app.jobs.reports import start_report
from app.services.reports.files import PDF, XLSX, user_reports
from app.views.platform.api_support import api_action
from app.views.platform.base import add_menu_link, add_menu_view


def _locale():
    locale = get_locale()
    return str(locale) if locale else None


class ReportsView(BaseView):
    route_base = "/reports"
    class_permission_name = "Report"
    method_permission_name = {"index": "read", "show": "read", "mine": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("reports/index.html", title=_("Reports"),
                                    reports=all_reports())

    @expose("/mine")
    @has_access
    def mine(self):
        return self.render_template("reports/mine.html", title=_("My reports"),
                                    items=user_reports(g.user.id))

    @expose("/<string:name>")
    @has_access
    def show(self, name):
        try:
            report = get_report(name)
        except DomainError:
            abort(404)
        error, rows, more = None, [], False
        try:
            values = parse_params(report, request.args)
        except DomainError as exc:
            error, values = exc, parse_params(report, {})
        if error is None:
            rows, more = preview(report, values)
        return self.render_template(
            "reports/report.html", title=str(report.title), report=report,
            fields=param_fields(report, {**values, **{k: v for k, v in request.args.items()}}),
            rows=rows, more=more, error=error, formats=[XLSX] + ([PDF] if report.printable
                                                                  else []))


class ReportApi(BaseApi):
    resource_name = "report"
    class_permission_name = "Report"
    method_permission_name = {"start": "write", "catalogue": "read"}
    allow_browser_login = True
    openapi_spec_tag = "Reports"

    @api_expose("/", methods=["GET"])
    @protect()
    def catalogue(self):
        """The reports there are, with their parameters and columns.
        ---
        get:
          responses:
            200: {description: "reports"}
        """
        result = [{"name": r.name, "title": str(r.title), "printable": r.printable,
                   "params": [{"name": p.name, "kind": p.kind} for p in r.params],
                   "columns": [{"key": c.key, "title": str(c.title), "type": c.type}
                               for c in r.columns]} for r in all_reports()]
        return self.response(200, result=result)

    @api_expose("/<string:name>", methods=["POST"])
    @protect()
    @api_action(202)
    def start(self, name):
        """Start building a report file; follow it at /api/v1/job/<id>.
        ---
        post:
          parameters:
          - in: path
            name: name
            schema: {type: string}
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    format: {type: string, enum: [xlsx, pdf]}
          responses:
            202: {description: "job id"}
            400: {description: "bad parameter"}
            404: {description: "no such report"}
        """
        data = request.get_json(silent=True)
        if data is None:
            data = request.form.to_dict()
        data = {key: value for key, value in data.items() if value is not None}
        fmt = str(data.pop("format", XLSX))
        job = start_report(name, data, fmt, g.user.id, _locale())
        return {"id": job.id, "status_url": f"/api/v1/job/{job.id}"}


def _format_percent(value):
    """A 0–1 share as a percentage in the user's language (``0.667`` → ``66.7 %``)."""
    from babel.numbers import format_percent

    return format_percent(value, format="#,##0.0 %", locale=_locale() or "en")


def _format_number(value):
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.##", locale=_locale() or "en")


def register(appbuilder):
    current_app.jinja_env.filters["fpercent"] = _format_percent
    current_app.jinja_env.filters["fnumber"] = _format_number
    add_menu_view(appbuilder, ReportsView, "All reports", "Reports", icon="fa-table",
                  label=_l("All reports"), category_label=_l("Reports"))
    add_menu_link(appbuilder, "My reports", "/reports/mine", "Report", "Reports",
                  icon="fa-download", label=_l("My reports"), category_label=_l("Reports"))
    appbuilder.add_api(ReportApi)
