"""Courses and seminars: the catalogue and sessions, registrations, attendance, certificates,
organisations as paying clients, economics and the minimum-participants warning.

What other domains may use: an organisation's balances and trainees (for its card and reports)
the daily warning (for the job), the course hours of a participant's certificate, and
listeners on an organisation's registration, a certification and an organisation's payment (``listen(CERTIFIED, fn)``).
"""
from app.services.courses import attendance as _attendance  # noqa: F401  (names the sessions' people)
from app.services.courses import invitations as _invitations  # noqa: F401  (hears call-back answers)
from app.services.courses.catalogue import course_hours
from app.services.courses.hooks import CERTIFIED, ORGANISATION_PAID, REGISTERED, listen
from app.services.courses.organisations import organisation_balances, trainees
from app.services.courses.warnings import warn_courses_below_minimum

__all__ = ["CERTIFIED", "ORGANISATION_PAID", "REGISTERED", "course_hours", "listen", "organisation_balances", "trainees", "warn_courses_below_minimum"]
