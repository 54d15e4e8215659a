"""Timetable pages: the grid (day / week), adding, moving and cancelling single lessons, the
rooms / groups / patterns / holidays directories, and the timetable API."""
from datetime import date, datetime, time, timedelta

import os
import tempfile

from flask import Response, flash, g, jsonify, redirect, render_template, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import BaseApi, expose as api_expose, protect
from flask_babel import gettext as _, lazy_gettext as _l, pgettext
from sqlalchemy import select
from wtforms import SelectField, TimeField
from wtforms.validators import DataRequired
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models.clients import Client
from app.models.passes import Service
from app.models.timetable import (LESSON_CANCELLED, LESSON_HELD, Group, GroupMember, Holiday,
                                  LessonPattern, Room)
from app.models.staff import Employee
from app.services import documents
from app.services.timetable import lessons as timetable_service
from app.services.platform import DomainError
from app.services.timetable.grid import DAY, WEEK, build_grid, filter_choices, group_choices
from app.views.platform.api_support import arg_date, arg_int, iso
from app.views.platform.base import TesseraModelView, add_menu_view
from app.views.platform.eager import TesseraInterface
from app.views.platform.search_choices import client_choices, page_number, page_of_choices
from app.views.platform.time_filters import TimeAwareInterface
from app.views.timetable.cards import ANY_LESSON, lesson_cards

WEEKDAYS = [_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
            _l("Saturday"), _l("Sunday")]


def grid_request_args(args):
    """(day, view, room, instructor, group) from a page's or the API's query string."""
    view = WEEK if args.get("view") == WEEK else DAY
    return (arg_date(args.get("date"), date.today()), view, arg_int(args.get("room")),
            arg_int(args.get("instructor")), arg_int(args.get("group")))


def grid_for_user(user, day, view, room_id, instructor_id, group_id):
    """The grid as ``user`` may see it: an instructor only sees own lessons; a week without a
    room, instructor or group shows the first room (or the instructor's own week)."""
    own = timetable_service.own_instructor_ids(user)
    if view == WEEK and not (room_id or instructor_id or group_id) and own is None:
        first_room = db.session.scalar(select(Room.id).where(Room.active.is_(True))
                                       .order_by(Room.name).limit(1))
        room_id = first_room
    return build_grid(day, view, room_id, instructor_id, group_id, instructor_ids=own)


class TimetableView(BaseView):
    route_base = "/timetable"
    class_permission_name = "Timetable"
    method_permission_name = {"index": "read", "print_week": "read", "groups": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        day, view, room_id, instructor_id, group_id = grid_request_args(request.args)
        grid = grid_for_user(g.user, day, view, room_id, instructor_id, group_id)
        step = timedelta(days=7 if view == WEEK else 1)
        return self.render_template(
            "timetable/grid.html", title=_("Timetable"), grid=grid,
            choices=filter_choices(rooms=grid.rooms, group_id=grid.filters["group"]),
            prev_day=day - step, next_day=day + step, today=date.today(),
            can_add=self.appbuilder.sm.can("write", "Lesson"),
            weekdays=WEEKDAYS, slot_minutes=_slot_minutes(grid),
            slot_labels=[slot.strftime("%H:%M") for slot in grid.slots],
            lesson_cards=lesson_cards(
                grid.lessons, url_for("AttendanceView.lesson", lesson_id=ANY_LESSON),
                with_room=grid.view == WEEK and not grid.filters["room"],
                status_labels={LESSON_CANCELLED: _("Cancelled"),
                               LESSON_HELD: pgettext("lesson status", "Held")}))

    @expose("/choices/group")
    @has_access
    def groups(self):
        """The group filter's choices matching ``?q=`` (Select2's JSON), fetched when opened."""
        return jsonify(page_of_choices(group_choices(), request.args.get("q", ""),
                                       page_number(request.args.get("page"))))

    @expose("/print")
    @has_access
    def print_week(self):
        """The week of one room or one instructor as one A4 landscape PDF page."""
        day, _view, room_id, instructor_id, _group = grid_request_args(request.args)
        own = timetable_service.own_instructor_ids(g.user)
        if own and not (room_id or instructor_id):
            instructor_id = sorted(own)[0]  # an instructor prints their own week
        grid = grid_for_user(g.user, day, WEEK, room_id, instructor_id, None)
        room_id, instructor_id = grid.filters["room"], grid.filters["instructor"]
        if instructor_id:
            employee = db.session.get(Employee, instructor_id)
            subject = employee.full_name if employee else ""
        elif room_id:
            room = db.session.get(Room, room_id)
            subject = room.name if room else ""
        else:
            flash(_("Choose a room or an instructor to print their week."), "warning")
            return redirect(url_for("TimetableView.index", view=WEEK, date=day.isoformat()))
        columns = [{"day": d, "lessons": []} for d in grid.days]
        for card in sorted(grid.lessons, key=lambda c: c["starts_at"]):
            columns[card["row"]]["lessons"].append(card)
        busiest = max((len(c["lessons"]) for c in columns), default=0)
        html = render_template(
            "timetable/print_week.html", subject=subject, grid=grid, columns=columns,
            weekdays=WEEKDAYS, font_pt=max(5.0, min(9.0, 9.0 * 9 / max(busiest, 1))),
            by_instructor=bool(instructor_id))
        with tempfile.TemporaryDirectory() as folder:
            path = documents.html_to_pdf(html, os.path.join(folder, "timetable.pdf"),
                                         landscape=True)
            with open(path, "rb") as pdf:
                data = pdf.read()
        name = f"timetable-{grid.days[0].isoformat()}.pdf"
        return Response(data, mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{name}"'})


def _slot_minutes(grid):
    if len(grid.slots) < 2:
        return 60
    first, second = grid.slots[0], grid.slots[1]
    return (second.hour * 60 + second.minute) - (first.hour * 60 + first.minute)


class LessonView(BaseView):
    """Single lessons: add one (prefilled from an empty grid cell), move it, cancel it."""

    route_base = "/lessons"
    class_permission_name = "Lesson"
    method_permission_name = {"add": "write", "move": "write", "cancel": "write",
                              "generate": "write", "clients": "write"}

    def _form_choices(self, values=None):
        """The form's drop-downs; the group and client pickers fetch their choices when opened
        (hundreds of groups, any number of clients): only the chosen ones are read here."""
        chosen = (values or {}).get("client")
        client = db.session.get(Client, chosen) if chosen else None
        return {
            "services": db.session.execute(select(Service.id, Service.name)
                                           .where(Service.active.is_(True))
                                           .order_by(Service.name)).all(),
            **filter_choices(group_id=(values or {}).get("group")),
            "client": client,
        }

    @expose("/choices/client")
    @has_access
    def clients(self):
        """The individual lesson's client picker: the client search for ``?q=`` (Select2)."""
        return jsonify(client_choices(request.args.get("q", ""),
                                      page_number(request.args.get("page"))))

    def _back(self, day):
        return redirect(url_for("TimetableView.index", date=day.isoformat()))

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        form = request.form if request.method == "POST" else request.args
        values = {
            "service": arg_int(form.get("service")), "group": arg_int(form.get("group")),
            "client": arg_int(form.get("client")), "room": arg_int(form.get("room")),
            "instructor": arg_int(form.get("instructor")),
            "date": form.get("date") or date.today().isoformat(),
            "start": form.get("start") or "10:00", "minutes": arg_int(form.get("minutes")) or 60,
        }
        if values["group"] and request.method == "GET":
            group = db.session.get(Group, values["group"])
            if group is not None:
                values["service"] = values["service"] or group.service_id
                values["instructor"] = values["instructor"] or group.instructor_id
                values["room"] = values["room"] or group.room_id
        if request.method == "POST":
            try:
                starts_at = datetime.combine(date.fromisoformat(values["date"]),
                                             time.fromisoformat(values["start"]))
                group = db.session.get(Group, values["group"]) if values["group"] else None
                service_id = values["service"] or (group.service_id if group else None)
                if not service_id:
                    raise DomainError(_l("Choose a service."), field="service")
                timetable_service.add_lesson(
                    service_id, starts_at, starts_at + timedelta(minutes=values["minutes"]),
                    room_id=values["room"], instructor_id=values["instructor"],
                    group_id=values["group"], client_id=values["client"])
                db.session.commit()
                flash(_("The lesson was added."), "success")
                return self._back(starts_at.date())
            except ValueError:
                db.session.rollback()
                flash(_("Enter a valid date and time."), "danger")
            except DomainError as exc:
                db.session.rollback()
                flash(str(exc.message), "danger")
        return self.render_template("timetable/lesson_form.html", title=_("Add a lesson"),
                                    values=values, lesson=None, **self._form_choices(values))

    @expose("/<int:lesson_id>/move", methods=["GET", "POST"])
    @has_access
    def move(self, lesson_id):
        try:
            lesson = timetable_service.get_lesson(lesson_id)
        except DomainError as exc:
            flash(str(exc.message), "danger")
            return redirect(url_for("TimetableView.index"))
        form = request.form
        values = {
            "room": arg_int(form.get("room")) or lesson.room_id,
            "instructor": arg_int(form.get("instructor")) or lesson.instructor_id,
            "date": form.get("date") or lesson.starts_at.date().isoformat(),
            "start": form.get("start") or lesson.starts_at.strftime("%H:%M"),
            "minutes": arg_int(form.get("minutes")) or int(
                (lesson.ends_at - lesson.starts_at).total_seconds() // 60),
        }
        if request.method == "POST":
            try:
                starts_at = datetime.combine(date.fromisoformat(values["date"]),
                                             time.fromisoformat(values["start"]))
                timetable_service.move_lesson(
                    lesson, starts_at, starts_at + timedelta(minutes=values["minutes"]),
                    room_id=values["room"], instructor_id=values["instructor"])
                db.session.commit()
                flash(_("The lesson was moved."), "success")
                return self._back(starts_at.date())
            except ValueError:
                db.session.rollback()
                flash(_("Enter a valid date and time."), "danger")
            except StaleDataError:
                db.session.rollback()
                flash(_("This lesson was changed by someone else meanwhile; try again."),
                      "danger")
            except DomainError as exc:
                db.session.rollback()
                flash(str(exc.message), "danger")
            lesson = timetable_service.get_lesson(lesson_id)
        return self.render_template("timetable/lesson_form.html", title=_("Move the lesson"),
                                    values=values, lesson=lesson, **self._form_choices())

    @expose("/generate", methods=["POST"])
    @has_access
    def generate(self):
        day = arg_date(request.form.get("date"), date.today())
        first = day - timedelta(days=day.weekday())
        result = timetable_service.generate_lessons(first, first + timedelta(days=6))
        db.session.commit()
        flash(_("Lessons generated from the weekly patterns: %(created)s new, %(skipped)s "
                "skipped (holidays or busy room or instructor).", created=len(result.created),
                skipped=len(result.skipped)), "success")
        return redirect(url_for("TimetableView.index", date=day.isoformat()))

    @expose("/<int:lesson_id>/cancel", methods=["POST"])
    @has_access
    def cancel(self, lesson_id):
        try:
            lesson = timetable_service.get_lesson(lesson_id)
            timetable_service.cancel_lesson(lesson)
            db.session.commit()
            flash(_("The lesson was cancelled."), "success")
            return self._back(lesson.starts_at.date())
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        return redirect(url_for("AttendanceView.lesson", lesson_id=lesson_id))


# --- directories --------------------------------------------------------------------------------

class RoomView(TesseraModelView):
    datamodel = TesseraInterface(Room)
    class_permission_name = "Room"
    list_title = _l("Rooms")
    list_columns = ["name", "capacity", "active"]
    add_columns = edit_columns = show_columns = ["name", "capacity", "active", "notes"]
    label_columns = {"name": _l("Name"), "capacity": _l("Capacity"), "active": _l("Active"),
                     "notes": _l("Notes")}
    order_columns = ["name", "capacity"]
    base_order = ("name", "asc")


class GroupMemberView(TesseraModelView):
    datamodel = TesseraInterface(GroupMember)
    class_permission_name = "Group"
    list_title = _l("Group members")
    list_columns = ["client", "joined_on", "left_on"]
    add_columns = edit_columns = ["group", "client", "joined_on", "left_on"]
    label_columns = {"group": _l("Group"), "client": _l("Client"), "joined_on": _l("Joined on"),
                     "left_on": _l("Left on")}

    def pre_add(self, item):
        timetable_service.check_enrolment(item.group, item.client_id or item.client.id,
                                          item.joined_on or date.today())


class LessonPatternView(TesseraModelView):
    datamodel = TimeAwareInterface(LessonPattern)
    class_permission_name = "Group"
    list_title = _l("Weekly patterns")
    list_columns = ["group", "weekday", "start_time", "duration_minutes", "valid_from",
                    "valid_to"]
    add_columns = edit_columns = list_columns
    search_columns = ["group", "weekday", "valid_from", "valid_to"]
    show_columns = list_columns
    add_form_extra_fields = edit_form_extra_fields = {
        "start_time": TimeField(_l("Start time"), validators=[DataRequired()]),
        "weekday": SelectField(_l("Weekday"), coerce=int,
                               choices=[(i, name) for i, name in enumerate(WEEKDAYS)]),
    }
    label_columns = {"group": _l("Group"), "weekday": _l("Weekday"),
                     "start_time": _l("Start time"), "duration_minutes": _l("Minutes"),
                     "valid_from": _l("Valid from"), "valid_to": _l("Valid to")}


class GroupView(TesseraModelView):
    datamodel = TesseraInterface(Group)
    class_permission_name = "Group"
    list_title = _l("Groups")
    list_columns = ["name", "service", "instructor", "room", "capacity", "active"]
    add_columns = edit_columns = show_columns = list_columns
    search_columns = ["name", "service", "instructor", "room", "active"]
    label_columns = {"name": _l("Name"), "service": _l("Service"),
                     "instructor": _l("Instructor"), "room": _l("Room"),
                     "capacity": _l("Capacity"), "active": _l("Active")}
    related_views = [GroupMemberView, LessonPatternView]
    base_order = ("name", "asc")

    def pre_add(self, item):
        item.room_id = item.room.id if item.room else None
        timetable_service.check_group(item)

    pre_update = pre_add


class HolidayView(TesseraModelView):
    datamodel = TesseraInterface(Holiday)
    class_permission_name = "Holiday"
    list_title = _l("Holidays")
    list_columns = add_columns = edit_columns = ["name", "starts_on", "ends_on"]
    label_columns = {"name": _l("Name"), "starts_on": _l("From"), "ends_on": _l("To")}
    base_order = ("starts_on", "desc")


# --- API -----------------------------------------------------------------------------------------

class TimetableApi(BaseApi):
    resource_name = "timetable"
    class_permission_name = "Timetable"
    method_permission_name = {"grid": "read"}
    allow_browser_login = True
    openapi_spec_tag = "Timetable"

    @api_expose("", methods=["GET"])
    @protect()
    def grid(self):
        """The timetable of a day (rooms) or a week (one room, instructor or group).
        ---
        get:
          parameters:
          - {in: query, name: date, schema: {type: string, format: date}}
          - {in: query, name: view, schema: {type: string, enum: [day, week]}}
          - {in: query, name: room, schema: {type: integer}}
          - {in: query, name: instructor, schema: {type: integer}}
          - {in: query, name: group, schema: {type: integer}}
          responses:
            200: {description: "rows, slots and lessons with filled/capacity and red flag"}
        """
        day, view, room_id, instructor_id, group_id = grid_request_args(request.args)
        grid = grid_for_user(g.user, day, view, room_id, instructor_id, group_id)
        rows = [{"key": row["key"], "label": str(row["label"]) if row["label"] else None,
                 "date": iso(row["day"]), "room_id": row["room_id"]} for row in grid.rows]
        lessons = [dict(card, starts_at=iso(card["starts_at"]), ends_at=iso(card["ends_at"]))
                   for card in grid.lessons]
        return self.response(200, date=iso(day), view=view, days=[iso(d) for d in grid.days],
                             slots=[s.strftime("%H:%M") for s in grid.slots], rows=rows,
                             lessons=lessons)


def register(appbuilder):
    add_menu_view(appbuilder, TimetableView, "Timetable grid", "Timetable", icon="fa-calendar",
                  label=_l("Timetable grid"), category_label=_l("Timetable"))
    appbuilder.add_view_no_menu(LessonView)
    add_menu_view(appbuilder, RoomView, "Rooms", "Timetable", icon="fa-building",
                  label=_l("Rooms"), category_label=_l("Timetable"))
    add_menu_view(appbuilder, GroupView, "Groups", "Timetable", icon="fa-users",
                  label=_l("Groups"), category_label=_l("Timetable"))
    appbuilder.add_view_no_menu(GroupMemberView)
    appbuilder.add_view_no_menu(LessonPatternView)
    add_menu_view(appbuilder, HolidayView, "Holidays", "Timetable", icon="fa-sun-o",
                  label=_l("Holidays"), category_label=_l("Timetable"))
    appbuilder.add_api(TimetableApi)
