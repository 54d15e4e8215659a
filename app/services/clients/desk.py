"""The front desk's client lookup: a card number (scanned or typed), a name (accent- and
script-insensitive) or a phone, and the warning a category asks for before check-in."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.clients import Client
from app.services.clients.search import search_clients

DESK_MATCHES = 20


def find_at_desk(text, for_user=None, limit=DESK_MATCHES):
    """Clients the desk means by ``text``: the one whose card number is exactly ``text`` if any
    (a scan is never ambiguous), else the active clients whose name, phone or card matches
    (``search_clients``), at most ``limit``."""
    text = (text or "").strip()
    if not text:
        return []
    by_card = db.session.scalars(select(Client).options(joinedload(Client.category))
                                 .where(Client.card_number == text)).first()
    if by_card is not None:
        return [by_card]
    return search_clients(text, limit=limit, active_only=True, for_user=for_user)


def desk_warning(client):
    """A translated warning to show before checking ``client`` in, or ``None``: the client's
    category asks for one (``ClientCategory.warn_at_checkin``, e.g. "Problem")."""
    category = client.category
    if category is not None and category.warn_at_checkin:
        return _l("Careful: %(name)s is in the category “%(category)s”. Check with the manager "
                  "before letting them in.", name=client.full_name, category=category.name)
    return None
