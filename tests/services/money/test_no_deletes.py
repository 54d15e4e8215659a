"""Money rows are never deleted: running every money service issues no DELETE against
payments, charges, write-offs or certificate movements (listening to the SQL sent)."""
import re
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import event

from app.services.money import bonuses, certificate_sales
from app.services.money import passes as svc
from app.services.money.payments import add_charge, return_money, take_payment
from app.services.timetable import attendance
from tests.factories.passes import make_client, make_pass, make_plan, make_service

MONEY_TABLES = ("payment", "charge", "session_write_off", "gift_certificate",
                "gift_certificate_redemption", "bonus_transaction", "client_pass")
AT = datetime.combine(date.today(), time(10))


def test_no_money_service_deletes_a_money_row(db):
    statements = []

    def listen(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", listen)
    try:
        _run_every_money_service(db)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    deleted = {match.group(1).lower() for match in (
        re.match(r'\s*DELETE\s+FROM\s+"?(\w+)', s, re.IGNORECASE) for s in statements) if match}
    assert "pass_freeze" in deleted  # the listener does see deletes (a planned freeze undone)
    assert deleted.isdisjoint(MONEY_TABLES), deleted


def _run_every_money_service(db):
    buyer, client = make_client(), make_client()
    service = make_service(single_visit_price=Decimal("14.00"))
    plan = make_plan(services=[service], freezes_allowed=2, freeze_days_allowed=20)
    certificate = certificate_sales.issue_certificate(Decimal("50"), buyer_client_id=buyer.id,
                                                      method="card")
    pass_ = make_pass(client, plan, amount_paid=Decimal("30"), method="certificate",
                      certificate_code=certificate.code)
    take_payment(client.id, Decimal("70"), pass_id=pass_.id, method="cash")
    write_off = svc.write_off_session(client.id, service.id, AT)
    svc.cancel_write_off(write_off)
    owed = svc.record_owed_visit(client.id, service.id, AT)
    svc.cancel_write_offs([owed])
    svc.write_off_sessions([(client.id, service.id, AT), (buyer.id, service.id, AT)])
    attendance.check_in_to_service(client.id, service.id, AT)
    attendance.check_in_to_service(client.id, service.id, AT)
    svc.freeze_pass(pass_.id, date.today(), 3)
    svc.unfreeze_pass(pass_.id)
    svc.extend_pass(pass_.id, 2, "closed for repairs")
    add_charge(buyer.id, Decimal("10"), "sale")
    take_payment(buyer.id, bonuses.bonus_balance(buyer.id), purpose="sale", method="bonus")
    return_money(buyer.id, Decimal("1"), "rounding")
    svc.refund_pass(pass_.id, "moved away")
    svc.refresh_pass_statuses()
    db.session.flush()
