"""Special clients: signed up and never came; paid and never came; came without a valid pass."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from app.models.clients import Client
from app.models.passes import Charge, Payment, SessionWriteOff
from app.models.timetable import LATE, PRESENT, Attendance
from app.services.reports.registry import (CHOICE, DATE, INT, MONEY, TEXT, Col, Param, Report,
                                           period_bounds, period_params, register, month_ago)
from app.services.reports.sql import client_name, money_sum

NEVER_CAME, PAID_NEVER_CAME, OWED_VISITS = "never_came", "paid_never_came", "owed_visits"
KINDS = ((NEVER_CAME, _l("Registered and never came")),
         (PAID_NEVER_CAME, _l("Paid and never came")),
         (OWED_VISITS, _l("Came without a valid pass (owed visits)")))


def special_clients_query(params):
    """Clients of one kind, with what they paid, how often they came and what they owe for
    visits without a pass. A visit is a session written off (not cancelled) or a lesson attended
    (present or late) without a write-off. The period selects registration (``created_on``)
    for the first two kinds, and the owed visits' dates for the third."""
    lower, upper = period_bounds(params)
    kind = params.get("kind") or NEVER_CAME
    paid = (select(Payment.client_id.label("cid"), money_sum(Payment.amount).label("amount"))
            .group_by(Payment.client_id).subquery("paid"))
    write_offs = (select(SessionWriteOff.client_id.label("cid"),
                         func.count(SessionWriteOff.id).label("n"))
                  .where(SessionWriteOff.cancelled.is_(False))
                  .group_by(SessionWriteOff.client_id).subquery("write_offs"))
    attended = (select(Attendance.client_id.label("cid"), func.count(Attendance.id).label("n"))
                .where(Attendance.status.in_((PRESENT, LATE)), Attendance.write_off_id.is_(None))
                .group_by(Attendance.client_id).subquery("attended"))
    owed_filter = [SessionWriteOff.pass_id.is_(None), SessionWriteOff.cancelled.is_(False)]
    if kind == OWED_VISITS:
        owed_filter += [SessionWriteOff.at >= lower, SessionWriteOff.at < upper]
    owed = (select(SessionWriteOff.client_id.label("cid"),
                   func.count(SessionWriteOff.id).label("n"),
                   money_sum(Charge.amount).label("amount"))
            .outerjoin(Charge, and_(Charge.id == SessionWriteOff.charge_id,
                                    Charge.cancelled.is_(False)))
            .where(*owed_filter)
            .group_by(SessionWriteOff.client_id).subquery("owed"))
    visits = func.coalesce(write_offs.c.n, 0) + func.coalesce(attended.c.n, 0)
    query = (
        select(client_name().label("client"), Client.phone.label("phone"),
               Client.email.label("email"), Client.created_on.label("registered"),
               func.coalesce(paid.c.amount, 0).label("paid"), visits.label("visits"),
               func.coalesce(owed.c.n, 0).label("owed_visits"),
               func.coalesce(owed.c.amount, 0).label("owed_amount"))
        .select_from(Client)
        .outerjoin(paid, paid.c.cid == Client.id)
        .outerjoin(write_offs, write_offs.c.cid == Client.id)
        .outerjoin(attended, attended.c.cid == Client.id)
        .outerjoin(owed, owed.c.cid == Client.id)
        .order_by(client_name(), Client.id)
    )
    if kind == OWED_VISITS:
        return query.where(owed.c.n > 0)
    query = query.where(Client.created_on >= lower, Client.created_on < upper, visits == 0)
    if kind == PAID_NEVER_CAME:
        query = query.where(paid.c.amount > 0)
    return query


register(Report(
    name="special_clients",
    title=_l("Special clients"),
    description=_l("Clients who signed up and never came, paid and never came, or came without "
                   "a valid pass."),
    params=(Param("kind", _l("Which clients"), CHOICE, default=NEVER_CAME, choices=KINDS),)
    + period_params(default_from=month_ago),
    columns=(
        Col("client", _l("Client"), TEXT, 28),
        Col("phone", _l("Phone"), TEXT, 18),
        Col("email", _l("Email"), TEXT, 24),
        Col("registered", _l("Registered"), DATE, 12),
        Col("paid", _l("Paid"), MONEY),
        Col("visits", _l("Visits"), INT, 8),
        Col("owed_visits", _l("Owed visits"), INT, 10),
        Col("owed_amount", _l("Owed for visits"), MONEY),
    ),
    query=special_clients_query,
    summary=("paid", "owed_visits", "owed_amount"),
    landscape=True,
))
