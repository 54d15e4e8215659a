"""Tessera application factory."""
import logging
import os

from flask import Flask

from flask import request

from app.extensions import appbuilder, csrf, db, migrate

log = logging.getLogger(__name__)


def create_app(config=None):
    """Build the Flask app: config, database, FAB (security, views, API), CLI commands."""
    from config import get_config, instance_secret_key

    app = Flask(__name__, instance_path=os.environ.get("TESSERA_INSTANCE_DIR") or None)
    app.config.from_object(config or get_config())
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    for folder in (app.config["UPLOAD_FOLDER"], app.config["REPORTS_FOLDER"]):
        os.makedirs(folder, exist_ok=True)

    db.init_app(app)
    csrf.init_app(app)
    app.before_request(_csrf_unless_bearer)
    from app import models  # noqa: F401  (registers every model on the metadata)
    from app.services import audit

    audit.install()

    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))

    from app.views.platform import fab_speedups

    fab_speedups.install()
    with app.app_context():
        from app.security import role_definitions
        from app.views.platform.auth import AuthSecurityManager, password_form_validator

        app.config["FAB_ROLES"] = role_definitions()
        app.config.setdefault("FAB_PASSWORD_COMPLEXITY_VALIDATOR", password_form_validator)
        appbuilder.security_manager_class = AuthSecurityManager
        appbuilder.indexview = _index_view()
        appbuilder.base_template = "tessera_base.html"
        from app.services.platform import live_catalogs

        live_catalogs.prepare(app)  # the catalogs folder and its languages, seen live
        appbuilder.init_app(app, db.session)
        from app.views import register_views

        register_views(appbuilder)
    fab_speedups.install_menu_cache(app)

    live_catalogs.install(app)
    _remember_language(app)
    _guard_sessions(app)
    _keep_bearer_user(app)
    _security_headers(app)
    from app.views.platform import input_guard

    input_guard.install(app)
    from app.views.platform.errors import register_error_pages

    register_error_pages(app)  # 403 / 404 / 500 inside the layout, with a way back
    _automatic_documents(app)
    from app import cli, formatting

    cli.register(app)
    formatting.register(app)
    return app


def _automatic_documents(app):
    """Jobs written for after a commit are handed to Redis after each request; the documents
    domain listens to payments, sales and courses (receipts, invoices, certificates, contracts)."""
    from app.jobs import push_committed
    from app.jobs.documents import install_automatic_documents
    from app.services.platform.queue import install_outbox_events

    install_outbox_events(db.session)
    install_automatic_documents()

    @app.after_request
    def _push_committed_jobs(response):
        try:
            push_committed()
        except Exception:  # the relay hands them over within a minute
            log.exception("jobs written for after the commit wait in the outbox")
        return response


def _csrf_unless_bearer():
    """CSRF on every state-changing request that rides on the session cookie.

    API clients authenticating with a JWT bearer token carry no ambient credentials, so a
    forged cross-site request cannot use them; the browser's cookie-authenticated calls can,
    and must send the token (forms: a hidden field; scripts: the X-CSRFToken header).
    """
    from flask import current_app

    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return
    if request.headers.get("Authorization", "").startswith("Bearer ") and _valid_bearer_token():
        return
    if request.path == "/api/v1/security/login":
        return  # credentials in the body; nothing ambient to forge
    if request.path.startswith("/api/v1/portal/"):
        return  # the client portal's API takes bearer tokens only, never the session cookie
    csrf.protect()


def _keep_bearer_user(app):
    """The user of a bearer token already verified before FAB's own ``before_request`` (the CSRF
    check above runs first) stays the request's ``g.user``: FAB resets ``g.user`` to the cookie's
    (anonymous) user, and its ``protect`` then finds the token valid without loading it again, so
    views reading ``g.user`` saw an anonymous user on every bearer-token write with CSRF on."""
    from flask import g
    from flask_jwt_extended import get_current_user
    from flask_login import current_user

    @app.before_request
    def bearer_user():
        if getattr(g, "_jwt_extended_jwt_user", None) and not current_user.is_authenticated:
            user = get_current_user()
            if user is not None:
                g.user = user


def _valid_bearer_token():
    """Whether the request's bearer token is a valid, current API token of an active user."""
    from flask_jwt_extended import verify_jwt_in_request

    try:
        verify_jwt_in_request()
    except Exception:  # any invalid, expired, revoked or malformed token
        return False
    return True


def _guard_sessions(app):
    """Session generations and timeouts on every request, login stamping, security events for
    denials and lockouts, and JSON 429s on the API (see app/services/platform/sessions.py)."""
    from flask import jsonify, redirect, session, url_for
    from flask_babel import gettext
    from flask_login import current_user, logout_user, user_logged_in

    from app.services.platform import security_events, sessions
    from app.services.platform.users import install_account_change_tracking

    install_account_change_tracking()

    def stamp_login(sender, user, **extra):
        sessions.start(session, user.id)

    user_logged_in.connect(stamp_login, app, weak=False)

    @app.before_request
    def end_stale_session():
        if request.endpoint == "static" or "_user_id" not in session:
            return None
        if not current_user.is_authenticated:  # the user was deleted or deactivated
            session.clear()
            return None
        if sessions.still_valid(session, current_user.id, current=getattr(
                current_user, "tessera_session_generation", None)):
            return None
        logout_user()
        session.clear()
        if request.path.startswith("/api/"):
            return jsonify(message=gettext("Your session has ended; please log in again.")), 401
        return redirect(url_for("AuthDBView.login", next=request.full_path
                                if request.method == "GET" else None))

    @app.after_request
    def record_denial(response):
        if response.status_code == 403:
            from app.models.base import current_user_id

            user_id = current_user_id()
            if user_id is not None:
                from app.extensions import db

                try:
                    db.session.rollback()  # nothing of a refused request is kept
                    user = app.appbuilder.sm.get_user_by_id(user_id)
                    security_events.record(security_events.DENIED,
                                           getattr(user, "username", None), user_id,
                                           detail=f"{request.method} {request.path}"[:500])
                except Exception:  # recording must never turn a 403 into a 500
                    log.exception("could not record a permission denial")
                    db.session.rollback()
        return response

    @app.after_request
    def answer_lockout(response):
        from flask import g

        if g.get("tessera_login_locked"):
            session.pop("_flashes", None)
            return too_many_attempts(None)
        return response

    @app.errorhandler(429)
    def too_many_attempts(error):
        message = gettext("Too many failed login attempts; wait a little and try again.")
        if request.path.startswith("/api/"):
            return app.make_response((jsonify(message=message), 429))
        from flask import render_template

        return app.make_response((render_template(
            "platform/too_many_attempts.html", message=message, appbuilder=app.appbuilder), 429))


CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",  # plus the request's nonce, for FAB's inline scripts
    "style-src": "'self'",
    # FAB's and our templates use style="" attributes; no inline <style> or script is allowed
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _security_headers(app):
    """flask-talisman: CSP (the app's own scripts and styles only; FAB's inline scripts carry
    the request's nonce), frame-ancestors 'none' and X-Frame-Options, nosniff,
    Referrer-Policy, HSTS in production. Every dynamic response is ``Cache-Control: no-store``
    (the login page and the CRM's pages carry personal data); static files stay cacheable."""
    from flask_talisman import Talisman

    production = bool(app.config.get("HSTS_ENABLED"))
    Talisman(
        app,
        force_https=False,  # TLS is the reverse proxy's; HSTS tells browsers to stay on it
        strict_transport_security=production,
        strict_transport_security_max_age=365 * 24 * 3600,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=["script-src"],
        referrer_policy="strict-origin-when-cross-origin",
        session_cookie_secure=bool(app.config.get("SESSION_COOKIE_SECURE")),
        session_cookie_http_only=True,
        x_content_type_options=True,
    )

    @app.after_request
    def no_store(response):
        if request.endpoint not in ("static", "appbuilder.static"):
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response


def _remember_language(app):
    """FAB keeps the chosen language in the session; we also keep it per user, for next time."""
    from flask import g, redirect, session, url_for
    from flask_babel import get_locale, refresh
    from flask_login import user_logged_in

    from app.services.platform.users import set_user_locale, user_locale

    @app.before_request
    def save_language_choice():
        if request.endpoint != "LocaleView.index":
            return None
        locale = (request.view_args or {}).get("locale")
        if locale not in app.config["LANGUAGES"]:
            return None  # FAB's view answers 404
        if getattr(g, "user", None) is not None and g.user.is_authenticated:
            set_user_locale(g.user.id, locale)
        session["locale"] = locale
        refresh()
        return redirect(same_site_path(request.args.get("next")) or appbuilder.get_url_for_index)

    def url_for_locale(lang):
        """The language menu's link: switch, then come back to this very page."""
        return url_for("LocaleView.index", locale=lang, next=request.full_path.rstrip("?"))

    appbuilder.get_url_for_locale = url_for_locale

    @app.context_processor
    def html_lang():
        return {"html_lang": lambda: str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])}

    def restore_language(sender, user, **extra):
        locale = user_locale(user.id)
        if locale:
            session["locale"] = locale

    user_logged_in.connect(restore_language, app, weak=False)
    _token_clients_language(app)


def same_site_path(target):
    """``target`` when it is a path on this site ("/clients/list/?page=2"), else None: the
    language switch never sends anyone to another site (no open redirect)."""
    from urllib.parse import urlsplit

    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(ch) < 32 for ch in target):
        return None
    return target


def _token_clients_language(app):
    """Token (bearer) API clients carry no session: their messages come in the language their
    request's ``Accept-Language`` names when it is one of ours, else in the user's saved
    language, else the default. Browser sessions keep FAB's choice (the language menu)."""
    from flask import current_app, has_request_context
    from flask_babel import get_babel

    babel = get_babel(app)
    session_selector = babel.locale_selector

    def select_locale():
        if has_request_context() and "_l_" not in request.args and request.headers.get(
                "Authorization", "").startswith("Bearer "):
            ours = list(current_app.config["LANGUAGES"])
            best = request.accept_languages.best_match(ours)
            if best:
                return best
            saved = _token_user_locale()
            if saved in ours:
                return saved
            return current_app.config["BABEL_DEFAULT_LOCALE"]
        return session_selector()

    babel.locale_selector = select_locale


def _token_user_locale():
    """The saved language of the bearer token's user, or None (no valid token)."""
    from flask_jwt_extended import get_current_user, get_jwt_identity, verify_jwt_in_request

    from app.services.platform.users import user_locale

    try:
        verify_jwt_in_request()
        identity = get_jwt_identity()
        user = get_current_user()
    except Exception:  # any invalid, expired, revoked or malformed token
        return None
    if hasattr(user, "tessera_locale"):  # loaded with the user (get_user_by_id)
        return user.tessera_locale
    try:
        return user_locale(int(identity))
    except (TypeError, ValueError):
        return None


def _index_view():
    from app.views.platform.home import HomeIndexView

    return HomeIndexView
