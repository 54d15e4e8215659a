"""Audit: the field-level change log, audit marks, and bulk updates that keep the log."""
from app.services.audit.bulk import update_loaded
from app.services.audit.log import (entries_since, hidden_fields_for, install, latest_mark,
                                    record_history, restricted_fields, set_mark)

__all__ = ["entries_since", "hidden_fields_for", "install", "latest_mark", "record_history",
           "restricted_fields", "set_mark", "update_loaded"]
