"""Attendance pages: marking a lesson (and "held" / "undo held"), the front-desk check-in, the
attendance API, and the "visits" section of the client card."""
from datetime import date, datetime, time, timedelta

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import BaseApi, expose as api_expose, protect
from flask_babel import gettext as _, lazy_gettext as _l, lazy_pgettext as _p
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.formatting import money
from app.models.clients import Client
from app.models.passes import Service
from app.models.timetable import (ABSENT, ATTENDANCE_STATUSES, LESSON_CANCELLED, LESSON_HELD,
                                  PRESENT, GroupMember, Lesson)
from app.services.timetable import attendance as attendance_service
from app.services.clients import desk_warning, find_at_desk, register_card_section
from app.services.platform import DomainError
from app.services.timetable.flags import member_flags
from app.services.money import client_balances
from app.services.timetable.lessons import active_member_filter, ensure_may_mark
from app.views.platform.api_support import (api_action, arg_int, idempotent, json_body, json_bool,
                                            json_int)
from app.views.platform.base import add_menu_view

STATUS_LABELS = {"present": _l("Present"), "absent": _l("Absent"), "excused": _l("Excused"),
                 "late": _l("Late")}
FLAG_LABELS = {"debt": _l("Owes money"), "red_pass": _l("Pass running out"),
               "overdue_item": _l("Item to return")}
LESSON_STATUS_LABELS = {"planned": _l("Planned"), "held": _p("lesson status", "Held"),
                        "cancelled": _l("Cancelled")}
MARKS_MESSAGE = _l("Send marks as a list of {client_id, status}.")


def load_lesson(lesson_id):
    lesson = db.session.execute(
        select(Lesson).where(Lesson.id == lesson_id)
        .options(joinedload(Lesson.service), joinedload(Lesson.group), joinedload(Lesson.room),
                 joinedload(Lesson.instructor), joinedload(Lesson.client))).scalar_one_or_none()
    if lesson is None:
        abort(404)
    return lesson


class AttendanceView(BaseView):
    route_base = "/attendance"
    class_permission_name = "Attendance"
    # undo: whoever may mark; without the "undo" right only within the undo window (an
    # instructor, its own lesson — attendance_service.undo_held)
    method_permission_name = {"lesson": "read", "save": "write", "undo": "write"}

    @expose("/<int:lesson_id>")
    @has_access
    def lesson(self, lesson_id):
        lesson = load_lesson(lesson_id)
        try:
            ensure_may_mark(lesson, g.user)
        except DomainError as exc:
            flash(str(exc.message), "danger")
            return redirect(url_for("TimetableView.index"))
        sm = self.appbuilder.sm
        return self.render_template(
            "timetable/lesson.html", title=_("Attendance"), lesson=lesson,
            roster=attendance_service.roster(lesson), statuses=ATTENDANCE_STATUSES,
            status_labels=STATUS_LABELS, flag_labels=FLAG_LABELS,
            lesson_status_labels=LESSON_STATUS_LABELS, held=lesson.status == LESSON_HELD,
            cancelled=lesson.status == LESSON_CANCELLED,
            can_mark=sm.can("write", "Attendance"),
            can_undo=sm.can("undo", "Attendance") or (
                sm.can("write", "Attendance") and attendance_service.undo_window_open(lesson)),
            can_edit_lesson=sm.can("write", "Lesson"))

    @expose("/<int:lesson_id>/save", methods=["POST"])
    @has_access
    def save(self, lesson_id):
        marks = [{"client_id": int(key.split("_", 1)[1]), "status": value}
                 for key, value in request.form.items()
                 if key.startswith("status_") and value and key.split("_", 1)[1].isdigit()]
        all_present = request.form.get("all_present") == "1"
        held = all_present or request.form.get("held") == "1"
        try:
            result = attendance_service.mark_attendance(
                lesson_id, marks, held=held, user=g.user,
                unmarked=PRESENT if all_present else ABSENT)
            db.session.commit()
            flash(_("Attendance saved: %(written)s sessions written off, %(returned)s returned.",
                    written=len(result.written_off), returned=len(result.cancelled)), "success")
            _flash_per_client(result)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        return redirect(url_for("AttendanceView.lesson", lesson_id=lesson_id))

    @expose("/<int:lesson_id>/undo", methods=["POST"])
    @has_access
    def undo(self, lesson_id):
        try:
            result = attendance_service.undo_held(
                lesson_id, user=g.user, any_time=self.appbuilder.sm.can("undo", "Attendance"))
            db.session.commit()
            flash(_("The lesson is planned again; %(returned)s sessions were returned.",
                    returned=len(result.cancelled)), "success")
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        return redirect(url_for("AttendanceView.lesson", lesson_id=lesson_id))


def todays_lessons(client_id, day):
    """Today's lessons of the client's groups (and individual lessons), one query."""
    start = datetime.combine(day, time())
    member_groups = (select(GroupMember.group_id)
                     .where(GroupMember.client_id == client_id, active_member_filter(day)))
    return list(db.session.execute(
        select(Lesson).options(joinedload(Lesson.service), joinedload(Lesson.group),
                               joinedload(Lesson.room), joinedload(Lesson.instructor))
        .where(Lesson.starts_at >= start, Lesson.starts_at < start + timedelta(days=1),
               Lesson.status != LESSON_CANCELLED,
               or_(Lesson.client_id == client_id, Lesson.group_id.in_(member_groups)))
        .order_by(Lesson.starts_at)).scalars())


class CheckInView(BaseView):
    """Front desk: scan a card (a scanner types the number and Enter), see the client, write
    off a lesson or a walk-in service with one click."""

    route_base = "/checkin"
    class_permission_name = "CheckIn"
    method_permission_name = {"index": "read", "lesson": "write", "service": "write"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        """``q`` (a card number scanned or typed, a name or a phone; ``card`` is the older name
        of it) finds the client; several matches are listed to pick from (``client``)."""
        query = (request.args.get("q") or request.args.get("card") or "").strip()
        acknowledged = request.args.get("ack") == "1"
        context = {"card": query, "client": None, "matches": [], "warning": None,
                   "acknowledged": acknowledged}
        client = None
        picked = arg_int(request.args.get("client"))
        if picked:
            client = db.session.get(Client, picked)
            if client is None or not self.appbuilder.sm.can("read", "Client"):
                abort(404)
        elif query:
            matches = find_at_desk(query, for_user=g.user)
            if not matches:
                flash(_("No client found for “%(text)s”.", text=query), "warning")
            elif len(matches) == 1:
                client = matches[0]
            else:
                context["matches"] = matches
        if client is not None:
            today = date.today()
            ids = [client.id]
            warning = desk_warning(client)
            context.update(
                client=client, warning=warning, lessons=todays_lessons(client.id, today),
                services=db.session.execute(select(Service).where(Service.active.is_(True))
                                            .order_by(Service.name)).scalars().all(),
                flags=sorted(member_flags(ids, today).get(client.id, ())),
                balance=client_balances(ids)[client.id],
                passes=_live_passes(client.id, today))
        return self.render_template("timetable/checkin.html", title=_("Check-in"),
                                    flag_labels=FLAG_LABELS, **context)

    def _back(self):
        return redirect(url_for("CheckInView.index", q=request.form.get("card", ""),
                                client=request.form.get("client_id", ""),
                                ack=request.form.get("ack", "")))

    def _warned(self, client_id):
        """A client whose category asks for a warning is checked in only once the desk saw
        it (the form sends ``ack=1`` after the warning was shown)."""
        client = db.session.get(Client, client_id)
        warning = desk_warning(client) if client is not None else None
        if warning is not None and request.form.get("ack") != "1":
            flash(str(warning), "danger")
            return False
        return True

    @expose("/lesson", methods=["POST"])
    @has_access
    def lesson(self):
        if not self._warned(int(request.form["client_id"])):
            return self._back()
        try:
            write_off = attendance_service.check_in_to_lesson(
                int(request.form["lesson_id"]), int(request.form["client_id"]), user=g.user)
            db.session.commit()
            _confirm(write_off)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        return self._back()

    @expose("/service", methods=["POST"])
    @has_access
    def service(self):
        if not self._warned(int(request.form["client_id"])):
            return self._back()
        try:
            walk_in = attendance_service.check_in_to_service(
                int(request.form["client_id"]), int(request.form["service_id"]))
            db.session.commit()
            if walk_in.repeated:
                flash(_("Already checked in at %(time)s: nothing written off again.",
                        time=walk_in.write_off.at.strftime("%H:%M")), "info")
            else:
                _confirm(walk_in.write_off, walk_in.reason)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        return self._back()


def _flash_per_client(result):
    """What happened to each client's visit: written off which pass, charged as debt, or
    already marked before (nothing more written off). Two queries."""
    ids = {w.client_id for w in result.written_off} | set(result.already)
    if not ids:
        return
    names = {c.id: c.full_name for c in db.session.scalars(
        select(Client).where(Client.id.in_(ids)))}
    notes = attendance_service.write_off_notes([w.id for w in result.written_off])
    for write_off in result.written_off:
        note, name = notes[write_off.id], names.get(write_off.client_id, "")
        if note["owed"]:
            flash(_("%(client)s: no valid pass: visit charged %(amount)s as debt.", client=name,
                    amount=money(note["value"])), "warning")
        else:
            flash(_("%(client)s: session written off from pass %(name)s.", client=name,
                    name=note["pass"]), "info")
    for client_id in result.already:
        flash(_("%(client)s: already marked, nothing written off again.",
                client=names.get(client_id, "")), "info")


def _confirm(write_off, reason=None):
    if write_off.pass_id:
        flash(_("Visit recorded: one session written off pass %(name)s.",
                name=str(write_off.pass_)), "success")
    elif reason:
        flash(_("%(reason)s The visit is charged %(amount)s as debt.", reason=reason,
                amount=money(write_off.value)), "warning")
    else:
        flash(_("No valid pass: the visit is charged %(amount)s as debt.",
                amount=money(write_off.value)), "warning")


def _live_passes(client_id, on_date):
    from app.models.passes import LIVE_STATUSES, Pass

    return db.session.execute(
        select(Pass).options(joinedload(Pass.plan))
        .where(Pass.client_id == client_id, Pass.status.in_(LIVE_STATUSES),
               Pass.end_date >= on_date).order_by(Pass.end_date)).scalars().all()


class LessonAttendanceApi(BaseApi):
    resource_name = "lesson"
    class_permission_name = "Attendance"
    method_permission_name = {"attendance": "write", "undo": "undo"}
    allow_browser_login = True
    openapi_spec_tag = "Attendance"

    @api_expose("/<int:lesson_id>/attendance", methods=["POST"])
    @protect()
    @api_action()
    def attendance(self, lesson_id):
        """Mark attendance (and optionally "held"); returns the write-offs made now.
        ---
        post:
          parameters:
          - {in: path, name: lesson_id, schema: {type: integer}}
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    marks: {type: array, items: {type: object}}
                    held: {type: boolean}
          responses:
            200: {description: "status, write_offs, cancelled_write_offs"}
            400: {description: "refused, with a message"}
            403: {description: "not your lesson"}
        """
        payload = json_body(optional=True)
        marks = payload.get("marks") or []
        if not isinstance(marks, list) or not all(isinstance(m, dict) and "client_id" in m
                                                  for m in marks):
            raise DomainError(MARKS_MESSAGE, field="marks")
        held = json_bool(payload, "held")
        try:
            result = attendance_service.mark_attendance(lesson_id, marks, held=held, user=g.user)
        except (TypeError, ValueError):
            raise DomainError(MARKS_MESSAGE, field="marks") from None
        return result.as_dict()

    @api_expose("/<int:lesson_id>/undo", methods=["POST"])
    @protect()
    @api_action()
    def undo(self, lesson_id):
        """Undo "held": the lesson is planned again and its sessions are returned.
        ---
        post:
          parameters:
          - {in: path, name: lesson_id, schema: {type: integer}}
          responses:
            200: {description: "status and cancelled write-offs"}
            400: {description: "not held"}
        """
        return attendance_service.undo_held(lesson_id, user=g.user).as_dict()


def visits_section(client):
    return {"items": attendance_service.visits(client.id), "status_labels": STATUS_LABELS}


register_card_section("visits", _l("Visits"), visits_section, "timetable/card_visits.html",
                      order=20, permission=("read", "Timetable"))


class CheckInApi(BaseApi):
    """``POST /api/v1/checkin/service``: a walk-in check-in (honours ``Idempotency-Key``)."""

    resource_name = "checkin"
    class_permission_name = "CheckIn"
    method_permission_name = {"service": "write"}
    allow_browser_login = True
    openapi_spec_tag = "Attendance"

    @api_expose("/service", methods=["POST"])
    @protect()
    @idempotent
    @api_action()
    def service(self):
        """Check a client in for a walk-in visit of a service: a session off the right pass or
        an owed visit; the same service again within the repeat window writes nothing.
        ---
        post:
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    client_id: {type: integer}
                    service_id: {type: integer}
          responses:
            200: {description: "the visit: write-off, pass, owed, repeated, reason"}
            400: {description: "refused (message, field)"}
        """
        payload = json_body()
        service_id = json_int(payload, "service_id")
        if db.session.get(Service, service_id) is None:
            raise DomainError(_l("No such service."), field="service_id")
        walk_in = attendance_service.check_in_to_service(json_int(payload, "client_id"),
                                                         service_id)
        write_off = walk_in.write_off
        return {"write_off_id": write_off.id, "pass_id": write_off.pass_id,
                "owed": write_off.pass_id is None, "value": str(write_off.value),
                "at": write_off.at.isoformat(), "repeated": walk_in.repeated,
                "reason": str(walk_in.reason) if walk_in.reason else None}


def register(appbuilder):
    appbuilder.add_view_no_menu(AttendanceView)
    add_menu_view(appbuilder, CheckInView, "Check-in", "Timetable", icon="fa-barcode",
                  label=_l("Check-in"), category_label=_l("Timetable"))
    appbuilder.add_api(LessonAttendanceApi)
    appbuilder.add_api(CheckInApi)
