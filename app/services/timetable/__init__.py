"""Timetable and attendance: lessons, the grid, red flags, attendance and check-in.

What other domains may use: planning, cancelling and checking single lessons (courses plan their
sessions with these), and who may mark a lesson; learning results (record them, a client's
results, and ``register_participant_source`` for a domain whose people are not group members);
the services' mark scales (checked by the Service form, offered by the results page);
what the role home pages show of the day (lessons with fill and red flags, lessons to mark,
debtors expected today).
"""
from app.services.timetable.lessons import (LessonConflict, add_lesson, cancel_lesson,
                                            ensure_may_mark, own_instructor_ids)
from app.services.timetable.results import (client_results, numeric_mark, record_results,
                                            register_participant_source)
from app.services.timetable.scales import (SCALE_KINDS, SCALE_LABELS, SCALE_RANGE, SCALE_TEXT,
                                           allowed_marks, range_values, renormalise_results,
                                           scale_labels, validate_scale)
from app.services.timetable.today import (day_lessons, debtors_coming, lessons_to_mark,
                                          week_lessons)

__all__ = ["LessonConflict", "add_lesson", "cancel_lesson", "ensure_may_mark",
           "client_results", "numeric_mark", "record_results", "register_participant_source",
           "own_instructor_ids", "day_lessons", "debtors_coming", "lessons_to_mark",
           "week_lessons", "SCALE_KINDS", "SCALE_LABELS", "SCALE_RANGE", "SCALE_TEXT",
           "allowed_marks", "range_values", "renormalise_results", "scale_labels",
           "validate_scale"]
