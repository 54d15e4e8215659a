"""REST plumbing shared by the API classes: a refusal from the services as JSON, one transaction
per API action, parsers for JSON request fields (refusing with a translated message naming the
field) and for lenient query-string values, and the serializers for money and dates."""
import json
import math
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import wraps

from flask import g, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.services.platform import idempotency
from app.services.platform.errors import Conflict, DomainError
from app.views.platform.base import STALE_MESSAGE

TRUE_WORDS = {"true", "1"}
FALSE_WORDS = {"false", "0"}
# Whole numbers fit a 32-bit INTEGER column; amounts fit NUMERIC(12, 2).
INT_LIMIT = 2**31 - 1
AMOUNT_LIMIT = Decimal("9999999999.99")
IDEMPOTENCY_HEADER = "Idempotency-Key"


# --- refusals as JSON ----------------------------------------------------------------------------

def json_details(exc):
    """The error's extra details that JSON can carry as they are (ids, names, lists of them)."""
    return {key: value for key, value in exc.details.items()
            if isinstance(value, (str, int, list, dict))}


def domain_error_response(api, exc):
    """``{"message": ..., "field": ... (when set), **details}`` with the error's status code;
    whatever the refused action wrote is rolled back."""
    db.session.rollback()
    body = {"message": str(exc.message)}
    if exc.field:
        body["field"] = exc.field
    body.update(json_details(exc))
    return api.response(exc.status_code, **body)


def api_action(status=200):
    """Decorate an API method as one user action: what it returns — a dict, sent as the JSON
    body with ``status``, or a ready response — is committed; a ``DomainError`` (bad input
    included) or a stale version becomes a JSON refusal and nothing is saved."""
    def decorate(method):
        @wraps(method)
        def run(api, *args, **kwargs):
            try:
                result = method(api, *args, **kwargs)
                if g.get("idempotency_row") is not None and isinstance(result, dict):
                    # the response is stored with the action, atomically
                    idempotency.complete(g.pop("idempotency_row"), status, result)
                db.session.commit()
            except DomainError as exc:
                return domain_error_response(api, exc)
            except StaleDataError:
                return domain_error_response(api, Conflict(STALE_MESSAGE))
            return api.response(status, **result) if isinstance(result, dict) else result
        return run
    return decorate


def idempotent(method):
    """Honour an ``Idempotency-Key`` header on a money-moving API action (put it above
    ``api_action``): a replay with the same key and body returns the first response and writes
    nothing; the same key with another body is a 422, a replay while the first still runs a
    409 (rules in ``app.services.platform.idempotency``). Without the header, nothing changes."""
    @wraps(method)
    def run(api, *args, **kwargs):
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is None:
            return method(api, *args, **kwargs)
        fingerprint = idempotency.request_fingerprint(request.method, request.path,
                                                      request.get_data())
        try:
            row_id, replay = idempotency.begin(g.user.id, key, fingerprint)
        except DomainError as exc:
            return domain_error_response(api, exc)
        if replay is not None:
            status, body = replay
            return api.response(status, **body)
        g.idempotency_row = row_id
        try:
            response = method(api, *args, **kwargs)
        except BaseException:
            g.pop("idempotency_row", None)
            idempotency.release(row_id)
            raise
        not_stored = g.pop("idempotency_row", None) is not None
        if not 200 <= response.status_code < 300:
            idempotency.release(row_id)  # refused: nothing written, the key may be used again
        elif not_stored:  # a ready response rather than a dict: store what was sent
            idempotency.complete(row_id, response.status_code, response.get_json() or {})
            db.session.commit()
        return response
    return run


class DomainErrorsApiMixin:
    """For a ``ModelRestApi`` whose ``pre_add``/``pre_update``/``pre_delete`` call the services:
    their refusals come back as JSON with their status instead of an error page."""

    def post_headless(self):
        try:
            return super().post_headless()
        except DomainError as exc:
            return domain_error_response(self, exc)

    def put_headless(self, pk):
        try:
            return super().put_headless(pk)
        except DomainError as exc:
            return domain_error_response(self, exc)

    def delete_headless(self, pk):
        try:
            return super().delete_headless(pk)
        except DomainError as exc:
            return domain_error_response(self, exc)


# --- JSON request fields -------------------------------------------------------------------------

def json_body(optional=False):
    """The request's JSON object; with ``optional`` a request without a body counts as ``{}``.
    Numbers are read exactly (``Decimal`` for fractions and exponents, so ``1e309`` is not an
    infinity); ``NaN`` / ``Infinity`` come through as floats, which every field parser refuses
    naming its field."""
    data = request.get_data(cache=True)
    if not data.strip():
        if optional:
            return {}
        raise DomainError(_l("A JSON object is expected."))
    try:
        payload = json.loads(data, parse_float=Decimal)
    except (ValueError, RecursionError):
        raise DomainError(_l("A JSON object is expected.")) from None
    if not isinstance(payload, dict):
        raise DomainError(_l("A JSON object is expected."))
    return payload


def _present(payload, key, required):
    """The field's value, or None when it is missing or empty and may be."""
    value = payload.get(key)
    if value is None or value == "":
        if required:
            raise DomainError(_l("%(field)s is required.", field=key), field=key)
        return None
    return value


def json_int(payload, key, required=True):
    """A whole number, sent as a number or a string of digits (never true/false or 12.5)."""
    value = _present(payload, key, required)
    if value is None:
        return None
    number = None
    if isinstance(value, (float, Decimal)) and math.isfinite(value) and value == int(value):
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and len(value.strip()) <= 12:
        try:
            number = int(value)
        except ValueError:
            pass
    if number is not None and -INT_LIMIT <= number <= INT_LIMIT:
        return number
    raise DomainError(_l("%(field)s must be a whole number.", field=key), field=key)


def json_decimal(payload, key, required=True):
    """An amount as a ``Decimal``, sent as a string ("12.50") or an integer; a float is
    refused because it has already lost cents on the way."""
    value = _present(payload, key, required)
    if value is None:
        return None
    amount = None
    if isinstance(value, (str, int)) and not isinstance(value, bool) and len(str(value)) <= 20:
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            amount = None
    if amount is not None and amount.is_finite():
        if abs(amount) > AMOUNT_LIMIT:
            raise DomainError(_l("%(field)s is too large.", field=key), field=key)
        return amount
    raise DomainError(_l("%(field)s must be an amount sent as a string, like \"12.50\".",
                         field=key), field=key)


def json_str(payload, key, required=True, default=None, max_length=2000):
    """A text, sent as a JSON string (a number, list or object is refused); ``default`` when
    it is not sent."""
    value = _present(payload, key, required)
    if value is None:
        return default
    if not isinstance(value, str):
        raise DomainError(_l("%(field)s must be a text.", field=key), field=key)
    if len(value) > max_length:
        raise DomainError(_l("%(field)s is too long.", field=key), field=key)
    return value


def json_date(payload, key, required=True):
    """A date written YYYY-MM-DD."""
    value = _present(payload, key, required)
    if value is None:
        return None
    try:
        if not isinstance(value, str):
            raise TypeError(key)
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise DomainError(_l("%(field)s must be a date like 2025-01-31.", field=key),
                          field=key) from None


def json_bool(payload, key, required=False, default=False):
    """true or false (also 1 / 0 and "true" / "false"); ``default`` when it is not sent."""
    value = _present(payload, key, required)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if isinstance(value, (int, str)) else None
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise DomainError(_l("%(field)s must be true or false.", field=key), field=key)


def json_object(payload, key, required=False):
    """A JSON object, sent as one or as a string holding one; ``{}`` when it is not sent."""
    value = _present(payload, key, required)
    if value is None:
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, dict):
        raise DomainError(_l("%(field)s must be a JSON object.", field=key), field=key)
    return value


# --- lenient query-string and form values --------------------------------------------------------

def arg_int(value):
    """A whole number from a query string or a form, None when empty or not a number (a
    filter that cannot be read is simply not applied)."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


# the dates a page may be asked about: pages step a day, a week or a month around the date
# asked, which Python cannot do at its calendar's ends (9999-12-31 + 1 day is an error)
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2999, 12, 31)


def arg_date(value, default=None):
    """A YYYY-MM-DD date from a query string or a form, ``default`` when empty, unreadable or
    outside FIRST_DATE..LAST_DATE."""
    try:
        day = date.fromisoformat(value) if value else default
    except (TypeError, ValueError):
        return default
    return day if day is None or FIRST_DATE <= day <= LAST_DATE else default


# --- serializers ---------------------------------------------------------------------------------

def money_json(value):
    """Money as a decimal string ("12.50"), never a float; None stays None."""
    return None if value is None else str(value)


def iso(value):
    """A date, datetime or time in ISO form; None stays None."""
    return None if value is None else value.isoformat()


# --- one-time form tokens ------------------------------------------------------------------------

FORM_TOKEN_FIELD = "form_token"


def new_form_token():
    """A fresh one-time token for a form that moves money (a hidden ``form_token`` field)."""
    import secrets

    return secrets.token_urlsafe(24)


def claim_form_submit(user_id):
    """Claim the submitted form's one-time token (before writing anything else): False when
    this very form was submitted already — a double click or a resubmit writes nothing twice.
    A form sent without a token is not protected (True)."""
    return idempotency.claim_form_token(user_id, request.form.get(FORM_TOKEN_FIELD))
