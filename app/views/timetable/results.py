"""Learning results (the instructor's "electronic diary"): the results page of a lesson, the
``POST /api/v1/lesson/<id>/results`` API and the client card's "Learning results" section with
a small progress chart. Linked from the attendance page and from a course's sessions."""
from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import BaseApi, expose as api_expose, protect
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.timetable import LESSON_CANCELLED, Lesson
from app.services.clients import register_card_section
from app.services.platform import DomainError
from app.services.timetable import (SCALE_LABELS, SCALE_RANGE, SCALE_TEXT, allowed_marks,
                                    client_results, range_values, record_results,
                                    scale_labels)
from app.services.timetable.lessons import ensure_may_mark
from app.services.timetable.results import results_roster
from app.views.platform.api_support import api_action, json_body


def _load_lesson(lesson_id):
    lesson = db.session.execute(
        select(Lesson).where(Lesson.id == lesson_id)
        .options(joinedload(Lesson.service), joinedload(Lesson.group), joinedload(Lesson.room),
                 joinedload(Lesson.instructor), joinedload(Lesson.client))).scalar_one_or_none()
    if lesson is None:
        abort(404)
    return lesson


def _result_dict(row):
    return {"client_id": row.client_id, "mark": row.mark,
            "mark_value": None if row.mark_value is None else float(row.mark_value),
            "comment": row.comment}


def _scale(service):
    """What the results page offers for a mark: labels (a select), a range (a number input)
    or free text."""
    kind = service.mark_scale or SCALE_TEXT
    scale = {"kind": kind, "allowed": allowed_marks(service)}
    if kind == SCALE_LABELS:
        scale["labels"] = scale_labels(service)
    elif kind == SCALE_RANGE:
        scale.update(min=range_values(service)[0], max=range_values(service)[-1],
                     step=format(service.mark_step.normalize(), "f"))
    return scale


class LessonResultsView(BaseView):
    route_base = "/lesson-results"
    class_permission_name = "LessonResult"
    method_permission_name = {"lesson": "read", "save": "write"}

    def _page(self, lesson, typed=None):
        return self.render_template(
            "timetable/results.html", title=_("Learning results"), lesson=lesson,
            roster=results_roster(lesson), typed=typed, scale=_scale(lesson.service),
            cancelled=lesson.status == LESSON_CANCELLED,
            can_write=self.appbuilder.sm.can("write", "LessonResult"))

    @expose("/<int:lesson_id>")
    @has_access
    def lesson(self, lesson_id):
        lesson = _load_lesson(lesson_id)
        try:
            ensure_may_mark(lesson, g.user)
        except DomainError as exc:
            flash(str(exc.message), "danger")
            return redirect(url_for("TimetableView.index"))
        return self._page(lesson)

    @expose("/<int:lesson_id>", methods=["POST"])
    @has_access
    def save(self, lesson_id):
        form = request.form
        entries = [{"client_id": cid, "mark": form.get(f"mark_{cid}", ""),
                    "comment": form.get(f"comment_{cid}", "")}
                   for cid in form.getlist("client_id", type=int)]
        try:
            record_results(lesson_id, entries, user=g.user)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
            lesson = _load_lesson(lesson_id)
            typed = {e["client_id"]: e for e in entries}
            return self._page(lesson, typed=typed), exc.status_code
        flash(_("The results were saved."), "success")
        return redirect(url_for("LessonResultsView.lesson", lesson_id=lesson_id))


class LessonResultsApi(BaseApi):
    resource_name = "lesson"
    class_permission_name = "LessonResult"
    method_permission_name = {"results": "write", "get_results": "read"}
    allow_browser_login = True
    openapi_spec_tag = "Learning results"

    @api_expose("/<int:lesson_id>/results", methods=["GET"])
    @protect()
    @api_action()
    def get_results(self, lesson_id):
        """The lesson's learning results.
        ---
        get:
          parameters:
          - {in: path, name: lesson_id, schema: {type: integer}}
          responses:
            200: {description: "results: [{client_id, mark, comment}]"}
            403: {description: "not your lesson"}
            404: {description: "no such lesson"}
        """
        from app.services.timetable.results import get_lesson, lesson_results

        lesson = get_lesson(lesson_id)
        ensure_may_mark(lesson, g.user)
        return {"lesson_id": lesson.id,
                "results": [_result_dict(r) for r in lesson_results(lesson.id).values()]}

    @api_expose("/<int:lesson_id>/results", methods=["POST"])
    @protect()
    @api_action()
    def results(self, lesson_id):
        """Record marks and observations per participant (a result with neither is removed);
        marks must lie on the lesson's service's mark scale.
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
                    results:
                      type: array
                      items:
                        type: object
                        properties:
                          client_id: {type: integer}
                          mark: {type: string, maxLength: 20}
                          comment: {type: string, maxLength: 2000}
          responses:
            200: {description: "results: [{client_id, mark, mark_value (0..1 on the service's scale, null for free text), comment}]"}
            400: {description: "refused (message, field)"}
            422: {description: "a mark off the service's scale: nothing saved (message naming the person and the allowed marks, field, client_id, allowed)"}
            403: {description: "not your lesson"}
            404: {description: "no such lesson"}
        """
        payload = json_body()
        if "results" not in payload:
            raise DomainError(_l("Send results as a list of {client_id, mark, comment}."),
                              field="results")
        saved = record_results(lesson_id, payload["results"], user=g.user)
        return {"lesson_id": lesson_id, "results": [_result_dict(r) for r in saved.values()]}


CHART_WIDTH, CHART_HEIGHT = 300, 60


def progress_points(results):
    """The marks' normalised values (0..1 on their service's scale, so a 1–5 mark and an A–F
    mark compare) as chart points ``[(x, y)]`` across a 300×60 box, oldest left, 0 at the
    bottom and 1 at the top; free-text marks (no value) are left out."""
    values = [float(r.mark_value) for r in results if r.mark_value is not None]
    if len(values) < 2:
        return []
    step = CHART_WIDTH / (len(values) - 1)
    return [(round(i * step, 1), round(CHART_HEIGHT - 5 - v * (CHART_HEIGHT - 10), 1))
            for i, v in enumerate(values)]


def results_section(client):
    results = client_results([client.id])
    return {"items": list(reversed(results)), "points": progress_points(results),
            "width": CHART_WIDTH, "height": CHART_HEIGHT}


register_card_section("results", _l("Learning results"), results_section,
                      "timetable/card_results.html", order=25,
                      permission=("read", "LessonResult"))


def register(appbuilder):
    appbuilder.add_view_no_menu(LessonResultsView)
    appbuilder.add_api(LessonResultsApi)
