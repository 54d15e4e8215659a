"""View registration: each domain module exposes ``register(appbuilder)``.

The order here is the order of the menu.
"""
import importlib

DOMAIN_VIEW_MODULES = [
    "app.views.jobs",
    "app.views.audit",
    "app.views.clients",
    "app.views.passes",
    "app.views.timetable", "app.views.attendance",
    "app.views.staff",
    "app.views.payroll",
    "app.views.dashboard", "app.views.reports",
    "app.views.communication",
]


def register_views(appbuilder):
    for module_name in DOMAIN_VIEW_MODULES:
        importlib.import_module(module_name).register(appbuilder)
