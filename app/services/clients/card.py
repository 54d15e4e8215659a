"""The client card's sections: each domain registers a function ``(client) -> dict`` and a
template, and the card page renders them in order without knowing the domains.

A section's function must run a constant number of queries (it gets one client) and return the
variables its template needs; the template is included with ``section`` (the dict) in scope and
must show an empty state when there is nothing yet. Registering the same key again replaces the
previous section, so a domain can take over one of the placeholders below::

    from app.services.clients.card import register_card_section
    register_card_section("passes", _("Passes and balance"), passes_card_data,
                          "money/card_section.html", order=10)
"""
from dataclasses import dataclass
from typing import Callable

from flask_babel import lazy_gettext as _l


@dataclass
class CardSection:
    key: str
    title: object
    build: Callable
    template: str
    order: int = 100
    # a permission the section needs, as (action, resource); None = whoever reads the client
    permission: tuple = None


CARD_SECTIONS = {}


def register_card_section(key, title, build, template, order=100, permission=None):
    """Add (or replace) a section of the client card."""
    CARD_SECTIONS[key] = CardSection(key, title, build, template, order, permission)


def _empty(client):
    return {"items": []}


EMPTY_TEMPLATE = "clients/card_section_empty.html"

# Placeholders until the owning domain registers its own section under the same key.
for _key, _title, _order in (
    ("passes", _l("Passes and balance"), 10),
    ("visits", _l("Visits"), 20),
    ("payments", _l("Payments and debt"), 30),
    ("bonus", _l("Bonus points"), 40),
    ("calls", _l("Calls"), 50),
    ("messages", _l("Messages"), 60),
    ("tasks", _l("Tasks"), 70),
    ("audit", _l("Audit history"), 90),
):
    register_card_section(_key, _title, _empty, EMPTY_TEMPLATE, _order)


def build_card_sections(client, can=None):
    """The card's sections for one client, in order: [(section, data)], skipping sections
    whose permission ``can(action, resource)`` refuses."""
    result = []
    for section in sorted(CARD_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        if section.permission and can is not None and not can(*section.permission):
            continue
        result.append((section, section.build(client) or {}))
    return result
