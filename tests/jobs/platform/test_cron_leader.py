"""The cron scheduler: one leader among several ``flask cron`` processes, and it comes back
after Redis goes away (real redis-server)."""
import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from app.jobs.schedule import (LEADER_KEY, LEADER_TTL, LeaderCronScheduler, LeadershipLost,
                               build_scheduler, run_cron)


@pytest.fixture
def connection(redis_url):
    connection = Redis.from_url(redis_url)
    connection.delete(LEADER_KEY)
    yield connection
    connection.delete(LEADER_KEY)


def leader_lock(connection):
    return connection.lock(LEADER_KEY, timeout=LEADER_TTL, thread_local=False)


def test_a_second_scheduler_stands_by_while_the_first_leads(app, connection, monkeypatch):
    first = leader_lock(connection)
    assert first.acquire(blocking=False)
    slept, started = [], []

    class Spy(LeaderCronScheduler):
        def start(self):
            started.append(self)

    monkeypatch.setattr("app.jobs.schedule.LeaderCronScheduler", Spy)
    outcome = run_cron(lambda: connection, sleep=slept.append, rounds=2, standby_seconds=7)
    assert outcome == "rounds done"
    assert slept == [7, 7] and started == []
    first.release()
    # once the leader is gone the next one leads (start() returns as on SIGTERM)
    assert run_cron(lambda: connection, sleep=slept.append, rounds=1) == "stopped"
    assert len(started) == 1
    assert connection.get(LEADER_KEY) is None  # released on the way out


def test_a_scheduler_that_lost_the_lock_enqueues_nothing(app, connection):
    lock = leader_lock(connection)
    assert lock.acquire(blocking=False)
    scheduler = build_scheduler(connection, lock)
    assert scheduler.enqueue_jobs() == []  # leader: runs (nothing is due right now)
    connection.delete(LEADER_KEY)  # the lock expired while it was stuck ...
    assert leader_lock(connection).acquire(blocking=False)  # ... and another took over
    with pytest.raises(LeadershipLost):
        scheduler.enqueue_jobs()


def test_each_heartbeat_renews_the_leader_lock(app, connection):
    lock = leader_lock(connection)
    assert lock.acquire(blocking=False)
    scheduler = build_scheduler(connection, lock)
    connection.pexpire(LEADER_KEY, 5000)
    scheduler.register_birth()
    scheduler.heartbeat()
    assert connection.pttl(LEADER_KEY) > (LEADER_TTL - 5) * 1000
    scheduler.register_death()
    lock.release()


def test_redis_outages_are_waited_out_with_backoff(app, connection):
    failures = {"left": 3}
    slept = []

    def connect():
        if failures["left"]:
            failures["left"] -= 1
            raise RedisConnectionError("Connection refused")
        return connection

    other = leader_lock(connection)
    assert other.acquire(blocking=False)  # after the outage it finds a leader: stands by
    outcome = run_cron(connect, sleep=slept.append, rounds=4, standby_seconds=15,
                       retry_seconds=(1, 3))
    assert outcome == "rounds done"
    assert slept == [1, 2, 3, 15]
    other.release()
