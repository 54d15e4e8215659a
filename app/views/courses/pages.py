"""Hand-written course pages: the upcoming / current / past lists, a course's page (details,
sessions with attendance, participants with payment type and certificates, registering people,
receivables), its economics, and the organisations' balances with their receivables and
trainees. Every change calls a service; each page costs the same number of queries whatever
the number of rows."""
from datetime import date, datetime

from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models.clients import Client, Industry, Organisation
from app.models.courses import CALL_RESULTS, PAYMENT_TYPES, Course
from app.models.timetable import Room
from app.security import role_can
from app.services.clients import register_card_section, search_clients
from app.jobs.communication import enqueue_delivery
from app.services.courses import (attendance, calls, catalogue, certificates, economics,
                                  invitations, organisations, plans, registrations)
from app.services.platform import DomainError, NotFound
from app.views.platform.api_support import arg_date
from app.views.courses.labels import (CALL_RESULT_LABELS, COST_BASIS_LABELS, COST_KIND_LABELS,
                                      COST_SOURCE_LABELS, INVITATION_STATUS_LABELS, PAYMENT_TYPE_LABELS,
                                      PERIOD_LABELS, RESULT_LABELS)

LABELS = dict(payment_type_labels=PAYMENT_TYPE_LABELS, result_labels=RESULT_LABELS,
              period_labels=PERIOD_LABELS, cost_kind_labels=COST_KIND_LABELS,
              cost_basis_labels=COST_BASIS_LABELS, payment_types=PAYMENT_TYPES,
              call_result_labels=CALL_RESULT_LABELS, call_results=CALL_RESULTS,
              invitation_status_labels=INVITATION_STATUS_LABELS,
              cost_source_labels=COST_SOURCE_LABELS)


def _can(action, resource="Course"):
    return any(role_can(role.name, action, resource) for role in g.user.roles)


def _course_or_404(course_id):
    try:
        return catalogue.get_course(course_id)
    except NotFound:
        abort(404)


def _datetime(value, field):
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise DomainError(_l("Please enter a date and time like 2026-03-01 10:00."),
                          field=field) from None


def _date(value, field):
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        raise DomainError(_l("Please enter a date like 2026-03-01."), field=field) from None


class CoursePagesView(BaseView):
    route_base = "/courses"
    class_permission_name = "Course"
    method_permission_name = {"lists": "read", "show": "read", "programme": "read",
                              "economics_page": "read", "comparison": "read", "register": "register",
                              "add_session": "write", "upload_programme": "write",
                              "mark": "mark", "certify": "certify", "payment_type": "register",
                              "invite": "invite", "answer": "register", "materials": "write"}
    default_view = "lists"

    @expose("/")
    @has_access
    def lists(self):
        return self.render_template("courses/lists.html", title=_("Courses and seminars"),
                                    lists=catalogue.course_lists(), **LABELS)

    def _done(self, course_id, message, anchor=""):
        db.session.commit()
        flash(message, "success")
        return redirect(url_for("CoursePagesView.show", course_id=course_id) + anchor)

    def _refused(self, course_id, exc):
        db.session.rollback()
        flash(str(exc.message), "danger")
        return self.show(course_id)

    @expose("/<int:course_id>")
    @has_access
    def show(self, course_id):
        """Everything about one course; people to register are picked from an organisation or
        found by name (``organisation_id`` / ``q`` in the query string)."""
        course = _course_or_404(course_id)
        sessions = catalogue.course_sessions(course)
        participants = registrations.course_participants(course.id)
        grid = attendance.attendance_grid(course.id, [s.id for s in sessions])
        organisation_id = request.values.get("organisation_id", type=int)
        q = request.args.get("q", "").strip()
        registered = {p.client_id for p in participants}
        if organisation_id:
            candidates = list(db.session.execute(
                select(Client).where(Client.organisation_id == organisation_id,
                                     Client.active.is_(True))
                .order_by(Client.last_name, Client.first_name)).scalars())
        else:
            candidates = search_clients(q, limit=20, active_only=True) if q else []
        candidates = [c for c in candidates if c.id not in registered]
        all_organisations = list(db.session.execute(
            select(Organisation.id, Organisation.short_name)
            .where(Organisation.active.is_(True)).order_by(Organisation.short_name)).all())
        rooms = list(db.session.execute(select(Room.id, Room.name)
                                        .where(Room.active.is_(True)).order_by(Room.name)).all())
        return self.render_template(
            "courses/show.html", title=course.title, course=course, sessions=sessions,
            participants=participants, grid=grid, candidates=candidates, q=q,
            organisation_id=organisation_id, organisations=all_organisations, rooms=rooms,
            receivables=organisations.course_receivables(course.id),
            invitations=invitations.course_invitations(course.id),
            industries=list(db.session.execute(select(Industry.id, Industry.name)
                                               .order_by(Industry.name)).all()),
            past_courses=list(db.session.execute(
                select(Course.id, Course.title).where(Course.id != course.id,
                                                      Course.starts_on < course.starts_on)
                .order_by(Course.starts_on.desc()).limit(100)).all()),
            state=course.period_state(),
            may=dict(register=_can("register"), write=_can("write"), mark=_can("mark"),
                     certify=_can("certify"), invite=_can("invite")), **LABELS)

    @expose("/<int:course_id>/register", methods=["POST"])
    @has_access
    def register(self, course_id):
        form = request.form
        people = [{"client_id": cid, "payment_type": form.get(f"payment_type_{cid}", "later")}
                  for cid in form.getlist("client_id", type=int)]
        try:
            touched, added = registrations.register(
                course_id, people, organisation_id=form.get("organisation_id", type=int) or None)
        except DomainError as exc:
            return self._refused(course_id, exc)
        return self._done(course_id, _("%(count)s registered.", count=len(added)),
                          "#participants")

    @expose("/<int:course_id>/invite", methods=["POST"])
    @has_access
    def invite(self, course_id):
        """Invite an organisation's people, or the people ticked, by e-mail or SMS (the
        "course_invitation" message template)."""
        form = request.form
        try:
            made = invitations.invite(
                course_id, client_ids=form.getlist("client_id", type=int) or None,
                organisation_id=form.get("organisation_id", type=int) or None,
                segment={"industry_id": form.get("industry_id")} if form.get("industry_id")
                else None,
                past_course_id=form.get("past_course_id", type=int) or None,
                channel=form.get("channel", "email"),
                callback_days=form.get("callback_days") or None, sender_id=g.user.id,
                enqueue_delivery=lambda ids: enqueue_delivery(ids, user_id=g.user.id))
        except DomainError as exc:
            return self._refused(course_id, exc)
        return self._done(course_id, _("%(count)s invited.", count=len(made)), "#invitations")

    @expose("/<int:course_id>/invitation/<int:invitation_id>", methods=["POST"])
    @has_access
    def answer(self, course_id, invitation_id):
        """The invitee's reply: "yes" registers them (once), "no" is recorded."""
        try:
            invitations.answer(invitation_id, request.form.get("answer") == "yes")
        except DomainError as exc:
            return self._refused(course_id, exc)
        return self._done(course_id, _("The answer was recorded."), "#invitations")

    @expose("/<int:course_id>/payment-type", methods=["POST"])
    @has_access
    def payment_type(self, course_id):
        try:
            registrations.set_payment_type(request.form.get("participant_id", type=int),
                                           request.form.get("payment_type"))
        except DomainError as exc:
            return self._refused(course_id, exc)
        return self._done(course_id, _("The payment type was changed."), "#participants")

    @expose("/<int:course_id>/session", methods=["POST"])
    @has_access
    def add_session(self, course_id):
        form = request.form
        try:
            catalogue.add_session(course_id, _datetime(form.get("starts_at"), "starts_at"),
                                  _datetime(form.get("ends_at"), "ends_at"),
                                  room_id=form.get("room_id", type=int) or None)
        except DomainError as exc:
            return self._refused(course_id, exc)
        return self._done(course_id, _("The session was added to the timetable."), "#sessions")

    @expose("/<int:course_id>/attendance/<int:lesson_id>", methods=["POST"])
    @has_access
    def mark(self, course_id, lesson_id):
        present = set(request.form.getlist("present", type=int))
        marks = {pid: pid in present for pid in request.form.getlist("participant_id", type=int)}
        try:
            attendance.mark_session(course_id, lesson_id, marks, user=g.user)
        except DomainError as exc:
            return self._refused(course_id, exc)
        return self._done(course_id, _("Attendance saved."), "#sessions")

    @expose("/<int:course_id>/certify", methods=["POST"])
    @has_access
    def certify(self, course_id):
        form = request.form
        try:
            participant = certificates.certify(course_id, form.get("participant_id", type=int),
                                               form.get("result", "passed"),
                                               grade=form.get("grade") or None)
        except DomainError as exc:
            return self._refused(course_id, exc)
        if participant.certificate_number:
            message = _("Certificate %(number)s issued.", number=participant.certificate_number)
        else:
            message = _("The result was saved.")
        return self._done(course_id, message, "#participants")

    @expose("/<int:course_id>/programme", methods=["POST"])
    @has_access
    def upload_programme(self, course_id):
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise DomainError(_l("Choose a file."), field="file")
            catalogue.attach_programme(course_id, upload.filename, upload.read(),
                                       upload.mimetype)
        except DomainError as exc:
            return self._refused(course_id, exc)
        return self._done(course_id, _("The programme was attached."))

    @expose("/<int:course_id>/programme")
    @has_access
    def programme(self, course_id):
        course = _course_or_404(course_id)
        try:
            path = catalogue.programme_path(course)
        except DomainError:
            abort(404)
        return send_file(path, as_attachment=True, download_name=course.programme_filename,
                         mimetype=course.programme_content_type or None)

    @expose("/economics")
    @has_access
    def comparison(self):
        """Planned against actual across courses (optionally starting between two dates), with
        totals per direction."""
        date_from = arg_date(request.args.get("date_from"))
        date_to = arg_date(request.args.get("date_to"))
        rows, by_direction = economics.economics_comparison(date_from, date_to)
        return self.render_template(
            "courses/comparison.html", title=_("Economics across courses"), rows=rows,
            by_direction=sorted(by_direction.items(), key=lambda item: str(item[0] or "")),
            date_from=date_from, date_to=date_to, **LABELS)

    @expose("/<int:course_id>/economics")
    @has_access
    def economics_page(self, course_id, typed=None):
        from app.models.stock import Product

        course = _course_or_404(course_id)
        products = list(db.session.execute(
            select(Product.id, Product.name, Product.on_hand)
            .where(Product.active.is_(True), Product.on_hand > 0)
            .order_by(Product.name)).all())
        return self.render_template(
            "courses/economics.html", title=_("Economics: %(title)s", title=course.title),
            course=course, figures=economics.course_economics_with_lines(course.id),
            products=products, may_write=_can("write"), typed=typed or {}, **LABELS)

    @expose("/<int:course_id>/materials", methods=["POST"])
    @has_access
    def materials(self, course_id):
        """Issue materials from stock to the course (an actual cost at the product's cost)."""
        form = request.form
        try:
            quantity = form.get("quantity", type=int)
            if not quantity:
                raise DomainError(_l("The quantity must be positive."), field="quantity")
            economics.issue_materials(course_id, form.get("product_id", type=int), quantity)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
            return self.economics_page(course_id, typed=form), exc.status_code
        db.session.commit()
        flash(_("The materials were issued from stock."), "success")
        return redirect(url_for("CoursePagesView.economics_page", course_id=course_id))


class OrganisationBalancesView(BaseView):
    """Organisations as paying clients: every organisation's charges, payments and balance, and
    one organisation's receivables per course and its trainees."""

    route_base = "/organisation-balances"
    class_permission_name = "OrganisationBalance"
    method_permission_name = {"balances": "read", "organisation": "read", "call": "call"}
    default_view = "balances"

    @expose("/")
    @has_access
    def balances(self):
        rows = list(db.session.execute(
            select(Organisation).order_by(Organisation.short_name)).scalars())
        figures = organisations.organisation_balances([o.id for o in rows])
        debtors_only = request.args.get("debtors") == "1"
        entries = [(o, figures[o.id]) for o in rows
                   if figures[o.id].charges or figures[o.id].payments]
        if debtors_only:
            entries = [(o, b) for o, b in entries if b.balance > 0]
        return self.render_template("courses/balances.html", title=_("Organisations' balances"),
                                    entries=entries, debtors_only=debtors_only, **LABELS)

    @expose("/<int:organisation_id>")
    @has_access
    def organisation(self, organisation_id, typed=None):
        try:
            organisation = organisations.get_organisation(organisation_id)
        except NotFound:
            abort(404)
        trainees = organisations.trainees(organisation_id)
        courses = list(db.session.execute(
            select(Course.id, Course.title, Course.starts_on).where(
                Course.cancelled.is_(False), Course.ends_on >= date.today())
            .order_by(Course.starts_on)).all())
        people = list(db.session.execute(
            select(Client).where(Client.organisation_id == organisation_id)
            .order_by(Client.last_name, Client.first_name)).scalars())
        return self.render_template(
            "courses/organisation.html", title=organisation.short_name,
            organisation=organisation, calls=calls.organisation_calls(organisation_id),
            open_courses=courses, people=people, typed=typed or {},
            may_call=_can("call", "OrganisationBalance"),
            balance=organisations.organisation_balance(organisation_id),
            per_course=organisations.receivables_by_course(organisation_id),
            trainees=trainees, trainee_results=organisations.trainee_results(trainees),
            **LABELS)


    @expose("/<int:organisation_id>/call", methods=["POST"])
    @has_access
    def call(self, organisation_id):
        """Record a call; "accepted the invitation" registers the person on the course."""
        form = request.form
        try:
            call = calls.record_call(
                organisation_id, form.get("result"), manager_id=g.user.id,
                called_at=_datetime(form.get("called_at"), "called_at")
                if form.get("called_at") else None,
                contact_id=form.get("contact_id", type=int) or None,
                note=form.get("note"),
                next_call_on=_date(form.get("next_call_on"), "next_call_on"),
                course_id=form.get("course_id", type=int) or None,
                client_id=form.get("client_id", type=int) or None)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
            return self.organisation(organisation_id, typed=form), 400
        db.session.commit()
        if call.participant_id:
            flash(_("The call was recorded and %(name)s is registered on the course.",
                    name=call.client.full_name), "success")
        else:
            flash(_("The call was recorded."), "success")
        return redirect(url_for("OrganisationBalancesView.organisation",
                                organisation_id=organisation_id) + "#calls")


class SalesPlansView(BaseView):
    """Sales plans per month with plan against actual: a manager sees and plans their own,
    who may read all (Admin) sees every plan and may plan for anyone or for the company."""

    route_base = "/sales-plans"
    class_permission_name = "SalesPlan"
    method_permission_name = {"index": "read", "save": "write"}
    default_view = "index"

    def _month(self, value):
        try:
            return plans.month_start(datetime.strptime(value, "%Y-%m").date())
        except (TypeError, ValueError):
            return plans.month_start(date.today())

    def _page(self, month, typed=None):
        see_all = _can("read_all", "SalesPlan")
        from app.models.courses import CourseDirection

        courses = list(db.session.execute(
            select(Course.id, Course.title).where(Course.starts_on >= month,
                                                  Course.starts_on < plans.next_month(month))
            .order_by(Course.starts_on)).all())
        directions = list(db.session.execute(
            select(CourseDirection.id, CourseDirection.name)
            .order_by(CourseDirection.name)).all())
        users = []
        if see_all:
            user_model = self.appbuilder.sm.user_model
            users = list(db.session.execute(
                select(user_model.id, user_model.first_name, user_model.last_name)
                .where(user_model.active.is_(True)).order_by(user_model.first_name)).all())
        return self.render_template(
            "courses/plans.html", title=_("Sales plans"), month=month,
            rows=plans.plans_with_actuals(month, user_id=g.user.id, see_all=see_all),
            courses=courses, directions=directions, users=users, see_all=see_all,
            may_write=_can("write", "SalesPlan"), typed=typed or {}, **LABELS)

    @expose("/")
    @has_access
    def index(self):
        return self._page(self._month(request.args.get("month")))

    @expose("/", methods=["POST"])
    @has_access
    def save(self):
        form = request.form
        month = self._month(form.get("month"))
        see_all = _can("read_all", "SalesPlan")
        manager = form.get("manager_id", "me")
        manager_id = g.user.id if manager == "me" or not see_all else (
            int(manager) if manager.isdigit() else None)
        try:
            plans.save_plan(month, form.get("participants"), form.get("revenue"),
                            manager_id=manager_id,
                            course_id=form.get("course_id", type=int) or None,
                            direction_id=form.get("direction_id", type=int) or None,
                            user_id=g.user.id, see_all=see_all)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
            return self._page(month, typed=form), exc.status_code
        db.session.commit()
        flash(_("The plan was saved."), "success")
        return redirect(url_for("SalesPlansView.index", month=month.strftime("%Y-%m")))


def courses_section(client):
    """The client card's "Courses" section: what the person was trained in, with results."""
    return {"items": registrations.client_courses(client.id), **LABELS}


register_card_section("courses", _l("Courses and certificates"), courses_section,
                      "courses/card_courses.html", order=45, permission=("read", "Course"))
