"""Communication REST APIs (``/api/v1/<resource>/``): message templates (+ preview with a client),
mailings (create, count a segment, send), messages (read only), tasks, calls and task results.
Refusals from the services come back as ``{"message": ..., "field": ...}`` with their status."""
from datetime import datetime

from flask import g, request
from flask_appbuilder.api import expose as api_expose, protect

from app.jobs.communication import queue_mailing
from app.models.communication import Call, Mailing, Message, MessageTemplate, Task, TaskResult
from app.services.communication import mailings as mailing_service
from app.services.communication import templates as template_service
from app.services.communication import tasks as task_service
from app.views.platform.api_support import (DomainErrorsApiMixin, api_action, json_body, json_bool,
                                   json_object)
from app.views.platform.base import API_ACTIONS, TesseraModelApi
from app.views.platform.eager import TesseraInterface


class ServiceApi(DomainErrorsApiMixin, TesseraModelApi):
    """Refusals from the services come back as JSON ``{"message": ...}`` with their status."""

    def _merge_update_item(self, model_item, data):
        """PUT as PATCH, without re-sending empty optional links (which the schema refuses)."""
        current = self.edit_model_schema.dump(model_item, many=False)
        for column in self.edit_columns:
            if column not in data and current.get(column) is not None:
                data[column] = current[column]
        return data


class MessageTemplateApi(ServiceApi):
    resource_name = "message_template"
    datamodel = TesseraInterface(MessageTemplate)
    class_permission_name = "MessageTemplate"
    method_permission_name = {**API_ACTIONS, "preview": "read"}
    openapi_spec_tag = "Communication"
    list_columns = show_columns = ["id", "name", "channel", "language", "subject", "body", "active"]
    add_columns = edit_columns = ["name", "channel", "language", "subject", "body", "active"]

    def pre_add(self, item):
        template_service.save_template(item)

    pre_update = pre_add

    @api_expose("/<int:pk>/preview", methods=["GET"])
    @protect()
    @api_action()
    def preview(self, pk):
        """The template filled in for a real client.
        ---
        get:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          - {in: query, name: client_id, schema: {type: integer}}
          responses:
            200: {description: "subject, body and recipients"}
            404: {description: "no such template or client"}
        """
        return template_service.preview_template(pk, request.args.get("client_id", type=int))


class MessageApi(TesseraModelApi):
    resource_name = "message"
    datamodel = TesseraInterface(Message)
    class_permission_name = "Message"
    include_route_methods = {"get", "get_list", "info"}
    openapi_spec_tag = "Communication"
    list_columns = show_columns = ["id", "mailing_id", "client_id", "kind", "channel",
                                   "recipient_name", "recipient", "subject", "status", "attempts",
                                   "created_on", "sent_at", "error"]
    search_columns = ["mailing_id", "client_id", "status", "channel", "kind"]


class MailingApi(ServiceApi):
    """Mailings. POST ``{title, template_name, channel, segment: {...}}`` creates a draft;
    ``POST /<id>/send`` sends it (once); ``POST /preview`` counts a segment's recipients."""

    resource_name = "mailing"
    datamodel = TesseraInterface(Mailing)
    class_permission_name = "Mailing"
    method_permission_name = {**API_ACTIONS, "send": "write", "count": "read"}
    include_route_methods = {"get", "get_list", "info", "post", "send", "count"}
    openapi_spec_tag = "Communication"
    list_columns = show_columns = ["id", "title", "template_name", "channel", "segment", "status",
                                   "callback_tasks", "started_at", "finished_at", "job_id"]
    add_columns = ["title", "template_name", "channel", "segment", "callback_tasks"]

    @api_action(201)
    def post_headless(self):
        payload = json_body(optional=True)
        mailing = mailing_service.create_mailing(
            payload.get("title"), payload.get("template_name"), payload.get("channel", "email"),
            json_object(payload, "segment"), json_bool(payload, "callback_tasks", default=True))
        return {"id": mailing.id, "result": self.show_model_schema.dump(mailing)}

    @api_expose("/<int:pk>/send", methods=["POST"])
    @protect()
    @api_action(202)
    def send(self, pk):
        """Send a draft mailing.
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          responses:
            202: {description: "queued; job_id to follow at /api/v1/job/<job_id>"}
            409: {description: "already sent"}
        """
        return {"job_id": queue_mailing(pk, g.user.id).id}

    @api_expose("/preview", methods=["POST"])
    @protect()
    @api_action()
    def count(self):
        """Count a segment's clients and messages before sending.
        ---
        post:
          responses:
            200: {description: "clients, messages, skipped"}
        """
        payload = json_body(optional=True)
        return mailing_service.segment_preview(json_object(payload, "segment"),
                                               payload.get("channel", "email"))


class TaskResultApi(ServiceApi):
    resource_name = "task_result"
    datamodel = TesseraInterface(TaskResult)
    class_permission_name = "TaskDirectory"
    openapi_spec_tag = "Communication"
    list_columns = show_columns = ["id", "name", "kind", "active"]
    add_columns = edit_columns = ["name", "kind", "active"]

    def pre_add(self, item):
        task_service.validate_task_result(item)

    pre_update = pre_add


class TaskApi(ServiceApi):
    resource_name = "task"
    datamodel = TesseraInterface(Task)
    class_permission_name = "Task"
    openapi_spec_tag = "Communication"
    list_columns = show_columns = ["id", "due_at", "manager_id", "client_id", "text", "status",
                                   "result_id", "reaction", "done_at", "mailing_id"]
    add_columns = edit_columns = ["due_at", "manager_id", "client_id", "text", "status",
                                  "result_id", "reaction"]
    search_columns = ["manager_id", "client_id", "status", "due_at", "mailing_id"]

    def pre_add(self, item):
        item.status = item.status or "open"
        task_service.validate_task(item)

    pre_update = pre_add


class CallApi(ServiceApi):
    resource_name = "call"
    datamodel = TesseraInterface(Call)
    class_permission_name = "Call"
    include_route_methods = {"get", "get_list", "info", "post", "put"}
    openapi_spec_tag = "Communication"
    list_columns = show_columns = ["id", "at", "manager_id", "client_id", "duration_seconds",
                                   "result_id", "reaction", "task_id"]
    add_columns = edit_columns = ["at", "manager_id", "client_id", "duration_seconds",
                                  "result_id", "reaction", "task_id"]
    search_columns = ["manager_id", "client_id", "at", "result_id"]

    def post_headless(self):
        payload = request.get_json(silent=True)
        if isinstance(payload, dict) and not payload.get("at"):
            payload["at"] = datetime.now().strftime("%Y-%m-%d %H:%M:%S")  # a call logged now
        return super().post_headless()

    def pre_add(self, item):
        item.manager_id = item.manager_id or g.user.id
        task_service.validate_call(item)

    pre_update = pre_add
