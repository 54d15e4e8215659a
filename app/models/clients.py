"""Clients and organisations: people, their guardians, legal-entity clients and the directories.

``search_name`` / ``phone_digits`` are normalized copies filled by the service on every save
(lower-case, accents stripped, digits only), so search works the same on SQLite and PostgreSQL
for Latin, Cyrillic and Armenian names and for phones typed in any formatting.
"""
from datetime import date
from decimal import Decimal

from flask_appbuilder import Model
from sqlalchemy import (DDL, Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, Numeric,
                        String, Table, Text, event, false)
from sqlalchemy.orm import relationship

from app.models.ages import age_category
from app.models.base import AuditMixin, _now

GENDERS = ("female", "male", "other")
DOCUMENT_KINDS = ("certificate", "award", "penalty", "result", "other")

client_tag = Table(
    "client_tag",
    Model.metadata,
    Column("client_id", Integer, ForeignKey("client.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class _Directory(AuditMixin):
    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False, unique=True)

    def __repr__(self):
        return self.name or ""


class ClientCategory(_Directory, Model):
    """VIP, newcomer, regular, problem … (editable). ``warn_at_checkin``: the front desk sees a
    warning before checking in a client of this category ("problem" clients)."""

    __tablename__ = "client_category"

    warn_at_checkin = Column(Boolean, nullable=False, default=False, server_default=false())


class ClientSource(_Directory, Model):
    """How the client found us (editable)."""

    __tablename__ = "client_source"


class Industry(_Directory, Model):
    """An organisation's industry (editable)."""

    __tablename__ = "industry"


class Tag(_Directory, Model):
    __tablename__ = "tag"


class Organisation(AuditMixin, Model):
    """A legal-entity client; people trained on its behalf link to it."""

    __tablename__ = "organisation"
    id = Column(Integer, primary_key=True)
    short_name = Column(String(150), nullable=False)
    full_name = Column(String(300))
    address = Column(String(300))
    tax_id = Column(String(50), index=True)
    phone = Column(String(50))
    fax = Column(String(50))
    email = Column(String(150))
    website = Column(String(200))
    industry_id = Column(Integer, ForeignKey("industry.id"), index=True)
    industry = relationship("Industry")
    notes = Column(Text)
    active = Column(Boolean, nullable=False, default=True)
    search_name = Column(String(500), index=True)
    contacts = relationship("ContactPerson", back_populates="organisation",
                            cascade="all, delete-orphan", order_by="ContactPerson.id")

    def __repr__(self):
        return self.short_name or ""


class ContactPerson(AuditMixin, Model):
    __tablename__ = "contact_person"
    id = Column(Integer, primary_key=True)
    organisation_id = Column(Integer, ForeignKey("organisation.id", ondelete="CASCADE"),
                             nullable=False, index=True)
    organisation = relationship("Organisation", back_populates="contacts")
    full_name = Column(String(200), nullable=False)
    position = Column(String(150))
    position_search = Column(String(150), index=True)
    name_search = Column(String(200), index=True)
    phone = Column(String(50))
    email = Column(String(150))
    note = Column(Text)

    def __repr__(self):
        return self.full_name or ""


class Client(AuditMixin, Model):
    """A person who visits, trains or buys; minors have guardians."""

    __tablename__ = "client"
    # Fields readable/writable only with a permission: the audit log and every channel obey it.
    __audit_restricted__ = {"medical_notes": ("read", "ClientMedical")}

    id = Column(Integer, primary_key=True)
    first_name = Column(String(100), nullable=False)
    last_name = Column(String(100), nullable=False)
    middle_name = Column(String(100))
    birth_date = Column(Date, index=True)
    gender = Column(String(10))
    phone = Column(String(50))
    phone_digits = Column(String(30), index=True)
    email = Column(String(150), index=True)
    address = Column(String(300))
    card_number = Column(String(50), unique=True)
    photo = Column(String(300))
    category_id = Column(Integer, ForeignKey("client_category.id"), index=True)
    category = relationship("ClientCategory")
    source_id = Column(Integer, ForeignKey("client_source.id"), index=True)
    source = relationship("ClientSource")
    manager_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    manager = relationship("User", foreign_keys=[manager_id])
    organisation_id = Column(Integer, ForeignKey("organisation.id"), index=True)
    organisation = relationship("Organisation")
    consent_email = Column(Boolean, nullable=False, default=False)
    consent_sms = Column(Boolean, nullable=False, default=False)
    discount_percent = Column(Numeric(5, 2), nullable=False, default=Decimal("0"))
    preferences = Column(Text)
    sensitivity_notes = Column(Text)
    medical_notes = Column(Text)
    notes = Column(Text)
    active = Column(Boolean, nullable=False, default=True)
    search_name = Column(String(400))
    # the language of messages, reminders, documents and portal pages (None: the centre's)
    language = Column(String(5))
    guardians = relationship("Guardian", back_populates="client", cascade="all, delete-orphan",
                             order_by="Guardian.id")
    tags = relationship("Tag", secondary=client_tag, order_by="Tag.name")

    # Name, email and phone search match a part of the text (``LIKE '%word%'``): on PostgreSQL
    # trigram GIN indexes answer it without reading every client (``pg_trgm``, created with
    # the table); SQLite has no such index and scans the (normalized, short) columns.
    # The list's order (name, then id) is one index; on PostgreSQL it also holds the columns a
    # search tests, so a page's keys are found by walking the index alone (``keys_first``).
    __table_args__ = (
        Index("ix_client_search_name", "search_name", "id",
              postgresql_include=["email", "card_number", "organisation_id"]),
        *(Index(f"ix_client_{column}_trgm", column, postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"}).ddl_if(dialect="postgresql")
          for column in ("search_name", "phone_digits", "email")))

    @property
    def full_name(self):
        parts = (self.last_name, self.first_name, self.middle_name)
        return " ".join(p for p in parts if p)

    def age(self, on=None):
        """Whole years on ``on`` (today by default); None without a birth date."""
        if self.birth_date is None:
            return None
        on = on or date.today()
        before_birthday = (on.month, on.day) < (self.birth_date.month, self.birth_date.day)
        return on.year - self.birth_date.year - before_birthday

    @property
    def is_minor(self):
        age = self.age()
        return age is not None and age < 18

    @property
    def age_category(self):
        return age_category(self.age())

    @property
    def card_link(self):
        """The name linking to the client card (for lists)."""
        from flask import url_for
        from markupsafe import Markup, escape

        url = url_for("ClientCardView.card", client_id=self.id)
        return Markup('<a href="%s">%s</a>') % (url, escape(self.full_name))

    @property
    def initials(self):
        """The first letters of the first and last names ("AP"), for a photo's placeholder."""
        return "".join((part or "").strip()[:1] for part in (self.first_name, self.last_name)
                       ).upper()

    @property
    def photo_thumb(self):
        """A small photo for lists (served by the client card's photo route), or a placeholder
        with the initials; made from the row's own columns (no query)."""
        from flask import url_for
        from markupsafe import Markup, escape

        if self.photo:
            url = url_for("ClientCardView.photo", client_id=self.id)
            return Markup('<img class="client-thumb" src="%s" alt="%s" loading="lazy">') % (
                url, escape(self.full_name))
        return Markup('<span class="client-thumb client-thumb-empty" aria-hidden="true">%s'
                      '</span>') % escape(self.initials)

    def __repr__(self):
        return self.full_name



event.listen(Client.__table__, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))

class Guardian(AuditMixin, Model):
    """A parent or other adult responsible for a minor; receives the minor's messages."""

    __tablename__ = "guardian"
    id = Column(Integer, primary_key=True)
    client_id = Column(Integer, ForeignKey("client.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    client = relationship("Client", back_populates="guardians")
    full_name = Column(String(200), nullable=False)
    relation = Column(String(50))
    phone = Column(String(50))
    phone_digits = Column(String(30), index=True)
    email = Column(String(150))
    language = Column(String(5))

    def __repr__(self):
        return self.full_name or ""


class ClientDocument(AuditMixin, Model):
    """A file attached to a client: certificate, award, penalty, result."""

    __tablename__ = "client_document"
    id = Column(Integer, primary_key=True)
    client_id = Column(Integer, ForeignKey("client.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    client = relationship("Client")
    kind = Column(String(20), nullable=False, default="other")
    title = Column(String(200))
    filename = Column(String(255), nullable=False)
    stored_name = Column(String(255), nullable=False, unique=True)
    content_type = Column(String(100))
    size = Column(Integer, nullable=False, default=0)


class ClientManagerAssignment(Model):
    """One client's manager change inside a (bulk) reassignment batch, kept so it can be undone."""

    __tablename__ = "client_manager_assignment"
    id = Column(Integer, primary_key=True)
    batch_id = Column(String(36), nullable=False, index=True)
    client_id = Column(Integer, ForeignKey("client.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    previous_manager_id = Column(Integer, ForeignKey("ab_user.id"))
    new_manager_id = Column(Integer, ForeignKey("ab_user.id"))
    assigned_by_fk = Column(Integer, ForeignKey("ab_user.id"))
    assigned_on = Column(DateTime, nullable=False, default=_now)
    undone_on = Column(DateTime)
    undone_by_fk = Column(Integer, ForeignKey("ab_user.id"))
