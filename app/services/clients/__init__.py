"""Clients and organisations: records, search, scope, card, import/export, managers.

What other domains may use: the client card's section registry, the recipients of a client's
messages (guardians for a minor) and their language, name normalization, the client search and the
front desk's lookup (with the warning a category asks for before check-in).
"""
from app.services.clients.card import register_card_section
from app.services.clients.desk import desk_warning, find_at_desk
from app.services.clients.documents import check_document
from app.services.clients.records import message_language, message_recipients, normalize_text
from app.services.clients.search import search_clients

__all__ = ["check_document", "desk_warning", "find_at_desk", "message_language",
           "message_recipients", "normalize_text", "register_card_section", "search_clients"]
