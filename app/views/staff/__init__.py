"""Employees and payroll pages and API."""
