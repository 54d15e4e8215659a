"""The field-level audit log: one row per changed field, and the marks auditors set."""
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Text
from flask_appbuilder import Model

from app.models.base import _now


class AuditEntry(Model):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_record", "table_name", "row_id"),)

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, default=_now, nullable=False, index=True)
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    table_name = Column(String(64), nullable=False)
    row_id = Column(String(64), nullable=False)
    action = Column(String(10), nullable=False)  # insert / update / delete
    field = Column(String(64), nullable=True)
    old_value = Column(Text)
    new_value = Column(Text)


class AuditMark(Model):
    """"Audited up to here": the audit view shows what changed since the latest mark."""

    __tablename__ = "audit_mark"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, default=_now, nullable=False)
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    note = Column(String(200))
