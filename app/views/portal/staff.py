"""Staff side of the portal: the groups' booking mode, inviting a client from the card, and
booking a lesson for a client (the attendance page then shows them pre-marked)."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select
from wtforms import BooleanField, SelectField

from app.extensions import db
from app.models.portal import (BOOKED, CANCELLED, LATE_CANCEL, NO_SHOW, BookingPenalty,
                               BookingSettings, CancellationRule, OnlineCheckout,
                               PortalAccountClient)
from app.services.clients import register_card_section
from app.services.platform import DomainError
from app.services.portal import accounts, booking, penalties
from app.views.platform.base import TesseraModelView, add_menu_view
from app.views.platform.eager import TesseraInterface
from app.views.portal.common import deliver

LABELS = {
    "group": _l("Group"),
    "open": _l("Open to booking"),
    "capacity": _l("Places open to booking"),
    "opens_days_before": _l("Booking opens (days before)"),
    "closes_minutes_before": _l("Booking closes (minutes before)"),
    "waitlist_cutoff_minutes": _l("Waitlist closes (minutes before)"),
}


class BookingSettingsModelView(TesseraModelView):
    datamodel = TesseraInterface(BookingSettings)
    class_permission_name = "BookingSettings"
    route_base = "/booking-settings"
    list_title = _l("Online booking")
    show_title = add_title = edit_title = _l("Booking mode of a group")
    label_columns = LABELS
    list_columns = ["group", "open", "capacity", "opens_days_before", "closes_minutes_before",
                    "waitlist_cutoff_minutes"]
    add_columns = edit_columns = show_columns = list_columns
    # FAB would make the non-nullable boolean "required", refusing an unticked box
    add_form_extra_fields = edit_form_extra_fields = {
        "open": BooleanField(LABELS["open"], default=True)}

    def pre_add(self, item):
        booking.apply_settings(item)

    def pre_update(self, item):
        booking.apply_settings(item)


PENALTY_LABELS = {"none": _l("Nothing"), "session": _l("Forfeit a session"),
                  "fee": _l("Charge a fee")}


class CancellationRuleModelView(TesseraModelView):
    datamodel = TesseraInterface(CancellationRule)
    class_permission_name = "CancellationRule"
    route_base = "/cancellation-rules"
    list_title = _l("Cancellation rules")
    show_title = add_title = edit_title = _l("Cancellation rule of a service")
    label_columns = {
        "service": _l("Service"), "free_cancel_hours": _l("Free cancellation until (hours before)"),
        "late_cancel_penalty": _l("Late cancel"), "late_cancel_fee": _l("Late cancel fee"),
        "no_show_penalty": _l("No-show"), "no_show_fee": _l("No-show fee"),
        "no_show_limit": _l("No-shows that block booking (0: never)"),
        "no_show_days": _l("Counted over (days)"), "block_days": _l("Blocked for (days)"),
    }
    list_columns = ["service", "free_cancel_hours", "late_cancel_penalty", "late_cancel_fee",
                    "no_show_penalty", "no_show_fee", "no_show_limit"]
    add_columns = edit_columns = show_columns = list_columns + ["no_show_days", "block_days"]
    _choices = list(PENALTY_LABELS.items())
    formatters_columns = {column: (lambda value: PENALTY_LABELS.get(value, value))
                          for column in ("late_cancel_penalty", "no_show_penalty")}
    add_form_extra_fields = edit_form_extra_fields = {
        "late_cancel_penalty": SelectField(_l("Late cancel"), choices=_choices),
        "no_show_penalty": SelectField(_l("No-show"), choices=_choices),
    }


class BookingPenaltyModelView(TesseraModelView):
    datamodel = TesseraInterface(BookingPenalty)
    class_permission_name = "BookingPenalty"
    route_base = "/booking-penalties"
    base_permissions = ["can_read"]
    list_title = _l("Late cancels and no-shows")
    label_columns = {"client": _l("Client"), "service": _l("Service"), "kind": _l("Kind"),
                     "penalty": _l("Penalty"), "amount": _l("Amount"),
                     "lesson_starts_at": _l("Lesson"), "waived": _l("Waived"),
                     "waived_reason": _l("Reason for waiving"), "changed_by": _l("Changed by")}
    list_columns = ["lesson_starts_at", "client", "service", "kind", "penalty", "amount",
                    "waived", "waived_reason"]
    show_columns = list_columns + ["changed_by"]
    base_order = ("lesson_starts_at", "desc")


class OnlineCheckoutModelView(TesseraModelView):
    """Payments asked online and how they ended (read-only): mismatches are for staff to sort
    out; the nightly reconciliation job lists them too."""

    datamodel = TesseraInterface(OnlineCheckout)
    class_permission_name = "OnlineCheckout"
    route_base = "/online-checkouts"
    base_permissions = ["can_read"]
    list_title = show_title = _l("Online payments")
    label_columns = {"reference": _l("Reference"), "client": _l("Client"),
                     "purpose": _l("Purpose"), "amount": _l("Amount asked"),
                     "paid_amount": _l("Amount paid"), "status": _l("Status"),
                     "created_on": _l("Created"), "settled_at": _l("Settled"),
                     "provider": _l("Provider"), "note": _l("Note")}
    list_columns = ["created_on", "client", "purpose", "amount", "paid_amount", "status"]
    show_columns = list_columns + ["reference", "provider", "settled_at", "note"]
    search_columns = ["status", "purpose"]
    base_order = ("created_on", "desc")


class PortalStaffView(BaseView):
    """Invite a client to the portal; book a lesson for a client."""

    route_base = "/portal-staff"
    class_permission_name = "PortalAccess"
    method_permission_name = {"invite": "invite", "book": "book", "waive": "waive"}
    base_permissions = ["can_invite", "can_book", "can_waive"]
    default_view = "invite"

    @expose("/invite/<int:client_id>", methods=["POST"])
    @has_access
    def invite(self, client_id):
        try:
            login, ids = accounts.invite(client_id)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        else:
            deliver(ids)
            flash(_("The invitation with a sign-up code is sent to %(login)s.", login=login),
                  "success")
        return redirect(url_for("ClientCardView.card", client_id=client_id))

    @expose("/book", methods=["POST"])
    @has_access
    def book(self):
        form = request.form
        try:
            client_id, lesson_id = int(form.get("client_id", "")), int(form.get("lesson_id", ""))
        except ValueError:
            flash(_("Choose a client and a lesson."), "danger")
            return redirect(request.referrer or url_for("portal.index"))
        try:
            booking.book(client_id, lesson_id)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        else:
            flash(_("Booked."), "success")
        return redirect(url_for("AttendanceView.lesson", lesson_id=lesson_id))


    @expose("/penalty/<int:penalty_id>/waive", methods=["POST"])
    @has_access
    def waive(self, penalty_id):
        try:
            penalties.waive_penalty(penalty_id, request.form.get("reason"))
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        else:
            flash(_("The penalty is waived."), "success")
        return redirect(url_for("BookingPenaltyModelView.list"))


BOOKING_STATUS_LABELS = {BOOKED: _l("Booked"), CANCELLED: _l("Cancelled"),
                         LATE_CANCEL: _l("Late cancellation"), NO_SHOW: _l("No-show")}


def portal_section(client):
    linked = db.session.scalar(select(PortalAccountClient.account_id)
                               .where(PortalAccountClient.client_id == client.id).limit(1))
    return {"has_account": linked is not None,
            "bookings": booking.client_bookings({client.id})[:20],
            "status_labels": BOOKING_STATUS_LABELS}


register_card_section("portal", _l("Client portal"), portal_section, "portal/card_section.html",
                      order=75, permission=("invite", "PortalAccess"))


def register(appbuilder):
    add_menu_view(appbuilder, BookingSettingsModelView, "Online booking", "Timetable",
                  icon="fa-calendar-check-o", label=_l("Online booking"),
                  category_label=_l("Timetable"))
    add_menu_view(appbuilder, CancellationRuleModelView, "Cancellation rules", "Timetable",
                  icon="fa-ban", label=_l("Cancellation rules"), category_label=_l("Timetable"))
    add_menu_view(appbuilder, BookingPenaltyModelView, "Late cancels and no-shows", "Timetable",
                  icon="fa-user-times", label=_l("Late cancels and no-shows"),
                  category_label=_l("Timetable"))
    add_menu_view(appbuilder, OnlineCheckoutModelView, "Online payments", "Sales",
                  icon="fa-credit-card", label=_l("Online payments"), category_label=_l("Sales"))
    appbuilder.add_view_no_menu(PortalStaffView)
