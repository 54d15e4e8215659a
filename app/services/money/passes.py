"""Passes: selling, freezing, extending, refunding, and writing sessions off.

Rules in one place:
- a sale costs the plan price less the larger of the client's and the plan's discount; it is
  charged at once, and whatever is not paid yet is debt;
- a freeze moves the end date by the frozen days, within the plan's count and total-days limits;
- a refund credits the unused part pro rata (sessions left, or days left for an unlimited pass)
  and returns what was paid beyond the value used — never more than was paid;
- a write-off takes the valid pass ending first; the decrement is one conditional UPDATE, so
  concurrent check-ins can never push a pass below zero (app/services/write_offs.py, whose
  functions, one client or a whole lesson at once, are re-exported here).
"""
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, exists, func, literal, or_, select, union_all, update
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.clients import Client
from app.models.passes import LIVE_STATUSES, Pass, PassExtension, PassFreeze, PassPlan, Payment
from app.services.money import bonuses, certificates, hooks
from app.services.money.amounts import check_count
from app.services.money.plans import (  # noqa: F401  (part of this API)
    price_for, window_hours, windows_at)
from app.services.platform import Conflict, DomainError, NotFound
from app.services.money.payments import (add_charge, checked_amount, client_balances, debtor_ids,
                                         debtor_query,
                                         paid_for_pass, return_money, take_payment, to_money)
from app.services.money.write_offs import (  # noqa: F401  (writing sessions off: part of this API)
    NoValidPass, _session_value, cancel_write_off, cancel_write_offs, record_owed_visit,
    write_off_session, write_off_sessions)

CENT = Decimal("0.01")
RED_DAYS = 7  # a pass ending within this many days is shown red


def _get(model, pk, message):
    obj = db.session.get(model, pk)
    if obj is None:
        raise NotFound(message)
    return obj


def _check_age(plan, client, on):
    age = client.age(on)
    if age is None:
        return
    for service in plan.services:
        if (service.min_age is not None and age < service.min_age) or (
                service.max_age is not None and age > service.max_age):
            raise DomainError(_l("The client's age is outside the limits of %(service)s.",
                                 service=service.name), field="plan")


# --- selling and changing a pass ----------------------------------------------------------

def sell_pass(client_id, plan_id, start_date=None, amount_paid=None, method="cash",
              taken_by_id=None, certificate_code=None):
    """Sell a plan to a client: the pass is charged at the discounted price, and the amount
    paid now (if any) is recorded; the unpaid rest is the client's debt. The plan's terms
    (services, sessions, validity, time window, freeze limits, price) are copied onto the pass."""
    client = _get(Client, client_id, _l("No such client."))
    plan = _get(PassPlan, plan_id, _l("No such plan."))
    if not plan.active:
        raise DomainError(_l("This plan is no longer sold."), field="plan")
    start_date = start_date or date.today()
    _check_age(plan, client, start_date)
    percent, price = price_for(plan, client)
    amount_paid = checked_amount(amount_paid or 0, "amount_paid")
    if amount_paid < 0:
        raise DomainError(_l("The amount paid cannot be negative."), field="amount_paid")
    pass_ = Pass(client_id=client.id, plan_id=plan.id, start_date=start_date,
                 end_date=start_date + timedelta(days=plan.validity_days - 1),
                 sessions_total=plan.sessions, sessions_used=0, list_price=plan.price,
                 discount_percent=percent, price_paid=price, status="active",
                 # the terms sold are the pass's own: later plan edits do not reach it
                 validity_days=plan.validity_days, time_window=plan.time_window,
                 freezes_allowed=plan.freezes_allowed,
                 freeze_days_allowed=plan.freeze_days_allowed, services=list(plan.services))
    db.session.add(pass_)
    db.session.flush()
    add_charge(client.id, price, "pass", pass_id=pass_.id, on=min(start_date, date.today()),
               description=plan.name)
    if amount_paid > 0:
        take_payment(client.id, amount_paid, method=method, purpose="pass", pass_id=pass_.id,
                     taken_by_id=taken_by_id, certificate_code=certificate_code)
    hooks.fire(hooks.PASS_SOLD, pass_)
    return pass_


def lock_pass(pass_id):
    """Load the pass holding its row lock until the transaction ends, so that refunds, freezes
    and extensions of one pass run one after the other and each sees the last one's result
    (``FOR UPDATE`` on PostgreSQL; on SQLite a version bump written first takes the database
    write lock before anything is read)."""
    table = Pass.__table__
    query = select(Pass).where(Pass.id == pass_id)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=table)
    else:
        db.session.execute(update(table).where(table.c.id == pass_id)
                           .values(version=table.c.version + 1))
    pass_ = db.session.execute(query.execution_options(populate_existing=True)).scalar_one_or_none()
    if pass_ is None:
        raise NotFound(_l("No such pass."))
    return pass_


def _live_pass(pass_id):
    pass_ = lock_pass(pass_id)
    if pass_.status not in LIVE_STATUSES:
        raise DomainError(_l("This pass is no longer in use."))
    return pass_


def freeze_pass(pass_id, start, days):
    """Freeze a pass from ``start`` for ``days`` days: the end date moves by as many days.
    Allowed within the plan's number of freezes and total frozen days, without overlaps."""
    pass_ = _live_pass(pass_id)
    days = check_count(int(days), "days")
    if days < 1:
        raise DomainError(_l("A freeze lasts at least one day."), field="days")
    if not pass_.start_date <= start <= pass_.end_date:
        raise DomainError(_l("The freeze must start while the pass is valid."), field="start")
    freezes = list(pass_.freezes)
    if len(freezes) >= pass_.freezes_allowed:
        raise DomainError(_l("This plan allows %(count)s freezes; none left.",
                             count=pass_.freezes_allowed), field="start")
    used_days = sum(f.days for f in freezes)
    if used_days + days > pass_.freeze_days_allowed:
        raise DomainError(_l("Only %(days)s freeze days are left on this pass.",
                             days=max(pass_.freeze_days_allowed - used_days, 0)), field="days")
    end = start + timedelta(days=days - 1)
    if any(f.start_date <= end and start <= f.end_date for f in freezes):
        raise DomainError(_l("This freeze overlaps another one."), field="start")
    freeze = PassFreeze(pass_id=pass_.id, start_date=start, end_date=end, days=days)
    pass_.freezes.append(freeze)
    pass_.end_date = pass_.end_date + timedelta(days=days)
    if start <= date.today() <= end:
        pass_.status = "frozen"
    db.session.flush()
    return freeze


def unfreeze_pass(pass_id, on=None):
    """End the current (or the next) freeze early: the days not used are given back, so the
    end date moves back by them; a freeze not started yet is removed."""
    pass_ = _live_pass(pass_id)
    on = on or date.today()
    freeze = next((f for f in pass_.freezes if f.end_date >= on), None)
    if freeze is None:
        raise DomainError(_l("This pass has no current or planned freeze."))
    if freeze.start_date >= on:
        unused = freeze.days
        pass_.freezes.remove(freeze)
        db.session.delete(freeze)
    else:
        kept = (on - freeze.start_date).days
        unused = freeze.days - kept
        freeze.end_date = on - timedelta(days=1)
        freeze.days = kept
    pass_.end_date = pass_.end_date - timedelta(days=unused)
    pass_.status = "active"
    db.session.flush()
    return pass_


def extend_pass(pass_id, days, reason, granted_by_id=None):
    """Extend a pass by hand by ``days`` days; a reason is required. An expired pass whose new
    end date is not past becomes usable again."""
    pass_ = lock_pass(pass_id)
    if pass_.status in ("refunded", "used_up"):
        raise DomainError(_l("This pass is no longer in use."))
    days = check_count(int(days), "days")
    if days < 1:
        raise DomainError(_l("Extend by at least one day."), field="days")
    if not (reason or "").strip():
        raise DomainError(_l("A reason is required."), field="reason")
    extension = PassExtension(pass_id=pass_.id, days=days, reason=reason.strip(),
                              granted_by_fk=granted_by_id)
    pass_.extensions.append(extension)
    pass_.end_date = pass_.end_date + timedelta(days=days)
    if pass_.status == "expired":
        pass_.status = "active"
    db.session.flush()
    return extension


def unused_value(pass_, on=None):
    """The value of what is left of a pass: price × sessions left / sessions total, or for an
    unlimited pass price × days left / days total (rounded down to cents)."""
    on = on or date.today()
    price = Decimal(pass_.price_paid)
    if pass_.sessions_total is not None:
        share = Decimal(pass_.sessions_left) / Decimal(pass_.sessions_total)
    else:
        total_days = (pass_.end_date - pass_.start_date).days + 1
        left = (pass_.end_date - max(on, pass_.start_date)).days + 1
        share = Decimal(min(max(left, 0), total_days)) / Decimal(total_days)
    return (price * share).quantize(CENT, rounding=ROUND_DOWN)


def refund_amounts(price, unused, paid):
    """(credit, money back): the unused part is credited, and the money returned is what was
    paid beyond the value used — between zero and what was paid."""
    used_value = Decimal(price) - Decimal(unused)
    back = min(max(Decimal(paid) - used_value, Decimal(0)), max(Decimal(paid), Decimal(0)))
    return Decimal(unused), back.quantize(CENT)


def _paid_by_certificate(pass_id):
    """{certificate id: net value paid for the pass with it} (refunds to it included)."""
    rows = db.session.execute(
        select(Payment.certificate_id, func.sum(Payment.amount))
        .where(Payment.pass_id == pass_id, Payment.method == "certificate",
               Payment.certificate_id.is_not(None))
        .group_by(Payment.certificate_id).order_by(Payment.certificate_id)).all()
    return {cid: to_money(total) for cid, total in rows if total and total > 0}


def refundable_value(pass_id, on=None):
    """What refunding the pass now would credit (its unused value, see ``unused_value``), the
    pass row locked. Refused (``Conflict``, naming the plan) when the refund rule leaves nothing
    to refund: the pass is already refunded, has expired or is used up."""
    pass_ = lock_pass(pass_id)
    name = pass_.plan.name if pass_.plan is not None else str(pass_.id)
    if pass_.status == "refunded":
        raise Conflict(_l("The pass %(plan)s has already been refunded.", plan=name),
                       field="pass")
    on = on or date.today()
    unused = unused_value(pass_, on)
    if pass_.status == "expired" or pass_.end_date < on or unused <= 0:
        raise Conflict(_l("The pass %(plan)s has been used up or has expired: the refund rule "
                          "leaves nothing of it to refund.", plan=name), field="pass")
    return unused


def refund_pass(pass_id, reason, on=None, method="cash", taken_by_id=None):
    """Refund the unused part of a pass pro rata: a negative charge for the unused value and a
    negative payment (with the reason) for the money returned. The pass becomes refunded.

    What was paid with a gift certificate goes back to the certificate, not into the hand: the
    money returned goes first to the certificates that paid for the pass (up to what each paid),
    the rest with ``method``. The pass row is locked first, so of two refunds at once the
    second finds it refunded. Returns the cash (non-certificate) payment, if any."""
    if not (reason or "").strip():
        raise DomainError(_l("A reason is required."), field="reason")
    pass_ = lock_pass(pass_id)
    if pass_.status == "refunded":
        raise DomainError(_l("This pass has already been refunded."))
    on = on or date.today()
    credit, back = refund_amounts(pass_.price_paid, unused_value(pass_, on),
                                  paid_for_pass(pass_.id))
    if credit > 0:
        add_charge(pass_.client_id, -credit, "refund", pass_id=pass_.id, on=on,
                   description=reason.strip()[:250])
    for certificate_id, paid in _paid_by_certificate(pass_.id).items():
        part = min(paid, back)
        if part <= 0:
            break
        returned = return_money(pass_.client_id, part, reason, method="certificate",
                                pass_id=pass_.id, taken_by_id=taken_by_id)
        returned.certificate_id = certificate_id
        certificates.return_to_certificate(certificate_id, part, pass_.client_id,
                                           payment_id=returned.id)
        back -= part
    payment = None
    if back > 0:
        if method == "certificate":
            method = "cash"  # nothing (more) was paid by certificate: money goes back in hand
        payment = return_money(pass_.client_id, back, reason, method=method, pass_id=pass_.id,
                               taken_by_id=taken_by_id)
        bonuses.reverse_for_refund(pass_.client_id, back, payment_id=payment.id)
    pass_.status = "refunded"
    pass_.refunded_on = on
    pass_.refund_reason = reason.strip()
    db.session.flush()
    return payment


def expire_passes(on=None):
    """Mark live passes whose end date is past as expired; returns how many."""
    on = on or date.today()
    table = Pass.__table__
    result = db.session.execute(
        update(table).where(table.c.status.in_(LIVE_STATUSES), table.c.end_date < on)
        .values(status="expired", version=table.c.version + 1))
    return result.rowcount


def refresh_pass_statuses(on=None):
    """The daily status update: past passes expire, passes inside a freeze are frozen and
    frozen passes whose freeze is over are active again. Returns {status: rows changed}."""
    on = on or date.today()
    table = Pass.__table__
    in_freeze = exists().where(PassFreeze.pass_id == table.c.id, PassFreeze.start_date <= on,
                               PassFreeze.end_date >= on)
    expired = expire_passes(on)
    frozen = db.session.execute(
        update(table).where(table.c.status == "active", in_freeze)
        .values(status="frozen", version=table.c.version + 1)).rowcount
    thawed = db.session.execute(
        update(table).where(table.c.status == "frozen", ~in_freeze)
        .values(status="active", version=table.c.version + 1)).rowcount
    return {"expired": expired, "frozen": frozen, "active": thawed}


# --- flags and lists ----------------------------------------------------------------------

def _running_out_condition(on):
    """SQL: a live pass with sessions left ≤ its plan's threshold or ending within 7 days."""
    return and_(
        Pass.status.in_(LIVE_STATUSES),
        Pass.end_date >= on,
        or_(and_(Pass.sessions_total.is_not(None),
                 Pass.sessions_total - Pass.sessions_used <= PassPlan.low_balance_threshold),
            Pass.end_date <= on + timedelta(days=RED_DAYS)))


def running_out_pass_ids(pass_ids, on=None):
    ids = list(pass_ids)
    if not ids:
        return set()
    on = on or date.today()
    return set(db.session.scalars(
        select(Pass.id).join(PassPlan, PassPlan.id == Pass.plan_id)
        .where(Pass.id.in_(ids), _running_out_condition(on))))


def red_pass_ids(passes, on=None):
    """Which of these passes are red: running out (sessions or days) or their client owes.
    ``passes`` are (id, client_id) pairs or Pass objects; two queries whatever their number."""
    pairs = [(p.id, p.client_id) if hasattr(p, "client_id") else tuple(p) for p in passes]
    if not pairs:
        return set()
    running_out = running_out_pass_ids([pid for pid, _ in pairs], on)
    owing = debtor_ids({cid for _, cid in pairs})
    return {pid for pid, cid in pairs if pid in running_out or cid in owing}


def client_flag_queries(client_ids, on_date=None):
    """``{"debt": SELECT, "red_pass": SELECT}`` (not run) of the clients among ``client_ids``
    (ids or a SELECT of ids) who owe, and who hold a live pass running out on ``on_date`` — for
    a caller combining them with other flags in one statement (the timetable's red flags)."""
    on = on_date or date.today()
    ids = client_ids if isinstance(client_ids, Select) else list(client_ids)
    return {"debt": debtor_query(ids),
            "red_pass": select(Pass.client_id).join(PassPlan, PassPlan.id == Pass.plan_id)
            .where(Pass.client_id.in_(ids), _running_out_condition(on)).distinct()}


def client_flags(client_ids, on_date=None):
    """Flags per client: "debt" when the balance is positive, "red_pass" when a live pass is
    running out. One query whatever the number of clients. ``client_ids`` may be a SELECT of
    client ids, kept in SQL (no bind parameter per client); then only flagged clients are keys."""
    if isinstance(client_ids, Select):
        ids, flags = client_ids, {}
    else:
        ids = list(client_ids)
        flags = {cid: set() for cid in ids}
        if not ids:
            return flags
    for cid, names in flags_by_client(client_flag_queries(ids, on_date)).items():
        flags.setdefault(cid, set()).update(names)
    return flags


def flags_by_client(queries):
    """``{client id: {flag, …}}`` from ``{flag: SELECT of client ids}`` in ONE statement (a
    UNION ALL of the SELECTs, each labelled with its flag); only flagged clients are keys."""
    flagged = union_all(*[
        select(literal(name).label("flag"), query.subquery().c[0].label("client_id"))
        for name, query in queries.items()])
    flags = {}
    for name, client_id in db.session.execute(flagged):
        flags.setdefault(client_id, set()).add(name)
    return flags


def passes_running_out(on=None, limit=500):
    """Live passes with sessions left ≤ threshold or ending within 7 days, ending first."""
    on = on or date.today()
    return list(db.session.scalars(
        select(Pass).join(PassPlan, PassPlan.id == Pass.plan_id)
        .where(_running_out_condition(on))
        .options(joinedload(Pass.client), joinedload(Pass.plan))
        .order_by(Pass.end_date, Pass.id).limit(limit)))


def client_passes(client_id):
    """A client's passes, newest first, with plan and freezes loaded."""
    return list(db.session.scalars(
        select(Pass).where(Pass.client_id == client_id)
        .options(joinedload(Pass.plan), joinedload(Pass.freezes))
        .order_by(Pass.start_date.desc(), Pass.id.desc())).unique())


def client_money_summary(client_ids):
    """Balance and bonus points per client (for cards and lists), constant queries."""
    balances = client_balances(client_ids)
    points = bonuses.bonus_balances(client_ids)
    return {cid: {"balance": balances[cid], "points": points[cid]} for cid in balances}
