"""View registration: each domain module exposes ``register(appbuilder)``.

The order here is the order of the menu.
"""
import importlib

DOMAIN_VIEW_MODULES = [
    "app.views.jobs",
    "app.views.audit",
]


def register_views(appbuilder):
    for module_name in DOMAIN_VIEW_MODULES:
        importlib.import_module(module_name).register(appbuilder)
