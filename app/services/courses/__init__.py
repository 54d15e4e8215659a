"""Courses and seminars: the catalogue and sessions, registrations, attendance, certificates,
organisations as paying clients, economics and the minimum-participants warning.

What other domains may use: an organisation's balances and trainees (for its card and reports).
"""
from app.services.courses.organisations import organisation_balances, trainees

__all__ = ["organisation_balances", "trainees"]
