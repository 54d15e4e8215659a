"""Portal accounts: sign-up with a one-time code, login, password reset, staff invitations,
API tokens, and which client cards an account may see.

Rules.
- An account's login is the email (lower case) or the phone digits that are on a client card
  (the client's own, or a guardian's on a child's card). Sign-up and reset need a one-time code
  sent to that address through the messaging (6 digits, valid ``PORTAL_CODE_MINUTES`` (15),
  at most 5 tries, used once; only its hash is stored); at most 5 codes an hour per address.
- The password follows the staff password policy (length, common passwords, not the login).
- Failed logins count in the staff failed-login limiter under ``portal:<login>``: a locked
  login is refused (429) without looking at the password.
- An account sees and books for exactly the cards linked to it: its own (the card carrying the
  login) and the cards of the children whose guardian carries it — never another family's.
- A password reset ends every session and API token of the account (its generation moves on).
"""
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale, gettext, lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.clients import Client, Guardian
from app.models.portal import (CODE_RESET, CODE_SIGNUP, PortalAccount, PortalAccountClient,
                               PortalCode, PortalToken)
from app.services.platform import (Conflict, DomainError, Forbidden, NotFound, address_locked,
                                   check_password, count_failure, username_locked)

MAX_CODE_ATTEMPTS = 5
MAX_CODES_PER_HOUR = 5


class TooManyAttempts(DomainError):
    status_code = 429


def normalize_login(contact):
    """The email in lower case, or the phone's digits; refused when it is neither."""
    value = (contact or "").strip()
    if "@" in value:
        return value.lower()
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) >= 6:
        return digits
    raise DomainError(_l("Enter the email or phone number on your card."), field="contact")


def _is_email(login):
    return "@" in login


def cards_for(login):
    """``(own card ids, children's card ids)`` carrying ``login`` (active cards only)."""
    if _is_email(login):
        own_match = func.lower(Client.email) == login
        guardian_match = func.lower(Guardian.email) == login
    else:
        own_match = Client.phone_digits == login
        guardian_match = Guardian.phone_digits == login
    own = set(db.session.scalars(select(Client.id).where(own_match, Client.active.is_(True))))
    children = set(db.session.scalars(
        select(Guardian.client_id).join(Client, Client.id == Guardian.client_id)
        .where(guardian_match, Client.active.is_(True))))
    return own, children - own


def _code_hash(login, purpose, code):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose}|{login}|{code}".encode(), hashlib.sha256).hexdigest()


def _code_minutes():
    return int(current_app.config.get("PORTAL_CODE_MINUTES", 15))


def _card_language(login):
    own, children = cards_for(login)
    ids = sorted(own | children)
    if not ids:
        return None
    rows = db.session.execute(select(Client.language).where(Client.id.in_(ids))).scalars()
    return next((lang for lang in rows if lang), None)


def request_code(contact, purpose, language=None, now=None):
    """Make a one-time code for ``contact`` and queue it (email or SMS) in the account's, the
    card's or the given language. Sign-up needs a card with that contact and no account yet;
    a reset for an unknown login queues nothing (the answer is the same, to reveal nothing).
    Returns the message ids to deliver; the caller commits and enqueues their delivery."""
    from app.services.communication import queue_direct_message

    login = normalize_login(contact)
    now = now or datetime.now()
    account = db.session.scalar(select(PortalAccount).where(PortalAccount.login == login))
    if purpose == CODE_SIGNUP:
        own, children = cards_for(login)
        if not (own or children):
            raise NotFound(_l("No client card has this email or phone; ask the front desk."),
                           field="contact")
        if account is not None:
            raise Conflict(_l("An account with this email or phone already exists; log in or "
                              "reset the password."), field="contact")
    elif account is None:
        return []
    recent = db.session.scalar(select(func.count()).select_from(PortalCode).where(
        PortalCode.login == login, PortalCode.created_on > now - timedelta(hours=1)))
    if recent >= MAX_CODES_PER_HOUR:
        raise TooManyAttempts(_l("Too many codes were asked for this address; try again later."),
                              field="contact")
    code = f"{secrets.randbelow(10 ** 6):06d}"
    db.session.execute(update(PortalCode).where(
        PortalCode.login == login, PortalCode.purpose == purpose, PortalCode.used_at.is_(None))
        .values(used_at=now))
    row = PortalCode(login=login, purpose=purpose, code_hash=_code_hash(login, purpose, code),
                     expires_at=now + timedelta(minutes=_code_minutes()), created_on=now)
    db.session.add(row)
    db.session.flush()
    lang = (account.language if account else None) or language or _card_language(login) \
        or current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    with force_locale(lang):
        subject = gettext("Your code for the client portal")
        body = gettext("Your one-time code is %(code)s. It is valid for %(minutes)d minutes.",
                       code=code, minutes=_code_minutes())
    channel = "email" if _is_email(login) else "sms"
    return queue_direct_message(channel, login if _is_email(login) else f"+{login}", subject,
                                body, f"portal.code.{row.id}", kind=f"portal_{purpose}")


def _use_code(login, purpose, code, now):
    """Consume a valid code (conditional UPDATE: a code works once) or refuse."""
    row = db.session.scalar(
        select(PortalCode).where(PortalCode.login == login, PortalCode.purpose == purpose,
                                 PortalCode.used_at.is_(None), PortalCode.expires_at > now)
        .order_by(PortalCode.id.desc()).limit(1))
    wrong = DomainError(_l("This code is wrong or has expired; ask for a new one."), field="code")
    if row is None or row.attempts >= MAX_CODE_ATTEMPTS:
        raise wrong
    if not hmac.compare_digest(row.code_hash, _code_hash(login, purpose, (code or "").strip())):
        db.session.execute(update(PortalCode).where(PortalCode.id == row.id)
                           .values(attempts=PortalCode.attempts + 1))
        db.session.commit()
        raise wrong
    taken = db.session.execute(update(PortalCode).where(
        PortalCode.id == row.id, PortalCode.used_at.is_(None)).values(used_at=now)).rowcount
    if taken != 1:
        raise wrong


def _check_language(language):
    if language and language not in current_app.config["LANGUAGES"]:
        raise DomainError(_l("Unknown language."), field="language")
    return language or None


def sign_up(contact, code, password, language=None, now=None):
    """Create the account of ``contact`` after its sign-up code, linked to its own card and its
    children's; the language (if given) is set on those cards that have none. Caller commits."""
    login = normalize_login(contact)
    now = now or datetime.now()
    language = _check_language(language)
    check_password(password, login)
    if db.session.scalar(select(PortalAccount.id).where(PortalAccount.login == login)):
        raise Conflict(_l("An account with this email or phone already exists; log in or "
                          "reset the password."), field="contact")
    _use_code(login, CODE_SIGNUP, code, now)
    own, children = cards_for(login)
    account = PortalAccount(login=login, password_hash=generate_password_hash(password),
                            language=language, created_on=now)
    account.clients = ([PortalAccountClient(client_id=cid, is_self=True) for cid in sorted(own)]
                       + [PortalAccountClient(client_id=cid) for cid in sorted(children)])
    db.session.add(account)
    if language:
        if own:
            db.session.execute(update(Client).where(Client.id.in_(own), Client.language.is_(None))
                               .values(language=language)
                               .execution_options(synchronize_session=False))
        db.session.execute(update(Guardian).where(
            Guardian.client_id.in_(children or {-1}), Guardian.language.is_(None),
            or_(func.lower(Guardian.email) == login, Guardian.phone_digits == login))
            .values(language=language).execution_options(synchronize_session=False))
    db.session.flush()
    return account


def reset_password(contact, code, password, now=None):
    """Set a new password after a reset code; ends the account's sessions and tokens."""
    login = normalize_login(contact)
    now = now or datetime.now()
    check_password(password, login)
    _use_code(login, CODE_RESET, code, now)
    account = db.session.scalar(select(PortalAccount).where(PortalAccount.login == login))
    if account is None:
        raise DomainError(_l("This code is wrong or has expired; ask for a new one."),
                          field="code")
    account.password_hash = generate_password_hash(password)
    account.generation = account.generation + 1
    db.session.execute(update(PortalToken).where(
        PortalToken.account_id == account.id, PortalToken.revoked_at.is_(None))
        .values(revoked_at=now))
    db.session.flush()
    return account


def authenticate(contact, password, address=None, now=None):
    """The account for a login and password, or a refusal (429 when the login is locked)."""
    try:
        login = normalize_login(contact)
    except DomainError:
        login = (contact or "").strip().lower()
    key = f"portal:{login}"
    if username_locked(key):
        raise TooManyAttempts(_l("Too many failed login attempts; wait a little and try again."))
    account = db.session.scalar(select(PortalAccount).where(PortalAccount.login == login))
    if account is None or not account.active \
            or not check_password_hash(account.password_hash, password or ""):
        if address_locked(address) and account is not None:
            raise TooManyAttempts(
                _l("Too many failed login attempts; wait a little and try again."))
        count_failure(key, address)
        raise DomainError(_l("Wrong email, phone or password."), field="password")
    account.last_login_at = now or datetime.now()
    return account


def invite(client_id, language=None, now=None):
    """Staff invite a client: a sign-up code to the card's email (else phone; a minor's first
    guardian's). Refused when the card has no address or its account exists. Returns
    ``(login, message ids)``; the caller commits and enqueues their delivery."""
    client = db.session.get(Client, client_id)
    if client is None:
        raise NotFound(_l("No such client."))
    candidates = [client.email, client.phone]
    if client.is_minor and client.guardians:
        candidates = [client.guardians[0].email, client.guardians[0].phone] + candidates
    for contact in candidates:
        if contact and contact.strip():
            try:
                login = normalize_login(contact)
            except DomainError:
                continue
            return login, request_code(login, CODE_SIGNUP, language or client.language, now)
    raise DomainError(_l("The card has neither an email nor a phone to send the invitation to."),
                      field="email")


def issue_token(account, now=None):
    """A new API token for the account (the caller commits); only its hash is kept."""
    token = secrets.token_urlsafe(32)
    db.session.add(PortalToken(account_id=account.id, created_on=now or datetime.now(),
                               token_hash=hashlib.sha256(token.encode()).hexdigest()))
    db.session.flush()
    return token


def account_for_token(token):
    """The active account of a live API token, or None."""
    if not token:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    return db.session.scalar(
        select(PortalAccount).join(PortalToken, PortalToken.account_id == PortalAccount.id)
        .where(PortalToken.token_hash == digest, PortalToken.revoked_at.is_(None),
               PortalAccount.active.is_(True)))


def revoke_token(token, now=None):
    digest = hashlib.sha256((token or "").encode()).hexdigest()
    db.session.execute(update(PortalToken).where(PortalToken.token_hash == digest)
                       .values(revoked_at=now or datetime.now()))


def account_client_ids(account_id):
    """The ids of the cards the account may see and book for."""
    return set(db.session.scalars(select(PortalAccountClient.client_id)
                                  .where(PortalAccountClient.account_id == account_id)))


def ensure_own_client(account_id, client_id):
    """Refuse a card that is not the account's own nor one of its children's."""
    try:
        client_id = int(client_id)
    except (TypeError, ValueError):
        raise DomainError(_l("Choose who the booking is for."), field="client_id") from None
    if client_id not in account_client_ids(account_id):
        raise Forbidden(_l("You can only book for yourself and your children."),
                        field="client_id")
    return client_id


def account_clients(account_id):
    """The account's cards (own first, then children by name)."""
    rows = db.session.execute(
        select(Client, PortalAccountClient.is_self)
        .join(PortalAccountClient, PortalAccountClient.client_id == Client.id)
        .where(PortalAccountClient.account_id == account_id)).all()
    rows.sort(key=lambda r: (not r[1], r[0].last_name, r[0].first_name))
    return [client for client, _is_self in rows]


def set_language(account, language):
    account.language = _check_language(language)
    db.session.flush()
