"""The family view of an account: each card's debt and the family's total, valid passes, and
make-up credits — in a constant number of queries.

Rule: a guardian's account is the one payer of its family: the balance shown is the sum of the
balances (charges − payments, positive = debt) of every card linked to the account.
"""
from datetime import date, datetime

from sqlalchemy import select

from app.extensions import db
from app.models.passes import LIVE_STATUSES, Pass
from app.services.portal.makeup import client_credits


def family_summary(clients):
    """``{"people": [{client, balance, passes}], "total": Decimal, "credits": [...]}``."""
    from app.services.money import client_balances, to_money

    ids = [c.id for c in clients]
    balances = client_balances(ids)
    passes = {}
    for pass_ in db.session.scalars(select(Pass).where(
            Pass.client_id.in_(ids or [-1]), Pass.status.in_(LIVE_STATUSES),
            Pass.end_date >= date.today()).order_by(Pass.end_date)):
        passes.setdefault(pass_.client_id, []).append(pass_)
    people = [{"client": c, "balance": balances.get(c.id), "passes": passes.get(c.id, [])}
              for c in clients]
    return {"people": people, "total": to_money(sum(balances.values())),
            "credits": client_credits(ids, datetime.now())}
