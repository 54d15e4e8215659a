"""Message templates: the placeholders they may use, validation on save, rendering, preview.

Templates are written by staff, so they are rendered by a *safe* formatter: only the names in
``PLACEHOLDERS`` are allowed, with no attribute or index access and no format specs, so a template
can never reach into Python objects (``{client.__class__}``) nor break on an odd brace.
"""
import string
from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date, format_datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app import formatting
from app.extensions import db
from app.models.communication import CHANNELS, MessageTemplate
from app.services.money import client_balances
from app.services.platform import DomainError, NotFound

PLACEHOLDERS = {
    "client_name": _l("Client's full name"),
    "first_name": _l("Client's first name"),
    "recipient_name": _l("Recipient's name (a guardian for a minor)"),
    "pass_name": _l("Name of the client's current pass"),
    "sessions_left": _l("Sessions left on the current pass"),
    "pass_end_date": _l("End date of the current pass"),
    "due_amount": _l("Amount the client owes"),
    "lesson_time": _l("Date and time of the next lesson"),
    "lesson_name": _l("Service of the next lesson"),
    "centre_name": _l("Name of the centre"),
    "course_title": _l("Title of the course (course invitations)"),
    "course_dates": _l("Dates of the course (course invitations)"),
}

_FORMATTER = string.Formatter()


class TemplateError(DomainError):
    """A template's text was refused (unknown placeholder or broken braces)."""


def template_placeholders(text):
    """The placeholder names a text uses; raises ``TemplateError`` on unknown names, attribute
    or index access, format specs or unbalanced braces."""
    names = []
    try:
        parsed = list(_FORMATTER.parse(text or ""))
    except ValueError:
        raise TemplateError(_l("The text has an unbalanced { or }. Write {{ or }} for a literal brace."),
                            field="body")
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            raise TemplateError(
                _l("Unknown placeholder {%(name)s}. Allowed: %(allowed)s",
                   name=field, allowed=", ".join("{%s}" % n for n in PLACEHOLDERS)),
                field="body",
            )
        names.append(field)
    return names


def render_text(text, context):
    """Fill ``text``'s placeholders from ``context``; a missing value renders as empty."""
    out = []
    for literal, field, _spec, _conversion in _FORMATTER.parse(text or ""):
        out.append(literal)
        if field is not None:
            value = context.get(field)
            out.append("" if value is None else str(value))
    return "".join(out)


def validate_template(template):
    """A template needs a known channel and language, a body, a subject for email, and only
    allowed placeholders in subject and body."""
    if template.channel not in CHANNELS:
        raise TemplateError(_l("Unknown channel."), field="channel")
    if template.language not in current_app.config["LANGUAGES"]:
        raise TemplateError(_l("Unknown language."), field="language")
    if not (template.body or "").strip():
        raise TemplateError(_l("The text cannot be empty."), field="body")
    if template.channel == "email" and not (template.subject or "").strip():
        raise TemplateError(_l("An email template needs a subject."), field="subject")
    template_placeholders(template.subject)
    template_placeholders(template.body)


def save_template(template):
    """Validate and store a template (name, channel and language are unique together)."""
    validate_template(template)
    clash = db.session.scalar(
        select(MessageTemplate.id).where(
            MessageTemplate.name == template.name,
            MessageTemplate.channel == template.channel,
            MessageTemplate.language == template.language,
            MessageTemplate.id != (template.id or 0),
        )
    )
    if clash:
        raise TemplateError(_l("This template already exists in this language."), field="language")
    db.session.add(template)
    db.session.flush()
    return template


def default_language():
    return current_app.config.get("MESSAGE_DEFAULT_LANGUAGE") or current_app.config.get(
        "BABEL_DEFAULT_LOCALE", "en")


def find_templates(name, channel):
    """All active languages of one template: ``{language: MessageTemplate}``."""
    rows = db.session.scalars(
        select(MessageTemplate).where(MessageTemplate.name == name,
                                      MessageTemplate.channel == channel,
                                      MessageTemplate.active.is_(True))
    ).all()
    return {row.language: row for row in rows}


def pick_template(templates, language=None):
    """The template in the client's language, else the centre's default language, else English,
    else any."""
    for lang in (language, default_language(), "en"):
        if lang and lang in templates:
            return templates[lang]
    if not templates:
        return None
    return templates[sorted(templates)[0]]


def client_contexts(clients, on_date=None, needed=None, language=None):
    """Placeholder values for many clients in a constant number of queries:
    ``{client_id: {placeholder: value}}``, formatted for ``language``. ``needed`` limits the
    lookups to those placeholders."""
    language = language or default_language()
    on_date = on_date or date.today()
    needed = set(needed or PLACEHOLDERS)
    ids = [c.id for c in clients]
    contexts = {}
    centre = current_app.config.get("CENTRE_NAME") or current_app.config.get("APP_NAME", "")
    for client in clients:
        contexts[client.id] = {"client_name": client.full_name, "first_name": client.first_name,
                               "recipient_name": client.full_name, "centre_name": centre}
    if not ids:
        return contexts
    if needed & {"pass_name", "sessions_left", "pass_end_date"}:
        for client_id, values in _current_passes(ids, on_date, language).items():
            contexts[client_id].update(values)
    if "due_amount" in needed:
        for client_id, balance in client_balances(ids).items():
            if client_id in contexts:
                contexts[client_id]["due_amount"] = formatting.money(
                    max(Decimal(balance), Decimal("0")), locale=language)
    if needed & {"lesson_time", "lesson_name"}:
        since = datetime.combine(on_date, datetime.min.time())
        for client_id, values in _next_lessons(ids, since, language).items():
            contexts[client_id].update(values)
    return contexts


def _current_passes(ids, on_date, language):
    from app.models.passes import LIVE_STATUSES, Pass, PassPlan

    rows = db.session.execute(
        select(Pass.client_id, PassPlan.name, Pass.sessions_total, Pass.sessions_used, Pass.end_date)
        .join(PassPlan, PassPlan.id == Pass.plan_id)
        .where(Pass.client_id.in_(ids), Pass.status.in_(LIVE_STATUSES), Pass.end_date >= on_date)
        .order_by(Pass.client_id, Pass.end_date.desc())
    ).all()
    result = {}
    for client_id, name, total, used, end_date in rows:
        if client_id in result:
            continue
        left = None if total is None else max(total - (used or 0), 0)
        result[client_id] = {"pass_name": name, "sessions_left": "∞" if left is None else left,
                             "pass_end_date": format_date(end_date, format="medium", locale=language)}
    return result


def _next_lessons(ids, since, language):
    from app.models.passes import Service
    from app.models.timetable import GroupMember, Lesson

    individual = select(Lesson.client_id.label("client_id"), Lesson.starts_at, Lesson.service_id).where(
        Lesson.client_id.in_(ids), Lesson.starts_at >= since, Lesson.status == "planned")
    grouped = (
        select(GroupMember.client_id.label("client_id"), Lesson.starts_at, Lesson.service_id)
        .join(Lesson, Lesson.group_id == GroupMember.group_id)
        .where(GroupMember.client_id.in_(ids), Lesson.starts_at >= since,
               Lesson.status == "planned",
               or_(GroupMember.left_on.is_(None), GroupMember.left_on >= func.date(Lesson.starts_at)))
    )
    both = individual.union_all(grouped).subquery()
    rows = db.session.execute(
        select(both.c.client_id, both.c.starts_at, Service.name)
        .join(Service, Service.id == both.c.service_id)
        .order_by(both.c.client_id, both.c.starts_at)
    ).all()
    result = {}
    for client_id, starts_at, service in rows:
        if client_id not in result:
            result[client_id] = {"lesson_time": format_datetime(starts_at, format="short", locale=language),
                                 "lesson_name": service}
    return result


def preview_template(template_id, client_id, on_date=None):
    """The subject and body of a template filled in for one real client, as they would be sent."""
    from app.models.clients import Client
    from app.services.clients import message_recipients

    template = db.session.get(MessageTemplate, template_id) if template_id is not None else None
    client = db.session.get(Client, client_id) if client_id is not None else None
    if template is None or client is None:
        raise NotFound(_l("Not found."))
    needed = template_placeholders(template.body) + template_placeholders(template.subject)
    context = client_contexts([client], on_date, needed, template.language)[client.id]
    recipients = message_recipients(client)
    if recipients:
        context["recipient_name"] = recipients[0].name
    return {
        "subject": render_text(template.subject, context),
        "body": render_text(template.body, context),
        "recipients": [
            {"name": r.name, "address": r.email if template.channel == "email" else r.phone}
            for r in recipients
        ],
    }
