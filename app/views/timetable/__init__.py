"""Timetable, attendance and check-in pages and API."""
