"""The mixin every business model carries: who created and changed it, when, and a version.

The version column drives SQLAlchemy's optimistic locking: an UPDATE that carries a stale
version matches no row and raises ``StaleDataError``, which the views turn into a translated
"someone else changed this record" message instead of silently overwriting.
"""
from datetime import datetime

from flask import g, has_request_context
from sqlalchemy import Column, DateTime, ForeignKey, Integer
from sqlalchemy.orm import declared_attr, relationship


def current_user_id():
    """The id of the logged-in user (UI or JWT), or None in jobs, CLI and imports."""
    if not has_request_context():
        return None
    user = getattr(g, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        try:
            from flask_jwt_extended import current_user as jwt_user

            user = jwt_user if jwt_user else None
        except Exception:  # outside a JWT-protected request there is no JWT user
            user = None
    return getattr(user, "id", None)


def _now():
    return datetime.now()


class AuditMixin:
    created_on = Column(DateTime, default=_now, nullable=False)
    changed_on = Column(DateTime, default=_now, onupdate=_now, nullable=False)
    version = Column(Integer, nullable=False, default=1)

    @declared_attr
    def created_by_fk(cls):
        return Column(Integer, ForeignKey("ab_user.id"), default=current_user_id, nullable=True)

    @declared_attr
    def changed_by_fk(cls):
        return Column(
            Integer,
            ForeignKey("ab_user.id"),
            default=current_user_id,
            onupdate=current_user_id,
            nullable=True,
        )

    @declared_attr
    def created_by(cls):
        return relationship(
            "User", primaryjoin=f"{cls.__name__}.created_by_fk == User.id", viewonly=True
        )

    @declared_attr
    def changed_by(cls):
        return relationship(
            "User", primaryjoin=f"{cls.__name__}.changed_by_fk == User.id", viewonly=True
        )

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}
