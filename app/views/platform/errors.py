"""The 403 / 404 / 500 pages: inside the usual layout (the menu stays), a translated message
and a way back (the previous page of this site, else the home page). API paths answer JSON."""
import logging
from urllib.parse import urlparse

from flask import jsonify, render_template, request, url_for
from flask_babel import lazy_gettext as _l

log = logging.getLogger(__name__)

ERRORS = {
    403: (_l("Access denied"), _l("Your role does not give access to this page.")),
    404: (_l("Page not found"), _l("This page does not exist, or the record was removed.")),
    500: (_l("Something went wrong"),
          _l("The error was recorded. Try again; if it happens again, tell your administrator.")),
}


def _way_back():
    """The referring page when it is on this site and not this very page, else None."""
    referrer = request.referrer
    if not referrer:
        return None
    parsed = urlparse(referrer)
    if parsed.netloc and parsed.netloc != request.host:
        return None
    if parsed.path == request.path:
        return None
    return referrer


def error_page(app, code):
    title, message = ERRORS[code]
    if request.path.startswith("/api/"):
        return jsonify(message=str(message)), code
    if code == 500:
        from app.extensions import db

        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the page must still answer
            log.exception("rollback after an error failed")
    try:
        return render_template("platform/error.html", appbuilder=app.appbuilder, code=code,
                               title=title, message=message, back=_way_back(),
                               home=url_for("HomeIndexView.index")), code
    except Exception:  # noqa: BLE001 - never an error inside the error page
        log.exception("the %s page could not be rendered", code)
        return f"{code} {title}", code


def register_error_pages(app):
    for code in ERRORS:
        app.register_error_handler(code, lambda error, code=code: error_page(app, code))
