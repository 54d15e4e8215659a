"""Document templates: HTML/Jinja rendered in a sandbox, one per kind and language.

Rules. The shipped default of a kind (``app/templates/documents/print/<kind>.html``) serves every
language: its labels go through gettext in the document's language. An Admin's template for a
kind and language replaces the default for that pair. Templates run in Jinja's immutable sandbox
with autoescaping, so a template can read the document's values (plain data, see ``content``) but
call nothing unsafe, and a client named ``<script>`` prints as text. A template that does not
compile, or fails on the sample record, is refused with its error line and never stored.
"""
import os
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import force_locale, gettext, lazy_gettext as _l, ngettext, npgettext, pgettext
from jinja2 import FileSystemLoader, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from sqlalchemy import select

from app import formatting
from app.extensions import db
from app.models.documents import DocumentTemplate
from app.services.documents.content import centre_requisites
from app.services.documents.kinds import DOCUMENT_KINDS, KIND_LABELS
from app.services.platform import DomainError, NotFound

_ENVIRONMENTS = {}


def print_folder():
    return os.path.join(current_app.root_path, "templates", "documents", "print")


def environment():
    """The sandboxed Jinja environment of documents (one per application)."""
    key = id(current_app._get_current_object())
    env = _ENVIRONMENTS.get(key)
    if env is None:
        env = ImmutableSandboxedEnvironment(loader=FileSystemLoader(print_folder()),
                                            autoescape=True, extensions=["jinja2.ext.i18n"])
        env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext,
                                        npgettext=npgettext)
        env.filters["money"] = formatting.money
        env.filters["fnumber"] = formatting.number
        env.filters["fdate"] = formatting.date
        env.filters["fdatetime"] = formatting.datetime_
        _ENVIRONMENTS[key] = env
    return env


def languages():
    return list(current_app.config.get("LANGUAGES") or {"en": {}})


def check_kind_language(kind, language):
    if kind not in DOCUMENT_KINDS:
        raise DomainError(_l("Unknown kind of document."), field="kind")
    if language not in languages():
        raise DomainError(_l("Unknown language."), field="language")


def default_source(kind):
    """The shipped default template of a kind, as text."""
    with open(os.path.join(print_folder(), f"{kind}.html"), encoding="utf-8") as handle:
        return handle.read()


def stored_template(kind, language):
    return db.session.scalar(select(DocumentTemplate).where(
        DocumentTemplate.kind == kind, DocumentTemplate.language == language))


def template_source(kind, language):
    """The Admin's template for the pair, else the default: (source, is_custom)."""
    stored = stored_template(kind, language)
    if stored is not None:
        return stored.body, True
    return default_source(kind), False


def _error_line(exc):
    """The template line an exception was raised on (Jinja puts template frames in the
    traceback under the template's name)."""
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _refusal(exc):
    line = _error_line(exc)
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    if line:
        return DomainError(_l("The template has an error on line %(line)s: %(error)s",
                              line=line, error=message), field="body", line=line)
    return DomainError(_l("The template has an error: %(error)s", error=message), field="body")


def render_source(source, values, language):
    """Render a template's text with ``values`` in ``language``; a broken template raises a
    ``DomainError`` naming the line."""
    with force_locale(language):
        try:
            return environment().from_string(source).render(**values)
        except TemplateSyntaxError as exc:
            raise _refusal(exc) from None
        except DomainError:
            raise
        except Exception as exc:  # a runtime error in the Admin's template (sandbox included)
            raise _refusal(exc) from None


def sample_values(kind, language):
    """A made-up record of the kind, for the preview and for checking a template on save."""
    today = date.today()
    start = today.replace(day=1)
    client = {"id": 0, "full_name": "Petrosyan Anna", "first_name": "Anna",
              "last_name": "Petrosyan", "middle_name": "", "birth_date": date(1990, 5, 17),
              "phone": "+374 10 000000", "email": "anna@example.com", "address": "1 Main street",
              "card_number": "000123", "gender": "", "organisation": "", "consent_email": True,
              "consent_sms": False, "guardians": [], "since": start}
    amount = Decimal("120.00")
    lines = [{"on": start, "at": datetime.combine(start, datetime.min.time()), "text": "Yoga",
              "kind": "pass", "amount": amount, "start": start,
              "end": start + timedelta(days=30), "sessions": 10}]
    statement = {"opening": Decimal("0.00"), "closing": Decimal("20.00"), "charged": amount,
                 "paid": Decimal("100.00"), "start": start, "end": today,
                 "entries": [{"on": start, "kind": "charge", "text": "Yoga", "charge": amount,
                              "balance": amount},
                             {"on": start, "kind": "payment", "text": "Cash",
                              "payment": Decimal("100.00"), "balance": Decimal("20.00")}]}
    return {
        "doc": {"number": "SAMPLE-000001", "kind": kind, "title": str(KIND_LABELS[kind]),
                "issued_on": today, "period_start": start, "period_end": today,
                "cancelled": False, "language": language},
        "centre": centre_requisites(),
        "currency": current_app.config.get("CURRENCY", "EUR"),
        "today": today, "client": client,
        "organisation": {"id": 0, "short_name": "Example Ltd", "full_name": "Example Ltd",
                         "address": "2 Main street", "tax_id": "00000000", "phone": "",
                         "email": "", "contacts": [{"name": "Ivanov Ivan", "position": "Director",
                                                    "phone": "", "email": ""}]},
        "payment": {"id": 0, "amount": amount, "paid_at": datetime.now(), "method": "Cash",
                    "purpose": "Pass", "pass": "Yoga", "taken_by": "Front desk", "reason": ""},
        "certificate": {"code": "GIFT-0001", "amount": amount, "balance": amount,
                        "valid_until": today + timedelta(days=365), "buyer": "Petrosyan Anna"},
        "lines": lines, "total": amount, "balance_due": Decimal("20.00"),
        "statement": statement,
        "people": [{"full_name": "Petrosyan Anna", "phone": "", "email": "",
                    "balance": Decimal("0.00")}],
        "sale": None,
        "course": {"title": "First aid", "starts_on": start, "ends_on": today,
                   "direction": "Safety", "instructor": "Ivanov Ivan", "hours": "16"},
        "participant": {"full_name": "Petrosyan Anna", "result": str(_l("Passed")), "grade": "A",
                        "certificate_number": "SEM-0001", "certified_on": today},
    }


def preview(kind, language, source=None):
    """The template (the given text, else the one in use) rendered against the sample record."""
    check_kind_language(kind, language)
    if source is None:
        source, _custom = template_source(kind, language)
    return render_source(source, sample_values(kind, language), language)


def save_template(kind, language, body):
    """Store the Admin's template for the pair after checking it compiles and renders the
    sample record; a broken one is refused (with its line) and nothing is stored."""
    check_kind_language(kind, language)
    body = (body or "").replace("\r\n", "\n")
    if not body.strip():
        raise DomainError(_l("The template is empty."), field="body")
    preview(kind, language, body)
    template = stored_template(kind, language)
    if template is None:
        template = DocumentTemplate(kind=kind, language=language, body=body)
        db.session.add(template)
    else:
        template.body = body
    db.session.flush()
    return template


def reset_template(kind, language):
    """Go back to the shipped default for the pair (the Admin's template is removed)."""
    check_kind_language(kind, language)
    template = stored_template(kind, language)
    if template is None:
        raise NotFound(_l("This template is already the default."))
    db.session.delete(template)
    db.session.flush()


def custom_templates():
    """{(kind, language)} of the pairs an Admin has replaced."""
    return set(db.session.execute(select(DocumentTemplate.kind, DocumentTemplate.language)).all())


