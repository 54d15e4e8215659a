"""Platform: domain errors, background-job records and queues, users, translations.

Other domains import only the domain errors from here; the rest is used by the app factory,
the CLI and the platform's own views.
"""
from app.services.platform.errors import Conflict, DomainError, Forbidden, NotFound

__all__ = ["Conflict", "DomainError", "Forbidden", "NotFound"]
