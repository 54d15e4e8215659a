"""Communication and the manager's desk: templates, mailings, messages, reminders, tasks, calls.

A ``Message`` row is the unit of delivery and of idempotency: its ``idempotency_key`` is unique,
and a sender may only deliver a message it has *claimed* (status ``queued`` → ``sending`` by a
conditional UPDATE), so two workers, or a retried job, never send the same row twice. See
``app/services/messaging.py`` for the recovery rule of a claim left by a dead worker.
"""
from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from app.models.base import AuditMixin

CHANNELS = ("email", "sms")
MESSAGE_STATUSES = ("queued", "sending", "sent", "failed", "skipped")
MAILING_STATUSES = ("draft", "sending", "done")
TASK_STATUSES = ("open", "done", "problem")
# "yes": an answer that agrees to what was offered (a course invitation's call-back registers
# the person)
TASK_RESULT_KINDS = ("answer", "yes", "refusal")


class MessageTemplate(AuditMixin, Model):
    """A text with placeholders, one row per name, channel and language."""

    __tablename__ = "message_template"
    __table_args__ = (
        UniqueConstraint("name", "channel", "language", name="uq_message_template_name_lang"),
    )

    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False, index=True)
    channel = Column(String(10), nullable=False, default="email")
    language = Column(String(5), nullable=False, default="en")
    subject = Column(String(200))
    body = Column(Text, nullable=False)
    active = Column(Boolean, nullable=False, default=True)

    def __repr__(self):
        return f"{self.name} ({self.channel}, {self.language})"


class Mailing(AuditMixin, Model):
    """A send of one template to a segment of clients; the segment is stored as JSON."""

    __tablename__ = "mailing"

    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    template_name = Column(String(100), nullable=False)
    channel = Column(String(10), nullable=False, default="email")
    segment = Column(Text, nullable=False, default="{}")
    status = Column(String(10), nullable=False, default="draft", index=True)
    callback_tasks = Column(Boolean, nullable=False, default=True)
    started_at = Column(DateTime)
    finished_at = Column(DateTime)
    job_id = Column(String(64))
    # set once every recipient's message row exists: only then may the mailing be finished
    messages_built_at = Column(DateTime)

    messages = relationship("Message", back_populates="mailing", lazy="dynamic")

    def __repr__(self):
        return self.title


class Message(Model):
    """One message to one recipient. Written by jobs at a high rate, hence no audit mixin and
    no version column: its state changes are conditional UPDATEs on ``status``."""

    __tablename__ = "message"
    __table_args__ = (
        Index("ix_message_mailing_status", "mailing_id", "status"),
        Index("ix_message_status_claimed", "status", "claimed_at"),
    )

    id = Column(Integer, primary_key=True)
    mailing_id = Column(Integer, ForeignKey("mailing.id", ondelete="CASCADE"), nullable=True)
    mailing = relationship("Mailing", back_populates="messages")
    client_id = Column(Integer, ForeignKey("client.id"), nullable=True, index=True)
    client = relationship("Client")
    kind = Column(String(30), nullable=False, default="mailing")
    channel = Column(String(10), nullable=False)
    recipient_name = Column(String(200))
    recipient = Column(String(200))
    subject = Column(String(200))
    body = Column(Text)
    status = Column(String(10), nullable=False, default="queued")
    attempts = Column(Integer, nullable=False, default=0)
    idempotency_key = Column(String(120), nullable=False, unique=True)
    claim_token = Column(String(40))
    claimed_at = Column(DateTime)
    retry_after = Column(DateTime)
    created_on = Column(DateTime, nullable=False)
    sent_at = Column(DateTime)
    error = Column(Text)

    def __repr__(self):
        return f"{self.channel} → {self.recipient} ({self.status})"


class MessageAttachment(Model):
    """A file sent with one e-mail message (a course's programme with its invitation). The file
    is kept once per content under the upload folder (``stored_name``: its SHA-256 and
    extension), so many messages share it and replacing the source does not change what a
    queued message will send."""

    __tablename__ = "message_attachment"

    id = Column(Integer, primary_key=True)
    message_id = Column(Integer, ForeignKey("message.id", ondelete="CASCADE"), nullable=False,
                        index=True)
    filename = Column(String(255), nullable=False)
    content_type = Column(String(100), nullable=False)
    stored_name = Column(String(80), nullable=False)


class ReminderLog(Model):
    """One reminder occasion that was handled; the unique key makes a reminder send once."""

    __tablename__ = "reminder_log"
    __table_args__ = (
        UniqueConstraint("kind", "client_id", "occasion", name="uq_reminder_log_occasion"),
    )

    id = Column(Integer, primary_key=True)
    kind = Column(String(40), nullable=False)
    client_id = Column(Integer, ForeignKey("client.id"), nullable=False, index=True)
    occasion = Column(String(80), nullable=False)
    created_on = Column(DateTime, nullable=False)
    messages = Column(Integer, nullable=False, default=0)


class TaskResult(AuditMixin, Model):
    """An editable directory of call outcomes: answers and refusal reasons."""

    __tablename__ = "task_result"

    id = Column(Integer, primary_key=True)
    name = Column(String(150), nullable=False, unique=True)
    kind = Column(String(10), nullable=False, default="answer")
    active = Column(Boolean, nullable=False, default=True)

    def __repr__(self):
        return self.name


class Task(AuditMixin, Model):
    """Something a manager must do about a client, by a date (and time)."""

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_manager_status_due", "manager_id", "status", "due_at"),
        UniqueConstraint("mailing_id", "client_id", name="uq_task_mailing_client"),
    )

    id = Column(Integer, primary_key=True)
    due_at = Column(DateTime, nullable=False)
    manager_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    manager = relationship("User", foreign_keys=[manager_id])
    client_id = Column(Integer, ForeignKey("client.id"), nullable=True, index=True)
    client = relationship("Client")
    text = Column(Text, nullable=False)
    status = Column(String(10), nullable=False, default="open")
    result_id = Column(Integer, ForeignKey("task_result.id"), nullable=True, index=True)
    result = relationship("TaskResult")
    reaction = Column(Text)
    done_at = Column(DateTime)
    mailing_id = Column(Integer, ForeignKey("mailing.id", ondelete="SET NULL"), nullable=True)
    mailing = relationship("Mailing")

    def __repr__(self):
        return self.text[:60]


class Call(AuditMixin, Model):
    """A phone call a manager made to (or took from) a client."""

    __tablename__ = "call"
    __table_args__ = (Index("ix_call_manager_at", "manager_id", "at"),)

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False)
    manager_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    manager = relationship("User", foreign_keys=[manager_id])
    client_id = Column(Integer, ForeignKey("client.id"), nullable=False, index=True)
    client = relationship("Client")
    duration_seconds = Column(Integer, nullable=False, default=0)
    result_id = Column(Integer, ForeignKey("task_result.id"), nullable=True, index=True)
    result = relationship("TaskResult")
    reaction = Column(Text)
    task_id = Column(Integer, ForeignKey("task.id", ondelete="SET NULL"), nullable=True)
    task = relationship("Task")

    def __repr__(self):
        return f"{self.at:%Y-%m-%d %H:%M}"
