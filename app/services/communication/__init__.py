"""Communication: templates, mailings, exactly-once delivery, reminders, tasks and calls.

What other domains may use: the SMTP transport (with attachments, for documents) and its two
failures (retry later / give up); creating a manager's task and hearing of closed ones (``listen_task_closed``); queueing one transactional
message (one-time codes, booking notices); queueing templated messages to some clients and the
clients of a mailing segment (course invitations), with files attached to the e-mails
(``store_attachment``).
"""
from app.services.communication.attachments import Attachment, store_attachment
from app.services.communication.delivery import SmtpTransport
from app.services.communication.failures import PermanentFailure, TemporaryFailure
from app.services.communication.mailings import clean_segment, segment_client_ids
from app.services.communication.messaging import queue_client_messages, queue_direct_message
from app.services.communication.tasks import create_task, listen_task_closed, task_result_kind

__all__ = ["Attachment", "store_attachment", "PermanentFailure", "SmtpTransport", "TemporaryFailure", "clean_segment",
           "create_task", "listen_task_closed", "task_result_kind", "queue_client_messages", "queue_direct_message", "segment_client_ids"]
