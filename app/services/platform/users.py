"""Staff accounts and roles."""
from flask_babel import lazy_gettext as _l

from app.extensions import appbuilder
from app.security import ROLES


def sync_roles():
    """Make sure every builtin role (and FAB's Public role) exists as a row users can hold."""
    sm = appbuilder.sm
    created = []
    for name in ROLES + (sm.auth_role_public,):
        if sm.find_role(name) is None:
            sm.add_role(name)
            created.append(name)
    return created


def ensure_user(username, password, first_name, last_name, email, role_names, locale=None):
    """Create a staff login with the given roles, or return the existing one unchanged.

    The password is set as given, outside the password policy: this is for the demo loader and
    test fixtures only (the demo users' password is ``demo``, see the README). People create
    logins in the user screens or with ``flask fab create-user``, which apply the policy.
    """
    from flask import current_app
    from werkzeug.security import generate_password_hash

    sm = appbuilder.sm
    user = sm.find_user(username=username)
    if user is not None:
        return user
    roles = [sm.find_role(name) for name in role_names]
    hashed = generate_password_hash(
        password, method=current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
        salt_length=current_app.config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16))
    user = sm.add_user(username, first_name, last_name, email, roles, hashed_password=hashed)
    if not user:
        raise RuntimeError(f"could not create user {username}")
    return user


def create_admin(username, password, first_name, last_name, email):
    """The first Admin of a new installation: the roles are created first, so the account can
    never end up without its role (FAB's ``fab create-admin`` run before them does)."""
    from app.security import ADMIN
    from app.services.platform.errors import Conflict

    sync_roles()
    if appbuilder.sm.find_user(username=username) is not None:
        raise Conflict(f"A user named {username!r} already exists.", field="username")
    return ensure_user(username, password, first_name, last_name, email, [ADMIN])


OWN_ROLES_MESSAGE = _l("Nobody may change their own roles: another Admin has to do it.")


def roles_changed(user):
    """Whether ``user``'s roles were changed in this session and not yet flushed."""
    from sqlalchemy import inspect

    state = inspect(user)
    if state.transient or state.pending:
        return False
    return state.attrs.roles.history.has_changes()


def refuse_own_role_change(user, actor_id):
    """Rule: nobody grants (or takes away) their own roles — not an Admin either, whatever the
    channel (the user screens, an API, a script run in a request). A role change is made by
    another Admin, so no single account can raise itself. ``actor_id`` is the logged-in user
    (None in the CLI, which creates accounts but never changes an existing one's roles)."""
    from app.services.platform.errors import Forbidden

    if actor_id is not None and user.id == actor_id and roles_changed(user):
        raise Forbidden(OWN_ROLES_MESSAGE, field="roles")


def locale_of(user_id_column):
    """The saved language of the user ``user_id_column`` as a column expression (NULL when
    none), for loading it in the same statement as the user."""
    from sqlalchemy import select

    from app.models.preferences import UserPreference

    return (select(UserPreference.locale).where(UserPreference.user_id == user_id_column)
            .scalar_subquery())


def user_locale(user_id):
    """The language a user chose last time, or None."""
    from app.extensions import db
    from app.models.preferences import UserPreference

    pref = db.session.get(UserPreference, user_id)
    return pref.locale if pref else None


def set_user_locale(user_id, locale):
    """Remember the user's language so the next login opens in it."""
    from flask import current_app

    from app.extensions import db
    from app.models.preferences import UserPreference

    if locale not in current_app.config["LANGUAGES"]:
        return
    pref = db.session.get(UserPreference, user_id) or UserPreference(user_id=user_id)
    pref.locale = locale
    db.session.add(pref)
    db.session.commit()


def install_account_change_tracking():
    """Rule: a password change, a deactivation or a role change of a login ends its existing
    sessions and tokens (its session generation is bumped) and is recorded as a security
    event; so is deleting a login. A change of one's own roles is refused
    (``refuse_own_role_change``) before anything is written. Whoever makes the change (screens, CLI, API) is covered,
    because this listens on every flush. The acting user's own session, when it changed its own
    password, is carried over to the new generation so it is not logged out by it.
    """
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "before_flush", _track_account_changes):
        event.listen(Session, "before_flush", _track_account_changes)


def _track_account_changes(session, flush_context, instances):
    from flask import has_request_context
    from flask import session as cookie_session
    from flask_appbuilder.security.sqla.models import User
    from sqlalchemy import inspect

    from app.models.base import current_user_id
    from app.services.platform import security_events as events
    from app.services.platform import sessions

    actor = current_user_id()
    for user in list(session.dirty):
        if not isinstance(user, User) or user.id is None:
            continue
        refuse_own_role_change(user, actor)
        state = inspect(user)
        changed = []
        if state.attrs.password.history.has_changes():
            changed.append((events.PASSWORD_CHANGED, None))
        if state.attrs.active.history.has_changes():
            changed.append((events.ACTIVATED if user.active else events.DEACTIVATED, None))
        roles = state.attrs.roles.history
        if roles.has_changes():
            names = ", ".join(sorted(role.name for role in user.roles))
            changed.append((events.ROLES_CHANGED, names))
        if not changed:
            continue
        generation = sessions.bump(user.id, session)
        for kind, detail in changed:
            session.add(events.new_event(kind, user.username, user.id,
                                         actor if actor != user.id else None, detail))
        if has_request_context() and actor == user.id and [k for k, _ in changed] == [
                events.PASSWORD_CHANGED] and sessions.SESSION_GENERATION_KEY in cookie_session:
            cookie_session[sessions.SESSION_GENERATION_KEY] = generation
    for user in list(session.deleted):
        if isinstance(user, User):
            session.add(events.new_event(events.USER_DELETED, user.username, user.id, actor))
