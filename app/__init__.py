"""Tessera application factory."""
import logging
import os

from flask import Flask

from flask import request

from app.extensions import appbuilder, csrf, db, migrate

log = logging.getLogger(__name__)


def create_app(config=None):
    """Build the Flask app: config, database, FAB (security, views, API), CLI commands."""
    from config import get_config

    app = Flask(__name__, instance_path=os.environ.get("TESSERA_INSTANCE_DIR") or None)
    app.config.from_object(config or get_config())
    os.makedirs(app.instance_path, exist_ok=True)
    for folder in (app.config["UPLOAD_FOLDER"], app.config["REPORTS_FOLDER"]):
        os.makedirs(folder, exist_ok=True)

    db.init_app(app)
    csrf.init_app(app)
    app.before_request(_csrf_unless_bearer)
    from app import models  # noqa: F401  (registers every model on the metadata)
    from app.services import audit

    audit.install()

    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))

    with app.app_context():
        from app.security import TesseraSecurityManager, role_definitions

        app.config["FAB_ROLES"] = role_definitions()
        appbuilder.security_manager_class = TesseraSecurityManager
        appbuilder.indexview = _index_view()
        appbuilder.base_template = "tessera_base.html"
        appbuilder.init_app(app, db.session)
        from app.views import register_views

        register_views(appbuilder)

    _remember_language(app)
    from app import cli, formatting

    cli.register(app)
    formatting.register(app)
    return app


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
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return
    if request.path == "/api/v1/security/login":
        return  # credentials in the body; nothing ambient to forge
    csrf.protect()


def _remember_language(app):
    """FAB keeps the chosen language in the session; we also keep it per user, for next time."""
    from flask import g, session
    from flask_login import user_logged_in

    from app.services.platform.users import set_user_locale, user_locale

    @app.before_request
    def save_language_choice():
        if request.endpoint == "LocaleView.index" and getattr(g, "user", None) is not None \
                and g.user.is_authenticated:
            set_user_locale(g.user.id, (request.view_args or {}).get("locale"))

    def restore_language(sender, user, **extra):
        locale = user_locale(user.id)
        if locale:
            session["locale"] = locale

    user_logged_in.connect(restore_language, app, weak=False)


def _index_view():
    from app.views.platform.home import HomeIndexView

    return HomeIndexView
