"""Reports: the registry of declarations, streamed rows, Excel and PDF files.

``registry`` holds the declaration type and the streaming; ``definitions`` imports the modules
that declare the reports (one declaration per report), here, once, so that whoever imports
anything from this package finds every report registered; ``excel`` and ``pdf`` write files.
"""
from app.services.reports.registry import (  # noqa: F401
    REPORTS, Col, Param, Report, all_reports, count_rows, get_report, iter_rows, parse_params,
    preview, register, serialize_params,
)
from app.services.reports import definitions  # noqa: E402,F401  (registers every report)
