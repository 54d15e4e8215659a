"""Building report files (the job's work), starting that job, and listing a user's reports."""
import os
import uuid
from datetime import datetime

from flask import current_app
from flask_babel import force_locale, lazy_gettext as _l

from app.extensions import db
from app.models.jobs import JobRecord
from app.services.platform import DomainError
from app.services.reports.excel import write_workbook
from app.services.reports.pdf import write_pdf
from app.services.reports.registry import (all_reports, count_rows, get_report, parse_params,
                                           serialize_params)

XLSX, PDF = "xlsx", "pdf"
FORMATS = (XLSX, PDF)
KIND_PREFIX = "report:"


def check_format(report, fmt):
    """Excel for every report; PDF only for the printable ones."""
    if fmt not in FORMATS or (fmt == PDF and not report.printable):
        raise DomainError(_l("This report cannot be built in that format."), field="format")


def report_path(name, fmt):
    """A fresh, unguessable file name under the reports folder."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    filename = f"{name}-{stamp}-{uuid.uuid4().hex[:8]}.{fmt}"
    return os.path.join(os.path.abspath(current_app.config["REPORTS_FOLDER"]), filename)


def build_report_file(name, raw_params, fmt, locale=None, progress=None):
    """Build the report file in the user's language and return its absolute path.
    ``progress(done, total)`` is told how far the rows are."""
    report = get_report(name)
    check_format(report, fmt)
    params = parse_params(report, raw_params)
    os.makedirs(current_app.config["REPORTS_FOLDER"], exist_ok=True)
    path = report_path(name, fmt)
    with force_locale(locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "en")):
        if fmt == XLSX:
            total = count_rows(report, params)
            if progress:
                progress(0, total)
            write_workbook(report, params, path, total=total, progress=progress)
        else:
            if progress:
                progress(0, 1)
            write_pdf(report, params, path)
    if progress:
        progress(1, 1)
    return path


def check_report_request(name, data, fmt):
    """Check a report request now, so a bad value is refused before any job starts; returns the
    serialized parameters and the job kind (``report:<name>:<format>``)."""
    report = get_report(name)
    check_format(report, fmt)
    return serialize_params(parse_params(report, data)), f"{KIND_PREFIX}{name}:{fmt}"


def user_reports(user_id, limit=50):
    """The user's report jobs, newest first, as dicts (report title, format, status, file)."""
    records = db.session.query(JobRecord).filter(
        JobRecord.user_id == user_id, JobRecord.kind.like(f"{KIND_PREFIX}%")
    ).order_by(JobRecord.created_on.desc(), JobRecord.id.desc()).limit(limit).all()
    reports = {report.name: report for report in all_reports()}
    result = []
    for record in records:
        _prefix, name, fmt = (record.kind.split(":") + ["", ""])[:3]
        report = reports.get(name)
        available = bool(record.result_path) and os.path.isfile(record.result_path)
        result.append({"rq_id": record.rq_id, "name": name,
                       "title": report.title if report else name, "format": fmt,
                       "status": record.status, "created_on": record.created_on,
                       "finished_on": record.finished_on, "available": available,
                       "expired": record.status == "finished" and not available})
    return result
