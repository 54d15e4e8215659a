"""Communication: templates, mailings, exactly-once delivery, reminders, tasks and calls.

What other domains may use: creating a manager's task.
"""
from app.services.communication.tasks import create_task

__all__ = ["create_task"]
