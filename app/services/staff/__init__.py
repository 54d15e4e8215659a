"""Staff and payroll: pay rules, payroll calculation and approval, payroll documents.

What other domains may use: what lessons earn their instructors under the pay rules (a course's
instructor cost).
"""
from app.services.staff.pay_rules import pay_for_lessons

__all__ = ["pay_for_lessons"]
