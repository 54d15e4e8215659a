"""The landing page: what the logged-in member of staff works on, by role.

Each panel shows when the user holds the permission behind it, so a role's home page follows
app/security.py: the front desk (check-in) sees today's lessons with fill and red flags, a
check-in box and the debts to collect today; an instructor its lessons of today and the week
and the attendance to mark; the dashboard's readers (managers) the key numbers of the day;
payroll readers (the accountant) the payrolls' status; payment readers today's payments;
a translator (no panel) lands on the translations workbench.
Every panel runs a constant number of queries whatever the number of rows.
"""
from datetime import date, datetime

from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose
from flask_babel import lazy_gettext as _l

from app.services.money import debt_summary, payments_of_day
from app.services.staff import recent_payrolls
from app.services.timetable import (day_lessons, debtors_coming, lessons_to_mark,
                                    own_instructor_ids, week_lessons)

METHOD_LABELS = {
    "cash": _l("Cash"), "card": _l("Card"), "transfer": _l("Bank transfer"),
    "bonus": _l("Bonus points"), "certificate": _l("Gift certificate"),
}


def home_panels(sm, user, today=None, now=None):
    """The panels of ``user``'s home page as a dict (only those the user may read)."""
    today = today or date.today()
    now = now or datetime.now()
    panels = {}
    own = own_instructor_ids(user)
    desk = sm.can("read", "CheckIn")
    if desk:
        lessons = day_lessons(today)
        panels["desk"] = {"lessons": lessons, "debtors": debtors_coming(today)}
    if sm.can("read", "Timetable") and own is not None:
        panels["instructor"] = {"today": day_lessons(today, instructor_ids=own),
                                "week": week_lessons(today, instructor_ids=own)}
    if sm.can("write", "Attendance"):
        panels["to_mark"] = lessons_to_mark(now, instructor_ids=own)
    if sm.can("read", "Dashboard"):
        lessons = panels["desk"]["lessons"] if desk else day_lessons(today)
        held = [card for card in lessons if card["status"] != "cancelled"]
        debtors, owed = debt_summary()
        panels["numbers"] = {
            "lessons": len(held),
            "filled": sum(card["filled"] for card in held),
            "capacity": sum(card["capacity"] or 0 for card in held),
            "red": sum(1 for card in held if card["red"]),
            "debtors": debtors, "owed": owed,
        }
    if sm.can("read", "Payment"):
        panels["payments"] = payments_of_day(today, limit=20)
    if sm.can("read", "Payroll"):
        panels["payrolls"] = recent_payrolls(limit=4)
    return panels


class HomeIndexView(IndexView):
    index_template = "platform/home.html"

    @expose("/")
    def index(self):
        if not g.user or not g.user.is_authenticated:
            return redirect(url_for(self.appbuilder.sm.auth_view.__class__.__name__ + ".login"))
        menu = self.appbuilder.menu.get_data()
        panels = home_panels(self.appbuilder.sm, g.user)
        if not panels and self.appbuilder.sm.can("read", "Translation"):
            return redirect(url_for("TranslatorView.index"))  # the translator's home page
        return self.render_template(self.index_template, appbuilder=self.appbuilder, menu=menu,
                                    panels=panels, today=date.today(),
                                    method_labels=METHOD_LABELS)
