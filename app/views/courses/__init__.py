"""Courses and seminars: the catalogue, a course page (participants, sessions, attendance, certificates, economics), organisations\x27 balances and the REST API."""
