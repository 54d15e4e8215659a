"""What the stock views share: one action as one transaction, the emails after a commit."""
from flask import flash, g, redirect
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.services.platform import DomainError


def run_action(action, success, target):
    """Run a service action as one transaction; flash the outcome and go to ``target``."""
    try:
        action()
        db.session.commit()
        flash(success, "success")
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
    except StaleDataError:
        db.session.rollback()
        flash(_("This record was changed by someone else meanwhile; please try again."),
              "danger")
    return redirect(target)


def after_stock_out():
    """Once a transaction that took stock out has committed: email the purchase requests it
    opened."""
    from app.jobs.stock import enqueue_new_purchase_requests

    enqueue_new_purchase_requests(user_id=g.user.id)
