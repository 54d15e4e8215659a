"""Communication CRUD pages: templates, mailings, messages, tasks, calls and the directory of
task results. Every save goes through the services (``message_templates``, ``tasks``); the REST
APIs are in ``app.views.communication.api``, hand-written pages (desk, control, mailing form,
template preview) in ``app.views.communication.pages``."""
from flask import g, redirect, url_for
from flask_appbuilder.actions import action
from flask_babel import lazy_gettext as _l, lazy_pgettext as _p
from wtforms import BooleanField, SelectField

from app.models.communication import Call, Mailing, Message, MessageTemplate, Task, TaskResult
from app.services.communication import templates as template_service
from app.services.communication import tasks as task_service
from app.services.communication.messaging import SKIP_REASONS
from app.views.platform.base import MODELVIEW_ACTIONS, TesseraModelView
from app.views.platform.eager import TesseraInterface

LABELS = {
    "name": _l("Name"), "channel": _l("Channel"), "language": _l("Language"),
    "subject": _l("Subject"), "body": _l("Text"), "active": _l("Active"),
    "title": _l("Title"), "template_name": _l("Template"), "segment": _l("Segment"),
    "status": _l("Status"), "callback_tasks": _l("Call-back tasks"),
    "started_at": _l("Started"), "finished_at": _l("Finished"), "mailing": _l("Mailing"),
    "client": _l("Client"), "recipient_name": _l("Recipient"), "recipient": _l("Address"),
    "attempts": _l("Attempts"), "sent_at": _l("Sent"), "error": _l("Error"),
    "created_on": _l("Created"), "kind": _l("Kind"), "due_at": _l("Due"),
    "manager": _l("Manager"), "text": _l("Task"), "result": _l("Result"),
    "reaction": _l("Client's reaction"), "done_at": _l("Done"), "at": _l("Date and time"),
    "duration_seconds": _l("Duration (seconds)"), "task": _l("Task"),
}
CHANNEL_CHOICES = [("email", _l("Email")), ("sms", _l("SMS"))]
TASK_STATUS_CHOICES = [("open", _p("task status", "Open")), ("done", _l("Done")), ("problem", _l("Problem"))]
RESULT_KIND_CHOICES = [("answer", _l("Answer")),
                       ("yes", _l("Yes, agrees (registers a person invited to a course)")),
                       ("refusal", _l("Refusal reason"))]
RESULT_KIND_LABELS = dict(RESULT_KIND_CHOICES)  # the list and show pages label the codes


def _language_choices():
    from flask import current_app

    return [(code, info["name"]) for code, info in current_app.config["LANGUAGES"].items()]


class LanguageField(SelectField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=[("en", "English")], **kwargs)

    def pre_validate(self, form):
        self.choices = _language_choices()
        super().pre_validate(form)

    def iter_choices(self):
        self.choices = _language_choices()
        return super().iter_choices()


# --- templates -----------------------------------------------------------------------------

class MessageTemplateModelView(TesseraModelView):
    datamodel = TesseraInterface(MessageTemplate)
    class_permission_name = "MessageTemplate"
    route_base = "/messagetemplate"
    list_title = _l("Message templates")
    show_title = _l("Message template")
    add_title = _l("New message template")
    edit_title = _l("Edit message template")
    label_columns = LABELS
    list_columns = ["name", "channel", "language", "subject", "active"]
    add_columns = edit_columns = ["name", "channel", "language", "subject", "body", "active"]
    show_columns = add_columns + ["changed_by", "changed_on"]
    search_columns = ["name", "channel", "language", "active"]
    base_order = ("name", "asc")
    add_form_extra_fields = edit_form_extra_fields = {
        "channel": SelectField(LABELS["channel"], choices=CHANNEL_CHOICES),
        "language": LanguageField(LABELS["language"]),
        "active": BooleanField(LABELS["active"], default=True),
    }
    description_columns = {
        "body": _l("Placeholders: %(names)s",
                   names=", ".join("<code>{%s}</code>" % n for n in template_service.PLACEHOLDERS)),
    }

    method_permission_name = {**MODELVIEW_ACTIONS, "preview": "read"}

    def pre_add(self, item):
        template_service.save_template(item)

    pre_update = pre_add

    @action("preview", _l("Preview with a client"), None, "fa-eye", multiple=False)
    def preview(self, item):
        return redirect(url_for("TemplatePreviewView.preview", template_id=item.id))


# --- mailings and messages -----------------------------------------------------------------

class MessageModelView(TesseraModelView):
    datamodel = TesseraInterface(Message)
    class_permission_name = "Message"
    route_base = "/message"
    base_permissions = ["can_read"]
    list_title = _l("Messages")
    show_title = _l("Message")
    label_columns = LABELS
    list_columns = ["created_on", "mailing", "client", "channel", "recipient", "status",
                    "attempts", "sent_at"]
    show_columns = ["mailing", "client", "kind", "channel", "recipient_name", "recipient",
                    "subject", "body", "status", "attempts", "created_on", "sent_at", "error"]
    search_columns = ["mailing", "client", "channel", "status", "recipient", "kind"]
    base_order = ("id", "desc")
    formatters_columns = {"error": lambda value: SKIP_REASONS.get(value, value or "")}


class MailingModelView(TesseraModelView):
    """The list of mailings; the form and the send button are on ``MailingPagesView``."""

    datamodel = TesseraInterface(Mailing)
    class_permission_name = "Mailing"
    route_base = "/mailing"
    base_permissions = ["can_read"]
    list_title = _l("Mailings")
    show_title = _l("Mailing")
    label_columns = LABELS
    list_columns = ["title", "template_name", "channel", "status", "started_at", "finished_at"]
    show_columns = ["title", "template_name", "channel", "segment", "status", "callback_tasks",
                    "started_at", "finished_at", "created_by", "created_on"]
    search_columns = ["title", "template_name", "channel", "status"]
    base_order = ("id", "desc")


# --- tasks, calls, results -----------------------------------------------------------------

class TaskResultModelView(TesseraModelView):
    datamodel = TesseraInterface(TaskResult)
    class_permission_name = "TaskDirectory"
    route_base = "/taskresult"
    list_title = _l("Call and task results")
    add_title = _l("New result")
    edit_title = _l("Edit result")
    show_title = _l("Result")
    label_columns = LABELS
    list_columns = ["name", "kind", "active"]
    add_columns = edit_columns = show_columns = ["name", "kind", "active"]
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": SelectField(LABELS["kind"], choices=RESULT_KIND_CHOICES),
        "active": BooleanField(LABELS["active"], default=True),
    }
    base_order = ("name", "asc")

    def pre_add(self, item):
        task_service.validate_task_result(item)

    pre_update = pre_add


class TaskModelView(TesseraModelView):
    datamodel = TesseraInterface(Task)
    class_permission_name = "Task"
    route_base = "/task"
    list_title = _l("Tasks")
    show_title = _l("Task")
    add_title = _l("New task")
    edit_title = _l("Edit task")
    label_columns = LABELS
    list_columns = ["due_at", "manager", "client", "text", "status", "result"]
    add_columns = ["due_at", "manager", "client", "text"]
    edit_columns = ["due_at", "manager", "client", "text", "status", "result", "reaction"]
    show_columns = edit_columns + ["done_at", "mailing", "created_by", "created_on"]
    search_columns = ["manager", "client", "status", "result", "due_at", "mailing"]
    add_form_extra_fields = edit_form_extra_fields = {
        "status": SelectField(LABELS["status"], choices=TASK_STATUS_CHOICES, default="open"),
    }
    base_order = ("due_at", "asc")

    def pre_add(self, item):
        item.status = item.status or "open"
        task_service.validate_task(item)

    pre_update = pre_add


class CallModelView(TesseraModelView):
    datamodel = TesseraInterface(Call)
    class_permission_name = "Call"
    route_base = "/call"
    list_title = _l("Calls")
    show_title = _l("Call")
    add_title = _l("Log a call")
    edit_title = _l("Edit call")
    label_columns = LABELS
    list_columns = ["at", "manager", "client", "duration_seconds", "result", "reaction"]
    add_columns = edit_columns = ["at", "manager", "client", "duration_seconds", "result",
                                  "reaction"]
    show_columns = add_columns + ["task", "created_by", "created_on"]
    search_columns = ["manager", "client", "result", "at"]
    base_order = ("at", "desc")

    def pre_add(self, item):
        item.manager_id = item.manager_id or g.user.id
        task_service.validate_call(item)

    pre_update = pre_add


def register(appbuilder):
    from app.views.communication import api as apis
    from app.views.communication import pages
    from app.views.platform.base import add_menu_link, add_menu_view

    category = dict(category_label=_l("Communication"))
    add_menu_view(appbuilder, pages.ManagerDeskView, "My desk", "Communication",
                  icon="fa-briefcase", label=_l("My desk"), category_icon="fa-envelope",
                  **category)
    add_menu_view(appbuilder, TaskModelView, "Tasks", "Communication", icon="fa-check-square-o",
                  label=_l("Tasks"), **category)
    add_menu_view(appbuilder, CallModelView, "Calls", "Communication", icon="fa-phone",
                  label=_l("Calls"), **category)
    add_menu_view(appbuilder, MailingModelView, "Mailings", "Communication", icon="fa-paper-plane",
                  label=_l("Mailings"), **category)
    appbuilder.add_view_no_menu(pages.MailingPagesView)
    add_menu_link(appbuilder, "New mailing", "/mailings/new", "Mailing", "Communication",
                  icon="fa-plus", label=_l("New mailing"), **category)
    add_menu_view(appbuilder, MessageModelView, "Messages", "Communication", icon="fa-envelope-o",
                  label=_l("Messages"), **category)
    add_menu_view(appbuilder, MessageTemplateModelView, "Message templates", "Communication",
                  icon="fa-file-text-o", label=_l("Message templates"), **category)
    appbuilder.add_view_no_menu(pages.TemplatePreviewView)
    add_menu_view(appbuilder, TaskResultModelView, "Call and task results", "Communication",
                  icon="fa-list", label=_l("Call and task results"), **category)
    add_menu_view(appbuilder, pages.ManagerControlView, "Managers' control", "Communication",
                  icon="fa-bar-chart", label=_l("Managers' control"), **category)
    for api in (apis.MessageTemplateApi, apis.MessageApi, apis.MailingApi, apis.TaskApi,
                apis.CallApi, apis.TaskResultApi):
        appbuilder.add_api(api)
    pages.register_card_sections()
