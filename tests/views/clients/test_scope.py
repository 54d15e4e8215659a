"""The client scope through every channel: an instructor finds only the clients of its own work
in the list (and its filters), show pages, the card, the search page, guardian pages, the export
query and the REST API, and is refused (404) for the others; Manager and Front desk see all."""
import io
from datetime import date, datetime, time, timedelta

import pytest
from flask import g
from openpyxl import load_workbook
from sqlalchemy import select

from app.models.clients import Client
from app.security import FRONT_DESK, INSTRUCTOR, MANAGER
from tests.factories.clients_scope import EXPECTED, build_scope_world
from tests.factories.timetable import make_employee, make_group, new_client

ALL = set(EXPECTED)


def _session(app, user):
    client = app.test_client()
    response = client.post("/login/", data={"username": user.username, "password": "pw"})
    assert response.status_code == 302
    return client


def _token(app, user):
    response = app.test_client().post("/api/v1/security/login", json={
        "username": user.username, "password": "pw", "provider": "db"})
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def _names_in(page):
    return {name for name in EXPECTED if f"Zq{name}<" in page or f"Zq{name} " in page}


@pytest.fixture
def world(db, make_user):
    a, b = make_user(INSTRUCTOR), make_user(INSTRUCTOR)
    built = build_scope_world(a.id, b.id)
    built.users = {"a": a, "b": b}
    return built


def _expected(world, who):
    return ALL if who in (MANAGER, FRONT_DESK) else world.visible_to(who)


@pytest.fixture(params=["a", "b", MANAGER, FRONT_DESK])
def viewer(request, app, world, make_user):
    """(who, logged-in test client, JWT headers) for instructor a, b, a manager, a front desk."""
    who = request.param
    user = world.users[who] if who in ("a", "b") else make_user(who)
    return who, _session(app, user), _token(app, user)


# --- pages ----------------------------------------------------------------------------------

def test_list_and_its_filters(world, viewer):
    who, client, _headers = viewer
    page = client.get("/client/list/").get_data(as_text=True)
    assert _names_in(page) == _expected(world, who)
    filtered = client.get("/client/list/?_flt_0_search_name=zq").get_data(as_text=True)
    assert _names_in(filtered) == _expected(world, who)
    # letters inside the names ("zq… ann"): walked through the name trigram table, in scope
    inside = client.get("/client/list/?_flt_0_search_name=ann").get_data(as_text=True)
    assert _names_in(inside) == _expected(world, who)
    outsider = client.get("/client/list/?_flt_0_search_name=zqoutsider")
    assert ("Zqoutsider" in outsider.get_data(as_text=True)) is (who in (MANAGER, FRONT_DESK))


def test_show_and_card_refused_outside_scope(world, viewer):
    who, client, _headers = viewer
    expected = _expected(world, who)
    for name, person in world.clients.items():
        allowed = name in expected
        show = client.get(f"/client/show/{person.id}")
        card = client.get(f"/clients/{person.id}/card")
        assert show.status_code == (200 if allowed else 404), (name, "show")
        assert card.status_code == (200 if allowed else 404), (name, "card")
        if allowed:
            assert f"Zq{name}" in card.get_data(as_text=True)
            # the guardians related list on the show page: this client's guardian only
            assert f"Guardian Zq{name}" in show.get_data(as_text=True)


def test_search_page(world, viewer):
    who, client, _headers = viewer
    page = client.get("/clients/search?q=zq").get_data(as_text=True)
    assert _names_in(page) == _expected(world, who)
    inside = client.get("/clients/search?q=ann").get_data(as_text=True)
    assert _names_in(inside) == _expected(world, who)


def test_guardian_pages(world, viewer):
    who, client, _headers = viewer
    expected = _expected(world, who)
    page = client.get("/guardian/list/").get_data(as_text=True)
    # rows and the search form's client drop-down alike
    assert {n for n in EXPECTED if f"Guardian Zq{n}<" in page or f"Guardian Zq{n} " in page
            or f"Guardian Zq{n}\n" in page} == expected
    assert ("Zqoutsider" in page) is (who in (MANAGER, FRONT_DESK))
    # the search form's client filter fetches its choices: the same clients, no others
    found = client.get("/guardian/choices/client?q=zq").json["results"]
    assert {item["text"].split()[0][2:] for item in found} == expected
    outsider = world.clients["outsider"]
    applied = client.get(f"/guardian/list/?_flt_0_client={outsider.id}").get_data(as_text=True)
    assert ('\\u003eZqoutsider' in applied) is (who in (MANAGER, FRONT_DESK))
    outsider_guardian = world.clients["outsider"].guardians[0].id
    assert client.get(f"/guardian/show/{outsider_guardian}").status_code == (
        200 if who in (MANAGER, FRONT_DESK) else 404)


def test_export_query_follows_the_scope(app, world, make_user):
    """The export page builds its query from the list's filters and base filters; the
    instructor may not export at all, but the query it would get is scoped as well."""
    from app.extensions import appbuilder, db
    from app.services.clients.export import export_clients
    from app.views.clients.pages import filtered_list_query

    assert _session(app, world.users["a"]).get("/clients/excel/export").status_code in (302,
                                                                                         403)
    for who, user in (("a", world.users["a"]), ("b", world.users["b"]),
                      (FRONT_DESK, make_user(FRONT_DESK))):
        with app.test_request_context("/clients/excel/export?_flt_0_search_name=zq"):
            g.user = db.session.get(type(user), user.id)
            query = filtered_list_query(appbuilder, "ClientModelView", Client)
            output = io.BytesIO()
            export_clients(query, output, for_user=g.user)
        output.seek(0)
        rows = list(load_workbook(output, read_only=True).worksheets[0].iter_rows(
            values_only=True))
        assert {row[1].removeprefix("Zq") for row in rows[1:]} == _expected(world, who), who


def test_export_page_for_front_desk_has_everyone(world, app, make_user):
    response = _session(app, make_user(FRONT_DESK)).get(
        "/clients/excel/export?_flt_0_search_name=zq")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
                .iter_rows(values_only=True))
    assert len(rows) == 1 + len(EXPECTED)


# --- REST API --------------------------------------------------------------------------------

def test_client_api(world, viewer, app):
    who, _client, headers = viewer
    api = app.test_client()
    expected_ids = world.ids(_expected(world, who))
    listed = api.get("/api/v1/client/?q=(page_size:100)", headers=headers)
    assert listed.status_code == 200
    assert set(listed.json["ids"]) == expected_ids
    assert listed.json["count"] == len(expected_ids)
    for name, person in world.clients.items():
        shown = api.get(f"/api/v1/client/{person.id}", headers=headers)
        assert shown.status_code == (200 if person.id in expected_ids else 404), name


def test_guardian_api(world, viewer, app):
    who, _client, headers = viewer
    api = app.test_client()
    expected = {f"Guardian Zq{name}" for name in _expected(world, who)}
    listed = api.get("/api/v1/guardian/?q=(page_size:100)", headers=headers)
    assert listed.status_code == 200
    assert {row["full_name"] for row in listed.json["result"]} == expected
    outsider_guardian = world.clients["outsider"].guardians[0].id
    assert api.get(f"/api/v1/guardian/{outsider_guardian}", headers=headers).status_code == (
        200 if who in (MANAGER, FRONT_DESK) else 404)


# --- query count -----------------------------------------------------------------------------

def test_instructor_list_query_count_does_not_grow_with_rows(db, app, make_user, count_queries):
    user = make_user(INSTRUCTOR)
    employee = make_employee(user_id=user.id)
    group = make_group(members=3, instructor=employee, joined_on=date.today() - timedelta(10))
    db.session.commit()
    client = _session(app, user)
    client.get("/client/list/")  # warm-up (first-request caches)

    def measure():
        with count_queries() as n:
            page = client.get("/client/list/")
        assert page.status_code == 200
        return n(), page.get_data(as_text=True).count("/clients/")

    few, few_rows = measure()
    from app.models.timetable import GroupMember

    for _ in range(12):
        person = new_client()
        db.session.add(GroupMember(group_id=group.id, client_id=person.id,
                                   joined_on=date.today() - timedelta(1)))
    new_client(last_name="Stranger")  # outside the scope: never shown
    db.session.commit()
    many, many_rows = measure()
    assert many_rows > few_rows
    assert many == few


# --- attendance pages already limit instructors (unchanged) ----------------------------------

def test_attendance_page_refuses_another_instructors_lesson(db, app, world):
    from app.models.timetable import Lesson

    emp_b = world.employees[1]
    lesson_b = Lesson(group_id=None, client_id=world.clients["outsider"].id,
                      service_id=db.session.scalar(select(Lesson.service_id).limit(1)),
                      instructor_id=emp_b.id,
                      starts_at=datetime.combine(date.today(), time(18, 0)),
                      ends_at=datetime.combine(date.today(), time(19, 0)), status="planned")
    db.session.add(lesson_b)
    db.session.commit()
    a = _session(app, world.users["a"])
    response = a.get(f"/attendance/{lesson_b.id}")
    assert response.status_code == 302
    assert "Zqoutsider" not in a.get(f"/attendance/{lesson_b.id}",
                                     follow_redirects=True).get_data(as_text=True)
    assert a.get("/checkin/").status_code in (302, 403)
    b = _session(app, world.users["b"])
    assert "Zqoutsider" in b.get(f"/attendance/{lesson_b.id}").get_data(as_text=True)


def test_instructor_cannot_browse_groups_and_their_members(login):
    """Group and room lists would show every group's members: not an instructor's business."""
    from app.security import INSTRUCTOR

    client = login(INSTRUCTOR)
    for url in ("/groupview/list/", "/groupmemberview/list/", "/roomview/list/"):
        assert client.get(url).status_code in (302, 403), url


# --- medical notes: the instructor's current clients only --------------------------------------

def test_instructor_reads_medical_notes_of_its_current_clients_only(db, app, world):
    """Each client's note names it; instructor A finds exactly the notes of its current clients
    on the list, the cards, the search page and the API, and B's only on B's."""
    for name, person in world.clients.items():
        person.medical_notes = f"Allergy-{name}-note"
    db.session.commit()
    a = world.users["a"]
    client, headers = _session(app, a), _token(app, a)

    def notes_in(text):
        return {name for name in EXPECTED if f"Allergy-{name}-note" in text}

    expected = world.visible_to("a")
    cards = "".join(client.get(f"/clients/{p.id}/card").get_data(as_text=True)
                    for p in world.clients.values())
    assert notes_in(cards) == expected
    shows = "".join(client.get(f"/client/show/{p.id}").get_data(as_text=True)
                    for p in world.clients.values())
    assert notes_in(shows) == expected
    assert notes_in(client.get("/client/list/").get_data(as_text=True)) <= expected
    assert notes_in(client.get("/clients/search?q=zq").get_data(as_text=True)) <= expected
    api = app.test_client()
    shown = {name for name, p in world.clients.items()
             if (api.get(f"/api/v1/client/{p.id}", headers=headers).json or {})
             .get("result", {}).get("medical_notes") == f"Allergy-{name}-note"}
    assert shown == expected
    listed = api.get("/api/v1/client/?q=(page_size:100)", headers=headers).get_data(as_text=True)
    assert notes_in(listed) <= expected
    # the export is refused to an instructor (no "export" permission)
    assert client.get("/clients/excel/export").status_code in (302, 403)
