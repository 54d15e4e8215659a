"""Backup → wipe → restore gives back the same rows and the same files, on SQLite and on
PostgreSQL (pg_dump / pg_restore); a damaged archive or a non-empty database changes nothing."""
import hashlib
import os
import tarfile

import pytest
from sqlalchemy import text

from app.services.platform import DomainError
from app.services.platform.backup import (create_backup, database_is_empty, read_manifest,
                                          restore_backup, row_counts)
from tests.factories.passes import make_pass


def _sha(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def _wipe(db, app):
    db.session.remove()
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name != "ab_role"]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables)
                              + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def centre(app, db):
    """Some passes (clients, plans, payments…) and an uploaded file."""
    for _ in range(3):
        make_pass()
    db.session.commit()
    folder = os.path.join(app.config["UPLOAD_FOLDER"], "clients")
    os.makedirs(folder, exist_ok=True)
    upload = os.path.join(folder, "certificate.pdf")
    with open(upload, "wb") as handle:
        handle.write(os.urandom(4096))
    yield upload
    os.remove(upload) if os.path.exists(upload) else None


def test_backup_wipe_restore_gives_back_rows_and_files(app, db, centre, tmp_path):
    before = row_counts()
    checksum = _sha(centre)
    archive = create_backup(str(tmp_path))
    manifest = read_manifest(archive)
    assert manifest["row_counts"] == before
    assert manifest["dialect"] == db.engine.dialect.name
    assert any(name.endswith("certificate.pdf") for name in manifest["sha256"])

    _wipe(db, app)
    os.remove(centre)
    assert database_is_empty()

    restore_backup(archive)
    assert row_counts() == before
    assert _sha(centre) == checksum
    assert before["client_pass"] == 3 and before["client"] >= 3


def test_a_damaged_archive_restores_nothing(app, db, centre, tmp_path):
    archive = create_backup(str(tmp_path))
    damaged = str(tmp_path / "damaged.tar.gz")
    with tarfile.open(archive, "r:gz") as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member)
            if member.name.endswith("certificate.pdf"):
                member.size = 10
                target.addfile(member, __import__("io").BytesIO(b"0123456789"))
            else:
                target.addfile(member, data)
    _wipe(db, app)
    with pytest.raises(DomainError, match="damaged"):
        restore_backup(damaged)
    assert database_is_empty()


def test_restore_refuses_a_database_with_rows_unless_forced(app, db, centre, tmp_path):
    before = row_counts()
    archive = create_backup(str(tmp_path))
    make_pass()
    db.session.commit()
    with pytest.raises(DomainError, match="not empty"):
        restore_backup(archive)
    assert row_counts()["client_pass"] == before["client_pass"] + 1
    restore_backup(archive, force=True)
    assert row_counts() == before


def test_the_commands_create_and_restore(app, db, centre, tmp_path):
    before = row_counts()
    runner = app.test_cli_runner()
    created = runner.invoke(args=["backup", "create", "--to", str(tmp_path)])
    assert created.exit_code == 0, created.output
    archive = created.output.split(" (")[0]
    refused = runner.invoke(args=["backup", "restore", archive])
    assert refused.exit_code == 1 and "not empty" in refused.output
    _wipe(db, app)
    restored = runner.invoke(args=["backup", "restore", archive])
    assert restored.exit_code == 0, restored.output
    assert row_counts() == before
