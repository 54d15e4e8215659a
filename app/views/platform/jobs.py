"""Background jobs: the status endpoint behind every progress bar, and Admin's job list."""
import os

from flask import flash, g, redirect, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import BaseApi, expose as api_expose, protect
from flask_babel import lazy_gettext as _l, gettext as _

from app.jobs import enqueue
from app.jobs.platform import purge_expired_files
from app.security import ADMIN
from app.services.platform import jobs as job_service
from app.views.platform.api_support import api_action
from app.views.platform.base import add_menu_view


def _is_admin(user):
    return any(role.name == ADMIN for role in getattr(user, "roles", []))


class JobApi(BaseApi):
    resource_name = "job"
    class_permission_name = "Job"
    method_permission_name = {"status": "read", "download": "read"}
    allow_browser_login = True
    openapi_spec_tag = "Jobs"

    @api_expose("/<string:job_id>", methods=["GET"])
    @protect()
    @api_action()
    def status(self, job_id):
        """Status and progress of a background job.
        ---
        get:
          parameters:
          - in: path
            name: job_id
            schema: {type: string}
          responses:
            200: {description: "status, progress (0-100), meta, error, result link"}
            403: {description: "started by someone else"}
            404: {description: "no such job"}
        """
        info = job_service.job_status(job_id, g.user, _is_admin(g.user))
        if info["has_result"]:
            info["result_url"] = url_for("JobApi.download", job_id=job_id)
        return info

    @api_expose("/<string:job_id>/download", methods=["GET"])
    @protect()
    @api_action()
    def download(self, job_id):
        """Download the file a finished job built.
        ---
        get:
          parameters:
          - in: path
            name: job_id
            schema: {type: string}
          responses:
            200: {description: "the file"}
            404: {description: "no file"}
        """
        path = job_service.result_file(job_id, g.user, _is_admin(g.user))
        return send_file(path, as_attachment=True, download_name=os.path.basename(path))


class JobAdminView(BaseView):
    route_base = "/jobs"
    class_permission_name = "JobAdmin"
    method_permission_name = {"index": "read", "purge": "write"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self.render_template(
            "platform/jobs.html",
            title=_("Background jobs"),
            records=job_service.recent_jobs(),
            failed=job_service.failed_jobs(),
            queues=job_service.queue_lengths(),
        )

    @expose("/purge", methods=["POST"])
    @has_access
    def purge(self):
        job = enqueue(purge_expired_files, kind="purge_expired_files", user_id=g.user.id)
        flash(_("Housekeeping started (job %(id)s).", id=job.id), "info")
        return redirect(url_for("JobAdminView.index"))


def register(appbuilder):
    appbuilder.add_api(JobApi)
    add_menu_view(appbuilder, JobAdminView, "Background jobs", "Administration",
                  icon="fa-cogs", label=_l("Background jobs"), category_label=_l("Administration"))
