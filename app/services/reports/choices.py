"""Options for the parameters that pick a record (service, group, instructor, manager)."""
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import select

from app.extensions import db
from app.models.passes import Service
from app.models.staff import Employee
from app.models.timetable import Group
from app.services.reports.registry import (CHOICE, GROUP, INSTRUCTOR, MANAGER, SERVICE)


def _options(kind):
    if kind == SERVICE:
        query = select(Service.id, Service.name).where(Service.active.is_(True)).order_by(
            Service.name)
    elif kind == GROUP:
        query = select(Group.id, Group.name).where(Group.active.is_(True)).order_by(Group.name)
    elif kind == INSTRUCTOR:
        query = select(Employee.id, Employee.full_name).where(Employee.active.is_(True)).order_by(
            Employee.full_name)
    elif kind == MANAGER:
        query = select(User.id, User.first_name + " " + User.last_name).where(
            User.active.is_(True)).order_by(User.last_name, User.first_name)
    else:
        return []
    return [(str(row[0]), row[1]) for row in db.session.execute(query)]


def param_fields(report, values):
    """What the parameters form shows: one dict per parameter with its current value and,
    for the record pickers and choices, the options (one query per picker)."""
    fields = []
    for param in report.params:
        value = values.get(param.name)
        options = None
        if param.kind == CHOICE:
            options = [(value_, str(label)) for value_, label in param.choices]
        elif param.kind in (SERVICE, GROUP, INSTRUCTOR, MANAGER):
            options = _options(param.kind)
        fields.append({"name": param.name, "label": param.label, "kind": param.kind,
                       "value": "" if value is None else
                       (value.isoformat() if hasattr(value, "isoformat") else str(value)),
                       "options": options})
    return fields
