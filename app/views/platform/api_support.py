"""REST plumbing shared by the API classes: a refusal from the services as JSON, one transaction
per API action, parsers for JSON request fields (refusing with a translated message naming the
field) and for lenient query-string values, and the serializers for money and dates."""
import json
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import wraps

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.services.platform.errors import Conflict, DomainError
from app.views.platform.base import STALE_MESSAGE

TRUE_WORDS = {"true", "1"}
FALSE_WORDS = {"false", "0"}


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
                db.session.commit()
            except DomainError as exc:
                return domain_error_response(api, exc)
            except StaleDataError:
                return domain_error_response(api, Conflict(STALE_MESSAGE))
            return api.response(status, **result) if isinstance(result, dict) else result
        return run
    return decorate


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
    """The request's JSON object; with ``optional`` a request without a body counts as ``{}``."""
    payload = request.get_json(silent=True)
    if payload is None and optional:
        return {}
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
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        try:
            return int(value)
        except ValueError:
            pass
    raise DomainError(_l("%(field)s must be a whole number.", field=key), field=key)


def json_decimal(payload, key, required=True):
    """An amount as a ``Decimal``, sent as a string ("12.50") or an integer; a float is
    refused because it has already lost cents on the way."""
    value = _present(payload, key, required)
    if value is None:
        return None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            amount = None
        if amount is not None and amount.is_finite():
            return amount
    raise DomainError(_l("%(field)s must be an amount sent as a string, like \"12.50\".",
                         field=key), field=key)


def json_date(payload, key, required=True):
    """A date written YYYY-MM-DD."""
    value = _present(payload, key, required)
    if value is None:
        return None
    try:
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


def arg_date(value, default=None):
    """A YYYY-MM-DD date from a query string or a form, ``default`` when empty or unreadable."""
    try:
        return date.fromisoformat(value) if value else default
    except (TypeError, ValueError):
        return default


# --- serializers ---------------------------------------------------------------------------------

def money_json(value):
    """Money as a decimal string ("12.50"), never a float; None stays None."""
    return None if value is None else str(value)


def iso(value):
    """A date, datetime or time in ISO form; None stays None."""
    return None if value is None else value.isoformat()
