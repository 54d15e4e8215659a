"""Documents as PDF: the rendered HTML through wkhtmltopdf (pdfkit), hardened.

Rule. wkhtmltopdf runs with JavaScript disabled, no local file access except the app's own
static folder (the logo) and no network (every request goes to a dead proxy);
the HTML comes from the sandboxed, autoescaped templates, so a client named ``<script>`` or
``<iframe src=file:///etc/passwd>`` prints as text and no file is read. The Noto fonts
(fonts-noto-core) cover Latin, Cyrillic and Armenian and are embedded in the PDF.
"""
import os

import pdfkit
from flask import current_app


def wkhtmltopdf_options():
    """The command-line options every document is printed with."""
    return {
        "encoding": "UTF-8",
        "page-size": "A4",
        "margin-top": "15mm", "margin-bottom": "15mm", "margin-left": "15mm",
        "margin-right": "15mm",
        "disable-javascript": "",
        "disable-local-file-access": "",
        "allow": os.path.realpath(current_app.static_folder),
        "proxy": "http://127.0.0.1:9",
        "quiet": "",
    }


def html_to_pdf(html, path, landscape=False):
    """Write ``html`` to ``path`` as PDF (its folder is created); returns the path.
    ``landscape`` prints A4 landscape with narrower margins (wide grids such as a timetable)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    configuration = pdfkit.configuration(wkhtmltopdf=current_app.config["WKHTMLTOPDF_PATH"])
    options = wkhtmltopdf_options()
    if landscape:
        options.update({"orientation": "Landscape", "margin-top": "8mm", "margin-bottom": "8mm",
                        "margin-left": "8mm", "margin-right": "8mm"})
    pdfkit.from_string(html, path, configuration=configuration, options=options)
    return path
