"""Scheduled reminders: a registry of kinds, and the run that sends each occasion once.

A kind is a declaration: a name, a template name (sent on each channel it exists for), any
extra placeholders its templates may use, and a query function ``(on_date) -> iterable of (client, occasion, context)``; ``occasion`` names the event (a pass,
a lesson, a year) so ``ReminderLog``'s unique (kind, client, occasion) makes it send once however
often the scheduler runs. Another domain adds a kind from its own module::

    from app.services.communication.reminders import register_reminder

    @register_reminder("item_due_back", _l("Lent item due back"),
                       placeholders={"item_name": _l("Name of the lent item")})
    def items_due_back(on_date):
        for loan in ...:
            yield loan.client, f"loan{loan.id}", {"item_name": loan.item.name}

and lists the module in ``REMINDER_MODULES`` so the scheduler imports it.
"""
import importlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable

from babel.dates import format_date, format_datetime
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, or_, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.communication import CHANNELS, ReminderLog
from app.services.communication.templates import PLACEHOLDERS, default_language, find_templates
from app.services.communication.messaging import Outgoing, build_messages, store_messages

# Modules declaring reminder kinds, imported before a run (other domains append theirs).
REMINDER_MODULES = ["app.services.communication.reminders"]


@dataclass
class ReminderKind:
    name: str
    label: object
    query: Callable
    template: str


REMINDER_KINDS = {}


def register_reminder(name, label, template=None, placeholders=None):
    """Declare a reminder kind; decorates its query function. It is sent on every channel for
    which its template (default: the kind's name) exists; ``placeholders`` ({name: label}) become
    allowed in every template."""
    PLACEHOLDERS.update(placeholders or {})

    def decorator(query):
        REMINDER_KINDS[name] = ReminderKind(name, label, query, template or name)
        return query

    return decorator


def load_reminder_kinds():
    for module_name in REMINDER_MODULES:
        importlib.import_module(module_name)
    return REMINDER_KINDS


def _safe_occasion(occasion):
    return re.sub(r"[^A-Za-z0-9.-]", "-", str(occasion))[:60]


def send_due_reminders(enqueue_delivery, on_date=None, kinds=None):
    """For every kind (or the named ones), create the messages of occasions not yet logged and
    hand their ids to ``enqueue_delivery`` (the caller's job starter) after each kind commits;
    returns ``{kind: occasions handled now}``. A kind without any template is left for later
    (nothing is logged, so it goes out once the template exists)."""
    on_date = on_date or date.today()
    counts = {}
    for kind in load_reminder_kinds().values():
        if kinds and kind.name not in kinds:
            continue
        channels = {channel: find_templates(kind.template, channel) for channel in CHANNELS}
        channels = {channel: found for channel, found in channels.items() if found}
        if not channels:
            counts[kind.name] = 0
            continue
        items = [(client, _safe_occasion(occasion), context or {})
                 for client, occasion, context in kind.query(on_date)]
        done = _logged(kind.name, [(c.id, o) for c, o, _ctx in items])
        fresh, seen = [], set()
        for client, occasion, context in items:
            if (client.id, occasion) in done or (client.id, occasion) in seen:
                continue
            seen.add((client.id, occasion))
            fresh.append((client, occasion, context))
        queued = []
        for client, occasion, context in fresh:
            prefix = f"rem.{kind.name}.{occasion}"
            rows = []
            for channel, templates in channels.items():
                rows.extend(build_messages([Outgoing(client, prefix, context)], channel, templates,
                                           f"reminder:{kind.name}", on_date=on_date))
            try:
                with db.session.begin_nested():
                    db.session.add(ReminderLog(kind=kind.name, client_id=client.id,
                                               occasion=occasion, created_on=datetime.now(),
                                               messages=len(rows)))
                    db.session.flush()
                    queued.extend(store_messages(rows))
            except IntegrityError:
                continue  # a concurrent run logged this occasion first
        db.session.commit()
        enqueue_delivery(queued)
        counts[kind.name] = len(fresh)
    return counts


def _logged(kind, pairs):
    if not pairs:
        return set()
    found = set()
    for start in range(0, len(pairs), 300):
        chunk = pairs[start:start + 300]
        found.update(db.session.execute(
            select(ReminderLog.client_id, ReminderLog.occasion).where(
                ReminderLog.kind == kind,
                tuple_(ReminderLog.client_id, ReminderLog.occasion).in_(chunk))).all())
    return {tuple(row) for row in found}


def _clients(ids):
    from app.models.clients import Client

    if not ids:
        return {}
    return {c.id: c for c in db.session.scalars(
        select(Client).where(Client.id.in_(set(ids)), Client.active.is_(True))
        .options(selectinload(Client.guardians)))}


def _client_locale(client):
    """The client's message language (guardian's for a minor), else the centre's default."""
    from app.services.clients import message_language

    return message_language(client) or default_language()


def _fdate(value):
    return format_date(value, format="medium", locale=default_language())


# --- the stock kinds --------------------------------------------------------------------------

@register_reminder("pass_running_out", _l("Pass running out"))
def passes_running_out(on_date):
    """Live passes with few sessions left (at most the plan's threshold) or ending within
    ``REMINDER_PASS_DAYS`` days (default 3); once per pass."""
    from app.models.passes import LIVE_STATUSES, Pass, PassPlan

    days = current_app.config.get("REMINDER_PASS_DAYS", 3)
    rows = db.session.execute(
        select(Pass.id, Pass.client_id, PassPlan.name, Pass.sessions_total, Pass.sessions_used,
               Pass.end_date)
        .join(PassPlan, PassPlan.id == Pass.plan_id)
        .where(Pass.status.in_(LIVE_STATUSES), Pass.end_date >= on_date,
               or_(Pass.end_date <= on_date + timedelta(days=days),
                   (Pass.sessions_total.is_not(None))
                   & (Pass.sessions_total - Pass.sessions_used <= PassPlan.low_balance_threshold)))
        .order_by(Pass.id)).all()
    clients = _clients([r.client_id for r in rows])
    for pass_id, client_id, name, total, used, end_date in rows:
        if client_id in clients:
            left = "∞" if total is None else max(total - (used or 0), 0)
            yield clients[client_id], f"pass{pass_id}", {
                "pass_name": name, "sessions_left": left, "pass_end_date": _fdate(end_date)}


@register_reminder("debt", _l("Debt"))
def debtors(on_date):
    """Clients who owe money; once a month while the debt lasts."""
    from app.services.money import debtor_ids

    clients = _clients(debtor_ids())
    for client_id in sorted(clients):
        yield clients[client_id], f"{on_date:%Y-%m}", {}


@register_reminder("lesson_tomorrow", _l("Lesson tomorrow"))
def lessons_tomorrow(on_date):
    """Planned lessons starting tomorrow: their individual client or the group's current
    members; once per lesson and client."""
    from app.models.passes import Service
    from app.models.timetable import GroupMember, Lesson

    start = datetime.combine(on_date + timedelta(days=1), datetime.min.time())
    end = start + timedelta(days=1)
    window = (Lesson.starts_at >= start, Lesson.starts_at < end, Lesson.status == "planned")
    individual = select(Lesson.id, Lesson.client_id, Lesson.starts_at, Service.name).join(
        Service, Service.id == Lesson.service_id).where(Lesson.client_id.is_not(None), *window)
    grouped = (select(Lesson.id, GroupMember.client_id, Lesson.starts_at, Service.name)
               .join(Service, Service.id == Lesson.service_id)
               .join(GroupMember, GroupMember.group_id == Lesson.group_id)
               .where(*window, GroupMember.joined_on <= start.date(),
                      or_(GroupMember.left_on.is_(None), GroupMember.left_on >= start.date())))
    rows = db.session.execute(individual.union_all(grouped)).all()
    clients = _clients([r[1] for r in rows])
    for lesson_id, client_id, starts_at, service in sorted(rows, key=lambda r: (r[0], r[1])):
        if client_id in clients:
            yield clients[client_id], f"lesson{lesson_id}", {
                "lesson_time": format_datetime(starts_at, format="short",
                                               locale=_client_locale(clients[client_id])),
                "lesson_name": service}


@register_reminder("item_due_back", _l("Lent item due back"),
                   placeholders={"item_name": _l("Name of the lent item"),
                                 "item_due_date": _l("Date the lent item was due back")})
def items_due_back(on_date):
    """Lent items not returned by their due date (the stock domain's overdue loans); once per
    loan."""
    from app.services.stock import overdue_loans

    rows = overdue_loans(on_date)
    clients = _clients([r.client_id for r in rows])
    for loan_id, client_id, name, due_date in rows:
        if client_id in clients:
            yield clients[client_id], f"loan{loan_id}", {"item_name": name,
                                                          "item_due_date": _fdate(due_date)}


@register_reminder("birthday", _l("Birthday"))
def birthdays(on_date):
    """Clients whose birthday is today (29 February ones on 28 February in other years);
    once a year."""
    from app.models.clients import Client

    days = [(on_date.month, on_date.day)]
    if (on_date.month, on_date.day) == (2, 28) and not _is_leap(on_date.year):
        days.append((2, 29))
    condition = or_(*[(extract("month", Client.birth_date) == m) & (extract("day", Client.birth_date) == d)
                      for m, d in days])
    ids = list(db.session.scalars(select(Client.id).where(Client.birth_date.is_not(None), condition)))
    clients = _clients(ids)
    for client_id in sorted(clients):
        yield clients[client_id], str(on_date.year), {}


def _is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
