"""The role × route test, generated from the URL map: every page and API route a browser can
GET without an argument is asked by every role, and the answer must follow the one permission
table (``app/security.py``): a granted route opens, a refused one answers 403/401 or sends to
the login page — never a page. The role decisions of issue 17 (README's role table) are then
stated on top of it: what an Instructor and a Storekeeper may read of the CRM, and that role
management is Admin's alone."""
import pytest

from app.security import (ADMIN, GRANTS, INSTRUCTOR, MANAGER, ROLES, STOREKEEPER, role_can)

# routes that need no login or are no page of the app
_SKIP = ("/logout", "/login", "/metrics", "/health", "/back", "/lang/", "/static")
# role management: FAB's security views, Admin's alone (no grant names them)
ROLE_MANAGEMENT = ("UserDBModelView", "RoleModelView", "PermissionModelView",
                   "ViewMenuModelView", "PermissionViewModelView", "UserGroupModelView",
                   "ResetPasswordView", "SecurityEvent", "JobAdmin")
# the CRM's resources (clients, their people and papers, communication with them)
CRM = ("Client", "ClientMedical", "ClientDocument", "Guardian", "Organisation", "ContactPerson",
       "ClientDirectory", "Task", "Call", "TaskDirectory", "Mailing", "Message",
       "MessageTemplate", "ManagerDesk", "ManagerControl", "Document", "OrganisationBalance",
       "OrganisationPayment")


def _routes(app):
    """(path, resource, action) of every argument-less GET route that names a permission."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.rule.startswith(_SKIP) \
                or "static" in rule.endpoint or "download" in rule.rule:
            continue
        function = app.view_functions[rule.endpoint]
        view = getattr(function, "__self__", None)
        permission = getattr(function, "_permission_name", None)
        if view is None or permission is None:
            continue  # public (home page, login)
        action = (getattr(view, "method_permission_name", None) or {}).get(permission,
                                                                            permission)
        base = getattr(view, "base_permissions", None)
        enabled = not base or f"can_{action}" in base  # a method the view switched off
        found.append((rule.rule, view.class_permission_name, action if enabled else None))
    return sorted(found)


def _expected(role, action, resource):
    return action is not None and role_can(role, action, resource)


def _opened(response):
    if response.status_code in (401, 403, 404):
        return False
    if response.status_code in (301, 302, 303):
        return "/login" not in response.headers.get("Location", "")
    return True


@pytest.mark.parametrize("role", [r for r in ROLES if r != ADMIN])
def test_every_route_follows_the_permission_table(app, login, role):
    client = login(role)
    routes = _routes(app)
    assert len(routes) > 100
    wrong = []
    for path, resource, action in routes:
        expected = _expected(role, action, resource)
        response = client.get(path)
        assert response.status_code < 500, (path, response.status_code)
        if _opened(response) != expected:
            wrong.append((path, resource, action, expected, response.status_code))
    assert wrong == []


def test_admin_opens_the_routes_nobody_else_has(app, login):
    client = login(ADMIN)
    admin_only = [(path, resource, action) for path, resource, action in _routes(app)
                  if action is not None
                  and not any(role_can(role, action, resource) for role in ROLES if role != ADMIN)]
    assert {resource for _p, resource, _a in admin_only} >= {"UserDBModelView", "RoleModelView",
                                                             "SecurityEvent", "JobAdmin"}
    for path, _resource, _action in admin_only:
        assert _opened(client.get(path)), path


# --- the role decisions (README's role table) ------------------------------------------------

def _crm_grants(role):
    return {resource: set(actions) for resource, actions in GRANTS.get(role, [])
            if resource in CRM}


def test_instructor_reads_its_clients_and_their_medical_notes_only():
    """The clients of its own current groups and lessons (services scope "Client" and
    "Guardian" to them, see clients/scope.py) with their medical notes: read only, no export,
    no "read_all", nothing else of the CRM."""
    assert _crm_grants(INSTRUCTOR) == {"Client": {"read"}, "ClientMedical": {"read"},
                                       "Guardian": {"read"}}


def test_storekeeper_reads_nothing_of_the_crm():
    """Lending looks a client up by name or card number through its own lookup
    (``/lending/clients``, the "Loan" permission), not through client records."""
    assert _crm_grants(STOREKEEPER) == {}
    assert role_can(STOREKEEPER, "write", "Loan")


def test_role_management_is_admin_only():
    for role in ROLES:
        for resource in ROLE_MANAGEMENT:
            for action in ("read", "list", "show", "add", "edit", "delete", "write",
                           "this_form_get", "this_form_post"):
                assert role_can(role, action, resource) is (role == ADMIN), (role, resource)


@pytest.mark.parametrize("path", ["/client/list/", "/clients/search?q=a", "/clients/excel/export",
                                  "/api/v1/client/", "/guardian/list/", "/api/v1/guardian/"])
def test_storekeeper_is_refused_the_client_records(login, path):
    assert not _opened(login(STOREKEEPER).get(path))


@pytest.mark.parametrize("role", [r for r in ROLES if r != ADMIN])
def test_everyone_reaches_their_own_account(login, role):
    """Self-service stays open to every role (FAB's user view keeps its resource name)."""
    client = login(role)
    for path in ("/users/userinfo/", "/resetmypassword/form"):
        assert client.get(path).status_code == 200, path


def test_a_manager_is_refused_user_and_role_screens(login):
    client = login(MANAGER)
    for path in ("/users/list/", "/users/add", "/roles/list/", "/roles/add",
                 "/permissions/list/", "/security-events/", "/api/v1/security/users/"):
        assert not _opened(client.get(path)), path
