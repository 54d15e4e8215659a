"""Finding clients and organisations by name, phone, card number, organisation, industry and
contact position — case- and accent-insensitive in every script, phones in any formatting."""
from sqlalchemy import and_, exists, func, not_, or_, select, union
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models.client_names import ClientNameTrigram, indexed_trigrams
from app.models.clients import Client, ContactPerson, Industry, Organisation
from app.services.clients.records import digits_only, normalize_text
from app.services.clients.scope import visible_client_filter
from app.services.platform import IndexWalk, leading_first, merged_keys

MIN_PHONE_DIGITS = 3


def _like(term):
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _industry_ids(term):
    """Industries whose name contains ``term`` — compared in Python, since the directory is
    short and SQLite's lower() only folds ASCII (Cyrillic and Armenian names would not match)."""
    return [pk for pk, name in db.session.execute(select(Industry.id, Industry.name))
            if term in normalize_text(name)]


def _organisation_match(term):
    """Organisations whose name, industry or a contact person's position contains term."""
    pattern = _like(term)
    return or_(
        Organisation.search_name.like(pattern, escape="\\"),
        Organisation.industry_id.in_(_industry_ids(term)),
        exists().where(and_(ContactPerson.organisation_id == Organisation.id,
                            ContactPerson.position_search.like(pattern, escape="\\"))),
    )


def _looks_like_number(text):
    """Mostly digits: a phone or card number, not a name."""
    digits = digits_only(text)
    return bool(digits) and len(digits) >= len(text.replace(" ", "")) * 0.6


def client_name_begins(text, name=Client.search_name):
    """A condition true for the clients whose name begins with ``text`` as typed (normalized:
    "Dub" → "dubois lea", "ива" → "иванова анна"), None for a number or nothing. A search
    lists these first (``EagerInterface.default_order``): on PostgreSQL and SQLite alike they
    are one range of the name index; never NULL, so its negation holds every other client.
    ``name``: the column holding the normalized name (the name trigram table's, for a walk)."""
    text = (text or "").strip()
    prefix = normalize_text(text)
    if not prefix or _looks_like_number(text) or ord(prefix[-1]) >= 0x10FFFF:
        return None
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)  # the first string past every "prefix…"
    return and_(name.isnot(None), name >= prefix, name < after,
                name.like(_like(prefix)[1:], escape="\\"))


def _other_arms(word, text, postgresql):
    """The conditions besides the name under which ``word`` (of ``text``) matches a client: its
    email, its card number (the whole text), its organisation's name, industry or contact
    position. On PostgreSQL the matching organisations are looked up first (a short
    directory) so that the planner sees their ids (none, usually: the condition is left out)
    instead of guessing a share of all clients and walking the name index instead."""
    arms = [Client.email.like(_like(word), escape="\\"), Client.card_number == text]
    if postgresql:
        organisations = list(db.session.scalars(
            select(Organisation.id).where(_organisation_match(word))))
        if organisations:
            arms.append(Client.organisation_id.in_(organisations))
    else:
        arms.append(Client.organisation_id.in_(
            select(Organisation.id).where(_organisation_match(word))))
    return arms


def client_search_parts(text):
    """``(condition, walk)`` for clients matching ``text``. ``condition``: a WHERE clause —
    every word must match the name, the organisation (name, industry, contact position) or the
    email; a number matches phone digits or the card number (None for no text). ``walk``: for
    a text with a word holding three letters (``client_names.indexed_trigrams``), the
    ``IndexWalk`` listing the matches in name order through the name trigram table — one
    trigram's entries of the first such word, plus the clients it matches by something other
    than the name — else None."""
    text = (text or "").strip()
    if not text:
        return None, None
    digits = digits_only(text)
    if _looks_like_number(text):
        number = []
        # "06 12 34" typed the national way still finds "+33 6 12 34 …" (trunk zero dropped)
        for variant in {digits, digits.lstrip("0")}:
            if len(variant) >= MIN_PHONE_DIGITS:
                number.append(Client.phone_digits.like(_like(variant), escape="\\"))
        number.append(Client.card_number == text)
        number.append(Client.card_number == digits)
        return or_(*number), None
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    conditions, walk = [], None
    words = normalize_text(text).split(" ")
    for word in words:
        name = Client.search_name.like(_like(word), escape="\\")
        arms = _other_arms(word, text, postgresql)
        if postgresql:
            # One OR of indexable conditions: PostgreSQL answers each from its index
            # (trigram GIN for the name and email, btree for the card and organisation)
            # and ORs the bitmaps, then reads only the matching clients — a union joined
            # back to the client table read every client (4× slower at 100,000).
            conditions.append(or_(name, *arms))
        else:
            # SQLite: a union of single-column matches (no trigram index: each scans).
            conditions.append(Client.id.in_(union(
                *[select(Client.id).where(arm) for arm in (name, *arms)])))
        pieces = indexed_trigrams(word)
        if walk is None and pieces:
            walk = _walk(pieces[0], arms, alone=text if pieces == [word] == words else None)
    return and_(*conditions), walk


def _walk(piece, arms, alone=None):
    """The ``IndexWalk`` of the clients whose name holds ``piece`` (one trigram's entries of
    the name trigram table, by name); outside it the clients matched by ``arms`` (email, card,
    organisation) whose name does not hold it. ``alone``: the text searched when it is that
    one trigram — every entry walked is then a match, so the walk needs the client table only
    for other conditions (the entries beginning with the text are left to the leading rows)."""
    entry = ClientNameTrigram
    holds = entry.trigram == piece
    begins = client_name_begins(alone, entry.search_name) if alone else None
    return IndexWalk(
        table=entry, onclause=entry.client_id == Client.id, where=holds,
        order=(entry.search_name, entry.client_id),
        outside=and_(or_(Client.search_name.is_(None), not_(Client.search_name.like(
            _like(piece), escape="\\"))), or_(*arms)),
        alone=None if begins is None else and_(holds, not_(begins)))


def client_search_condition(text):
    """A WHERE clause for clients matching ``text`` (see ``client_search_parts``)."""
    return client_search_parts(text)[0]


def search_clients(text, limit=50, offset=0, active_only=False, for_user=None):
    """Clients matching ``text`` (see ``client_search_parts``): those whose name begins with it
    first, then the others, each by name; with ``for_user`` only the clients that user may see
    (``clients_scope.visible_client_filter``)."""
    condition, walk = client_search_parts(text)
    if condition is None:
        return []
    scope = visible_client_filter(for_user) if for_user is not None else None
    limits = [c for c in (scope, Client.active.is_(True) if active_only else None)
              if c is not None]
    query = (select(Client).where(*limits)
             .options(joinedload(Client.organisation), joinedload(Client.category))
             .order_by(Client.search_name, Client.id))
    leading = client_name_begins(text)
    if leading is None:
        return list(db.session.scalars(query.where(condition).limit(limit).offset(offset)))

    def fetch(leads, offset, limit):
        # the names beginning with the text match it: one range of the name index
        if leads:
            group = query.where(leading)
        elif walk is None:
            group = query.where(condition, not_(leading))
        else:  # the other matches found in name order, then read by key
            others = [condition, not_(leading), *limits]
            if walk.alone is not None and not limits:
                walked = select(*walk.order).where(walk.alone)
            else:
                walked = (select(*walk.order).select_from(Client)
                          .join(walk.table, walk.onclause).where(walk.where, *others))
            walked = walked.order_by(*walk.order)
            outside = (select(Client.search_name, Client.id).where(walk.outside, *others)
                       .order_by(Client.search_name, Client.id))
            keys = merged_keys(walked, outside, offset, limit)
            return list(db.session.scalars(query.where(Client.id.in_(keys))))
        return list(db.session.scalars(group.limit(limit).offset(offset)))

    def count_leading():
        return db.session.scalar(select(func.count()).select_from(
            query.where(leading).order_by(None).with_only_columns(Client.id).subquery()))

    return leading_first(fetch, count_leading, offset, limit)


def search_organisations(text, limit=50):
    """Organisations matching every word in name, tax id, industry or contact position/name,
    or whose phone or a contact's phone contains the digits typed."""
    text = (text or "").strip()
    if not text:
        return []
    digits = digits_only(text)
    if digits and len(digits) >= max(MIN_PHONE_DIGITS, len(text.replace(" ", "")) * 0.6):
        pattern = _like(digits)
        condition = or_(Organisation.tax_id == text, Organisation.phone.like(pattern, escape="\\"))
    else:
        condition = and_(*[
            or_(_organisation_match(word),
                exists().where(and_(
                    ContactPerson.organisation_id == Organisation.id,
                    ContactPerson.name_search.like(_like(word), escape="\\"))))
            for word in normalize_text(text).split(" ")])
    query = (select(Organisation).where(condition)
             .options(joinedload(Organisation.industry), selectinload(Organisation.contacts))
             .order_by(Organisation.short_name).limit(limit))
    return list(db.session.scalars(query))
