"""Backup and restore: the database and the instance folder's files in one archive.

An archive is a ``.tar.gz`` holding the database (SQLite's online backup API, or ``pg_dump``'s
custom format), the uploaded files, and ``manifest.json`` with the schema revision, the row count
of every table and a SHA-256 of every member. Restoring checks every checksum first and goes only
into an empty database (no rows in any table but the roles) unless forced.
"""
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, text

from app.extensions import db
from app.services.platform.errors import Conflict, DomainError

MANIFEST = "manifest.json"
# Rows that exist in a fresh installation too (roles are created by `flask roles sync`).
SEEDED_TABLES = {"ab_role", "alembic_version"}


def _file_folders():
    """``{name in the archive: folder}`` of the files worth keeping (reports are rebuilt)."""
    folders = {"uploads": current_app.config["UPLOAD_FOLDER"]}
    documents = current_app.config.get("DOCUMENTS_FOLDER")
    if documents:
        folders["documents"] = documents
    return folders


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _libpq_url(url):
    """The SQLAlchemy URL as pg_dump / pg_restore take it (no ``+driver``)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def row_counts():
    """``{table: rows}`` of every table in the metadata (one COUNT each)."""
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def _schema_revision():
    try:
        return db.session.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception:  # noqa: BLE001 — a database built without Alembic has no revision
        db.session.rollback()
        return None


def _dump_database(workdir):
    engine = db.engine
    if engine.dialect.name == "sqlite":
        target = os.path.join(workdir, "database.sqlite")
        source = sqlite3.connect(engine.url.database)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target
    target = os.path.join(workdir, "database.pgdump")
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", target,
                    _libpq_url(engine.url)], check=True, capture_output=True)
    return target


def create_backup(target_dir):
    """Write one archive of the database and the files into ``target_dir``; returns its path."""
    os.makedirs(target_dir, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    archive = os.path.join(target_dir, f"tessera-backup-{stamp}.tar.gz")
    db.session.commit()
    with tempfile.TemporaryDirectory() as workdir:
        members = {}
        dump = _dump_database(workdir)
        members[os.path.basename(dump)] = dump
        for name, folder in _file_folders().items():
            for root, _dirs, files in os.walk(folder):
                for filename in files:
                    path = os.path.join(root, filename)
                    members[f"files/{name}/{os.path.relpath(path, folder)}"] = path
        manifest = {
            "created_at": datetime.now().isoformat(timespec="seconds"),
            "dialect": db.engine.dialect.name,
            "schema_revision": _schema_revision(),
            "row_counts": row_counts(),
            "sha256": {name: _sha256(path) for name, path in members.items()},
        }
        partial = archive + ".part"
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            for name, path in sorted(members.items()):
                tar.add(path, arcname=name)
        os.replace(partial, archive)  # never a half-written archive under the final name
    return archive


def read_manifest(archive):
    with tarfile.open(archive, "r:gz") as tar:
        return json.load(tar.extractfile(MANIFEST))


def database_is_empty():
    """True when no table holds rows but those a fresh installation has too."""
    return all(count == 0 for table, count in row_counts().items()
               if table not in SEEDED_TABLES)


def restore_backup(archive, force=False):
    """Restore an archive made by ``create_backup``: every checksum is checked before anything
    is written; the database must be empty unless ``force``; returns the manifest."""
    manifest = read_manifest(archive)
    if manifest["dialect"] != db.engine.dialect.name:
        raise DomainError(_l("This backup is of a %(dialect)s database.",
                             dialect=manifest["dialect"]))
    if not force and not database_is_empty():
        raise Conflict(_l("The database is not empty: restore into an empty database, or force "
                          "it to replace everything."))
    with tempfile.TemporaryDirectory() as workdir:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(workdir, filter="data")
        for name, expected in manifest["sha256"].items():
            path = os.path.join(workdir, name)
            if not os.path.isfile(path) or _sha256(path) != expected:
                raise DomainError(_l("The backup is damaged: %(name)s does not match its "
                                     "checksum. Nothing was restored.", name=name))
        db.session.remove()
        db.engine.dispose()
        _restore_database(workdir)
        db.engine.dispose()
        for name, folder in _file_folders().items():
            source = os.path.join(workdir, "files", name)
            if os.path.isdir(source):
                shutil.copytree(source, folder, dirs_exist_ok=True)
    return manifest


def _restore_database(workdir):
    engine = db.engine
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(os.path.join(workdir, "database.sqlite"))
        target = sqlite3.connect(engine.url.database)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                    "--dbname", _libpq_url(engine.url),
                    os.path.join(workdir, "database.pgdump")], check=True, capture_output=True)
