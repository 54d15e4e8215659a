"""Demo data: a believable centre, loaded once (running it again adds nothing)."""
import importlib

from app.extensions import db
from app.security import ACCOUNTANT, ADMIN, FRONT_DESK, INSTRUCTOR, MANAGER, STOREKEEPER, TRANSLATOR
from app.services.platform.users import ensure_user, set_user_locale, sync_roles, user_locale

DEMO_PASSWORD = "demo"
DEMO_USERS = [
    ("admin", "Anna", "Admin", ADMIN, "en"),
    ("manager", "Marie", "Dubois", MANAGER, "fr"),
    ("frontdesk", "Olena", "Kovalenko", FRONT_DESK, "uk"),
    ("instructor", "Aram", "Petrosyan", INSTRUCTOR, "hy"),
    ("accountant", "Irina", "Smirnova", ACCOUNTANT, "ru"),
    ("storekeeper", "Paul", "Martin", STOREKEEPER, "en"),
    ("translator", "Lusine", "Hakobyan", TRANSLATOR, "hy"),
]

# One module per domain under app/demo/, each with ``load(users) -> {what: count}``; in order.
DEMO_MODULES = ["app.demo.clients", "app.demo.money", "app.demo.timetable", "app.demo.staff",
                "app.demo.communication", "app.demo.stock", "app.demo.courses", "app.demo.portal"]


def load_demo(language=None):
    """Create roles, one login per role (password ``demo``) and each domain's demo records;
    the directories (categories, sources, services, plans, rooms…) are named in ``language``
    (en, ru, fr, uk, hy; the centre's default language when not given)."""
    from app.demo import names

    with names.speaking(language or names.language()):
        return _load_demo()


def _load_demo():
    sync_roles()
    users = {}
    for username, first, last, role, locale in DEMO_USERS:
        users[username] = ensure_user(
            username, DEMO_PASSWORD, first, last, f"{username}@demo.tessera.local", [role]
        )
        if user_locale(users[username].id) is None:
            set_user_locale(users[username].id, locale)
    summary = {"users": len(users)}
    for module_name in DEMO_MODULES:
        summary.update(importlib.import_module(module_name).load(users) or {})
        db.session.flush()
    db.session.commit()
    return summary
