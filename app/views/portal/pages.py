"""The client portal at ``/my/``: sign-up, login, password reset, bookings and waitlists.

These pages are a plain Flask blueprint, outside FAB's security: a portal login is kept in the
session under its own keys (``portal_account``, ``portal_gen``, with the staff sessions' idle
and absolute timeouts) and never sets FAB's user, so
every staff page and API still sees an anonymous visitor and refuses it. The pages show only
the cards linked to the account (own and children's) and never staff-only fields.
"""
import time
from functools import wraps

from flask import (Blueprint, Response, abort, current_app, flash, g, redirect, render_template,
                   request, session, url_for)
from flask_babel import gettext as _

from app.extensions import db
from app.models.portal import CODE_RESET, CODE_SIGNUP, PortalAccount
from app.services.platform import DomainError
from app.services.portal import accounts, booking, family, feeds, online_payment, providers
from app.views.portal.common import deliver

blueprint = Blueprint("portal", __name__, url_prefix="/my")
# the payment provider's webhook: no session, no CSRF token (the portal API's prefix), a signature
webhooks = Blueprint("portal_webhooks", __name__, url_prefix="/api/v1/portal/payments")


def language_names():
    """The interface languages by their own names (config.installed_languages)."""
    return [(code, info["name"]) for code, info in current_app.config["LANGUAGES"].items()]


ACCOUNT_KEY = "portal_account"
GENERATION_KEY = "portal_gen"
LOGIN_AT_KEY = "portal_login_at"
SEEN_AT_KEY = "portal_seen_at"


def current_account():
    account_id = session.get(ACCOUNT_KEY)
    if account_id is None:
        return None
    account = db.session.get(PortalAccount, account_id)
    now = time.time()
    config = current_app.config
    expired = (now - session.get(LOGIN_AT_KEY, 0) > config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()
               or now - session.get(SEEN_AT_KEY, 0) > config["SESSION_IDLE_TIMEOUT"].total_seconds())
    if account is None or not account.active or expired \
            or session.get(GENERATION_KEY) != account.generation:
        _end_session()
        return None
    if now - session.get(SEEN_AT_KEY, 0) > 30:
        session[SEEN_AT_KEY] = now
    return account


def _end_session():
    for key in (ACCOUNT_KEY, GENERATION_KEY, LOGIN_AT_KEY, SEEN_AT_KEY):
        session.pop(key, None)


def account_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        account = current_account()
        if account is None:
            return redirect(url_for("portal.login"))
        g.portal_account = account
        return view(*args, **kwargs)
    return wrapper


def _render(template, **context):
    return render_template(template, languages=language_names(),
                           account=getattr(g, "portal_account", None), **context)


def _refused(exc, template, **context):
    db.session.rollback()
    return _render(template, error=str(exc.message), field=exc.field, form=request.form,
                   **context), exc.status_code


def _start_session(account):
    session.pop("_user_id", None)  # never a staff login and a portal login in one session
    session[ACCOUNT_KEY] = account.id
    session[GENERATION_KEY] = account.generation
    session[LOGIN_AT_KEY] = session[SEEN_AT_KEY] = time.time()
    if account.language:
        session["locale"] = account.language


@blueprint.route("/", methods=["GET"])
def index():
    account = current_account()
    if account is None:
        return redirect(url_for("portal.login"))
    g.portal_account = account
    people = accounts.account_clients(account.id)
    client_ids = {c.id for c in people}
    return _render("portal/home.html", people=people, family=family.family_summary(people),
                   bookings=booking.client_bookings(client_ids),
                   waitlist=booking.client_waitlist(client_ids),
                   lessons=booking.bookable_lessons(),
                   feeds=feeds.live_feeds(client_ids=client_ids),
                   online=providers.get_provider() is not None,
                   plans=online_payment.sellable_plans())


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return _render("portal/login.html", form={})
    try:
        account = accounts.authenticate(request.form.get("contact"), request.form.get("password"),
                                        request.remote_addr)
        db.session.commit()
    except DomainError as exc:
        return _refused(exc, "portal/login.html")
    _start_session(account)
    return redirect(url_for("portal.index"))


@blueprint.route("/logout", methods=["POST"])
def logout():
    _end_session()
    return redirect(url_for("portal.login"))


def _code_flow(purpose, template):
    step = request.form.get("step", "contact")
    try:
        if request.method == "GET":
            return _render(template, form=request.args, step="contact")
        if step == "contact":
            ids = accounts.request_code(request.form.get("contact"), purpose,
                                        request.form.get("language"))
            db.session.commit()
            deliver(ids)
            return _render(template, form=request.form, step="code",
                           notice=_("We have sent a one-time code to this address."))
        if purpose == CODE_SIGNUP:
            account = accounts.sign_up(request.form.get("contact"), request.form.get("code"),
                                       request.form.get("password"), request.form.get("language"))
        else:
            account = accounts.reset_password(request.form.get("contact"),
                                              request.form.get("code"),
                                              request.form.get("password"))
        db.session.commit()
    except DomainError as exc:
        return _refused(exc, template, step=step)
    _start_session(account)
    return redirect(url_for("portal.index"))


@blueprint.route("/signup", methods=["GET", "POST"])
def signup():
    return _code_flow(CODE_SIGNUP, "portal/signup.html")


@blueprint.route("/reset", methods=["GET", "POST"])
def reset():
    return _code_flow(CODE_RESET, "portal/reset.html")


def _action(work, message):
    try:
        work()
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
        return redirect(url_for("portal.index"))
    flash(message, "success")
    return redirect(url_for("portal.index"))


def _int(name):
    try:
        return int(request.form.get(name, ""))
    except ValueError:
        abort(400)


@blueprint.route("/book", methods=["POST"])
@account_required
def book():
    account = g.portal_account
    client_id = accounts.ensure_own_client(account.id, request.form.get("client_id"))
    return _action(lambda: booking.book(client_id, _int("lesson_id"), account.id),
                   _("Booked."))


@blueprint.route("/waitlist", methods=["POST"])
@account_required
def waitlist():
    account = g.portal_account
    client_id = accounts.ensure_own_client(account.id, request.form.get("client_id"))
    return _action(lambda: booking.join_waitlist(client_id, _int("lesson_id"), account.id),
                   _("You are on the waitlist; we will tell you when a place frees."))


@blueprint.route("/booking/<int:booking_id>/cancel", methods=["POST"])
@account_required
def cancel(booking_id):
    account = g.portal_account
    client_ids = accounts.account_client_ids(account.id)

    def work():
        done = booking.cancel(booking_id, client_ids)
        db.session.commit()
        _after_cancel(done.lesson_id)

    return _action(work, _("The booking is cancelled."))


def _after_cancel(lesson_id):
    from app.jobs.portal import enqueue_promotion

    enqueue_promotion(lesson_id)


@blueprint.route("/language", methods=["POST"])
@account_required
def language():
    account = g.portal_account
    return _action(lambda: (accounts.set_language(account, request.form.get("language")),
                            session.__setitem__("locale", request.form.get("language"))),
                   _("Language saved."))


@blueprint.route("/feed/<token>.ics", methods=["GET"])
def feed(token):
    """A private calendar feed (a client's bookings or an instructor's lessons): no login, the
    token is the key; a revoked or unknown token answers 404."""
    try:
        body = feeds.feed_calendar(token)
    except DomainError:
        abort(404)
    return Response(body, mimetype="text/calendar",
                    headers={"Cache-Control": "private, no-store"})


@blueprint.route("/calendar/<int:client_id>/issue", methods=["POST"])
@account_required
def calendar_issue(client_id):
    account = g.portal_account
    client_id = accounts.ensure_own_client(account.id, client_id)
    token = feeds.issue_feed(client_id=client_id)
    db.session.commit()
    return _render("portal/calendar.html", url=url_for("portal.feed", token=token, _external=True))


@blueprint.route("/calendar/<int:client_id>/revoke", methods=["POST"])
@account_required
def calendar_revoke(client_id):
    account = g.portal_account
    client_id = accounts.ensure_own_client(account.id, client_id)
    return _action(lambda: feeds.revoke_feed(client_id=client_id),
                   _("The calendar link is revoked."))


@blueprint.route("/pay", methods=["POST"])
@account_required
def pay():
    """Start paying a debt or a pass online: the client is sent to the provider's checkout."""
    account = g.portal_account
    client_id = accounts.ensure_own_client(account.id, request.form.get("client_id"))
    plan_id = request.form.get("plan_id") or None
    try:
        _checkout, url = online_payment.start_checkout(
            providers.get_provider(), client_id, request.form.get("purpose"),
            plan_id=int(plan_id) if plan_id and plan_id.isdigit() else None,
            account_id=account.id, return_url=url_for("portal.paid", _external=True))
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
        return redirect(url_for("portal.index"))
    return redirect(url)


@blueprint.route("/paid", methods=["GET"])
@account_required
def paid():
    flash(_("Thank you: the payment shows here as soon as the payment service confirms it."),
          "success")
    return redirect(url_for("portal.index"))


@webhooks.route("/webhook", methods=["POST"])
def payment_webhook():
    """The provider confirms a payment (signed); recorded once, whatever the replays."""
    try:
        outcome = online_payment.handle_webhook(providers.get_provider(), request.get_data(),
                                                request.headers)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        return {"message": str(exc.message), "field": exc.field}, exc.status_code
    return {"outcome": outcome}


@blueprint.errorhandler(DomainError)
def _domain_error(exc):
    db.session.rollback()
    flash(str(exc.message), "danger")
    return redirect(url_for("portal.index"))


def register(appbuilder):
    current_app._get_current_object().register_blueprint(blueprint)
    current_app._get_current_object().register_blueprint(webhooks)
    from app.views.portal import api, feeds as feed_views, staff

    api.register(appbuilder)
    staff.register(appbuilder)
    feed_views.register(appbuilder)
