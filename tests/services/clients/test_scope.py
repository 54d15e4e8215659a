"""The client scope: an instructor sees only the clients of its own current work (its groups'
current and future members, the clients of its lessons of today and later, drop-ins marked at
them); roles holding "read_all" on "Client" see everyone."""
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.models.clients import Client
from app.security import (ACCOUNTANT, ADMIN, FRONT_DESK, INSTRUCTOR, MANAGER, STOREKEEPER,
                          role_can)
from app.services.clients import scope
from app.services.clients.export import export_clients
from app.services.clients.search import search_clients
from app.services.platform.errors import NotFound
from tests.factories.clients_scope import EXPECTED, build_scope_world


@pytest.fixture
def world(db, make_user):
    a, b = make_user(INSTRUCTOR), make_user(INSTRUCTOR)
    built = build_scope_world(a.id, b.id)
    built.users = {"a": a, "b": b}
    return built


def _visible_names(db, world, user, on_date=None):
    condition = scope.visible_client_filter(user, on_date)
    query = select(Client.id)
    if condition is not None:
        query = query.where(condition)
    ids = set(db.session.scalars(query))
    return {name for name, client in world.clients.items() if client.id in ids}


@pytest.mark.parametrize("instructor", ["a", "b"])
def test_instructor_sees_only_the_clients_of_its_work(db, world, instructor):
    assert _visible_names(db, world, world.users[instructor]) == world.visible_to(instructor)


def test_window_follows_the_date(db, world):
    # 100 days from now the lessons (substitute, individual, today's drop-in) are past; the
    # current member and next week's joiner are still there
    later = date.today() + timedelta(days=100)
    assert _visible_names(db, world, world.users["a"], later) == {
        "current", "joining"}
    # 40 days ago the member who left 30 days ago was still in the group
    earlier = date.today() - timedelta(days=40)
    assert "recent" in _visible_names(db, world, world.users["a"], earlier)


@pytest.mark.parametrize("role", [ADMIN, MANAGER, FRONT_DESK, ACCOUNTANT])
def test_read_all_roles_are_unrestricted(db, world, make_user, role):
    user = make_user(role)
    assert scope.sees_all_clients(user)
    assert scope.visible_client_filter(user) is None
    assert _visible_names(db, world, user) == set(EXPECTED)


def test_decided_by_the_permission_not_the_role_name():
    assert not role_can(INSTRUCTOR, scope.READ_ALL, scope.CLIENT_RESOURCE)
    # the storekeeper lends with a name / card lookup of its own, never reads client records
    assert not role_can(STOREKEEPER, scope.READ_ALL, scope.CLIENT_RESOURCE)
    assert not role_can(STOREKEEPER, "read", scope.CLIENT_RESOURCE)
    for role in (MANAGER, FRONT_DESK, ACCOUNTANT, ADMIN):
        assert role_can(role, scope.READ_ALL, scope.CLIENT_RESOURCE), role


def test_login_without_employee_sees_no_client(db, world, make_user):
    assert _visible_names(db, world, make_user(INSTRUCTOR)) == set()
    assert _visible_names(db, world, None) == set()


def test_client_visible_and_ensure(db, world):
    a = world.users["a"]
    assert scope.client_visible(a, world.clients["current"].id)
    assert not scope.client_visible(a, world.clients["outsider"].id)
    scope.ensure_client_visible(a, world.clients["dropin"].id)
    with pytest.raises(NotFound):
        scope.ensure_client_visible(a, world.clients["longago"].id)


def test_guardian_condition(db, world):
    from app.models.clients import Guardian

    condition = scope.client_id_condition(Guardian.client_id, world.users["b"])
    names = set(db.session.scalars(select(Guardian.full_name).where(condition)))
    assert names == {"Guardian Zqsubstitute", "Guardian Zqformersub"}


def test_search_is_limited_for_instructor(db, world, make_user):
    found = {c.last_name for c in search_clients("zq", limit=50, for_user=world.users["a"])}
    assert found == {f"Zq{name}" for name in world.visible_to("a")}
    found_b = {c.last_name for c in search_clients("zq", for_user=world.users["b"])}
    assert found_b == {"Zqsubstitute", "Zqformersub"}
    everyone = {c.last_name for c in search_clients("zq", for_user=make_user(MANAGER))}
    assert everyone == {f"Zq{name}" for name in EXPECTED}


def test_export_is_limited_for_instructor(db, world, make_user):
    def exported(user):
        output = io.BytesIO()
        export_clients(db.session.query(Client).order_by(Client.id), output, for_user=user)
        output.seek(0)
        rows = list(load_workbook(output, read_only=True).worksheets[0].iter_rows(values_only=True))
        return {row[1] for row in rows[1:]}

    assert exported(world.users["a"]) == {f"Zq{name}" for name in world.visible_to("a")}
    assert exported(world.users["b"]) == {"Zqsubstitute", "Zqformersub"}
    assert exported(make_user(FRONT_DESK)) == {f"Zq{name}" for name in EXPECTED}
