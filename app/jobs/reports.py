"""Report jobs (queue "reports"): build an Excel or PDF file and return its path."""
from app.jobs import app_job, report_progress
from app.services.reports.files import build_report_file


@app_job
def build_report(name, params, fmt, locale=None):
    """Build report ``name`` with ``params`` as ``fmt``; the path goes to the job's record."""
    return build_report_file(name, params, fmt, locale=locale, progress=report_progress)
