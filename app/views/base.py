"""Shared view plumbing: how view methods map onto permission actions, and menu registration."""
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder import ModelView

from app.security import register_menu

# ModelView method -> action; FAB then checks can_<action> on the view's resource.
MODELVIEW_ACTIONS = {
    "list": "read",
    "show": "read",
    "download": "read",
    "add": "write",
    "edit": "write",
    "delete": "delete",
    "action": "write",
    "action_post": "write",
}
# ModelRestApi method -> action: the same verbs as the pages.
API_ACTIONS = {
    "get": "read",
    "get_list": "read",
    "info": "read",
    "post": "write",
    "put": "write",
    "delete": "delete",
}


class TesseraModelView(ModelView):
    """A ModelView whose permissions are the resource's read/write/delete actions."""

    method_permission_name = MODELVIEW_ACTIONS
    page_size = 25


class TesseraModelApi(ModelRestApi):
    """A ModelRestApi sharing its resource and actions with the pages."""

    method_permission_name = API_ACTIONS
    allow_browser_login = True
    page_size = 25
    max_page_size = 500


def add_menu_view(appbuilder, view, name, category, icon=None, label=None, category_label=None,
                  category_icon=None, href=None):
    """Add a view with a menu entry whose visibility follows the view's ``read`` permission."""
    resource = view.class_permission_name or view.__name__
    register_menu(name, resource, category)
    kwargs = dict(category=category, icon=icon, label=label or name,
                  category_label=category_label or category, category_icon=category_icon)
    if href:
        kwargs["href"] = href
    return appbuilder.add_view(view, name, **kwargs)


def add_menu_link(appbuilder, name, href, resource, category, icon=None, label=None,
                  category_label=None):
    """A menu link to a page of an already added view (e.g. a second page of one view)."""
    register_menu(name, resource, category)
    return appbuilder.add_link(name, href=href, icon=icon, label=label or name,
                               category=category, category_label=category_label or category)
