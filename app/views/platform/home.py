"""The landing page: what the logged-in member of staff works on, by role."""
from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose


class HomeIndexView(IndexView):
    index_template = "platform/home.html"

    @expose("/")
    def index(self):
        if not g.user or not g.user.is_authenticated:
            return redirect(url_for(self.appbuilder.sm.auth_view.__class__.__name__ + ".login"))
        menu = self.appbuilder.menu.get_data()
        return self.render_template(self.index_template, appbuilder=self.appbuilder, menu=menu)
