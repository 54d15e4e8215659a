"""Message attachments: files sent with e-mail messages (a course's programme with its
invitations).

Rules:
- a file is stored once per content (its SHA-256) under the upload folder's ``messages``
  folder and never changed afterwards, so a queued message sends exactly the file it was given
  even when its source (the course's programme) is replaced later;
- only e-mail messages carry attachments (an SMS has none); attaching again to a message that
  already has its attachments adds nothing (queueing is rerun safely);
- the sender reads a message's attachments when it sends it; a file that has gone missing
  fails that message permanently (it will not come back by retrying).
"""
import hashlib
import mimetypes
import os
import uuid
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import insert, select

from app.extensions import db
from app.models.communication import Message, MessageAttachment

DEFAULT_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class Attachment:
    """A stored file ready to attach: its name for the recipient, MIME type and stored name."""

    filename: str
    content_type: str
    stored_name: str


def attachment_folder():
    folder = os.path.join(current_app.config["UPLOAD_FOLDER"], "messages")
    os.makedirs(folder, exist_ok=True)
    return folder


def store_attachment(filename, data, content_type=None):
    """Keep ``data`` (once per content) and return the ``Attachment`` to give to messages."""
    digest = hashlib.sha256(data).hexdigest()
    extension = os.path.splitext(filename)[1].lower().lstrip(".")
    extension = "".join(ch for ch in extension if ch.isalnum())[:10]
    stored = f"{digest}.{extension}" if extension else digest
    path = os.path.join(attachment_folder(), stored)
    if not os.path.exists(path):
        partial = f"{path}.{uuid.uuid4().hex}.part"
        with open(partial, "wb") as handle:
            handle.write(data)
        os.replace(partial, path)
    if not content_type or "/" not in content_type or len(content_type) > 100:
        content_type = mimetypes.guess_type(filename)[0] or DEFAULT_TYPE
    return Attachment(os.path.basename(filename)[:255] or stored, content_type, stored)


def attach_to_messages(message_ids, attachments):
    """Attach the files to those of the messages that are e-mails and have no attachment yet;
    returns how many messages got them. Two queries and one insert."""
    if not attachments or not message_ids:
        return 0
    ids = set(db.session.scalars(select(Message.id).where(
        Message.id.in_(list(message_ids)), Message.channel == "email")))
    ids -= set(db.session.scalars(select(MessageAttachment.message_id).where(
        MessageAttachment.message_id.in_(list(ids) or [-1]))))
    rows = [{"message_id": mid, "filename": a.filename, "content_type": a.content_type,
             "stored_name": a.stored_name} for mid in sorted(ids) for a in attachments]
    if rows:
        db.session.execute(insert(MessageAttachment), rows)
    return len(ids)


def message_attachments(message_ids):
    """``{message id: [(file name, bytes, MIME type)]}`` for the messages that have attachments
    (one query; each file read once); None for a message one of whose files is missing."""
    rows = db.session.execute(
        select(MessageAttachment.message_id, MessageAttachment.filename,
               MessageAttachment.content_type, MessageAttachment.stored_name)
        .where(MessageAttachment.message_id.in_(list(message_ids) or [-1]))
        .order_by(MessageAttachment.id)).all()
    files, result = {}, {}
    for message_id, filename, content_type, stored in rows:
        if stored not in files:
            try:
                with open(os.path.join(attachment_folder(), stored), "rb") as handle:
                    files[stored] = handle.read()
            except OSError:
                files[stored] = None
        if files[stored] is None or result.get(message_id, []) is None:
            result[message_id] = None
        else:
            result.setdefault(message_id, []).append((filename, files[stored], content_type))
    return result


def attachment_names(message_ids):
    """``{message id: [file name]}`` (for the message log); one query."""
    result = {}
    for message_id, filename in db.session.execute(
            select(MessageAttachment.message_id, MessageAttachment.filename)
            .where(MessageAttachment.message_id.in_(list(message_ids) or [-1]))
            .order_by(MessageAttachment.id)):
        result.setdefault(message_id, []).append(filename)
    return result
