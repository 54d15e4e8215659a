"""Courses and seminars: the catalogue, a course page (participants, sessions, attendance,
certificates, economics), organisations' balances and the REST API."""
