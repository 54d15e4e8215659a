"""View registration: each domain module exposes ``register(appbuilder)``.

The order here is the order of the menu.
"""
import importlib

DOMAIN_VIEW_MODULES = [
    "app.views.platform.jobs", "app.views.platform.health", "app.views.platform.favicon",
    "app.views.audit.log",
    "app.views.platform.security_events", "app.views.platform.openapi",
    "app.views.clients.crud",
    "app.views.money.crud", "app.views.money.cash_desk",
    "app.views.timetable.pages", "app.views.timetable.attendance",
    "app.views.timetable.results",
    "app.views.staff.employees",
    "app.views.staff.payroll",
    "app.views.reports.dashboard", "app.views.reports.pages",
    "app.views.communication.crud",
    "app.views.documents.pages",
    "app.views.courses.crud",
    "app.views.stock.crud",
    "app.views.portal.pages",
    "app.views.platform.translator",
]


def register_views(appbuilder):
    for module_name in DOMAIN_VIEW_MODULES:
        importlib.import_module(module_name).register(appbuilder)
