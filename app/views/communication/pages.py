"""Hand-written communication pages: the manager's desk, the control figures, the mailing form
(segment → count → draft → send) and a template's preview with a real client; plus the client
card's calls, messages and tasks sections."""
from datetime import date

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _, lazy_gettext as _l, lazy_pgettext as _p
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app import formatting
from app.extensions import db
from app.models.communication import Mailing, MessageTemplate
from app.security import role_can
from app.services.communication import mailings as mailing_service
from app.services.communication import templates as template_service
from app.services.communication import messaging
from app.services.communication import tasks as task_service
from app.services.platform import DomainError
from app.views.platform.api_support import arg_date

MESSAGE_STATUS_LABELS = {"queued": _l("Queued"), "sending": _l("Sending"), "sent": _l("Sent"),
                         "failed": _l("Failed"), "skipped": _l("Skipped")}
MAILING_STATUS_LABELS = {"draft": _l("Draft"), "sending": _l("Sending"), "done": _l("Done")}
TASK_STATUS_LABELS = {"open": _p("task status", "Open"), "done": _l("Done"), "problem": _l("Problem")}


def _can(action_name, resource):
    return any(role_can(role.name, action_name, resource) for role in g.user.roles)


class ManagerDeskView(BaseView):
    """Today's and overdue tasks of the logged-in manager, and a one-step call log."""

    route_base = "/desk"
    class_permission_name = "ManagerDesk"
    method_permission_name = {"index": "read", "log_call": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self.render_template(
            "communication/desk.html", title=_("My desk"),
            tasks=task_service.desk_tasks(g.user.id), results=task_service.task_results(),
            calls=task_service.recent_calls(g.user.id), can_call=_can("write", "Call"),
            status_labels=TASK_STATUS_LABELS)

    @expose("/call", methods=["POST"])
    @has_access
    def log_call(self):
        if not _can("write", "Call"):
            abort(403)
        form = request.form
        try:
            minutes = float((form.get("duration_minutes") or "0").replace(",", "."))
            task_id = form.get("task_id", type=int)
            client_id = form.get("client_id", type=int)
            if task_id and not client_id:
                from app.models.communication import Task

                task = db.session.get(Task, task_id)
                client_id = task.client_id if task else None
            task_service.log_call(
                g.user.id, client_id, round(minutes * 60), form.get("result_id", type=int),
                form.get("reaction"), task_id=task_id, close=bool(form.get("close")),
                task_status=form.get("task_status") or "done")
            db.session.commit()
            flash(_("Call logged."), "success")
        except ValueError:
            db.session.rollback()
            flash(_("The duration must be a number of minutes."), "danger")
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        except StaleDataError:
            db.session.rollback()
            flash(_("This record was changed by someone else meanwhile. Reload and try again."),
                  "danger")
        return redirect(url_for("ManagerDeskView.index"))


class ManagerControlView(BaseView):
    """Calls per manager and day, tasks per result, clients' reactions (SQL GROUP BY)."""

    route_base = "/desk/control"
    class_permission_name = "ManagerControl"
    method_permission_name = {"index": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        date_to = arg_date(request.args.get("to"), date.today())
        date_from = arg_date(request.args.get("from"), date_to.replace(day=1))
        return self.render_template(
            "communication/control.html", title=_("Managers' control"),
            date_from=date_from, date_to=date_to,
            calls=task_service.calls_by_manager_and_day(date_from, date_to),
            results=task_service.tasks_by_result(date_from, date_to),
            reactions=task_service.reactions(date_from, date_to),
            status_labels=TASK_STATUS_LABELS)


def _segment_from_form(form):
    return {name: form.get(name) for name in mailing_service.SEGMENT_FIELDS if form.get(name)}


def _segment_choices():
    from app.models.clients import ClientCategory, Industry, Tag
    from app.models.passes import PASS_STATUSES, Service
    from flask_appbuilder.security.sqla.models import User

    def rows(model, label):
        return db.session.execute(select(model.id, label).order_by(label)).all()

    return {
        "category_id": rows(ClientCategory, ClientCategory.name),
        "service_id": rows(Service, Service.name),
        "industry_id": rows(Industry, Industry.name),
        "tag_id": rows(Tag, Tag.name),
        "manager_id": [(r[0], f"{r[1]} {r[2]}") for r in db.session.execute(
            select(User.id, User.first_name, User.last_name).order_by(User.last_name))],
        "pass_status": [(s, formatting.value(s)) for s in PASS_STATUSES],
        "templates": db.session.execute(
            select(MessageTemplate.name, MessageTemplate.channel).distinct()
            .where(MessageTemplate.active.is_(True))
            .order_by(MessageTemplate.name, MessageTemplate.channel)).all(),
    }


class MailingPagesView(BaseView):
    route_base = "/mailings"
    class_permission_name = "Mailing"
    method_permission_name = {"new": "write", "detail": "read", "send": "write"}
    default_view = "new"

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        form = request.form
        preview = None
        if request.method == "POST":
            segment = _segment_from_form(form)
            try:
                if form.get("do") == "save":
                    mailing = mailing_service.create_mailing(
                        form.get("title"), form.get("template_name"), form.get("channel", "email"),
                        segment, bool(form.get("callback_tasks")))
                    db.session.commit()
                    flash(_("Mailing saved as a draft."), "success")
                    return redirect(url_for("MailingPagesView.detail", mailing_id=mailing.id))
                preview = mailing_service.segment_preview(segment, form.get("channel", "email"))
            except DomainError as exc:
                db.session.rollback()
                flash(str(exc.message), "danger")
        return self.render_template("communication/mailing_new.html", title=_("New mailing"),
                                    form=form, preview=preview, choices=_segment_choices())

    @expose("/<int:mailing_id>")
    @has_access
    def detail(self, mailing_id):
        mailing = db.session.get(Mailing, mailing_id)
        if mailing is None:
            abort(404)
        counts = messaging.message_counts(mailing_id)
        return self.render_template(
            "communication/mailing_detail.html", title=mailing.title, mailing=mailing,
            segment=mailing_service.mailing_segment(mailing), counts=counts,
            total=sum(counts.values()), status_labels=MESSAGE_STATUS_LABELS,
            mailing_status=MAILING_STATUS_LABELS.get(mailing.status, mailing.status),
            can_send=_can("write", "Mailing") and mailing.status == "draft")

    @expose("/<int:mailing_id>/send", methods=["POST"])
    @has_access
    def send(self, mailing_id):
        from app.jobs.communication import queue_mailing

        try:
            queue_mailing(mailing_id, g.user.id)
            flash(_("Sending started."), "success")
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        return redirect(url_for("MailingPagesView.detail", mailing_id=mailing_id))


class TemplatePreviewView(BaseView):
    route_base = "/messagetemplates"
    class_permission_name = "MessageTemplate"
    method_permission_name = {"preview": "read"}

    @expose("/<int:template_id>/preview")
    @has_access
    def preview(self, template_id):
        from app.models.clients import Client

        template = db.session.get(MessageTemplate, template_id)
        if template is None:
            abort(404)
        query = (request.args.get("q") or "").strip()
        matches, result = [], None
        if query:
            from app.services.clients import normalize_text

            like = f"%{normalize_text(query)}%"
            matches = db.session.execute(
                select(Client.id, Client.last_name, Client.first_name)
                .where((Client.search_name.like(like)) | (Client.email.like(f"%{query}%")))
                .order_by(Client.last_name).limit(20)).all()
        client_id = request.args.get("client_id", type=int)
        if client_id:
            try:
                result = template_service.preview_template(template_id, client_id)
            except DomainError as exc:
                flash(str(exc.message), "danger")
        return self.render_template("communication/template_preview.html",
                                    title=_("Preview"), message_template=template, q=query,
                                    matches=matches, result=result)


# --- client card sections ------------------------------------------------------------------

def calls_section(client):
    return {"items": task_service.client_calls(client.id, limit=20)}


def messages_section(client):
    return {"items": messaging.client_messages(client.id, limit=20),
            "status_labels": MESSAGE_STATUS_LABELS}


def tasks_section(client):
    return {"items": task_service.client_tasks(client.id, limit=20),
            "status_labels": TASK_STATUS_LABELS}


def register_card_sections():
    try:
        from app.services.clients import register_card_section
    except ImportError:
        return False
    register_card_section("calls", _l("Calls"), calls_section, "communication/card_calls.html",
                          order=50, permission=("read", "Call"))
    register_card_section("messages", _l("Messages"), messages_section,
                          "communication/card_messages.html", order=60,
                          permission=("read", "Message"))
    register_card_section("tasks", _l("Tasks"), tasks_section, "communication/card_tasks.html",
                          order=70, permission=("read", "Task"))
    return True
