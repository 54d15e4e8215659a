"""Factories for the portal: a bookable group lesson, a family with a portal account."""
from datetime import datetime, timedelta

from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models.portal import PortalAccount, PortalAccountClient
from app.services.portal.booking import save_settings
from tests.factories.timetable import give_passes, make_group, make_lesson, new_client

PASSWORD = "a long portal passphrase"


def bookable_lesson(capacity=5, starts_in=timedelta(days=2), **settings):
    """A planned group lesson open to booking, starting ``starts_in`` from now."""
    group = make_group(members=0)
    save_settings(group.id, capacity=capacity, **settings)
    lesson = make_lesson(group=group, starts_at=datetime.now().replace(microsecond=0) + starts_in)
    db.session.flush()
    return lesson


def client_with_pass(service, **overrides):
    client = new_client(**overrides)
    give_passes([client], service)
    return client


def make_account(clients, login=None, language=None):
    """A portal account (password ``PASSWORD``) managing ``clients`` (the first is its own)."""
    login = login or f"family{clients[0].id}@example.org"
    # A cheap work factor, as for the staff fixtures (tests/conftest.py): logging in checks it.
    hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    account = PortalAccount(login=login, password_hash=hashed, language=language)
    account.clients = [PortalAccountClient(client_id=c.id, is_self=(i == 0))
                       for i, c in enumerate(clients)]
    db.session.add(account)
    db.session.flush()
    return account
