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
