"""The audit view: what was added or changed since the last audit mark, and by whom."""
from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _, lazy_gettext as _l

from app.extensions import appbuilder
from app.services import audit
from app.views.platform.base import add_menu_view


class AuditView(BaseView):
    route_base = "/audit"
    class_permission_name = "Audit"
    method_permission_name = {"index": "read", "mark": "mark"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        mark = audit.latest_mark()
        show_all = request.args.get("all") == "1"
        since = None if (show_all or mark is None) else mark.at
        hidden = audit.hidden_fields_for(appbuilder.sm.can)
        rows = audit.entries_since(since, hidden, table=request.args.get("table") or None)
        return self.render_template("audit/index.html", title=_("Audit log"), rows=rows,
                                    mark=mark, show_all=show_all,
                                    can_mark=appbuilder.sm.can("mark", "Audit"))

    @expose("/mark", methods=["POST"])
    @has_access
    def mark(self):
        audit.set_mark(g.user.id, request.form.get("note") or None)
        flash(_("Audit mark set: later changes will be listed from now on."), "success")
        return redirect(url_for("AuditView.index"))


def register(appbuilder):
    add_menu_view(appbuilder, AuditView, "Audit log", "Administration", icon="fa-history",
                  label=_l("Audit log"), category_label=_l("Administration"))
