"""Staff and payroll: pay rules, payroll calculation and approval, payroll documents.

What other domains may use: the latest payrolls with their status (the accountant's home page).
"""
from app.services.staff.payroll import recent_payrolls

__all__ = ["recent_payrolls"]
