"""Demo courses: a training centre's seminars for three organisations (past, current, upcoming),
with sessions in a room, registrations, attendance, certificates, payments and cost lines."""
