"""Communication: templates, mailings, exactly-once delivery, reminders, tasks and calls.

What other domains may use: the SMTP transport (a job of theirs sending one email).
"""
from app.services.communication.delivery import SmtpTransport

__all__ = ["SmtpTransport"]
