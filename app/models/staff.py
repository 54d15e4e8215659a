"""Staff: the people who teach and work at the centre (payroll adds pay rules to this domain)."""
from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from app.models.base import AuditMixin


class Employee(AuditMixin, Model):
    """A member of staff; ``user_id`` links the login an instructor uses to see own lessons."""

    __tablename__ = "employee"

    id = Column(Integer, primary_key=True)
    full_name = Column(String(200), nullable=False)
    position = Column(String(120))
    phone = Column(String(40))
    email = Column(String(200))
    hire_date = Column(Date)
    user_id = Column(Integer, ForeignKey("ab_user.id"), unique=True, nullable=True)
    active = Column(Boolean, nullable=False, default=True)
    titles = Column(String(255))

    user = relationship("User", foreign_keys=[user_id])

    def __repr__(self):
        return self.full_name or ""
