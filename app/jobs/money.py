"""Daily pass housekeeping (to run at night: ``refresh_pass_statuses`` in the schedule)."""
from app.extensions import db
from app.jobs import app_job, report_progress
from app.services.money import passes


@app_job
def refresh_pass_statuses():
    """Expire past passes and move passes into and out of their freezes."""
    changed = passes.refresh_pass_statuses()
    db.session.commit()
    report_progress(1, 1, **changed)
    return changed
