"""Course jobs: the daily warning to managers of courses short of their minimum."""
from app.extensions import db
from app.jobs import app_job, report_progress
from app.services.courses import warn_courses_below_minimum


@app_job
def warn_courses_below_minimum_daily():
    """Create the minimum-participants warning tasks due today (once per course)."""
    tasks = warn_courses_below_minimum()
    db.session.commit()
    report_progress(1, 1, tasks=len(tasks))
    return len(tasks)
