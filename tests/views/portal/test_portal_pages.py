"""The portal's pages: sign-up with a one-time code, login limits, reset, booking for one's own
family only; a portal login reaches no staff page or API."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from app.models.clients import Client
from app.models.communication import Message
from app.models.portal import Booking, PortalAccount
from tests.communication_fixtures import smtp_server  # noqa: F401
from tests.factories.clients import make_client
from tests.factories.portal import PASSWORD, bookable_lesson, client_with_pass, make_account


@pytest.fixture
def sync_jobs(app):
    saved = app.config.get("RQ_ASYNC")
    app.config["RQ_ASYNC"] = False
    yield
    app.config["RQ_ASYNC"] = saved


def _code(smtp, address):
    mail = [d for d in smtp.deliveries if d["to"] == address][-1]
    return re.search(r"\b(\d{6})\b", mail["body"]).group(1)


def test_guardian_signs_up_with_the_email_on_the_childs_card(app, db, smtp_server, sync_jobs):
    child = make_client(birth_date=date(2016, 5, 1), first_name="Ani", medical_notes="asthma",
                        guardians=[dict(full_name="Mariam K", email="Mariam@Example.org")])
    web = app.test_client()
    response = web.post("/my/signup", data={"step": "contact", "contact": "mariam@example.org",
                                            "language": "hy"})
    assert response.status_code == 200
    code = _code(smtp_server, "mariam@example.org")
    refused = web.post("/my/signup", data={"step": "code", "contact": "mariam@example.org",
                                           "code": code, "password": "short"})
    assert refused.status_code == 400
    assert b"at least" in refused.data
    wrong = web.post("/my/signup", data={"step": "code", "contact": "mariam@example.org",
                                         "code": "000000" if code != "000000" else "111111",
                                         "password": PASSWORD})
    assert wrong.status_code == 400
    done = web.post("/my/signup", data={"step": "code", "contact": "mariam@example.org",
                                        "code": code, "password": PASSWORD, "language": "hy"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/my/")
    page = web.get("/my/")
    assert page.status_code == 200
    assert "Ani".encode() in page.data
    assert b"asthma" not in page.data
    again = web.post("/my/signup", data={"step": "code", "contact": "mariam@example.org",
                                         "code": code, "password": PASSWORD})
    assert again.status_code == 409  # the account exists; the code is spent anyway
    db.session.expire_all()
    account = db.session.scalar(select(PortalAccount))
    assert account.login == "mariam@example.org" and account.language == "hy"
    assert db.session.get(Client, child.id).guardians[0].language == "hy"


def test_signup_refused_for_an_address_on_no_card(app, db):
    response = app.test_client().post("/my/signup", data={"step": "contact",
                                                          "contact": "nobody@example.org"})
    assert response.status_code == 404
    assert b"front desk" in response.data


def test_login_is_rate_limited(app, db):
    client = make_client(email="ann@example.org")
    make_account([client], login="ann@example.org")
    db.session.commit()
    web = app.test_client()
    statuses = [web.post("/my/login", data={"contact": "ann@example.org",
                                            "password": "wrong"}).status_code
                for _ in range(12)]
    assert statuses[0] == 400 and statuses[-1] == 429
    locked = web.post("/my/login", data={"contact": "ann@example.org", "password": PASSWORD})
    assert locked.status_code == 429


def test_password_reset_ends_old_sessions(app, db, smtp_server, sync_jobs):
    client = make_client(email="ann@example.org")
    make_account([client], login="ann@example.org")
    db.session.commit()
    old = app.test_client()
    assert old.post("/my/login", data={"contact": "ann@example.org",
                                       "password": PASSWORD}).status_code == 302
    web = app.test_client()
    web.post("/my/reset", data={"step": "contact", "contact": "ann@example.org"})
    code = _code(smtp_server, "ann@example.org")
    done = web.post("/my/reset", data={"step": "code", "contact": "ann@example.org",
                                       "code": code, "password": "another long passphrase"})
    assert done.status_code == 302
    assert old.get("/my/").status_code == 302  # the old session ended
    assert web.get("/my/").status_code == 200


def _portal_login(app, db, clients, login):
    make_account(clients, login=login)
    db.session.commit()
    web = app.test_client()
    assert web.post("/my/login", data={"contact": login, "password": PASSWORD}).status_code == 302
    return web


def test_books_for_own_child_never_for_another_family(app, db):
    lesson = bookable_lesson(capacity=2)
    parent = client_with_pass(lesson.service, email="p@example.org")
    child = client_with_pass(lesson.service, birth_date=date(2015, 1, 1))
    stranger = client_with_pass(lesson.service)
    lesson_id, child_id, stranger_id = lesson.id, child.id, stranger.id
    web = _portal_login(app, db, [parent, child], "p@example.org")
    assert web.post("/my/book", data={"lesson_id": lesson_id, "client_id": stranger_id}
                    ).status_code == 302
    assert db.session.scalar(select(Booking).where(Booking.client_id == stranger_id)) is None
    web.post("/my/book", data={"lesson_id": lesson_id, "client_id": child_id})
    booked = db.session.scalar(select(Booking).where(Booking.client_id == child_id))
    assert booked is not None and booked.status == "booked"
    # the stranger's own booking cannot be cancelled from this account
    from app.services.portal import booking as service

    other = service.book(stranger_id, lesson_id)
    db.session.commit()
    web.post(f"/my/booking/{other.id}/cancel")
    db.session.expire_all()
    assert db.session.get(Booking, other.id).status == "booked"


def _get_routes(app):
    skip = ("/static", "/appbuilder", "/my/", "/api/v1/portal/", "/metrics")
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.rule.startswith(skip) \
                or "logout" in rule.rule:
            continue
        yield rule.rule


def test_a_portal_login_reaches_no_staff_page_or_api(app, db, login):
    client = make_client(email="ann@example.org")
    web = _portal_login(app, db, [client], "ann@example.org")
    anonymous = app.test_client()
    staff = login("Manager")
    checked = 0
    for path in _get_routes(app):
        as_staff = staff.get(path)
        if as_staff.status_code != 200:
            continue  # pages needing arguments or not for managers
        as_portal = web.get(path)
        as_anonymous = anonymous.get(path)
        assert as_portal.status_code == as_anonymous.status_code, path
        assert as_portal.data == as_anonymous.data or as_portal.status_code in (302, 401), path
        checked += 1
    assert checked > 30
    # and the page the client sees stays the portal's
    assert web.get("/my/").status_code == 200


def test_staff_api_refuses_a_portal_token_and_portal_api_refuses_staff(app, db, api_token):
    client = make_client(email="ann@example.org")
    make_account([client], login="ann@example.org")
    db.session.commit()
    web = app.test_client()
    token = web.post("/api/v1/portal/login", json={"contact": "ann@example.org",
                                                   "password": PASSWORD}).json["access_token"]
    portal = {"Authorization": f"Bearer {token}"}
    assert web.get("/api/v1/portal/me", headers=portal).status_code == 200
    for path in ("/api/v1/client/", "/api/v1/payment/"):
        assert web.get(path, headers=portal).status_code in (401, 422), path
    staff = api_token("Admin")
    assert web.get("/api/v1/portal/me", headers=staff).status_code == 401
    assert web.get("/api/v1/portal/lessons", headers=staff).status_code == 401


def test_staff_invite_sends_a_code_in_the_clients_language(app, db, login, smtp_server,
                                                           sync_jobs):
    client = make_client(email="nare@example.org", language="hy")
    client_id = client.id
    desk = login("Front desk")
    response = desk.post(f"/portal-staff/invite/{client_id}")
    assert response.status_code == 302
    message = db.session.scalar(select(Message).where(Message.recipient == "nare@example.org"))
    assert message is not None and message.status == "sent"
    assert re.search(r"\d{6}", message.body)
    assert smtp_server.addresses() == ["nare@example.org"]


def test_codes_are_limited_per_address(app, db, smtp_server, sync_jobs):
    make_client(email="lim@example.org")
    web = app.test_client()
    statuses = [web.post("/my/signup", data={"step": "contact", "contact": "lim@example.org"}
                         ).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert len([d for d in smtp_server.deliveries if d["to"] == "lim@example.org"]) == 5


def test_a_portal_session_ends_after_the_idle_timeout(app, db):
    from datetime import timedelta

    client = make_client(email="idle@example.org")
    web = _portal_login(app, db, [client], "idle@example.org")
    with web.session_transaction() as cookie:
        cookie["portal_seen_at"] -= app.config["SESSION_IDLE_TIMEOUT"].total_seconds() + 5
    assert web.get("/my/").status_code == 302
    assert isinstance(app.config["SESSION_IDLE_TIMEOUT"], timedelta)
