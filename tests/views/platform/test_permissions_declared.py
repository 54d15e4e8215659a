"""Every view, API and menu entry of Tessera carries an explicit permission declared in
app/security.py; nothing is reachable through a default FAB permission by accident."""
from app.extensions import appbuilder
from app.security import ADMIN, GRANTS, MENU_CATEGORIES, MENU_RESOURCES, ROLES, _SELF_SERVICE

ADMIN_ONLY = {"JobAdmin", "SecurityEvent"}  # resources no role but Admin holds, on purpose


def _our_views():
    return [view for view in appbuilder.baseviews
            if type(view).__module__.startswith("app.") and type(view).__name__ != "HomeIndexView"]


def test_every_view_names_its_resource_and_actions(app):
    for view in _our_views():
        assert view.class_permission_name != type(view).__name__, (
            f"{type(view).__name__} has no explicit class_permission_name")
        assert view.base_permissions, f"{type(view).__name__} exposes no permission"


def test_every_resource_is_granted_in_security_or_admin_only(app):
    granted = {resource for grants in GRANTS.values() for resource, _ in grants}
    granted |= {resource for resource, _ in _SELF_SERVICE}
    for view in _our_views():
        assert view.class_permission_name in granted | ADMIN_ONLY, view.class_permission_name


def test_every_menu_entry_opens_a_declared_resource(app):
    views_resources = {view.class_permission_name for view in _our_views()}
    for name, resource in MENU_RESOURCES.items():
        assert resource in views_resources, f"menu {name!r} points at unknown resource {resource}"
    for category, items in MENU_CATEGORIES.items():
        assert items <= set(MENU_RESOURCES), category


def test_granted_actions_exist_on_some_view(app):
    """A grant of an action no view checks is a typo or a stale permission."""
    offered = {}
    for view in _our_views():
        offered.setdefault(view.class_permission_name, set()).update(
            p.removeprefix("can_") for p in view.base_permissions)
    for role in ROLES:
        if role == ADMIN:
            continue
        for resource, actions in GRANTS.get(role, []):
            if resource not in offered:
                continue  # declared for a module not installed yet (stock, translations)
            unknown = set(actions) - offered[resource]
            assert not unknown, f"{role}: {resource} grants unknown actions {unknown}"
