"""Communication: templates, mailings, exactly-once delivery, reminders, tasks and calls.

What other domains may use: the SMTP transport (with attachments, for documents) and its two
failures (retry later / give up); creating a manager's task; queueing templated messages to
some clients (course invitations).
"""
from app.services.communication.delivery import SmtpTransport
from app.services.communication.failures import PermanentFailure, TemporaryFailure
from app.services.communication.messaging import queue_client_messages
from app.services.communication.tasks import create_task

__all__ = ["PermanentFailure", "SmtpTransport", "TemporaryFailure", "create_task",
           "queue_client_messages"]
