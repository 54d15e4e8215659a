"""Excel import of clients with their guardians.

All-or-nothing: every row is checked first (the same ``validate_client`` rule as the pages and
the API, plus card numbers unique within the file and against the database); one bad row
imports nothing and yields a row-by-row error report (.xlsx).
"""
import io
import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

import xlsxwriter
from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models.clients import GENDERS, Client, ClientCategory, ClientSource, Guardian, Organisation
from app.services.clients.records import (digits_only, fill_search_fields, normalize_email, normalize_text,
                                  validate_client)
from app.services.platform import DomainError

# (key in the header row, label for the template's help sheet)
IMPORT_COLUMNS = [
    ("last_name", _l("Last name (required)")),
    ("first_name", _l("First name (required)")),
    ("middle_name", _l("Middle name")),
    ("birth_date", _l("Birth date (YYYY-MM-DD or DD.MM.YYYY)")),
    ("gender", _l("Gender (female, male, other)")),
    ("phone", _l("Phone")),
    ("email", _l("Email")),
    ("address", _l("Address")),
    ("card_number", _l("Card number (unique)")),
    ("category", _l("Category (as in the directory)")),
    ("source", _l("Source (as in the directory)")),
    ("organisation", _l("Organisation (short name)")),
    ("consent_email", _l("Consent to emails (yes/no)")),
    ("consent_sms", _l("Consent to SMS (yes/no)")),
    ("notes", _l("Notes")),
    ("medical_notes", _l("Medical notes (only with permission)")),
    ("guardian_name", _l("Guardian: full name (required for a minor)")),
    ("guardian_relation", _l("Guardian: relation")),
    ("guardian_phone", _l("Guardian: phone")),
    ("guardian_email", _l("Guardian: email")),
    ("guardian2_name", _l("Second guardian: full name")),
    ("guardian2_relation", _l("Second guardian: relation")),
    ("guardian2_phone", _l("Second guardian: phone")),
    ("guardian2_email", _l("Second guardian: email")),
]
IMPORT_KEYS = [key for key, _label in IMPORT_COLUMNS]
_TRUE = {"1", "yes", "y", "true", "x", "oui", "да", "так", "այո"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_IMPORT_ROWS = 20000


@dataclass
class ImportResult:
    created: int = 0
    errors: list = field(default_factory=list)  # (row number, column key, value, message)
    report_path: str = None

    @property
    def ok(self):
        return not self.errors


def build_import_template():
    """The downloadable .xlsx template: header keys, one example row, a help sheet."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7"})
    sheet = workbook.add_worksheet("clients")
    for col, key in enumerate(IMPORT_KEYS):
        sheet.write(0, col, key, bold)
        sheet.set_column(col, col, 18)
    example = {"last_name": "Dupont", "first_name": "Léa", "birth_date": "2015-04-02",
               "gender": "female", "phone": "+33 6 12 34 56 78", "card_number": "C-0001",
               "consent_email": "yes", "guardian_name": "Claire Dupont",
               "guardian_relation": "mother", "guardian_phone": "+33 6 98 76 54 32"}
    for col, key in enumerate(IMPORT_KEYS):
        sheet.write_string(1, col, example.get(key, ""))
    help_sheet = workbook.add_worksheet("help")
    help_sheet.set_column(0, 0, 22)
    help_sheet.set_column(1, 1, 60)
    help_sheet.write(0, 0, _("Column"), bold)
    help_sheet.write(0, 1, _("Meaning"), bold)
    for row, (key, label) in enumerate(IMPORT_COLUMNS, start=1):
        help_sheet.write(row, 0, key)
        help_sheet.write(row, 1, str(label))
    help_sheet.write(len(IMPORT_COLUMNS) + 2, 0, _(
        "A file with any bad row imports nothing; you get a list of the errors by row."))
    workbook.close()
    return buffer.getvalue()


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date(value):
    """A date from an Excel cell: a real date, or text as YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _read_rows(data):
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise DomainError(_l("This is not an Excel (.xlsx) file."), field="file")
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise DomainError(_l("The file is empty."), field="file")
    keys = [normalize_text(_text(h)).replace(" ", "_") for h in header]
    missing = [k for k in ("last_name", "first_name") if k not in keys]
    if missing:
        raise DomainError(_l("The header row must contain the columns: %(columns)s.",
                             columns=", ".join(missing)), field="file")
    for number, values in enumerate(rows, start=2):
        if values is None or all(v in (None, "") for v in values):
            continue
        yield number, {key: values[i] if i < len(values) else None
                       for i, key in enumerate(keys) if key in IMPORT_KEYS}
    workbook.close()


def _lookup(model, attribute="name"):
    column = getattr(model, attribute)
    return {normalize_text(name): pk for pk, name in db.session.execute(select(model.id, column))}


def import_clients(data, allow_medical=False, manager_id=None):
    """Check every row of an .xlsx file and create all its clients, or none of them.

    Returns an ``ImportResult``; with errors, nothing is written and ``report_path`` is an
    .xlsx listing each bad row, column and message.
    """
    result = ImportResult()
    categories, sources = _lookup(ClientCategory), _lookup(ClientSource)
    organisations = _lookup(Organisation, "short_name")
    prepared = []
    seen_cards = {}
    errors = result.errors
    for number, row in _read_rows(data):
        if len(prepared) >= MAX_IMPORT_ROWS:
            raise DomainError(_l("At most %(count)s rows can be imported at once.",
                                 count=MAX_IMPORT_ROWS))
        client, guardians = _client_from_row(number, row, categories, sources, organisations,
                                             allow_medical, errors)
        if client is None:
            continue
        if client.card_number:
            if client.card_number in seen_cards:
                errors.append((number, "card_number", client.card_number,
                               _("Card number repeated in the file (row %(row)s).",
                                 row=seen_cards[client.card_number])))
            else:
                seen_cards[client.card_number] = number
        prepared.append((number, client, guardians))
    _check_cards_in_database(seen_cards, errors)
    if errors or not prepared:
        if not prepared and not errors:
            errors.append((0, "", "", _("The file has no client rows.")))
        db.session.rollback()
        errors.sort(key=lambda e: (e[0], IMPORT_KEYS.index(e[1]) if e[1] in IMPORT_KEYS else 99))
        result.report_path = write_error_report(errors)
        return result
    try:
        for _number, client, guardians in prepared:
            client.manager_id = client.manager_id or manager_id
            for guardian in guardians:
                client.guardians.append(guardian)
            db.session.add(client)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    result.created = len(prepared)
    return result


def _check_cards_in_database(seen_cards, errors):
    numbers = list(seen_cards)
    for start in range(0, len(numbers), 500):
        chunk = numbers[start:start + 500]
        for (existing,) in db.session.execute(
                select(Client.card_number).where(Client.card_number.in_(chunk))):
            errors.append((seen_cards[existing], "card_number", existing,
                           _("Card number already belongs to a client in the database.")))


def _client_from_row(number, row, categories, sources, organisations, allow_medical, errors):
    before = len(errors)

    def error(key, message):
        errors.append((number, key, _text(row.get(key)), message))

    client = Client(
        last_name=_text(row.get("last_name")), first_name=_text(row.get("first_name")),
        middle_name=_text(row.get("middle_name")) or None,
        phone=_text(row.get("phone")) or None, email=_text(row.get("email")) or None,
        address=_text(row.get("address")) or None,
        card_number=_text(row.get("card_number")) or None,
        notes=_text(row.get("notes")) or None,
        consent_email=normalize_text(_text(row.get("consent_email"))) in _TRUE,
        consent_sms=normalize_text(_text(row.get("consent_sms"))) in _TRUE,
        active=True,
    )
    if not client.last_name:
        error("last_name", _("The last name is missing."))
    if not client.first_name:
        error("first_name", _("The first name is missing."))
    try:
        client.birth_date = parse_date(row.get("birth_date"))
    except ValueError:
        error("birth_date", _("Not a date; use YYYY-MM-DD or DD.MM.YYYY."))
    gender = normalize_text(_text(row.get("gender")))
    if gender:
        gender = {"f": "female", "m": "male"}.get(gender, gender)
        if gender not in GENDERS:
            error("gender", _("Unknown gender; use female, male or other."))
        client.gender = gender
    if client.email and not _EMAIL.match(client.email):
        error("email", _("Not a valid email address."))
    if client.phone and len(digits_only(client.phone)) < 5:
        error("phone", _("Not a valid phone number."))
    for key, table, attribute in (("category", categories, "category_id"),
                                  ("source", sources, "source_id"),
                                  ("organisation", organisations, "organisation_id")):
        name = _text(row.get(key))
        if name:
            pk = table.get(normalize_text(name))
            if pk is None:
                error(key, _("Not found in the directory: %(name)s.", name=name))
            setattr(client, attribute, pk)
    medical = _text(row.get("medical_notes"))
    if medical:
        if allow_medical:
            client.medical_notes = medical
        else:
            error("medical_notes", _("You are not allowed to import medical notes."))
    guardians = []
    for prefix in ("guardian", "guardian2"):
        name = _text(row.get(f"{prefix}_name"))
        extra = [_text(row.get(f"{prefix}_{k}")) for k in ("relation", "phone", "email")]
        if not name:
            if any(extra):
                error(f"{prefix}_name", _("The guardian's name is missing."))
            continue
        guardian = Guardian(full_name=name, relation=extra[0] or None, phone=extra[1] or None,
                            email=normalize_email(extra[2]))
        guardian.phone_digits = digits_only(guardian.phone) or None
        guardians.append(guardian)
    fill_search_fields(client)
    if len(errors) == before:
        try:
            validate_client(client, extra_guardians=len(guardians))
        except DomainError as exc:
            key = exc.field if exc.field in IMPORT_KEYS else "guardian_name"
            error(key, str(exc.message))
    return client, guardians


def write_error_report(errors):
    """Write the row-by-row error list to an .xlsx under REPORTS_FOLDER; returns its path."""
    folder = current_app.config["REPORTS_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"client-import-errors-{uuid.uuid4().hex}.xlsx")
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet(_("Errors"))
    bold = workbook.add_format({"bold": True})
    for col, title in enumerate((_("Row"), _("Column"), _("Value"), _("Error"))):
        sheet.write(0, col, title, bold)
    sheet.set_column(1, 2, 20)
    sheet.set_column(3, 3, 70)
    for line, (row, key, value, message) in enumerate(errors, start=1):
        sheet.write_number(line, 0, row)
        sheet.write_string(line, 1, key)
        sheet.write_string(line, 2, _text(value))
        sheet.write_string(line, 3, str(message))
    workbook.close()
    return path
