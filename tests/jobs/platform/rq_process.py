"""A real rq process for the killed-worker tests: ``python rq_process.py worker QUEUE`` (an rq
Worker forking a work horse per job, as ``flask worker`` does) or ``... scheduler QUEUE`` (rq's
scheduler: moves retried jobs back to the queue when due). Settings come from
``TESSERA_TEST_SETTINGS`` (JSON) on top of ``TestConfig``: the test's database and Redis."""
import json
import os
import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[3])  # the repository root


def main(mode, queue):
    from redis import Redis
    from rq import Queue, Worker
    from rq.scheduler import RQScheduler

    from config import TestConfig

    settings = json.loads(os.environ["TESSERA_TEST_SETTINGS"])
    config = type("WorkerConfig", (TestConfig,), settings)
    connection = Redis.from_url(config.REDIS_URL)
    if mode == "scheduler":
        RQScheduler([queue], connection=connection, interval=1).work()
        return
    import app.jobs
    from app import create_app

    app.jobs.bind_worker_app(create_app(config))
    Worker([Queue(queue, connection=connection)], connection=connection).work(
        with_scheduler=False, logging_level="WARNING")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
