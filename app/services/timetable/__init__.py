"""Timetable and attendance: lessons, the grid, red flags, attendance and check-in."""
