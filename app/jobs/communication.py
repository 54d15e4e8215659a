"""Message jobs (queue "messages"): a mailing fans out into delivery batches; reminders and the
stalled-message sweep run from the cron schedule. Delivery failures reach rq, whose Retry runs
the batch again with backoff; the claim on each message row keeps a rerun from sending twice."""
from rq import Retry
from sqlalchemy import select

from app.jobs import RETRY_OUTSIDE, RETRY_REBUILD, app_job, enqueue, report_progress
from app.services.communication.messaging import DEFAULT_RETRY_INTERVALS, batches, setting


class DeliveryIncomplete(Exception):
    """Some messages of the batch were refused for now; rq retries the batch later."""


def retry_policy():
    """rq's Retry for delivery jobs: ``RETRY_OUTSIDE`` unless ``MESSAGE_RETRY_INTERVALS`` is set."""
    intervals = list(setting("MESSAGE_RETRY_INTERVALS"))
    if intervals == list(DEFAULT_RETRY_INTERVALS):
        return RETRY_OUTSIDE
    return Retry(max=len(intervals), interval=intervals)


def enqueue_delivery(message_ids, user_id=None):
    """Hand message ids to delivery jobs in batches of ``MESSAGE_BATCH_SIZE``."""
    jobs = []
    for part in batches(list(message_ids)):
        jobs.append(enqueue(deliver_batch, part, queue="messages", kind="deliver_messages",
                            user_id=user_id, retry=retry_policy()))
    return jobs


@app_job
def send_mailing(mailing_id, user_id=None):
    """Build a mailing's messages, then queue their delivery in batches."""
    from app.services.communication.mailings import finish_mailing_if_complete, prepare_mailing_messages

    ids = prepare_mailing_messages(mailing_id)
    report_progress(0, 1, messages=len(ids))
    jobs = enqueue_delivery(ids, user_id=user_id)
    if not ids:
        finish_mailing_if_complete(mailing_id)
    report_progress(1, 1, messages=len(ids), batches=len(jobs))
    return len(ids)


@app_job
def deliver_batch(message_ids):
    """Send one batch; finish the mailings it completes; fail (for rq's retry) while some of
    its messages wait for another attempt."""
    from app.extensions import db
    from app.models.communication import Message
    from app.services.communication.mailings import finish_mailing_if_complete
    from app.services.communication.messaging import deliver_messages

    report = deliver_messages(message_ids, progress=report_progress)
    mailing_ids = set(db.session.scalars(
        select(Message.mailing_id).distinct()
        .where(Message.id.in_(message_ids), Message.mailing_id.is_not(None))))
    for mailing_id in sorted(mailing_ids):
        finish_mailing_if_complete(mailing_id)
    report_progress(1, 1, **report.as_dict())
    if report.retry:
        raise DeliveryIncomplete(f"{report.retry} message(s) to retry: {report.as_dict()}")
    return report.as_dict()


@app_job
def recover_stalled_messages():
    """Give messages whose job was lost (dead worker, vanished job) to new delivery jobs, and
    finish mailings whose last batch died before finishing them."""
    from app.extensions import db
    from app.models.communication import Mailing
    from app.services.communication.mailings import finish_mailing_if_complete
    from app.services.communication.messaging import stalled_message_ids

    ids = stalled_message_ids()
    enqueue_delivery(ids)
    for mailing_id in db.session.scalars(select(Mailing.id).where(Mailing.status == "sending")):
        finish_mailing_if_complete(mailing_id)
    report_progress(1, 1, recovered=len(ids))
    return len(ids)


@app_job
def send_reminders():
    """Today's reminders of every registered kind, each occasion once."""
    from app.services.communication.reminders import send_due_reminders

    counts = send_due_reminders(enqueue_delivery)
    report_progress(1, 1, **counts)
    return counts


def queue_mailing(mailing_id, user_id=None):
    """Move a draft mailing to ``sending`` (once) and queue the job that builds and sends it."""
    from sqlalchemy import update

    from app.extensions import db
    from app.models.communication import Mailing
    from app.services.communication.mailings import start_mailing

    start_mailing(mailing_id)  # committed with the job's outbox row, never one without the other
    # building the messages is idempotent: a lost worker's mailing is rebuilt and resumed
    job = enqueue(send_mailing, mailing_id, user_id, queue="messages", kind="mailing",
                  user_id=user_id, retry=RETRY_REBUILD)
    # explicit columns: a job run in-process (RQ_ASYNC off) has closed the caller's session
    db.session.execute(update(Mailing).where(Mailing.id == mailing_id)
                       .values(job_id=job.id, changed_by_fk=user_id))
    db.session.commit()
    return job
