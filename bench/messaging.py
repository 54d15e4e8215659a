"""Benchmark: a 10,000-recipient email mailing through real rq workers to an aiosmtpd server on
loopback, with 1 and then 2 workers; prints messages per second and the SQL query count of
building the messages.

    .venv/bin/python bench/messaging.py              # 10,000 recipients
    .venv/bin/python bench/messaging.py --scale 0.1  # 1,000
    BENCH_DATABASE_URL=postgresql://… bench/messaging.py         # on PostgreSQL (tables dropped!)

It starts its own redis-server and SMTP server on free loopback ports and builds its data in a
temporary SQLite file (or the given database).
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import datetime

from _common import build_app, database_url, measure, stopwatch, temporary_folder


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def settings_for(url, redis_url, smtp_port):
    settings = dict(REDIS_URL=redis_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port,
                    MAIL_USE_TLS=False, RQ_ASYNC=True, MESSAGE_BATCH_SIZE=200)
    if url.startswith("sqlite"):
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 60}}
    return settings


def run_worker(url, instance, settings):
    """``--worker``: an rq worker on the "messages" queue that stops when the queue is empty."""
    from redis import Redis
    from rq import Queue, Worker

    from app.jobs import bind_worker_app

    bind_worker_app(build_app(url, instance, **settings))
    connection = Redis.from_url(settings["REDIS_URL"])
    Worker([Queue("messages", connection=connection)], connection=connection).work(
        burst=True, logging_level="WARNING")


def populate(db, total, run):
    from sqlalchemy import insert

    from app.models.clients import Client
    from app.models.communication import MessageTemplate

    now = datetime.now()
    rows = [dict(first_name=f"Client{n}", last_name=f"Run{run}", email=f"r{run}c{n}@bench.local",
                 consent_email=n % 20 != 0, consent_sms=False, discount_percent=0, active=True,
                 created_on=now, changed_on=now, version=1) for n in range(total)]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Client.__table__), rows[start:start + 5000])
    if not db.session.query(MessageTemplate).filter_by(name="bench").first():
        db.session.add(MessageTemplate(name="bench", channel="email", language="en",
                                       subject="Hello {first_name}",
                                       body="Dear {recipient_name}, news from {centre_name}."))
    db.session.commit()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--worker", action="store_true")
    args = parser.parse_args()
    if args.worker:
        run_worker(**json.loads(os.environ["BENCH_SETTINGS"]))
        return
    total = max(10, int(10000 * args.scale))
    with temporary_folder("tessera-bench-messaging-") as instance:
        send_mailings(database_url(instance), instance, total)


def send_mailings(url, instance, total):
    """Start redis-server and the SMTP server, then send two mailings of ``total`` recipients."""
    redis_port = free_port()
    redis_proc = subprocess.Popen(
        [shutil.which("redis-server"), "--port", str(redis_port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no", "--dir", instance],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from aiosmtpd.controller import Controller

    class CountingHandler:
        delivered = 0

        async def handle_DATA(self, server, session, envelope):
            CountingHandler.delivered += len(envelope.rcpt_tos)
            return "250 OK"

    smtp_port = free_port()
    controller = Controller(CountingHandler(), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    settings = settings_for(url, redis_url, smtp_port)
    try:
        time.sleep(0.3)
        from sqlalchemy import func, select

        from app.extensions import db
        from app.jobs import enqueue
        from app.jobs.communication import send_mailing
        from app.models.communication import Message
        from app.services.communication import mailings

        app = build_app(url, instance, **settings)
        with app.app_context():
            db.drop_all()
            db.create_all()
            print(f"database: {db.engine.dialect.name}, recipients per run: {total}")
            for run, workers in enumerate((1, 2), start=1):
                populate(db, total, run)
                mailing = mailings.create_mailing(f"Bench {run}", "bench", "email",
                                                  {"category_id": None})
                from app.models.clients import Client

                ids = list(db.session.scalars(select(Client.id).where(Client.last_name == f"Run{run}")))
                db.session.commit()
                # restrict the segment to this run's clients through their manager-less state:
                # the earlier runs' clients are deactivated
                db.session.execute(Client.__table__.update().where(Client.last_name != f"Run{run}")
                                   .values(active=False))
                db.session.commit()
                mailings.start_mailing(mailing.id)
                with measure(db.engine) as built:
                    queued = mailings.prepare_mailing_messages(mailing.id)
                print(f"run {run}: built {len(queued)} messages for {len(ids)} clients in "
                      f"{built.seconds:.2f} s with {built.queries} SQL statements")
                before = CountingHandler.delivered
                with stopwatch() as sending:
                    enqueue(send_mailing, mailing.id, queue="messages", kind="bench")
                    env = dict(os.environ, BENCH_SETTINGS=json.dumps(
                        dict(url=url, instance=instance, settings=settings)))
                    procs = [subprocess.Popen([sys.executable, __file__, "--worker"], env=env)
                             for _ in range(workers)]
                    for proc in procs:
                        proc.wait()
                elapsed = sending.seconds
                db.session.rollback()
                sent = db.session.scalar(select(func.count()).select_from(Message).where(
                    Message.mailing_id == mailing.id, Message.status == "sent"))
                delivered = CountingHandler.delivered - before
                print(f"run {run}: {workers} worker(s): {sent} sent, {delivered} delivered in "
                      f"{elapsed:.2f} s = {sent / elapsed:.0f} messages/s")
    finally:
        controller.stop()
        redis_proc.terminate()
        redis_proc.wait(timeout=10)


if __name__ == "__main__":
    main()
