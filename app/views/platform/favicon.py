"""``GET /favicon.ico``: the application's icon (``app/static/favicon.ico``; the pages also link
``favicon.svg``). A plain Flask route, public like the static files: browsers ask for it
before anyone logs in."""
from flask import Blueprint, current_app, send_from_directory

blueprint = Blueprint("favicon", __name__)


@blueprint.route("/favicon.ico")
def favicon():
    response = send_from_directory(current_app.static_folder, "favicon.ico",
                                   mimetype="image/vnd.microsoft.icon", max_age=86400)
    return response


def register(appbuilder):
    current_app._get_current_object().register_blueprint(blueprint)
