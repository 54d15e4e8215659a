"""Excel export of filtered client and organisation lists, streamed with xlsxwriter's
constant_memory mode in batches (flat memory whatever the list's size); medical notes only for
users allowed to see them."""
from datetime import date, datetime

import xlsxwriter
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import formatting
from app.extensions import db
from app.models.clients import Client, Organisation
from app.services.clients.scope import visible_client_filter

EXPORT_COLUMNS = [
    ("id", _l("ID")), ("last_name", _l("Last name")), ("first_name", _l("First name")),
    ("middle_name", _l("Middle name")), ("birth_date", _l("Birth date")), ("age", _l("Age")),
    ("gender", _l("Gender")), ("phone", _l("Phone")), ("email", _l("Email")),
    ("address", _l("Address")), ("card_number", _l("Card number")),
    ("category", _l("Category")), ("source", _l("Source")), ("manager", _l("Manager")),
    ("organisation", _l("Organisation")), ("consent_email", _l("Consent to emails")),
    ("consent_sms", _l("Consent to SMS")), ("guardians", _l("Guardians")),
    ("notes", _l("Notes")), ("medical_notes", _l("Medical notes")),
]


def export_clients(query, output, include_medical=False, batch=1000, for_user=None):
    """Stream the clients of an ORM ``query`` (filters already applied) into an .xlsx written
    to ``output`` (a path or a binary file); medical notes only with ``include_medical``; with
    ``for_user`` only the clients that user may see (``clients_scope``). Returns the number
    of rows."""
    if for_user is not None:
        scope = visible_client_filter(for_user)
        if scope is not None:
            query = query.filter(scope)
    columns = [(k, label) for k, label in EXPORT_COLUMNS if include_medical or k != "medical_notes"]
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    sheet = workbook.add_worksheet(_("Clients"))
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": formatting.excel_date_format()})
    for col, (_key, label) in enumerate(columns):
        sheet.write(0, col, str(label), bold)
    # Ids first (in the list's order), then the rows in batches with their relations loaded
    # in a fixed number of queries per batch; memory stays flat whatever the list's size.
    ids = [row[0] for row in query.with_entities(Client.id)]
    today = date.today()
    count = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        loaded = {c.id: c for c in db.session.scalars(
            select(Client).where(Client.id.in_(chunk)).options(
                selectinload(Client.category), selectinload(Client.source),
                selectinload(Client.manager), selectinload(Client.organisation),
                selectinload(Client.guardians)))}
        for client_id in chunk:
            count += 1
            _write_client(sheet, count, columns, loaded[client_id], today, date_format)
        for client in loaded.values():
            db.session.expunge(client)
    workbook.close()
    return count


ORGANISATION_EXPORT_COLUMNS = [
    ("id", _l("ID")), ("short_name", _l("Short name")), ("full_name", _l("Full name")),
    ("tax_id", _l("Tax id")), ("industry", _l("Industry")), ("phone", _l("Phone")),
    ("fax", _l("Fax")), ("email", _l("Email")), ("website", _l("Website")),
    ("address", _l("Address")), ("contacts", _l("Contact persons")), ("notes", _l("Notes")),
]


def export_organisations(query, output, batch=1000):
    """Stream the organisations of an ORM ``query`` (filters applied) with their contact
    persons into an .xlsx; returns the number of rows."""
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    sheet = workbook.add_worksheet(_("Organisations"))
    bold = workbook.add_format({"bold": True})
    for col, (_key, label) in enumerate(ORGANISATION_EXPORT_COLUMNS):
        sheet.write(0, col, str(label), bold)
    ids = [row[0] for row in query.with_entities(Organisation.id)]
    count = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        loaded = {o.id: o for o in db.session.scalars(
            select(Organisation).where(Organisation.id.in_(chunk)).options(
                selectinload(Organisation.industry), selectinload(Organisation.contacts)))}
        for organisation_id in chunk:
            count += 1
            organisation = loaded[organisation_id]
            for col, (key, _label) in enumerate(ORGANISATION_EXPORT_COLUMNS):
                if key == "industry":
                    value = organisation.industry.name if organisation.industry else None
                elif key == "contacts":
                    value = "; ".join(", ".join(p for p in (c.full_name, c.position, c.phone,
                                                            c.email) if p)
                                      for c in organisation.contacts)
                else:
                    value = getattr(organisation, key)
                if isinstance(value, int):
                    sheet.write_number(count, col, value)
                elif value:
                    sheet.write_string(count, col, str(value))
            db.session.expunge(organisation)
    workbook.close()
    return count


def _write_client(sheet, row, columns, client, today, date_format):
    for col, (key, _label) in enumerate(columns):
        value = _export_value(client, key, today)
        if isinstance(value, date):
            sheet.write_datetime(row, col, datetime(value.year, value.month, value.day),
                                 date_format)
        elif isinstance(value, int) and not isinstance(value, bool):
            sheet.write_number(row, col, value)
        elif value not in (None, ""):
            sheet.write_string(row, col, str(value))


def _export_value(client, key, today):
    if key == "age":
        return client.age(today)
    if key in ("category", "source", "organisation"):
        related = getattr(client, key)
        return str(related) if related else None
    if key == "manager":
        manager = client.manager
        return f"{manager.first_name} {manager.last_name}" if manager else None
    if key in ("consent_email", "consent_sms"):
        return _("yes") if getattr(client, key) else _("no")
    if key == "guardians":
        return "; ".join(" ".join(p for p in (gd.full_name, gd.relation and f"({gd.relation})",
                                              gd.phone, gd.email) if p)
                         for gd in client.guardians)
    return getattr(client, key)
