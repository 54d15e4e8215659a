"""``flask`` commands: roles, the first admin, demo data, worker, scheduler, translations."""
import os
import sys

import click
from flask.cli import AppGroup

roles_cli = AppGroup("roles", help="Staff roles.")
demo_cli = AppGroup("demo", help="Demo data.")
users_cli = AppGroup("users", help="Staff accounts.")
backup_cli = AppGroup("backup", help="Backups of the database and the uploaded files.")
translate_cli = AppGroup("translate", help="Translation catalogs (pybabel flow).")


@roles_cli.command("sync")
def roles_sync():
    """Create the builtin roles (Admin, Manager, …) as rows users can hold."""
    from app.services.platform.users import sync_roles

    created = sync_roles()
    click.echo("roles created: " + (", ".join(created) if created else "none (all present)"))


@users_cli.command("create-admin")
@click.option("--username", prompt=True)
@click.option("--firstname", prompt="First name")
@click.option("--lastname", prompt="Last name")
@click.option("--email", prompt=True)
@click.password_option()
def users_create_admin(username, firstname, lastname, email, password):
    """Create the first Admin (the roles are created first, whatever the order of commands)."""
    from app.services.platform import DomainError
    from app.services.platform.users import create_admin

    try:
        user = create_admin(username, password, firstname, lastname, email)
    except DomainError as exc:
        raise click.ClickException(str(exc.message)) from exc
    click.echo(f"Admin {user.username} created with role(s): "
               + ", ".join(role.name for role in user.roles))


@backup_cli.command("create")
@click.option("--to", "target", default=None,
              help="Folder for the archive (default: the instance folder's backups/).")
def backup_create(target):
    """Write one archive: the database, the uploaded files and a manifest with checksums."""
    import os

    from flask import current_app

    from app.services.platform.backup import create_backup, read_manifest

    target = target or os.path.join(os.path.dirname(current_app.config["UPLOAD_FOLDER"]),
                                    "backups")
    archive = create_backup(target)
    rows = sum(read_manifest(archive)["row_counts"].values())
    click.echo(f"{archive} ({rows} rows)")


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that already holds rows.")
def backup_restore(archive, force):
    """Restore an archive into an empty database (checksums are checked first)."""
    from app.services.platform import DomainError
    from app.services.platform.backup import restore_backup

    try:
        manifest = restore_backup(archive, force=force)
    except DomainError as exc:
        raise click.ClickException(str(exc.message)) from exc
    click.echo(f"restored the backup of {manifest['created_at']} "
               f"({sum(manifest['row_counts'].values())} rows)")


@demo_cli.command("load")
@click.option("--language", type=click.Choice(["en", "ru", "fr", "uk", "hy"]), default=None,
              help="The language of the directory names (the default language when not given).")
def demo_load(language):
    """Load a believable demo centre once (safe to run again)."""
    from app.demo import load_demo

    summary = load_demo(language)
    for key, value in summary.items():
        click.echo(f"{key}: {value}")


@click.command("worker")
@click.option("--queues", default="messages,reports,default", show_default=True)
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
def worker(queues, burst):
    """Run an RQ worker with rq's scheduler (delayed jobs and retries with backoff)."""
    from flask import current_app
    from rq import Worker

    from app.jobs import bind_worker_app, get_queue, redis_connection

    bind_worker_app(current_app._get_current_object())
    connection = redis_connection()
    queue_list = [get_queue(name.strip(), connection) for name in queues.split(",") if name.strip()]
    Worker(queue_list, connection=connection).work(with_scheduler=True, burst=burst)


@click.command("cron")
def cron():
    """Run Tessera's periodic jobs (reminders, housekeeping) with rq's CronScheduler: one leader
    among all `flask cron` processes, reconnecting after a Redis outage."""
    import logging

    from app.jobs import redis_connection
    from app.jobs.schedule import run_cron

    logging.getLogger("app.jobs.schedule").setLevel(logging.INFO)
    logging.getLogger("app.jobs.schedule").addHandler(logging.StreamHandler())
    run_cron(redis_connection)


@translate_cli.command("extract")
def translate_extract():
    """Extract strings from code and templates (plus FAB's) into translations/messages.pot."""
    from app.services.platform import translations
    from app.views.platform.base import GENERATED_MESSAGES, audited_field_messages

    generated = GENERATED_MESSAGES | audited_field_messages()
    click.echo(f"{translations.extract(generated)} messages in the template")


@translate_cli.command("update")
def translate_update():
    """Merge the template into every language's catalog."""
    from app.services.platform import translations

    translations.update()


@translate_cli.command("add")
@click.argument("code")
def translate_add(code):
    """Add an interface language (e.g. de, ka): its catalog from the template, pre-filled with
    FAB's strings when FAB ships the language; once compiled, running apps list it in the menu
    within a second (no restart)."""
    from app.services.platform import translations

    try:
        po = translations.add_language(code)
    except translations.LanguageRefused as exc:
        raise click.ClickException(str(exc))
    click.echo(f"{code}: created {os.path.relpath(po, translations.ROOT)}; translate it, then "
               "`flask translate compile`: running apps offer it within a second")


@translate_cli.command("compile")
def translate_compile():
    """Compile catalogs to .mo files."""
    from app.services.platform import translations

    try:
        translations.compile_catalogs()
    except translations.CatalogRefused as exc:
        for lang, found in exc.args[0].items():
            for msgid, _why, string in found:
                click.echo(f"{lang}: broken placeholder in {string!r} (for {msgid!r})", err=True)
        raise click.ClickException("nothing compiled: fix the broken placeholders first")


@translate_cli.command("import")
@click.argument("path")
@click.option("--overwrite", is_flag=True, help="Replace existing translations too.")
def translate_import(path, overwrite):
    """Fill catalogs from a JSON file {msgid: {lang: text}}."""
    from app.services.platform import translations

    for lang, count in translations.import_json(path, overwrite).items():
        click.echo(f"{lang}: {count} filled")


@translate_cli.command("check")
def translate_check():
    """List untranslated or fuzzy entries, placeholder mismatches, glossary violations and
    translations identical to English outside the allow-list; exit 1 when any language has one."""
    from app.services.platform import glossary, translations

    gaps = translations.gaps()
    failed = False
    for lang, missing in gaps.items():
        click.echo(f"{lang}: {len(missing)} untranslated or fuzzy")
        for msgid in missing[:50]:
            click.echo(f"    {msgid}")
        problems = translations.placeholder_problems(lang)
        click.echo(f"{lang}: {len(problems)} placeholder mismatches")
        for msgid, why, string in problems[:50]:
            click.echo(f"    {why}: {msgid!r} -> {string!r}")
        violations = glossary.glossary_violations(lang)
        click.echo(f"{lang}: {len(violations)} glossary violations")
        for found in violations[:50]:
            click.echo(f"    {found['msgid']!r}: {found['term']!r} is {found['expected']!r}, "
                       f"not {found['found']!r}")
        identical = translations.identical_to_english(lang)
        click.echo(f"{lang}: {len(identical)} identical to English (not in allowed_words.txt)")
        for msgid in identical[:50]:
            click.echo(f"    {msgid!r}")
        failed = failed or bool(missing) or bool(problems) or bool(violations) or bool(identical)
    if failed:
        sys.exit(1)


def register(app):
    for command in (roles_cli, users_cli, backup_cli, demo_cli, translate_cli, worker, cron):
        app.cli.add_command(command)
