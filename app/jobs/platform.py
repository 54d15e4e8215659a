"""Housekeeping jobs."""
import os
import time

from flask import current_app

from app.jobs import app_job, report_progress
from app.services.platform import queue


@app_job
def purge_expired_files(max_age_days=None):
    """Delete built report files older than the retention setting; returns how many went."""
    folder = current_app.config["REPORTS_FOLDER"]
    max_age_days = max_age_days if max_age_days is not None else current_app.config.get(
        "REPORT_RETENTION_DAYS", 14
    )
    cutoff = time.time() - max_age_days * 86400
    names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    removed = 0
    for index, name in enumerate(names, start=1):
        path = os.path.join(folder, name)
        if os.path.isfile(path) and os.path.getmtime(path) < cutoff:
            os.remove(path)
            removed += 1
        report_progress(index, len(names))
    report_progress(1, 1, removed=removed)
    return removed


@app_job
def relay_outbox():
    """Hand to Redis the jobs started while it was unreachable (every minute)."""
    handed = queue.relay_outbox()
    report_progress(1, 1, relayed=handed)
    return handed
