"""The field-level audit log: every change is recorded with who, when, before and after; the
audit view lists what changed since the last mark and hides restricted fields."""
from app.models.audit import AuditEntry
from app.security import ADMIN, FRONT_DESK, MANAGER
from app.services.audit import log as audit
from tests.factories.clients import make_client


def _entries(db, row_id, field=None):
    query = db.session.query(AuditEntry).filter_by(table_name="client", row_id=str(row_id))
    if field:
        query = query.filter_by(field=field)
    return query.order_by(AuditEntry.id).all()


def test_insert_and_update_are_recorded_with_before_and_after(db):
    client = make_client(first_name="Anna", phone="+33 1 23")
    inserted = _entries(db, client.id, "first_name")
    assert [(e.action, e.old_value, e.new_value) for e in inserted] == [("insert", None, "Anna")]
    client.first_name = "Annie"  # the attribute was expired by the commit: old value still known
    db.session.commit()
    changes = [(e.action, e.old_value, e.new_value) for e in _entries(db, client.id, "first_name")]
    assert changes[-1] == ("update", "Anna", "Annie")


def test_unchanged_fields_and_bookkeeping_columns_are_not_logged(db):
    client = make_client(first_name="Boris")
    before = len(_entries(db, client.id))
    client.first_name = "Boris"
    db.session.commit()
    assert len(_entries(db, client.id)) == before
    assert not db.session.query(AuditEntry).filter(AuditEntry.field.in_(["version", "changed_on"])).count()


def test_delete_is_recorded(db):
    client = make_client(first_name="Carl")
    row_id = client.id
    db.session.delete(client)
    db.session.commit()
    assert any(e.action == "delete" and e.old_value == "Carl" for e in _entries(db, row_id, "first_name"))


def test_view_shows_changes_since_last_mark_only(db, login):
    make_client(first_name="Zoraprior")
    admin = login(ADMIN)
    admin.post("/audit/mark", data={"note": "monthly"})
    make_client(first_name="Aftermark")
    page = admin.get("/audit/").get_data(as_text=True)
    assert "Aftermark" in page and "Zoraprior" not in page
    assert "Zoraprior" in admin.get("/audit/?all=1").get_data(as_text=True)


def test_medical_notes_hidden_from_the_audit_view_without_permission(db, login, app):
    make_client(first_name="Dora", medical_notes="asthma-secret")
    manager = login(MANAGER).get("/audit/?all=1").get_data(as_text=True)
    assert "asthma-secret" in manager
    hidden = audit.hidden_fields_for(lambda action, resource: resource != "ClientMedical")
    assert ("client", "medical_notes") in hidden
    rows = audit.entries_since(None, hidden)
    assert rows and all(entry.field != "medical_notes" for entry, _ in rows)


def test_audit_view_permissions(login):
    assert login(FRONT_DESK).get("/audit/").status_code in (302, 403)
    assert login(MANAGER).post("/audit/mark").status_code in (302, 403)
    assert login(MANAGER).get("/audit/").status_code == 200
