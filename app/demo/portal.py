"""Demo portal: two groups open to online booking, a cancellation rule, and one family's
portal account (login: the guardian's email, password ``DEMO_PORTAL_PASSWORD``)."""
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models.clients import Client, Guardian
from app.models.portal import BookingSettings, CancellationRule, PortalAccount
from app.models.timetable import Group
from app.services.portal import save_settings

DEMO_PORTAL_PASSWORD = "demo portal passphrase"


def load(users):
    opened = 0
    for group in db.session.scalars(select(Group).where(Group.active.is_(True))
                                    .order_by(Group.id).limit(2)):
        if db.session.scalar(select(BookingSettings.id).where(BookingSettings.group_id == group.id)):
            continue
        save_settings(group.id, capacity=4, opens_days_before=7, closes_minutes_before=60,
                      waitlist_cutoff_minutes=120)
        if not db.session.scalar(select(CancellationRule.id).where(
                CancellationRule.service_id == group.service_id)):
            db.session.add(CancellationRule(service_id=group.service_id, free_cancel_hours=12,
                                            late_cancel_penalty="session",
                                            no_show_penalty="session", no_show_limit=3))
        opened += 1
    accounts = 0
    guardian = db.session.scalar(select(Guardian).join(Client, Client.id == Guardian.client_id)
                                 .where(Guardian.email.is_not(None), Client.active.is_(True))
                                 .order_by(Guardian.id).limit(1))
    if guardian is not None:
        login = guardian.email.strip().lower()
        if not db.session.scalar(select(PortalAccount.id).where(PortalAccount.login == login)):
            from app.models.portal import PortalAccountClient

            children = db.session.scalars(select(Guardian.client_id).where(
                Guardian.email.ilike(guardian.email.strip()))).all()
            account = PortalAccount(login=login, language=guardian.language,
                                    password_hash=generate_password_hash(DEMO_PORTAL_PASSWORD))
            account.clients = [PortalAccountClient(client_id=cid) for cid in sorted(set(children))]
            db.session.add(account)
            accounts = 1
    db.session.flush()
    return {"groups open to booking": opened, "portal accounts": accounts}
