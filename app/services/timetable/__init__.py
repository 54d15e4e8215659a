"""Timetable and attendance: lessons, the grid, red flags, attendance and check-in.

What other domains may use: planning, cancelling and checking single lessons (courses plan their
sessions with these), and who may mark a lesson.
"""
from app.services.timetable.lessons import (LessonConflict, add_lesson, cancel_lesson,
                                            ensure_may_mark)

__all__ = ["LessonConflict", "add_lesson", "cancel_lesson", "ensure_may_mark"]
