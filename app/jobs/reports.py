"""Report jobs (queue "reports"): build an Excel or PDF file and return its path."""
from app.jobs import RETRY_REBUILD, app_job, enqueue, report_progress
from app.services.reports.files import build_report_file, check_report_request


@app_job
def build_report(name, params, fmt, locale=None):
    """Build report ``name`` with ``params`` as ``fmt``; the path goes to the job's record."""
    return build_report_file(name, params, fmt, locale=locale, progress=report_progress)


def start_report(name, data, fmt, user_id, locale=None):
    """Refuse bad parameters at once, then enqueue the build on the "reports" queue; returns
    the RQ job."""
    params, kind = check_report_request(name, data, fmt)
    return enqueue(build_report, name, params, fmt, locale, queue="reports", kind=kind,
                   user_id=user_id, retry=RETRY_REBUILD)
