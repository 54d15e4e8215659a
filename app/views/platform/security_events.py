"""Admin's page of security events (logins, failures, lockouts, password and role changes,
denials), filtered by kind, username and period (UTC dates)."""
from datetime import date

from flask import request
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _, lazy_gettext as _l

from app.services.platform import security_events
from app.views.platform.base import add_menu_view


def _date_arg(name):
    value = request.args.get(name) or ""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class SecurityEventView(BaseView):
    route_base = "/security-events"
    class_permission_name = "SecurityEvent"  # Admin only: no role is granted it
    method_permission_name = {"index": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        kind = request.args.get("kind") or None
        if kind not in security_events.KIND_LABELS:
            kind = None
        username = (request.args.get("username") or "").strip()[:256] or None
        date_from, date_to = _date_arg("from"), _date_arg("to")
        rows = security_events.events(kind, username, date_from, date_to)
        response = self.render_template(
            "platform/security_events.html", title=_("Security events"), rows=rows,
            kinds=security_events.KIND_LABELS, kind=kind, username=username or "",
            date_from=date_from, date_to=date_to, limit=security_events.PAGE_SIZE)
        return response


def register(appbuilder):
    add_menu_view(appbuilder, SecurityEventView, "Security events", "Administration",
                  icon="fa-shield", label=_l("Security events"),
                  category_label=_l("Administration"))
