"""A real rq process for the messaging tests:
``python tests/jobs/communication/messaging_worker.py worker`` (an rq Worker on the "messages" queue, forking a work horse per job, as ``flask worker`` does)
or ``... scheduler`` (rq's scheduler, which moves retried jobs back to the queue when due).

Settings come from the ``TESSERA_TEST_SETTINGS`` environment variable (JSON) on top of
``TestConfig``, so the process shares the test's database, Redis and SMTP server.
"""
import json
import os
import sys
from pathlib import Path

# the repository root, in place of this script's folder (which must not shadow any module)
sys.path[0] = str(Path(__file__).resolve().parents[3])


def main(mode):
    from redis import Redis
    from rq import Queue, Worker
    from rq.scheduler import RQScheduler

    from config import TestConfig

    settings = json.loads(os.environ["TESSERA_TEST_SETTINGS"])
    config = type("WorkerConfig", (TestConfig,), settings)
    connection = Redis.from_url(config.REDIS_URL)
    if mode == "scheduler":
        RQScheduler(["messages"], connection=connection, interval=1).work()
        return
    import app.jobs
    from app import create_app

    app.jobs.bind_worker_app(create_app(config))  # the work horses inherit it across the fork
    worker = Worker([Queue("messages", connection=connection)], connection=connection)
    worker.work(with_scheduler=False, burst=mode == "burst", logging_level="WARNING")


if __name__ == "__main__":
    main(sys.argv[1])
