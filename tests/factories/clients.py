"""Factories for clients, guardians, organisations and directories (keyword overrides)."""
from datetime import date
from itertools import count

from app.extensions import db
from app.models.clients import (Client, ClientCategory, ClientSource, ContactPerson, Guardian,
                                Industry, Organisation)
from app.services.clients.records import fill_search_fields, save_organisation

_seq = count(1)


def make_client(guardians=None, commit=True, **overrides):
    """An adult client by default; pass ``birth_date`` for a minor (a guardian is added)."""
    n = next(_seq)
    values = dict(first_name=f"Client{n}", last_name="Test", birth_date=date(1990, 1, 1),
                  phone=None, email=None)
    values.update(overrides)
    client = Client(**values)
    if guardians is None and client.is_minor:
        guardians = [dict(full_name=f"Parent of {client.first_name}", relation="mother",
                          phone="+33 6 00 00 00 00", email=f"parent{n}@example.org")]
    for data in guardians or []:
        client.guardians.append(Guardian(**data))
    fill_search_fields(client)
    db.session.add(client)
    if commit:
        db.session.commit()
    return client


def make_organisation(contacts=(), commit=True, **overrides):
    n = next(_seq)
    values = dict(short_name=f"Org {n}")
    values.update(overrides)
    organisation = Organisation(**values)
    for data in contacts:
        organisation.contacts.append(ContactPerson(**data))
    save_organisation(organisation, commit=False)
    for contact in organisation.contacts:
        from app.services.clients.records import normalize_text

        contact.position_search = normalize_text(contact.position) or None
        contact.name_search = normalize_text(contact.full_name) or None
    if commit:
        db.session.commit()
    return organisation


def make_directory(model, name, commit=True):
    item = model(name=name)
    db.session.add(item)
    if commit:
        db.session.commit()
    return item


def make_category(name="VIP", **kw):
    return make_directory(ClientCategory, name, **kw)


def make_source(name="Website", **kw):
    return make_directory(ClientSource, name, **kw)


def make_industry(name="IT", **kw):
    return make_directory(Industry, name, **kw)
