"""Factories for templates, task results, tasks and calls (keyword overrides)."""
from datetime import datetime
from itertools import count

from app.extensions import db
from app.models.communication import Call, MessageTemplate, Task, TaskResult

_seq = count(1)


def make_template(commit=True, **overrides):
    values = dict(name="news", channel="email", language="en", subject="Hello {first_name}",
                  body="Dear {recipient_name}, news for {client_name}.")
    values.update(overrides)
    template = MessageTemplate(**values)
    db.session.add(template)
    if commit:
        db.session.commit()
    return template


def make_task_result(name=None, kind="answer", commit=True):
    result = TaskResult(name=name or f"Result {next(_seq)}", kind=kind)
    db.session.add(result)
    if commit:
        db.session.commit()
    return result


def make_task(commit=True, **overrides):
    values = dict(text=f"Task {next(_seq)}", due_at=datetime.now(), status="open")
    values.update(overrides)
    task = Task(**values)
    db.session.add(task)
    if commit:
        db.session.commit()
    return task


def make_call(commit=True, **overrides):
    values = dict(at=datetime.now(), duration_seconds=60)
    values.update(overrides)
    call = Call(**values)
    db.session.add(call)
    if commit:
        db.session.commit()
    return call
