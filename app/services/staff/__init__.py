"""Staff and payroll: pay rules, payroll calculation and approval, payroll documents.

What other domains may use: what lessons earn their instructors under the pay rules (a course's
instructor cost); the latest payrolls with their status (the accountant's home page).
"""
from app.services.staff.pay_rules import pay_for_lessons
from app.services.staff.payroll import recent_payrolls

__all__ = ["pay_for_lessons", "recent_payrolls"]
