"""Calendar feeds on the staff side: an instructor issues, re-issues or revokes the private
iCal URL of their own lessons; a manager (``manage`` on ``CalendarFeed``) does it for any
instructor. The feed itself is served by the portal blueprint (``/my/feed/<token>.ics``)."""
from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models.staff import Employee
from app.security import role_can
from app.services.platform import DomainError
from app.services.portal import feeds
from app.views.platform.base import add_menu_view


def _can_manage():
    return any(role_can(role.name, "manage", "CalendarFeed") for role in g.user.roles)


def _own_employee():
    return db.session.scalar(select(Employee).where(Employee.user_id == g.user.id))


class CalendarFeedView(BaseView):
    route_base = "/calendar-feeds"
    class_permission_name = "CalendarFeed"
    method_permission_name = {"index": "read", "issue": "read", "revoke": "read"}
    base_permissions = ["can_read", "can_manage"]  # manage: any instructor's link
    default_view = "index"

    @expose("/")
    @has_access
    def index(self, new_token=None, new_for=None):
        own = _own_employee()
        others = []
        if _can_manage():
            others = list(db.session.scalars(select(Employee).where(Employee.active.is_(True))
                                              .order_by(Employee.full_name)))
        ids = {e.id for e in others} | ({own.id} if own else set())
        return self.render_template(
            "portal/staff_feeds.html", title=_("Calendar feeds"), own=own, others=others,
            live=feeds.live_feeds(employee_ids=ids), new_token=new_token, new_for=new_for)

    def _employee_id(self):
        try:
            employee_id = int(request.form.get("employee_id", ""))
        except ValueError:
            abort(400)
        own = _own_employee()
        if not (own and own.id == employee_id) and not _can_manage():
            abort(403)
        return employee_id

    @expose("/issue", methods=["POST"])
    @has_access
    def issue(self):
        employee_id = self._employee_id()
        try:
            token = feeds.issue_feed(employee_id=employee_id)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
            return redirect(url_for("CalendarFeedView.index"))
        return self.index(new_token=url_for("portal.feed", token=token, _external=True),
                          new_for=employee_id)

    @expose("/revoke", methods=["POST"])
    @has_access
    def revoke(self):
        feeds.revoke_feed(employee_id=self._employee_id())
        db.session.commit()
        flash(_("The calendar link is revoked."), "success")
        return redirect(url_for("CalendarFeedView.index"))


def register(appbuilder):
    add_menu_view(appbuilder, CalendarFeedView, "Calendar feeds", "Timetable",
                  icon="fa-calendar", label=_l("Calendar feeds"), category_label=_l("Timetable"))
