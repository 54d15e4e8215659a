"""Mailings and reminders on real rq processes, a real Redis and a real SMTP server.

The big test sends a 1,000-client mailing while the SMTP server refuses the first attempts and
the only worker is SIGKILLed in the middle of an SMTP transaction; restarted workers (plus the
stalled-message sweep the cron runs) finish it, and every consenting recipient has exactly one
message.
"""
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import func, select

from app.jobs import enqueue
from app.jobs.communication import recover_stalled_messages, send_mailing, send_reminders
from app.models.communication import Mailing, Message, ReminderLog, Task
from app.services.communication import mailings
from tests.communication_fixtures import smtp_server  # noqa: F401
from tests.factories.clients import make_client
from tests.factories.communication import make_template

WORKER = os.path.join(os.path.dirname(__file__), "messaging_worker.py")
FAST = dict(MESSAGE_RETRY_INTERVALS=[1, 1, 2, 2, 3], MESSAGE_CLAIM_TIMEOUT=8,
            MESSAGE_STALL_AFTER=5, MESSAGE_BATCH_SIZE=50)


class Processes:
    """rq processes started by a test, stopped (by their pids) when it ends."""

    def __init__(self, app, tmp_path):
        self.procs = []
        self.log_dir = tmp_path
        settings = dict(FAST, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                        REDIS_URL=app.config["REDIS_URL"], MAIL_SERVER=app.config["MAIL_SERVER"],
                        MAIL_PORT=app.config["MAIL_PORT"], MAIL_USE_TLS=False,
                        UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"],
                        REPORTS_FOLDER=app.config["REPORTS_FOLDER"], RQ_ASYNC=True)
        if settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
        self.env = dict(os.environ, TESSERA_TEST_SETTINGS=json.dumps(settings))

    def start(self, mode):
        log = open(self.log_dir / f"{mode}-{len(self.procs)}.log", "w")
        proc = subprocess.Popen([sys.executable, WORKER, mode], env=self.env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def kill_hard(self, proc):
        """SIGKILL a worker and its work horse (its child), as a crash or OOM kill would."""
        for child in _children(proc.pid):
            os.kill(child, signal.SIGKILL)
        proc.kill()
        proc.wait(timeout=10)

    def stop_all(self):
        for proc in self.procs:
            if proc.poll() is None:
                for child in _children(proc.pid):
                    os.kill(child, signal.SIGKILL)
                proc.kill()
                proc.wait(timeout=10)

    def logs(self):
        return "\n".join(p.read_text()[-3000:] for p in sorted(self.log_dir.glob("*.log")))


def _children(pid):
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def _set_fast(app):
    saved = {key: app.config.get(key) for key in list(FAST) + ["RQ_ASYNC"]}
    app.config.update(FAST, RQ_ASYNC=True)
    return saved


def _pending(db):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Message)
                             .where(Message.status.in_(("queued", "sending"))))


def test_mailing_to_1000_delivers_exactly_once_despite_refusals_and_a_killed_worker(
        app, db, smtp_server, make_user, tmp_path):
    manager = make_user("Manager")
    make_template(body="Dear {recipient_name}, spring news for {first_name}.")
    kid_birth = date.today() - timedelta(days=365 * 9)
    expected = []
    for n in range(1000):
        if n % 25 == 0:  # 40 adults without consent
            make_client(email=f"no{n}@example.org", consent_email=False, commit=False)
        elif n % 25 == 1:  # 40 minors: the guardian receives it
            make_client(birth_date=kid_birth, consent_email=True, commit=False,
                        guardians=[dict(full_name=f"Parent {n}", email=f"parent{n}@example.org")])
            expected.append(f"parent{n}@example.org")
        elif n % 50 == 2:  # 20 consenting without an email address
            make_client(email=None, consent_email=True, commit=False)
        else:
            make_client(email=f"c{n}@example.org", consent_email=True, commit=False,
                        manager_id=manager.id if n % 2 else None)
            expected.append(f"c{n}@example.org")
    db.session.commit()
    mailing = mailings.create_mailing("Spring", "news", "email", {})
    db.session.commit()
    mailings.start_mailing(mailing.id)

    smtp_server.refuse_first = 30
    smtp_server.hold_at = 400
    saved = _set_fast(app)
    procs = Processes(app, tmp_path)
    try:
        procs.start("scheduler")
        first = procs.start("worker")
        enqueue(send_mailing, mailing.id, queue="messages", kind="mailing")
        assert smtp_server.held.wait(timeout=180), procs.logs()
        procs.kill_hard(first)  # dies in the middle of an SMTP transaction
        smtp_server.release.set()
        stuck = db.session.scalar(select(func.count()).select_from(Message)
                                  .where(Message.status == "sending"))
        assert 1 <= stuck <= 20  # the claimed chunk of the dead worker, one of them in flight
        procs.start("worker")
        procs.start("worker")
        deadline = time.monotonic() + 240
        next_sweep = time.monotonic() + FAST["MESSAGE_CLAIM_TIMEOUT"] + 1
        while _pending(db) and time.monotonic() < deadline:
            if time.monotonic() >= next_sweep:  # what the cron does every few minutes
                enqueue(recover_stalled_messages, queue="messages", kind="recover")
                next_sweep = time.monotonic() + 10
            time.sleep(0.5)
        assert _pending(db) == 0, procs.logs()
        deadline = time.monotonic() + 60
        while db.session.get(Mailing, mailing.id).status != "done" and time.monotonic() < deadline:
            enqueue(recover_stalled_messages, queue="messages", kind="recover")
            time.sleep(1)
            db.session.rollback()
    finally:
        procs.stop_all()
        app.config.update(saved)

    delivered = Counter(smtp_server.addresses())
    assert len(expected) == 940
    assert sorted(delivered) == sorted(expected)
    assert set(delivered.values()) == {1}, [a for a, n in delivered.items() if n > 1]
    assert smtp_server.attempts >= 30 + 940 + 1  # the refusals and the held one happened
    statuses = dict(db.session.execute(
        select(Message.status, func.count()).group_by(Message.status)).all())
    assert statuses == {"sent": 940, "skipped": 60}
    assert db.session.get(Mailing, mailing.id).status == "done"
    with_manager = db.session.scalar(select(func.count()).select_from(Task)
                                     .where(Task.mailing_id == mailing.id))
    assert with_manager == sum(1 for n in range(1000) if n % 25 > 1 and n % 50 != 2 and n % 2)


def test_reminders_are_not_sent_twice_when_the_scheduler_runs_twice(app, db, smtp_server, tmp_path):
    today = date.today()
    make_template(name="birthday", subject="Happy birthday", body="Happy birthday, {first_name}!")
    for n in range(5):
        make_client(email=f"b{n}@example.org", consent_email=True,
                    birth_date=today.replace(year=today.year - 30 - n)
                    if (today.month, today.day) != (2, 29) else date(1996, 2, 29))
    make_client(email="other@example.org", consent_email=True,
                birth_date=(today + timedelta(days=3)).replace(year=1990))
    saved = _set_fast(app)
    procs = Processes(app, tmp_path)
    try:
        procs.start("scheduler")
        enqueue(send_reminders, queue="messages", kind="reminders")
        enqueue(send_reminders, queue="messages", kind="reminders")
        procs.start("worker")
        procs.start("worker")
        deadline = time.monotonic() + 60
        while (len(smtp_server.deliveries) < 5 or _pending(db)) and time.monotonic() < deadline:
            time.sleep(0.3)
        enqueue(send_reminders, queue="messages", kind="reminders")
        time.sleep(2)
        deadline = time.monotonic() + 30
        while _pending(db) and time.monotonic() < deadline:
            time.sleep(0.3)
    finally:
        procs.stop_all()
        app.config.update(saved)
    assert sorted(smtp_server.addresses()) == [f"b{n}@example.org" for n in range(5)], procs.logs()
    db.session.rollback()
    logs = db.session.scalars(select(ReminderLog)).all()
    assert len(logs) == 5 and {log.occasion for log in logs} == {str(today.year)}
