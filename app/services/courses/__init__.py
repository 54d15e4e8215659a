"""Courses and seminars: the catalogue and sessions, registrations, attendance, certificates,
organisations as paying clients, economics and the minimum-participants warning.

What other domains may use: an organisation's balances and trainees (for its card and reports)
and the daily warning (for the job).
"""
from app.services.courses import attendance as _attendance  # noqa: F401  (names the sessions' people)
from app.services.courses.organisations import organisation_balances, trainees
from app.services.courses.warnings import warn_courses_below_minimum

__all__ = ["organisation_balances", "trainees", "warn_courses_below_minimum"]
