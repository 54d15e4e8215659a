"""The translators' change log: who changed which entry of which catalog, and how."""
from datetime import datetime, timezone

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, Index, Integer, String, Text


def utc_now():
    """Naive UTC timestamp (the column is documented as UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class TranslationChange(Model):
    """One change made through the translator's workbench: an edited entry, an entry replaced
    by an uploaded catalog, or a language added. Append-only; ``user_id`` is not a foreign key
    so the record outlives a deleted account."""

    __tablename__ = "translation_change"
    __table_args__ = (Index("ix_translation_change_language_at", "language", "at"),)

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, default=utc_now, nullable=False)  # UTC
    language = Column(String(16), nullable=False)
    kind = Column(String(16), nullable=False)  # edit, upload, add_language
    user_id = Column(Integer, nullable=True)
    username = Column(String(256), nullable=True)
    msgid = Column(Text, nullable=True)
    context = Column(Text, nullable=True)
    old = Column(Text, nullable=True)  # the translation before (plural forms joined by "\n|\n")
    new = Column(Text, nullable=True)
