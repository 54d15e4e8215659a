"""The security manager the app runs with: FAB's, plus Tessera's roles (``app.security``) and
login limits, session generations, the password policy and security events (ASVS level 2).

The rules live in ``app/services/platform`` (login_limits, sessions, passwords,
security_events); this class wires them into FAB's login, token and password paths.
"""
from flask import current_app, g, request
from flask_appbuilder.security.views import UserDBModelView

from app.security import TesseraSecurityManager
from app.services.platform import DomainError, login_limits, security_events as events, sessions
from app.services.platform.passwords import check_password
from app.services.platform.users import locale_of, refuse_own_role_change


class TesseraUserDBModelView(UserDBModelView):
    """FAB's user screens (Admin's alone, see app/security.py), refusing a change of one's own
    roles with its message before anything is saved (``refuse_own_role_change``)."""

    # FAB's resource name, which app/security.py grants ("userinfo" and "resetmypassword" to
    # everyone on their own account), not one derived from this subclass's name
    class_permission_name = "UserDBModelView"

    def pre_update(self, item):
        try:
            refuse_own_role_change(item, getattr(g.user, "id", None))
        except DomainError:
            self.datamodel.session.rollback()  # nothing of the refused form is kept
            raise  # FAB shows the message and saves nothing
        super().pre_update(item)


class AuthSecurityManager(TesseraSecurityManager):
    """Tessera's security manager with hardened login, sessions and passwords."""

    userdbmodelview = TesseraUserDBModelView

    def auth_user_db(self, username, password):
        """FAB's password check behind the login limits, with security events.

        A locked username is refused before its password is looked at; a failed attempt from a
        locked address is refused too, but a correct one is never refused. A refusal returns no
        user and marks the request (``g.tessera_login_locked``): the app answers it with 429.
        """
        address = events.client_address()
        name = username[:256] if isinstance(username, str) else ""
        if name and login_limits.username_locked(name):
            events.record(events.LOCKOUT, name, detail="username")
            g.tessera_login_locked = True
            return None
        user = super().auth_user_db(username, password)
        if user is None:
            login_limits.count_failure(name, address)
            events.record(events.LOGIN_FAILED, name)
            if login_limits.address_locked(address):
                events.record(events.LOCKOUT, name, detail="address")
                g.tessera_login_locked = True
        return user

    def get_user_by_id(self, pk):
        """The user with their roles, groups, session generation and saved language in one
        statement: every logged-in request loads its user, FAB's permission checks read the
        roles and groups (two more lazy loads otherwise), the session check its generation and
        a token request its language (one more query each otherwise; kept on the user as
        ``tessera_session_generation`` and ``tessera_locale``)."""
        from sqlalchemy import select
        from sqlalchemy.orm import joinedload

        model = self.user_model
        row = self.session.execute(
            select(model, sessions.generation_of(model.id), locale_of(model.id))
            .where(model.id == pk)
            .options(joinedload(model.roles),
                     joinedload(model.groups).joinedload(self.group_model.roles))
        ).unique().first()
        if row is None:
            return None
        user, user.tessera_session_generation, user.tessera_locale = row
        return user

    def on_user_login(self, user):
        events.record(events.LOGIN, user.username, user.id)

    def on_user_logout(self, user):
        """Logging out ends every session and token of the user, not only this browser's."""
        from app.extensions import db

        sessions.bump(user.id)
        events.record(events.LOGOUT, user.username, user.id, commit=False)
        db.session.commit()

    def create_jwt_manager(self, app):
        """API tokens carry their user's session generation (see ``load_user_jwt``)."""
        jwt_manager = super().create_jwt_manager(app)

        @jwt_manager.additional_claims_loader
        def session_generation_claim(identity):
            try:
                return {sessions.TOKEN_GENERATION_CLAIM: sessions.generation(int(identity))}
            except (TypeError, ValueError):
                return {}

        return jwt_manager

    def load_user_jwt(self, _jwt_header, jwt_data):
        """A token of an older session generation (logout, password or role change) is refused."""
        try:
            user_id = int(jwt_data["sub"])
        except (KeyError, TypeError, ValueError):
            return None
        user = self.load_user(user_id)  # active users only, with their session generation
        if user is None or not sessions.token_valid(
                jwt_data, user_id, current=getattr(user, "tessera_session_generation", None)):
            return None
        g.user = user  # as FAB's load_user_jwt: the API's permission checks read g.user
        return user

    def load_user(self, pk):
        try:
            return super().load_user(pk)
        except (TypeError, ValueError):
            return None

    def add_user(self, username, first_name, last_name, email, role=None, password="",
                 hashed_password="", groups=None, commit=True):
        """A plain password (CLI, API) must follow the policy; a pre-hashed one is the caller's."""
        if password and not hashed_password:
            check_password(password, username)
        return super().add_user(username, first_name, last_name, email, role, password=password,
                                hashed_password=hashed_password, groups=groups, commit=commit)

    def reset_password(self, userid, password):
        """Every password reset (screens, CLI) follows the policy."""
        user = self.get_user_by_id(userid)
        check_password(password, user.username if user else None)
        super().reset_password(userid, password)


def password_form_validator(password):
    """FAB_PASSWORD_COMPLEXITY_VALIDATOR: the policy on FAB's user and password forms.

    The username is the one typed on the add form, the reset target, or oneself.
    """
    from flask_appbuilder.exceptions import PasswordComplexityValidationError

    username = request.form.get("username")
    if not username and request.args.get("pk"):
        try:
            user = current_app.appbuilder.sm.get_user_by_id(int(request.args["pk"]))
        except (TypeError, ValueError):
            user = None
        username = user.username if user else None
    if not username and getattr(g, "user", None) is not None and g.user.is_authenticated:
        username = g.user.username
    try:
        check_password(password, username)
    except DomainError as exc:
        raise PasswordComplexityValidationError(str(exc.message)) from None
