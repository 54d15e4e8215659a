"""Files attached to a client (certificates, awards, penalties, results), checked for size and
type and stored under ``UPLOAD_FOLDER/clients/`` with a random name."""
import os
import uuid

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models.clients import DOCUMENT_KINDS, ClientDocument
from app.services.platform import DomainError, NotFound

DEFAULT_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
ALLOWED_EXTENSIONS = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "txt": "text/plain",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
}
# What the first bytes of a file of each type look like; a file claiming to be a PDF or an
# image must really be one (an .exe renamed to .pdf is refused).
_MAGIC = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
}
DOCUMENT_KIND_LABELS = {
    "certificate": _l("Certificate"),
    "award": _l("Award"),
    "penalty": _l("Penalty"),
    "result": _l("Result"),
    "other": _l("Other"),
}


def documents_folder():
    folder = os.path.join(current_app.config["UPLOAD_FOLDER"], "clients")
    os.makedirs(folder, exist_ok=True)
    return folder


def max_document_bytes():
    return current_app.config.get("CLIENT_DOCUMENT_MAX_BYTES", DEFAULT_MAX_DOCUMENT_BYTES)


def check_document(filename, data):
    """A document must have an allowed extension, content of that type and fit the size limit."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if extension not in ALLOWED_EXTENSIONS:
        raise DomainError(_l("This type of file is not accepted. Allowed: %(types)s.",
                             types=", ".join(sorted(ALLOWED_EXTENSIONS))), field="file")
    if not data:
        raise DomainError(_l("The file is empty."), field="file")
    limit = max_document_bytes()
    if len(data) > limit:
        raise DomainError(_l("The file is too large (at most %(size)s MB).",
                             size=round(limit / 1024 / 1024, 1)), field="file")
    signatures = _MAGIC.get(extension)
    if signatures and not any(data.startswith(sig) for sig in signatures):
        raise DomainError(_l("The file's content does not match its type."), field="file")
    return extension


PHOTO_EXTENSIONS = ("png", "jpg", "jpeg", "gif", "webp")


def set_client_photo(client, filename, data, commit=True):
    """Store a client's photo (an image, size-checked like documents), replacing the old one."""
    extension = check_document(filename, data)
    if extension not in PHOTO_EXTENSIONS:
        raise DomainError(_l("A photo must be an image (%(types)s).",
                             types=", ".join(PHOTO_EXTENSIONS)), field="photo")
    folder = os.path.join(documents_folder(), "photos")
    os.makedirs(folder, exist_ok=True)
    stored_name = f"{uuid.uuid4().hex}.{extension}"
    with open(os.path.join(folder, stored_name), "wb") as handle:
        handle.write(data)
    previous = client.photo
    client.photo = stored_name
    if commit:
        db.session.commit()
    if previous:
        old = photo_path(previous)
        if old and os.path.exists(old):
            os.remove(old)
    return client


def photo_path(stored_name):
    """The file of a stored photo name, or None for a name that is not ours."""
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        return None
    return os.path.join(documents_folder(), "photos", stored_name)


def add_document(client, filename, data, kind="other", title=None, commit=True):
    """Attach a checked file to a client; the file is written before the row is committed and
    removed again if the commit fails."""
    if kind not in DOCUMENT_KINDS:
        raise DomainError(_l("Unknown document kind."), field="kind")
    extension = check_document(filename, data)
    stored_name = f"{uuid.uuid4().hex}.{extension}"
    path = os.path.join(documents_folder(), stored_name)
    with open(path, "wb") as handle:
        handle.write(data)
    document = ClientDocument(
        client_id=client.id, kind=kind, title=(title or "").strip() or None,
        filename=os.path.basename(filename)[:255], stored_name=stored_name,
        content_type=ALLOWED_EXTENSIONS[extension], size=len(data))
    db.session.add(document)
    try:
        if commit:
            db.session.commit()
        else:
            db.session.flush()
    except Exception:
        db.session.rollback()
        os.remove(path)
        raise
    return document


def document_path(document):
    return os.path.join(documents_folder(), document.stored_name)


def get_document(client_id, document_id):
    document = db.session.scalar(select(ClientDocument).where(
        ClientDocument.id == document_id, ClientDocument.client_id == client_id))
    if document is None:
        raise NotFound(_l("No such document."))
    return document


def delete_document(document, commit=True):
    """Remove a document's row and its file."""
    path = document_path(document)
    db.session.delete(document)
    if commit:
        db.session.commit()
    if os.path.exists(path):
        os.remove(path)


def client_documents(client_id):
    return list(db.session.scalars(select(ClientDocument).where(
        ClientDocument.client_id == client_id).order_by(ClientDocument.created_on.desc(),
                                                         ClientDocument.id.desc())))
