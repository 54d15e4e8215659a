"""Employees and their pay rules (menu "Staff"); the employee record shows services delivered."""
from datetime import date

from flask import has_request_context

from flask_appbuilder import expose, has_access
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from app.models.payroll import RULE_KIND_LABELS, PayRule
from app.models.staff import Employee
from app.services.staff import pay_rules
from app.services.staff.payroll import services_delivered
from app.views.platform.base import TesseraModelView, add_menu_view
from app.views.platform.eager import TesseraInterface

_RULE_LABELS = {
    "employee": _l("Employee"),
    "kind": _l("Kind"),
    "amount": _l("Amount"),
    "percent": _l("Percent"),
    "min_attendees": _l("Minimum attendance"),
    "base_amount": _l("Base amount below the minimum"),
    "valid_from": _l("Valid from"),
    "valid_to": _l("Valid to"),
    "note": _l("Note"),
}


class PayRuleView(TesseraModelView):
    datamodel = TesseraInterface(PayRule)
    class_permission_name = "PayRule"
    list_title = _l("Pay rules")
    show_title = _l("Pay rule")
    add_title = _l("Add pay rule")
    edit_title = _l("Edit pay rule")
    list_columns = ["employee", "kind", "amount", "percent", "min_attendees", "base_amount",
                    "valid_from", "valid_to"]
    add_columns = edit_columns = ["employee", "kind", "amount", "percent", "min_attendees",
                                  "base_amount", "valid_from", "valid_to", "note"]
    show_columns = add_columns
    search_columns = ["employee", "kind", "valid_from", "valid_to"]
    order_columns = ["valid_from", "valid_to", "kind"]
    base_order = ("valid_from", "desc")
    label_columns = _RULE_LABELS
    description_columns = {
        "amount": _l("Money per lesson, per attendee or per month."),
        "percent": _l("For a revenue share: the percent of the lesson's revenue."),
        "min_attendees": _l("Per lesson / per attendee: with fewer attendees the lesson pays "
                            "the base amount (nothing if empty)."),
        "valid_from": _l("A new rate applies from this date; approved payrolls never change."),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": SelectField(_l("Kind"), choices=[(k, v) for k, v in RULE_KIND_LABELS.items()]),
    }
    formatters_columns = {"kind": lambda kind: str(RULE_KIND_LABELS.get(kind, kind))}

    def pre_add(self, item):
        pay_rules.validate_pay_rule(item)

    def pre_update(self, item):
        pay_rules.check_rule_change(item)

    def pre_delete(self, item):
        pay_rules.check_rule_delete(item)


class EmployeeView(TesseraModelView):
    datamodel = TesseraInterface(Employee)
    class_permission_name = "Employee"
    list_title = _l("Employees")
    show_title = _l("Employee")
    add_title = _l("Add employee")
    edit_title = _l("Edit employee")
    list_columns = ["full_name", "position", "phone", "email", "hire_date", "active"]
    add_columns = edit_columns = ["full_name", "position", "titles", "phone", "email",
                                  "hire_date", "user", "active"]
    show_columns = add_columns
    search_columns = ["full_name", "position", "phone", "email", "active"]
    order_columns = ["full_name", "position", "hire_date"]
    base_order = ("full_name", "asc")
    label_columns = {
        "full_name": _l("Name"),
        "position": _l("Position"),
        "titles": _l("Titles"),
        "phone": _l("Phone"),
        "email": _l("Email"),
        "hire_date": _l("Hire date"),
        "user": _l("Login"),
        "active": _l("Active"),
    }
    related_views = [PayRuleView]
    show_template = "staff/employee_show.html"

    @property
    def _related_views(self):
        """Only the related tabs the user may read: a manager sees employees, not pay rates."""
        views = self.__dict__.get("_all_related_views", [])
        if not has_request_context():
            return views
        return [view for view in views
                if self.appbuilder.sm.can("read", view.class_permission_name)]

    @_related_views.setter
    def _related_views(self, views):
        self.__dict__["_all_related_views"] = views

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        pk = self._deserialize_pk_if_composite(pk)
        widgets = self._show(pk)
        since = date(date.today().year - 1, 1, 1)
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views,
            services_delivered=services_delivered(int(pk), since=since),
        )


def register(appbuilder):
    add_menu_view(appbuilder, EmployeeView, "Employees", "Staff", icon="fa-id-badge",
                  label=_l("Employees"), category_label=_l("Staff"))
    add_menu_view(appbuilder, PayRuleView, "Pay rules", "Staff", icon="fa-percent",
                  label=_l("Pay rules"), category_label=_l("Staff"))
