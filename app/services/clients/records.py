"""Clients and organisations: the rules every channel (pages, API, import, jobs) obeys.

Search lives in ``clients_search``, Excel import in ``clients_import`` and export in
``clients_export``, attached files and photos in ``clients_documents``, manager reassignment in
``clients_managers``, the client card's pluggable sections in ``client_card``.
"""
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.extensions import db
from app.models.ages import (  # noqa: F401  (part of this API)
    AGE_CATEGORY_BOUNDS, MINOR_AGE, age_category, age_category_bounds, age_on)
from app.models.clients import Client, ContactPerson, Guardian, Organisation
from app.security import role_can
from app.services.platform import Conflict, DomainError, NotFound

PHONE_MATCH_DIGITS = 9
AGE_CATEGORY_LABELS = {
    "child": _l("Child"),
    "teen": _l("Teen"),
    "adult": _l("Adult"),
    "senior": _l("Senior"),
}
MEDICAL_RESOURCE = "ClientMedical"


class MinorWithoutGuardian(DomainError):
    pass


class DuplicateClient(DomainError):
    """Another client already has this phone or email; the caller may confirm and save anyway."""

    status_code = 409


# --- normalization ---------------------------------------------------------------------------

def normalize_text(value):
    """Lower-case (Unicode case folding) and strip accents, so "Élodie", "ÉLODIE" and "elodie"
    match, and Cyrillic/Armenian compare case-insensitively ("Ёжиков" ~ "ежиков")."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(value).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped).strip()


def digits_only(value):
    """"+33 (6) 12-34-56-78" -> "33612345678"."""
    return re.sub(r"\D", "", value or "")


def normalize_email(value):
    value = (value or "").strip()
    return value.lower() or None


def fill_search_fields(client):
    """Refresh the normalized copies (search name, phone digits) the search relies on."""
    client.search_name = normalize_text(
        " ".join(p for p in (client.last_name, client.first_name, client.middle_name) if p))
    client.phone_digits = digits_only(client.phone) or None
    client.email = normalize_email(client.email)
    client.card_number = (client.card_number or "").strip() or None


# --- medical notes ---------------------------------------------------------------------------

def _role_names(user):
    return [role.name for role in getattr(user, "roles", None) or []]


def _medical_allowed(action, user_or_sm=None):
    subject = user_or_sm
    if subject is None:
        if not has_request_context():
            return False
        subject = getattr(g, "user", None)
        if subject is None or not getattr(subject, "is_authenticated", False):
            try:
                from flask_jwt_extended import current_user as jwt_user

                subject = jwt_user or None
            except Exception:  # no JWT in this request
                subject = None
    if subject is None:
        return False
    if hasattr(subject, "has_access") and not hasattr(subject, "roles"):
        return bool(subject.has_access(f"can_{action}", MEDICAL_RESOURCE))
    return any(role_can(name, action, MEDICAL_RESOURCE) for name in _role_names(subject))


def can_see_medical(user_or_sm=None):
    """Whether medical notes may be shown to this user (a User, FAB's security manager, or the
    current request's user when None): only roles with can_read on "ClientMedical"."""
    return _medical_allowed("read", user_or_sm)


def can_edit_medical(user_or_sm=None):
    """Whether medical notes may be written by this user: can_write on "ClientMedical"."""
    return _medical_allowed("write", user_or_sm)


# --- validation and saving ---------------------------------------------------------------------

def validate_client(client, extra_guardians=0):
    """A client needs a first and last name; a client under 18 needs at least one guardian."""
    if not (client.first_name or "").strip() or not (client.last_name or "").strip():
        raise DomainError(_l("First name and last name are required."), field="last_name")
    if client.birth_date and client.birth_date > date.today():
        raise DomainError(_l("The birth date cannot be in the future."), field="birth_date")
    age = age_on(client.birth_date)
    if age is not None and age < MINOR_AGE:
        guardians = [gd for gd in client.guardians if (gd.full_name or "").strip()]
        if len(guardians) + extra_guardians < 1:
            raise MinorWithoutGuardian(
                _l("A client under 18 needs at least one guardian (name, relation, phone)."),
                field="guardian_name")
    if client.discount_percent is not None and not (0 <= client.discount_percent <= 100):
        raise DomainError(_l("The discount must be between 0 and 100 percent."),
                          field="discount_percent")


def find_duplicates(phone=None, email=None, exclude_id=None, limit=5):
    """Clients whose phone (digits only, ignoring the country/trunk prefix) or email (case
    ignored) equals the given ones."""
    conditions = []
    digits = digits_only(phone)
    if len(digits) >= PHONE_MATCH_DIGITS:
        # "+33 6 12 34 56 78", "0033 612 345 678" and "06 12 34 56 78" are one number: compare
        # the subscriber part (the last digits), whatever prefix was typed
        conditions.append(Client.phone_digits.like("%" + digits[-PHONE_MATCH_DIGITS:]))
    elif digits:
        conditions.append(Client.phone_digits == digits)
    email = normalize_email(email)
    if email:
        conditions.append(Client.email == email)
    if not conditions:
        return []
    query = select(Client).where(or_(*conditions)).order_by(Client.id).limit(limit)
    if exclude_id:
        query = query.where(Client.id != exclude_id)
    return list(db.session.scalars(query))


def _check_card_number(client):
    if not client.card_number:
        return
    query = select(Client.id).where(Client.card_number == client.card_number)
    if client.id:
        query = query.where(Client.id != client.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise DomainError(_l("Card number %(number)s already belongs to another client.",
                             number=client.card_number), field="card_number")


def save_client(client, guardians=(), allow_duplicate=False, commit=True):
    """Validate and store a client with its new guardians (dicts or Guardian objects).

    A new client whose phone or email already exists raises ``DuplicateClient`` unless
    ``allow_duplicate``; a minor without a guardian raises ``MinorWithoutGuardian``.
    """
    is_new = client.id is None
    fill_search_fields(client)
    if client.discount_percent is None:
        client.discount_percent = Decimal("0")
    client.gender = client.gender or None
    client.language = client.language or None
    new_guardians = [_guardian(gd) for gd in guardians if _has_name(gd)]
    with db.session.no_autoflush:
        validate_client(client, extra_guardians=len(new_guardians))
        _check_card_number(client)
        if is_new and not allow_duplicate:
            duplicates = find_duplicates(client.phone, client.email)
            if duplicates:
                names = ", ".join(f"{c.full_name} (#{c.id})" for c in duplicates)
                raise DuplicateClient(
                    _l("A client with this phone or email already exists: %(names)s.",
                       names=names), duplicates=[c.id for c in duplicates])
    for guardian in new_guardians:
        client.guardians.append(guardian)
    if is_new:
        db.session.add(client)
    if commit:
        commit_edit()
    else:
        db.session.flush()
    return client


def _has_name(guardian):
    name = guardian.get("full_name") if isinstance(guardian, dict) else guardian.full_name
    return bool((name or "").strip())


def _guardian(data):
    if isinstance(data, Guardian):
        guardian = data
    else:
        guardian = Guardian(**{k: v for k, v in data.items()
                               if k in ("full_name", "relation", "phone", "email")})
    guardian.full_name = guardian.full_name.strip()
    guardian.phone_digits = digits_only(guardian.phone) or None
    guardian.email = normalize_email(guardian.email)
    return guardian


def commit_edit():
    """Commit, turning a concurrent change of the same record into a translated Conflict."""
    from sqlalchemy.orm.exc import StaleDataError

    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(_l("This record was changed by someone else meanwhile. "
                          "Reload it and make your change again."))


def check_version(record, seen_version):
    """Refuse an edit made on a stale copy: the version the form showed must still be current."""
    if seen_version in (None, ""):
        return
    if int(seen_version) != record.version:
        raise Conflict(_l("This record was changed by someone else meanwhile. "
                          "Reload it and make your change again."))


def save_guardian(guardian, commit=True):
    """Store a guardian (normalized phone and email); its client must exist."""
    if not (guardian.full_name or "").strip():
        raise DomainError(_l("The guardian's name is required."), field="full_name")
    if guardian.client is None and guardian.client_id is None:
        raise DomainError(_l("A guardian belongs to a client."), field="client")
    guardian.language = guardian.language or None
    _guardian(guardian)
    db.session.add(guardian)
    if commit:
        commit_edit()
    return guardian


def check_guardian_removable(guardian):
    """A guardian may go unless it is the only guardian of a minor."""
    client = guardian.client or db.session.get(Client, guardian.client_id)
    if client is not None and client.is_minor:
        others = [gd for gd in client.guardians if gd is not guardian]
        if not others:
            raise MinorWithoutGuardian(
                _l("This is the only guardian of a minor; add another guardian first."))


def delete_guardian(guardian, commit=True):
    """Remove a guardian, unless it is the only guardian of a minor."""
    check_guardian_removable(guardian)
    db.session.delete(guardian)
    if commit:
        commit_edit()


# --- organisations -----------------------------------------------------------------------------

def save_organisation(organisation, commit=True):
    """Store an organisation; the short name is required and indexed for search."""
    if not (organisation.short_name or "").strip():
        raise DomainError(_l("The organisation's short name is required."), field="short_name")
    organisation.search_name = normalize_text(
        " ".join(p for p in (organisation.short_name, organisation.full_name, organisation.tax_id)
                 if p))
    db.session.add(organisation)
    if commit:
        commit_edit()
    return organisation


def save_contact_person(contact, commit=True):
    """Store an organisation's contact person (name required, position indexed for search)."""
    if not (contact.full_name or "").strip():
        raise DomainError(_l("The contact person's name is required."), field="full_name")
    contact.position_search = normalize_text(contact.position) or None
    contact.name_search = normalize_text(contact.full_name) or None
    db.session.add(contact)
    if commit:
        commit_edit()
    return contact


# --- messages ----------------------------------------------------------------------------------

@dataclass
class Recipient:
    name: str
    email: str = None
    phone: str = None
    client_id: int = None
    is_guardian: bool = False
    consent_email: bool = True
    consent_sms: bool = True


def message_recipients(client):
    """Who receives the messages meant for a client: its guardians for a minor (with the
    client's consents), else the client itself."""
    if client.is_minor and client.guardians:
        return [Recipient(gd.full_name, gd.email, gd.phone, client.id, True,
                          bool(client.consent_email), bool(client.consent_sms))
                for gd in client.guardians]
    return [Recipient(client.full_name, client.email, client.phone, client.id, False,
                      bool(client.consent_email), bool(client.consent_sms))]


def message_language(client):
    """The language of what is sent to a client: for a minor with guardians, the first
    guardian's own language if set; else the client's; None means the centre's default."""
    if client.is_minor and client.guardians:
        for guardian in client.guardians:
            if guardian.language:
                return guardian.language
    return client.language or None


def get_client(client_id):
    client = db.session.get(Client, client_id)
    if client is None:
        raise NotFound(_l("No such client."))
    return client


__all__ = [
    "AGE_CATEGORY_BOUNDS", "Client", "ContactPerson", "DuplicateClient", "Guardian",
    "MinorWithoutGuardian", "Organisation", "Recipient", "age_category", "can_edit_medical",
    "can_see_medical", "check_version", "delete_guardian", "digits_only", "fill_search_fields",
    "find_duplicates", "message_language", "message_recipients", "normalize_text", "save_client",
    "save_contact_person", "save_guardian", "save_organisation",
]
