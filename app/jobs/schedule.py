"""Periodic jobs, declared once; ``flask cron`` runs them with rq's CronScheduler, one leader at
a time, surviving Redis outages."""
import logging
import time

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import LockError, TimeoutError as RedisTimeoutError
from rq.cron import CronScheduler

from app.jobs import platform as maintenance
from app.jobs import communication as messaging
from app.jobs import money as passes
from app.jobs import courses
from app.jobs import portal

# (function, queue, cron expression) — times are the server's local time.
PERIODIC = [
    (maintenance.purge_expired_files, "default", "30 3 * * *"),
    (passes.refresh_pass_statuses, "default", "5 0 * * *"),
    (messaging.send_reminders, "messages", "0 9 * * *"),
    (messaging.recover_stalled_messages, "messages", "* * * * *"),
    (maintenance.relay_outbox, "default", "* * * * *"),
    (courses.warn_courses_below_minimum_daily, "default", "0 8 * * *"),
    (portal.promote_waitlists, "default", "*/5 * * * *"),
    (portal.charge_booking_penalties, "default", "15 * * * *"),
    (portal.excuse_cancelled_lessons, "default", "*/10 * * * *"),
    (portal.reconcile_online_payments, "default", "40 2 * * *"),
]


LEADER_KEY = "tessera:cron:leader"
LEADER_TTL = 150  # seconds: longer than the 60 s rq's scheduler may sleep between beats
log = logging.getLogger(__name__)


class LeadershipLost(Exception):
    """Another scheduler holds the leader lock now: this one must stop enqueueing."""


class LeaderCronScheduler(CronScheduler):
    """rq's CronScheduler that enqueues only while it holds the Redis leader lock, and renews
    the lock on every heartbeat: a second ``flask cron`` started by mistake stands by instead of
    running every periodic job twice."""

    def __init__(self, connection, lock, **kwargs):
        super().__init__(connection=connection, **kwargs)
        self.leader_lock = lock

    def _hold_leadership(self):
        if not self.leader_lock.owned():
            raise LeadershipLost()
        self.leader_lock.reacquire()

    def enqueue_jobs(self):
        self._hold_leadership()
        return super().enqueue_jobs()

    def heartbeat(self):
        super().heartbeat()
        self._hold_leadership()


def build_scheduler(connection, lock):
    scheduler = LeaderCronScheduler(connection, lock, name="tessera-cron")
    for func, queue, cron in PERIODIC:
        scheduler.register(func, queue, cron=cron, name=f"{func.__module__}.{func.__name__}")
    return scheduler


def run_cron(connect, sleep=time.sleep, rounds=None, standby_seconds=15, retry_seconds=(1, 60)):
    """Run the periodic jobs for as long as the process lives: wait for the leader lock (stand
    by while another scheduler holds it), run rq's scheduler while holding it, and on a lost
    Redis connection or a lost lock wait (backoff up to ``retry_seconds[1]``) and start again —
    never exit silently. ``rounds`` bounds the loop for tests; a stop signal ends it."""
    delay = retry_seconds[0]
    done = 0
    while rounds is None or done < rounds:
        done += 1
        lock = None
        try:
            connection = connect()
            lock = connection.lock(LEADER_KEY, timeout=LEADER_TTL, thread_local=False)
            if not lock.acquire(blocking=False):
                log.info("another scheduler is the leader; standing by")
                sleep(standby_seconds)
                continue
            delay = retry_seconds[0]
            build_scheduler(connection, lock).start()
            return "stopped"  # start() returns on SIGINT / SIGTERM
        except LeadershipLost:
            log.warning("the leader lock was lost; standing by")
        except (RedisConnectionError, RedisTimeoutError) as exc:
            log.warning("Redis unavailable (%s); retrying in %s s", exc, delay)
            sleep(delay)
            delay = min(delay * 2, retry_seconds[1])
        finally:
            if lock is not None:
                try:
                    if lock.owned():
                        lock.release()
                except (RedisConnectionError, RedisTimeoutError, LockError):
                    pass
    return "rounds done"
