"""Courses CRUD pages: directions, courses, cost lines and organisations' payments. Every save
goes through the services (``catalogue.validate_course``, ``economics.validate_cost``,
``organisations.validate_payment``); the course page, the lists and the organisations' balances
are hand-written (``pages``), the REST API is in ``api``."""
from flask import g, redirect, url_for
from flask_appbuilder import expose, has_access
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField

from app.models.courses import Course, CourseCost, CourseDirection, OrganisationPayment
from app.services.courses import catalogue, economics, organisations
from app.views.courses.labels import (COST_BASIS_LABELS, COST_KIND_LABELS, LABELS,
                                      ORGANISATION_METHOD_LABELS)
from app.views.platform.base import TesseraModelView
from app.views.platform.eager import EagerInterface, TesseraInterface


class CourseDirectionModelView(TesseraModelView):
    datamodel = TesseraInterface(CourseDirection)
    class_permission_name = "CourseDirection"
    route_base = "/coursedirection"
    list_title = _l("Course directions")
    label_columns = LABELS
    list_columns = add_columns = edit_columns = show_columns = search_columns = ["name"]
    base_order = ("name", "asc")


class CourseModelView(TesseraModelView):
    """The course directory (add and edit); a course's own page is ``CoursePagesView.show``."""

    datamodel = EagerInterface(Course, eager=("direction", "instructor"))
    class_permission_name = "Course"
    route_base = "/course"
    list_title = _l("Courses and seminars")
    show_title = _l("Course")
    add_title = _l("New course")
    edit_title = _l("Edit course")
    label_columns = LABELS
    list_columns = ["title", "direction", "starts_on", "ends_on", "instructor",
                    "price_per_participant", "min_participants", "max_participants", "cancelled"]
    add_columns = edit_columns = [
        "title", "direction", "starts_on", "ends_on", "target_audience", "description",
        "instructor", "manager", "service", "price_per_participant", "price_per_organisation",
        "min_participants", "max_participants", "planned_participants", "certificate_series",
        "cancelled"]
    show_columns = add_columns + ["certificate_last_number", "programme_filename"]
    search_columns = ["title", "direction", "starts_on", "instructor", "cancelled"]
    base_order = ("starts_on", "desc")
    add_form_extra_fields = edit_form_extra_fields = {
        "cancelled": BooleanField(LABELS["cancelled"]),
    }

    def pre_add(self, item):
        catalogue.validate_course(item)

    def pre_update(self, item):
        catalogue.validate_course(item)
        catalogue.free_cancelled_course_rooms(item)

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        """A course is shown on its own page (participants, sessions, certificates)."""
        return redirect(url_for("CoursePagesView.show", course_id=pk))


def _choice_field(label, choices):
    return SelectField(label, choices=list(choices.items()))


class CourseCostModelView(TesseraModelView):
    datamodel = EagerInterface(CourseCost, eager=("course",))
    class_permission_name = "CourseCost"
    route_base = "/coursecost"
    list_title = _l("Course costs")
    label_columns = LABELS
    list_columns = ["course", "kind", "basis", "name", "amount"]
    add_columns = edit_columns = show_columns = ["course", "kind", "basis", "name", "amount"]
    search_columns = ["course", "kind", "basis", "name"]
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": _choice_field(_l("Planned or actual"), COST_KIND_LABELS),
        "basis": _choice_field(_l("Basis"), COST_BASIS_LABELS),
    }
    formatters_columns = {"kind": lambda v: COST_KIND_LABELS.get(v, v),
                          "basis": lambda v: COST_BASIS_LABELS.get(v, v)}

    def pre_add(self, item):
        economics.validate_cost(item)

    pre_update = pre_add


class OrganisationPaymentModelView(TesseraModelView):
    datamodel = EagerInterface(OrganisationPayment, eager=("organisation", "course"))
    class_permission_name = "OrganisationPayment"
    route_base = "/organisationpayment"
    list_title = _l("Organisations' payments")
    label_columns = LABELS
    list_columns = ["paid_on", "organisation", "course", "amount", "method", "note"]
    add_columns = edit_columns = show_columns = ["organisation", "course", "amount", "paid_on",
                                                 "method", "note"]
    search_columns = ["organisation", "course", "paid_on", "method"]
    base_order = ("paid_on", "desc")
    add_form_extra_fields = edit_form_extra_fields = {
        "method": _choice_field(_l("Method"), ORGANISATION_METHOD_LABELS),
    }
    formatters_columns = {"method": lambda v: ORGANISATION_METHOD_LABELS.get(v, v)}

    def pre_add(self, item):
        """Money's payment rules: the cashier's open shift, then the automatic receipt."""
        organisations.take_payment(item, g.user.id)

    def pre_update(self, item):
        organisations.validate_payment(item)


def register(appbuilder):
    from app.views.courses import api, pages
    from app.views.platform.base import add_menu_link, add_menu_view

    category = dict(category_label=_l("Courses"))
    appbuilder.add_view_no_menu(pages.CoursePagesView)
    add_menu_link(appbuilder, "Course lists", "/courses/", "Course", "Courses",
                  icon="fa-graduation-cap", label=_l("Upcoming, current and past"), **category)
    add_menu_view(appbuilder, CourseModelView, "Courses and seminars", "Courses",
                  icon="fa-book", label=_l("Courses and seminars"), category_icon="fa-graduation-cap",
                  **category)
    add_menu_link(appbuilder, "Economics across courses", "/courses/economics", "Course",
                  "Courses", icon="fa-line-chart", label=_l("Economics across courses"),
                  **category)
    add_menu_view(appbuilder, pages.SalesPlansView, "Sales plans", "Courses",
                  icon="fa-bullseye", label=_l("Sales plans"), **category)
    add_menu_view(appbuilder, pages.OrganisationBalancesView, "Organisations' balances",
                  "Courses", icon="fa-building", label=_l("Organisations' balances"), **category)
    add_menu_view(appbuilder, OrganisationPaymentModelView, "Organisations' payments", "Courses",
                  icon="fa-money", label=_l("Organisations' payments"), **category)
    add_menu_view(appbuilder, CourseCostModelView, "Course costs", "Courses", icon="fa-calculator",
                  label=_l("Course costs"), **category)
    add_menu_view(appbuilder, CourseDirectionModelView, "Course directions", "Courses",
                  icon="fa-list", label=_l("Course directions"), **category)
    for rest in (api.CourseApi, api.OrganisationBalanceApi, api.OrganisationPaymentApi):
        appbuilder.add_api(rest)
