"""The payroll page (pick a period, check, approve, export) and the payslips."""
from datetime import date, timedelta

from flask import abort, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import appbuilder as _appbuilder
from app.jobs import RETRY_REBUILD, enqueue
from app.jobs.staff import build_payslip_pdf, export_payroll_xlsx
from app.models.payroll import APPROVED, DRAFT, PAYROLL_STATUS_LABELS, RULE_KIND_LABELS
from app.services.staff import payroll as service
from app.services.platform import DomainError
from app.views.platform.api_support import arg_date
from app.views.platform.base import STALE_MESSAGE, add_menu_view


def _current_month():
    today = date.today()
    start = today.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return start, end


def _locale():
    return str(get_locale() or "en")


def _can(action, resource):
    return _appbuilder.sm.can(action, resource)


def _job_response(job):
    return jsonify(job_id=job.id, status_url=url_for("JobApi.status", job_id=job.id))


class PayrollView(BaseView):
    route_base = "/payroll"
    class_permission_name = "Payroll"
    method_permission_name = {
        "index": "read", "show": "read", "export": "read",
        "calculate": "write", "approve": "approve", "reverse": "reverse",
    }
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        start, end = _current_month()
        start = arg_date(request.args.get("start")) or start
        end = arg_date(request.args.get("end")) or end
        return self.render_template(
            "staff/index.html", title=_("Payroll"), start=start, end=end,
            payrolls=service.recent_payrolls(), statuses=PAYROLL_STATUS_LABELS,
            can_calculate=_can("write", "Payroll"),
        )

    @expose("/calculate", methods=["POST"])
    @has_access
    def calculate(self):
        start = arg_date(request.form.get("start"))
        end = arg_date(request.form.get("end"))
        try:
            payroll = service.calculate_draft(start, end)
        except DomainError as exc:
            flash(str(exc.message), "danger")
            return redirect(url_for("PayrollView.index", start=request.form.get("start"),
                                    end=request.form.get("end")))
        flash(_("The draft payroll was calculated."), "success")
        return redirect(url_for("PayrollView.show", pk=payroll.id))

    @expose("/<int:pk>")
    @has_access
    def show(self, pk):
        try:
            payroll = service.get_payroll(pk)
        except DomainError:
            abort(404)
        employee_id = request.args.get("employee", type=int)
        lines = service.payroll_lines(payroll.id, {employee_id} if employee_id else None)
        warnings = []
        if payroll.status == DRAFT:
            warnings = service.payroll_warnings(payroll.period_start, payroll.period_end,
                                                employee_id)
        return self.render_template(
            "staff/show.html", title=_("Payroll"), payroll=payroll,
            people=service.group_by_employee(lines),
            employees=service.payroll_employees(payroll.id), employee_id=employee_id,
            filtered_total=sum((line.amount for line in lines), 0),
            warnings=warnings, kinds=RULE_KIND_LABELS, statuses=PAYROLL_STATUS_LABELS,
            approved_by=payroll.approved_by, reversed_by=payroll.reversed_by,
            can_calculate=payroll.status == DRAFT and _can("write", "Payroll"),
            can_approve=payroll.status == DRAFT and _can("approve", "Payroll"),
            can_reverse=payroll.status == APPROVED and _can("reverse", "Payroll"),
        )

    def _act(self, pk, action, success):
        try:
            action()
        except DomainError as exc:
            flash(str(exc.message), "danger")
        except StaleDataError:
            flash(str(STALE_MESSAGE), "danger")
        else:
            flash(success, "success")
        return redirect(url_for("PayrollView.show", pk=pk))

    @expose("/<int:pk>/approve", methods=["GET", "POST"])
    @has_access
    def approve(self, pk):
        """Approving asks first: a confirmation page (the figures become final), with a warning
        and an explicit tick when the period is not over yet (lessons may still be marked)."""
        try:
            payroll = service.get_payroll(pk)
        except DomainError:
            abort(404)
        not_over = payroll.period_end >= date.today()
        confirmed = request.method == "POST" and request.form.get("confirmed") == "1"
        if confirmed and not_over and request.form.get("early") != "1":
            flash(_("The period is not over yet: tick the box to approve it anyway."), "warning")
            confirmed = False
        if not confirmed:
            return self.render_template("staff/approve.html", title=_("Approve the payroll"),
                                        payroll=payroll, not_over=not_over)
        return self._act(pk, lambda: service.approve_payroll(pk, g.user.id),
                         _("The payroll was approved; its figures are now final."))

    @expose("/<int:pk>/reverse", methods=["POST"])
    @has_access
    def reverse(self, pk):
        reason = request.form.get("reason", "")
        return self._act(pk, lambda: service.reverse_payroll(pk, g.user.id, reason),
                         _("The payroll was reversed."))

    @expose("/<int:pk>/export", methods=["POST"])
    @has_access
    def export(self, pk):
        try:
            service.get_payroll(pk)
        except DomainError:
            abort(404)
        job = enqueue(export_payroll_xlsx, pk, _locale(), queue="reports",
                      kind="payroll_xlsx", user_id=g.user.id, retry=RETRY_REBUILD)
        return _job_response(job)


class PayslipView(BaseView):
    """Payslips: an accountant sees everyone's, an instructor only its own (approved ones)."""

    route_base = "/payslips"
    class_permission_name = "Payslip"
    method_permission_name = {"index": "read", "show": "read", "pdf": "read"}
    default_view = "index"

    def _visible(self):
        return service.payslip_employee_ids(g.user.id, _can("read", "Payroll"))

    def _check(self, payroll_id, employee_id):
        visible = self._visible()
        if visible is not None and employee_id not in visible:
            abort(403)
        try:
            payroll = service.get_payroll(payroll_id)
        except DomainError:
            abort(404)
        if visible is not None and payroll.status != APPROVED:
            abort(404)
        return payroll

    @expose("/")
    @has_access
    def index(self):
        return self.render_template(
            "staff/payslips.html", title=_("Payslips"),
            payslips=service.approved_payslips(self._visible()),
        )

    @expose("/<int:payroll_id>/<int:employee_id>")
    @has_access
    def show(self, payroll_id, employee_id):
        from app.services.staff.payroll_exports import payslip_context

        self._check(payroll_id, employee_id)
        try:
            context = payslip_context(payroll_id, employee_id)
        except DomainError:
            abort(404)
        return self.render_template("staff/payslip.html", title=_("Payslip"), **context)

    @expose("/<int:payroll_id>/<int:employee_id>/pdf", methods=["POST"])
    @has_access
    def pdf(self, payroll_id, employee_id):
        self._check(payroll_id, employee_id)
        job = enqueue(build_payslip_pdf, payroll_id, employee_id, _locale(), queue="reports",
                      kind="payslip_pdf", user_id=g.user.id, retry=RETRY_REBUILD)
        return _job_response(job)


def register(appbuilder):
    add_menu_view(appbuilder, PayrollView, "Payroll", "Staff", icon="fa-money",
                  label=_l("Payroll"), category_label=_l("Staff"))
    add_menu_view(appbuilder, PayslipView, "Payslips", "Staff", icon="fa-file-text-o",
                  label=_l("Payslips"), category_label=_l("Staff"))
    from app.views.staff.payroll_api import PayrollApi

    appbuilder.add_api(PayrollApi)
