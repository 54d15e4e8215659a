"""Writing sessions off passes: one client at the desk, or a whole lesson in one go.

The rule (the same on both paths): a session comes off the client's pass that covers the service
at that moment — by the pass's own terms, copied from its plan at sale (services covered, time
window), so editing a plan never changes what a sold pass covers — live status, the date inside
its start and end, not frozen that day, its time window matching, sessions left or unlimited — the one ending first. Its ``value`` is the
pass's per-session value. Without such a pass the visit is owed: written off with no pass and
charged at the service's single-visit price. A pass never goes below zero nor beyond its total:
every decrement is a conditional UPDATE guarded per row, so concurrent write-offs (the desk,
another lesson) can only make one of them fall back to the next pass, never overdraw.

The batch functions (``write_off_sessions``, ``cancel_write_offs``) cost a constant number of
statements whatever the number of clients: one SELECT of the candidate passes of every client
(``FOR UPDATE`` on PostgreSQL), one guarded UPDATE of all the counters, and the new rows: one
multi-row INSERT per table on PostgreSQL (SQLAlchemy's insertmanyvalues); SQLite cannot tie
returned ids to rows, so there SQLAlchemy inserts them one by one (cheap in-process). Write-offs and charges are ORM objects, so the field
audit records them; the pass counters are changed with a Core UPDATE on both paths and are not
in the field audit (their write-offs are).
"""
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, or_, select, update

from app.extensions import db
from app.models.passes import (LIVE_STATUSES, Charge, Pass, PassFreeze, Service,
                               SessionWriteOff, pass_service)
from app.services.audit import update_loaded
from app.services.money.payments import add_charge, build_charge, to_money
from app.services.money.plans import windows_at
from app.services.platform import DomainError, NotFound

CENT = Decimal("0.01")


class NoValidPass(DomainError):
    """No pass of the client covers this service at this date and time."""

    status_code = 409


def _session_value(price_paid, sessions_total, validity_days):
    """Per-session value for revenue: price / sessions, or price / validity days if unlimited."""
    divisor = sessions_total if sessions_total is not None else validity_days
    return (Decimal(price_paid) / Decimal(divisor or 1)).quantize(CENT, rounding=ROUND_HALF_UP)


def _covers(client_ids, service_id, at):
    """SQL: the pass belongs to one of the clients and may be used for the service at ``at``
    by its own terms (services covered, dates, time window, no freeze that day; status and
    sessions are checked by the caller)."""
    day = at.date()
    return and_(
        Pass.client_id.in_(sorted(client_ids)),
        exists().where(pass_service.c.pass_id == Pass.id,
                       pass_service.c.service_id == service_id),
        Pass.start_date <= day, Pass.end_date >= day,
        Pass.time_window.in_(windows_at(at)),
        ~exists().where(PassFreeze.pass_id == Pass.id, PassFreeze.start_date <= day,
                        PassFreeze.end_date >= day))


def has_covering_pass(client_id, service_id, at):
    """Whether a pass of the client would cover the service at ``at`` (the write-off rule's
    terms: live, dates, time window, not frozen, sessions left). One query, nothing locked."""
    match = _covers({client_id}, service_id, at)
    return db.session.execute(
        select(Pass.id).where(Pass.status.in_(LIVE_STATUSES),
                              or_(Pass.sessions_total.is_(None),
                                  Pass.sessions_used < Pass.sessions_total), match)
        .limit(1)).first() is not None


def _candidate_rows(requests):
    """One query for every request: the usable passes of the clients, ending first, each with a
    column ``m<k>`` telling whether it covers the k-th distinct (service, moment) of the
    requests. Locked ``FOR UPDATE`` on PostgreSQL. Returns (rows, {(service, at): k})."""
    groups = defaultdict(set)
    for client_id, service_id, at in requests:
        groups[(service_id, at)].add(client_id)
    keys = {key: k for k, key in enumerate(groups)}
    matches = [_covers(clients, service_id, at) for (service_id, at), clients in groups.items()]
    query = (
        select(Pass.id, Pass.client_id, Pass.price_paid, Pass.sessions_total, Pass.sessions_used,
               Pass.validity_days,
               *[match.label(f"m{k}") for k, match in enumerate(matches)])
        .where(Pass.status.in_(LIVE_STATUSES),
               or_(Pass.sessions_total.is_(None), Pass.sessions_used < Pass.sessions_total),
               or_(*matches))
        .order_by(Pass.end_date, Pass.id))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Pass.__table__)
    return db.session.execute(query).all(), keys


def _take(increments):
    """Add ``{pass id: sessions}`` to the passes' counters in one UPDATE, refusing (per row)
    any pass no longer live or that would go beyond its total; the last session makes it used
    up. Returns the ids actually updated."""
    if not increments:
        return set()
    table = Pass.__table__
    added = case(increments, value=table.c.id)
    used = table.c.sessions_used + added
    rows = db.session.execute(
        update(table)
        .where(table.c.id.in_(list(increments)), table.c.status.in_(LIVE_STATUSES),
               or_(table.c.sessions_total.is_(None), used <= table.c.sessions_total))
        .values(sessions_used=used, version=table.c.version + 1,
                status=case((and_(table.c.sessions_total.is_not(None),
                                  used >= table.c.sessions_total), "used_up"),
                            else_=table.c.status))
        .returning(table.c.id)).scalars().all()
    for pass_id in increments:
        _expire_cached_pass(pass_id)
    return set(rows)


def _give_back(decrements):
    """Take ``{pass id: sessions}`` off the passes' counters in one UPDATE, never below zero;
    a used-up pass becomes active again."""
    if not decrements:
        return
    table = Pass.__table__
    taken = case(decrements, value=table.c.id)
    db.session.execute(
        update(table).where(table.c.id.in_(list(decrements)), table.c.sessions_used > 0)
        .values(sessions_used=case((table.c.sessions_used >= taken,
                                    table.c.sessions_used - taken), else_=0),
                version=table.c.version + 1,
                status=case((table.c.status == "used_up", "active"), else_=table.c.status)))
    for pass_id in decrements:
        _expire_cached_pass(pass_id)


def _expire_cached_pass(pass_id):
    cached = db.session.identity_map.get(db.session.identity_key(Pass, pass_id))
    if cached is not None:
        db.session.expire(cached)


def _pass_write_off(client_id, service_id, at, row):
    return SessionWriteOff(
        client_id=client_id, service_id=service_id, pass_id=row.id, at=at,
        value=_session_value(row.price_paid, row.sessions_total, row.validity_days))


# --- one client -------------------------------------------------------------------------

def write_off_session(client_id, service_id, at, walk_in=False):
    """Take one session off the client's valid pass covering the service at that moment
    (active, inside its dates, not frozen, sessions left or unlimited, time window matching),
    the one ending first. Raises ``NoValidPass`` when none can be used, saying why the
    client's passes do not cover it (``why_not_covered``)."""
    rows, _keys = _candidate_rows([(client_id, service_id, at)])
    for row in rows:
        if not _take({row.id: 1}):
            continue  # taken by a concurrent write-off meanwhile: try the next pass
        write_off = _pass_write_off(client_id, service_id, at, row)
        write_off.walk_in = walk_in
        db.session.add(write_off)
        db.session.flush()
        return write_off
    raise NoValidPass(why_not_covered(client_id, service_id, at))


def _hhmm(value):
    return value.strftime("%H:%M")


def why_not_covered(client_id, service_id, at):
    """Why no pass of the client covers the service at ``at``, as a translated message naming
    the closest pass: outside its time window ("covers 12:00–17:00 only"), frozen that day,
    not started or ended, no sessions left — or no pass for the service at all. One query."""
    from app.services.money.plans import time_windows

    passes = list(db.session.scalars(
        select(Pass).where(Pass.client_id == client_id, Pass.status.in_(LIVE_STATUSES),
                           exists().where(pass_service.c.pass_id == Pass.id,
                                          pass_service.c.service_id == service_id))
        .order_by(Pass.end_date.desc(), Pass.id)))
    day = at.date()
    for pass_ in passes:
        name = str(pass_)
        if pass_.start_date > day:
            return _l("Pass %(name)s starts on %(day)s.", name=name, day=pass_.start_date)
        if pass_.end_date < day:
            return _l("Pass %(name)s ended on %(day)s.", name=name, day=pass_.end_date)
        if pass_.sessions_total is not None and pass_.sessions_used >= pass_.sessions_total:
            return _l("Pass %(name)s has no sessions left.", name=name)
        if any(f.start_date <= day <= f.end_date for f in pass_.freezes):
            return _l("Pass %(name)s is frozen on %(day)s.", name=name, day=day)
        if pass_.time_window not in windows_at(at):
            start, end = time_windows().get(pass_.time_window, (None, None))
            if start is not None:
                return _l("Pass %(name)s covers %(start)s–%(end)s only.", name=name,
                          start=_hhmm(start), end=_hhmm(end))
    return _l("The client has no valid pass for this service at this time.")


def recent_walk_in(client_id, service_id, since, until):
    """The client's walk-in visit of the service checked in between ``since`` and ``until``
    (not cancelled), the latest one, or None."""
    return db.session.scalars(
        select(SessionWriteOff).where(
            SessionWriteOff.client_id == client_id, SessionWriteOff.service_id == service_id,
            SessionWriteOff.walk_in.is_(True), SessionWriteOff.cancelled.is_(False),
            SessionWriteOff.at >= since, SessionWriteOff.at <= until)
        .order_by(SessionWriteOff.at.desc(), SessionWriteOff.id.desc()).limit(1)).first()


def record_owed_visit(client_id, service_id, at, walk_in=False):
    """A visit without a valid pass: written off with no pass and charged at the service's
    single-visit price, so it shows as debt until paid."""
    service = db.session.get(Service, service_id)
    if service is None:
        raise NotFound(_l("No such service."))
    price = to_money(service.single_visit_price or 0)
    write_off = SessionWriteOff(client_id=client_id, service_id=service_id, pass_id=None, at=at,
                                value=price, walk_in=walk_in)
    db.session.add(write_off)
    db.session.flush()
    charge = add_charge(client_id, price, "visit", write_off_id=write_off.id, on=at.date(),
                        description=service.name)
    write_off.charge_id = charge.id
    db.session.flush()
    return write_off


def cancel_write_off(write_off):
    """Undo a write-off: the session goes back on its pass (a used-up pass becomes active
    again) or the owed-visit charge is cancelled. Cancelling twice changes nothing."""
    return cancel_write_offs([write_off])[0]


# --- many clients at once ---------------------------------------------------------------

def write_off_sessions(requests, owe=True):
    """Write off one session per request ``(client_id, service_id, at)``, in order, by the same
    rule as ``write_off_session``; a request no pass covers becomes an owed visit (``owe``) or
    ``None``. Returns the write-offs in the order of the requests; a constant number of
    statements whatever their number (a pass lost to a concurrent write-off between the SELECT
    and the UPDATE sends just its requests through the one-client path)."""
    requests = [(int(c), int(s), at) for c, s, at in requests]
    if not requests:
        return []
    rows, keys = _candidate_rows(requests)
    by_client = defaultdict(list)
    for row in rows:  # already ending first
        by_client[row.client_id].append(row)
    planned, chosen = Counter(), []
    for client_id, service_id, at in requests:
        column = f"m{keys[(service_id, at)]}"
        row = next((r for r in by_client[client_id] if getattr(r, column) and (
            r.sessions_total is None or r.sessions_used + planned[r.id] < r.sessions_total)),
            None)
        if row is not None:
            planned[row.id] += 1
        chosen.append(row)
    won = _take(dict(planned))
    result, retry = [None] * len(requests), []
    for i, (request, row) in enumerate(zip(requests, chosen)):
        if row is not None and row.id in won:
            result[i] = _pass_write_off(*request, row)
        elif row is not None:
            retry.append(i)
    owed = [i for i, row in enumerate(chosen) if row is None] if owe else []
    services = _owed_visits(requests, owed, result) if owed else {}
    db.session.add_all([write_off for write_off in result if write_off is not None])
    db.session.flush()
    if owed:
        _charge_owed([result[i] for i in owed], services)
    for i in retry:
        try:
            result[i] = write_off_session(*requests[i])
        except NoValidPass:
            result[i] = record_owed_visit(*requests[i]) if owe else None
    return result


def _owed_visits(requests, indexes, result):
    services = {s.id: s for s in db.session.scalars(
        select(Service).where(Service.id.in_({requests[i][1] for i in indexes})))}
    for i in indexes:
        client_id, service_id, at = requests[i]
        if service_id not in services:
            raise NotFound(_l("No such service."))
        result[i] = SessionWriteOff(
            client_id=client_id, service_id=service_id, pass_id=None, at=at,
            value=to_money(services[service_id].single_visit_price or 0))
    return services


def _charge_owed(write_offs, services):
    """The owed visits' charges, one INSERT (and the write-offs pointing at them, one UPDATE)."""
    charges = [build_charge(w.client_id, w.value, "visit", write_off_id=w.id, on=w.at.date(),
                            description=services[w.service_id].name) for w in write_offs]
    db.session.add_all(charges)
    db.session.flush()
    update_loaded(write_offs, [{"charge_id": charge.id} for charge in charges])


def cancel_write_offs(write_offs):
    """Undo many write-offs at once by the rule of ``cancel_write_off`` (sessions back on their
    passes, owed-visit charges cancelled, already cancelled ones untouched), in a constant
    number of statements. Returns the write-offs given."""
    write_offs = list(write_offs)
    live = [w for w in write_offs if not w.cancelled]
    if not live:
        return write_offs
    _give_back(dict(Counter(w.pass_id for w in live if w.pass_id is not None)))
    charge_ids = [w.charge_id for w in live if w.charge_id is not None]
    db.session.flush()  # pending changes first, so the versions below are the stored ones
    if charge_ids:
        charges = list(db.session.scalars(select(Charge).where(Charge.id.in_(charge_ids))))
        update_loaded([c for c in charges if not c.cancelled], {"cancelled": True})
    update_loaded(live, {"cancelled": True})
    return write_offs
