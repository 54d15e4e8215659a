"""Passes and money: plans, passes, write-offs, payments, bonuses, gift certificates.

What other domains may use: amounts, balances and debts, the red flags of clients, and the
session write-off rules (one visit at the desk, a whole lesson, owed visits, cancelling, why a
visit is not covered, a walk-in already checked in), the cashier's open shift a payment belongs
to, refunding a pass by its rule (a shop receipt returned as a whole), and listeners on
payments and pass sales (``listen(PAYMENT_TAKEN, fn)``).
"""
from app.services.money.amounts import to_money
from app.services.money.cash_desk import shift_for_payment
from app.services.money.day import payments_of_day
from app.services.money.hooks import PASS_SOLD, PAYMENT_TAKEN, listen
from app.services.money.passes import (client_flag_queries, client_flags, flags_by_client,
                                       refund_pass, refundable_value, sell_pass)
from app.services.money.plans import price_for
from app.services.money.payments import (add_charge, client_balances, debt_subqueries, debt_summary,
                                         debtor_ids,
                                         return_money, take_payment)
from app.services.money.write_offs import (NoValidPass, cancel_write_offs, has_covering_pass,
                                           recent_walk_in,
                                           record_owed_visit, why_not_covered,
                                           write_off_session, write_off_sessions)

__all__ = ["PASS_SOLD", "PAYMENT_TAKEN", "NoValidPass", "add_charge", "cancel_write_offs",
           "client_balances", "client_flag_queries", "client_flags", "debt_subqueries",
           "debt_summary", "debtor_ids", "flags_by_client",
           "has_covering_pass", "listen", "payments_of_day", "price_for", "recent_walk_in",
           "record_owed_visit", "refund_pass", "refundable_value", "return_money", "sell_pass",
           "shift_for_payment", "take_payment", "to_money", "why_not_covered", "write_off_session",
           "write_off_sessions"]
