"""Sales: services, plans, passes (with freeze / unfreeze / extend / refund), payments,
discounts and gift certificates as FAB views; the hand-written pages are in ``pages`` and the
REST API in ``api``."""
from datetime import date

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError
from wtforms import SelectField, StringField
from wtforms.validators import Optional

from app.extensions import db
from app.formatting import money
from app.models.passes import (Discount, GiftCertificate, Pass, PassPlan, Payment, Service,
                               TIME_WINDOWS)
from app.security import role_can
from app.services.money import certificate_sales
from app.services.money import plans as pass_plans
from app.services.money import passes as service
from app.services.platform import DomainError
from app.services.money.payments import paid_for_pass
from app.services import timetable
from app.views.money.labels import (LABELS, METHOD_LABELS, PURPOSE_LABELS, SCALE_LABELS,
                                    STATUS_LABELS, WINDOW_LABELS)
from app.views.platform.api_support import claim_form_submit, new_form_token
from app.views.platform.base import MODELVIEW_ACTIONS, TesseraModelView, add_menu_view
from app.views.platform.eager import EagerInterface, TesseraInterface

SALES = "Sales"
SALES_LABEL = _l("Sales")

def _can(action, resource):
    return any(role_can(role.name, action, resource) for role in g.user.roles)


def _label(labels):
    return lambda value: labels.get(value, value or "")


class ServiceModelView(TesseraModelView):
    datamodel = TesseraInterface(Service)
    class_permission_name = "Service"
    route_base = "/service"
    list_title = _l("Services")
    show_title = _l("Service")
    add_title = _l("New service")
    edit_title = _l("Edit service")
    label_columns = LABELS
    list_columns = ["name", "single_visit_price", "min_age", "max_age", "mark_scale", "active"]
    add_columns = edit_columns = ["name", "single_visit_price", "min_age", "max_age", "active",
                                  "mark_scale", "mark_min", "mark_max", "mark_step",
                                  "mark_labels"]
    show_columns = add_columns + ["created_by", "created_on", "changed_by", "changed_on"]
    search_columns = ["name", "active"]
    formatters_columns = {"single_visit_price": money, "mark_scale": _label(SCALE_LABELS)}
    description_columns = {
        "mark_scale": _l("How learning results are marked at this service's lessons."),
        "mark_step": _l("For numbers in a range: 1 for 1–5, 5 for 0–100 by fives."),
        "mark_labels": _l("For ordered labels: one per line, the lowest first "
                          "(e.g. not yet, developing, secure, excellent)."),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "mark_scale": SelectField(LABELS["mark_scale"],
                                  choices=[(k, SCALE_LABELS[k]) for k in timetable.SCALE_KINDS],
                                  default="text",
                                  description=_l("How learning results are marked at this "
                                                 "service's lessons.")),
    }
    base_order = ("name", "asc")

    def pre_add(self, item):
        timetable.validate_scale(item)

    def pre_update(self, item):
        timetable.validate_scale(item)
        timetable.renormalise_results(item)


class PassPlanModelView(TesseraModelView):
    datamodel = EagerInterface(PassPlan, eager=("services",))
    class_permission_name = "PassPlan"
    route_base = "/passplan"
    list_title = _l("Pass plans")
    show_title = _l("Pass plan")
    add_title = _l("New pass plan")
    edit_title = _l("Edit pass plan")
    label_columns = LABELS
    list_columns = ["name", "services", "sessions", "validity_days", "time_window", "price",
                    "active"]
    add_columns = edit_columns = ["name", "services", "sessions", "validity_days", "time_window",
                                  "price", "freezes_allowed", "freeze_days_allowed",
                                  "low_balance_threshold", "active"]
    show_columns = add_columns + ["created_by", "created_on", "changed_by", "changed_on"]
    search_columns = ["name", "services", "time_window", "active"]
    formatters_columns = {"price": money, "time_window": _label(WINDOW_LABELS),
                          "services": lambda items: ", ".join(s.name for s in items or [])}
    add_form_extra_fields = edit_form_extra_fields = {
        "time_window": SelectField(LABELS["time_window"],
                                   choices=[(w, WINDOW_LABELS[w]) for w in TIME_WINDOWS],
                                   default="any"),
    }
    base_order = ("name", "asc")

    def pre_add(self, item):
        pass_plans.validate_plan(item)

    pre_update = pre_add

    def pre_delete(self, item):
        pass_plans.ensure_plan_deletable(item)


class PassModelView(TesseraModelView):
    """Passes are sold on the "Sell a pass" page and changed only through the actions."""

    datamodel = EagerInterface(Pass, eager=("client", "plan"))
    class_permission_name = "Pass"
    method_permission_name = {**MODELVIEW_ACTIONS, "freeze": "freeze", "unfreeze": "freeze",
                              "extend": "extend", "refund": "refund"}
    include_route_methods = {"list", "show", "freeze", "unfreeze", "extend", "refund"}
    route_base = "/pass"
    list_title = _l("Passes")
    show_title = _l("Pass")
    show_template = "money/pass_show.html"
    label_columns = LABELS
    list_columns = ["client", "plan", "start_date", "end_date", "sessions_total",
                    "sessions_used", "price_paid", "status"]
    show_columns = ["client", "plan", "services", "time_window", "start_date", "end_date",
                    "sessions_total", "sessions_used", "list_price", "discount_percent",
                    "price_paid", "status", "refunded_on", "refund_reason", "created_by",
                    "created_on"]
    search_columns = ["client", "plan", "status", "start_date", "end_date"]
    formatters_columns = {"price_paid": money, "list_price": money,
                          "status": _label(STATUS_LABELS), "time_window": _label(WINDOW_LABELS),
                          "services": lambda items: ", ".join(s.name for s in items or [])}
    base_order = ("end_date", "asc")

    def _get_list_widget(self, **kwargs):
        widgets = super()._get_list_widget(**kwargs)
        widget = widgets["list"]
        pks = widget.template_args.get("pks") or []
        rows = db.session.query(Pass.id, Pass.client_id).filter(Pass.id.in_(pks)).all()
        widget.template_args["red_pks"] = service.red_pass_ids(rows)
        return widgets

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        widgets = self._show(pk)
        pass_ = db.session.get(Pass, int(pk)) or abort(404)
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views, pass_=pass_,
            red=pass_.id in service.red_pass_ids([pass_]),
            sessions_left=pass_.sessions_left, paid=paid_for_pass(pass_.id),
            effective_status=STATUS_LABELS.get(pass_.effective_status()),
            freezes=list(pass_.freezes), extensions=list(pass_.extensions),
            today=date.today(), form_token=new_form_token(), can_freeze=_can("freeze", "Pass"),
            can_extend=_can("extend", "Pass"), can_refund=_can("refund", "Pass"))

    def _act(self, pk, action, success):
        if not claim_form_submit(g.user.id):
            flash(_("This form was already submitted: nothing was recorded twice."), "warning")
            return redirect(url_for("PassModelView.show", pk=pk))
        try:
            action()
            db.session.commit()
            flash(success, "success")
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        except StaleDataError:
            db.session.rollback()
            flash(_("This record was changed by someone else meanwhile; please try again."),
                  "danger")
        except ValueError:
            db.session.rollback()
            flash(_("Please check the values entered."), "danger")
        return redirect(url_for("PassModelView.show", pk=pk))

    @expose("/<int:pk>/freeze", methods=["POST"])
    @has_access
    def freeze(self, pk):
        return self._act(pk, lambda: service.freeze_pass(
            pk, date.fromisoformat(request.form.get("start", "")),
            int(request.form.get("days", "0"))), _("The pass is frozen."))

    @expose("/<int:pk>/unfreeze", methods=["POST"])
    @has_access
    def unfreeze(self, pk):
        return self._act(pk, lambda: service.unfreeze_pass(pk), _("The pass is unfrozen."))

    @expose("/<int:pk>/extend", methods=["POST"])
    @has_access
    def extend(self, pk):
        return self._act(pk, lambda: service.extend_pass(
            pk, int(request.form.get("days", "0")), request.form.get("reason", ""),
            granted_by_id=g.user.id), _("The pass is extended."))

    @expose("/<int:pk>/refund", methods=["POST"])
    @has_access
    def refund(self, pk):
        return self._act(pk, lambda: service.refund_pass(
            pk, request.form.get("reason", ""), method=request.form.get("method", "cash"),
            taken_by_id=g.user.id), _("The pass is refunded."))


class PaymentModelView(TesseraModelView):
    """Payments are taken on the front desk page; the list is read-only."""

    datamodel = EagerInterface(Payment, eager=("client", "taken_by"))
    class_permission_name = "Payment"
    include_route_methods = {"list", "show"}
    route_base = "/payment"
    list_title = _l("Payments")
    show_title = _l("Payment")
    label_columns = LABELS
    list_columns = ["paid_at", "client", "amount", "method", "purpose", "taken_by", "reason"]
    show_columns = ["paid_at", "client", "amount", "method", "purpose", "pass_", "taken_by",
                    "reason", "created_on"]
    search_columns = ["client", "method", "purpose", "paid_at", "taken_by"]
    formatters_columns = {"amount": money, "method": _label(METHOD_LABELS),
                          "purpose": _label(PURPOSE_LABELS)}
    base_order = ("paid_at", "desc")


class DiscountModelView(TesseraModelView):
    datamodel = EagerInterface(Discount, eager=("plan",))
    class_permission_name = "Discount"
    route_base = "/discount"
    list_title = _l("Discounts")
    show_title = _l("Discount")
    add_title = _l("New discount")
    edit_title = _l("Edit discount")
    label_columns = LABELS
    list_columns = ["name", "plan", "percent", "active"]
    add_columns = edit_columns = show_columns = ["name", "plan", "percent", "active"]
    search_columns = ["name", "plan", "active"]
    base_order = ("name", "asc")

    def pre_add(self, item):
        pass_plans.validate_discount(item)

    pre_update = pre_add


class GiftCertificateModelView(TesseraModelView):
    datamodel = EagerInterface(GiftCertificate, eager=("buyer",))
    class_permission_name = "GiftCertificate"
    include_route_methods = {"list", "show", "add"}
    route_base = "/giftcertificate"
    list_title = _l("Gift certificates")
    show_title = _l("Gift certificate")
    add_title = _l("New gift certificate")
    label_columns = LABELS
    list_columns = ["code", "initial_amount", "balance", "buyer", "valid_until", "active"]
    add_columns = ["code", "initial_amount", "buyer", "method", "valid_until"]
    show_columns = ["code", "initial_amount", "balance", "buyer", "valid_until", "active",
                    "created_by", "created_on"]
    add_form_extra_fields = {
        "code": StringField(LABELS["code"], validators=[Optional()],
                            description=_l("Leave empty to generate one.")),
        "method": SelectField(_l("Paid by"), choices=[
            (m, METHOD_LABELS[m]) for m in certificate_sales.SALE_METHODS], default="cash",
            description=_l("The buyer pays the certificate's value now.")),
    }
    search_columns = ["code", "buyer", "active"]
    formatters_columns = {"initial_amount": money, "balance": money}
    base_order = ("created_on", "desc")

    def pre_add(self, item):
        """The certificate is sold: charged to the buyer and paid (``certificate_sales``)."""
        method = item.__dict__.pop("method", None) or request.form.get("method")
        certificate_sales.record_certificate_sale(item, method, taken_by_id=g.user.id)


def register(appbuilder):
    from app.views.money import api as passes_api
    from app.views.money import pages as sales_pages

    views = [
        (ServiceModelView, "Services", _l("Services"), "fa-cubes"),
        (PassPlanModelView, "Pass plans", _l("Pass plans"), "fa-list-alt"),
        (PassModelView, "Passes", _l("Passes"), "fa-ticket"),
        (PaymentModelView, "Payments", _l("Payments"), "fa-money"),
        (DiscountModelView, "Discounts", _l("Discounts"), "fa-percent"),
        (GiftCertificateModelView, "Gift certificates", _l("Gift certificates"), "fa-gift"),
    ]
    sales_pages.register(appbuilder, SALES, SALES_LABEL)
    for view, name, label, icon in views:
        add_menu_view(appbuilder, view, name, SALES, icon=icon, label=label,
                      category_label=SALES_LABEL)
    passes_api.register(appbuilder)
