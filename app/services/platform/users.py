"""Staff accounts and roles."""
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
    """Create a staff login with the given roles, or return the existing one unchanged."""
    sm = appbuilder.sm
    user = sm.find_user(username=username)
    if user is not None:
        return user
    roles = [sm.find_role(name) for name in role_names]
    user = sm.add_user(username, first_name, last_name, email, roles, password=password)
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
