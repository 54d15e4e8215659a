"""The client portal's REST API (for a future mobile app), under ``/api/v1/portal/``.

Authenticated by a portal API token only (``POST /api/v1/portal/login`` →
``Authorization: Bearer <token>``): never by the session cookie, and a staff JWT is no portal
token, so staff are refused here as portal clients are refused on every staff API. Refusals are
JSON with a translated message naming the field.
"""
from functools import wraps

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _

from app.extensions import db
from app.services.platform import DomainError
from app.services.portal import accounts, booking, family

blueprint = Blueprint("portal_api", __name__, url_prefix="/api/v1/portal")


def _refusal(exc):
    db.session.rollback()
    body = {"message": str(exc.message)}
    if exc.field:
        body["field"] = exc.field
    return jsonify(body), exc.status_code


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.startswith("Bearer ") else None
        account = accounts.account_for_token(token)
        if account is None:
            return jsonify(message=_("Log in to the client portal first.")), 401
        g.portal_account = account
        try:
            return view(*args, **kwargs)
        except DomainError as exc:
            return _refusal(exc)
    return wrapper


def _body():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError(_("Send a JSON object."))
    return data


def _id(data, name):
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise DomainError(_("Enter a valid %(field)s.", field=name), field=name)
    return value


def _lesson(lesson, settings=None, free=None):
    body = {"id": lesson.id, "starts_at": lesson.starts_at.isoformat(),
            "ends_at": lesson.ends_at.isoformat(), "service": lesson.service.name,
            "room": lesson.room.name if lesson.room else None,
            "instructor": lesson.instructor.full_name if lesson.instructor else None}
    if free is not None:
        body["free_places"] = free
    return body


def _booking(item):
    return {"id": item.id, "client_id": item.client_id, "status": item.status,
            "lesson": _lesson(item.lesson)}


@blueprint.route("/login", methods=["POST"])
def login():
    try:
        data = _body()
        account = accounts.authenticate(data.get("contact"), data.get("password"),
                                        request.remote_addr)
        token = accounts.issue_token(account)
        db.session.commit()
    except DomainError as exc:
        return _refusal(exc)
    return jsonify(access_token=token)


@blueprint.route("/me", methods=["GET"])
@token_required
def me():
    account = g.portal_account
    people = accounts.account_clients(account.id)
    ids = {c.id for c in people}
    summary = family.family_summary(people)
    return jsonify(
        login=account.login, language=account.language,
        family_balance=str(summary["total"]),
        balances={str(p["client"].id): str(p["balance"]) for p in summary["people"]},
        makeup_credits=[{"id": c.id, "client_id": c.client_id, "service_id": c.service_id,
                         "valid_until": c.valid_until.isoformat()} for c in summary["credits"]],
        people=[{"id": c.id, "first_name": c.first_name, "last_name": c.last_name,
                 "language": c.language} for c in people],
        bookings=[_booking(b) for b in booking.client_bookings(ids)],
        waitlist=[{"id": w.id, "client_id": w.client_id, "lesson": _lesson(w.lesson)}
                  for w in booking.client_waitlist(ids)])


@blueprint.route("/lessons", methods=["GET"])
@token_required
def lessons():
    return jsonify(lessons=[_lesson(lesson, settings, free)
                            for lesson, settings, free in booking.bookable_lessons()])


@blueprint.route("/booking", methods=["POST"])
@token_required
def book():
    account = g.portal_account
    data = _body()
    client_id = accounts.ensure_own_client(account.id, _id(data, "client_id"))
    item = booking.book(client_id, _id(data, "lesson_id"), account.id)
    db.session.commit()
    return jsonify(_booking(item)), 201


@blueprint.route("/booking/<int:booking_id>", methods=["DELETE"])
@token_required
def cancel(booking_id):
    account = g.portal_account
    item = booking.cancel(booking_id, accounts.account_client_ids(account.id))
    db.session.commit()
    from app.jobs.portal import enqueue_promotion

    enqueue_promotion(item.lesson_id)
    return jsonify(_booking(item))


@blueprint.route("/waitlist", methods=["POST"])
@token_required
def waitlist():
    account = g.portal_account
    data = _body()
    client_id = accounts.ensure_own_client(account.id, _id(data, "client_id"))
    entry = booking.join_waitlist(client_id, _id(data, "lesson_id"), account.id)
    db.session.commit()
    return jsonify({"id": entry.id, "client_id": entry.client_id,
                    "lesson_id": entry.lesson_id, "status": entry.status}), 201


def register(appbuilder):
    current_app._get_current_object().register_blueprint(blueprint)
