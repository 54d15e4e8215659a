"""A record of each background job, so its result can be found and downloaded — and the outbox
the job waits in until Redis has it (``enqueued_on`` empty), so no job is lost while Redis is down."""
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text
from flask_appbuilder import Model

from app.models.base import _now


class JobRecord(Model):
    __tablename__ = "job_record"

    id = Column(Integer, primary_key=True)
    rq_id = Column(String(64), unique=True, nullable=False)
    kind = Column(String(64), nullable=False)
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    created_on = Column(DateTime, default=_now, nullable=False)
    finished_on = Column(DateTime)
    status = Column(String(20), nullable=False, default="queued")
    result_path = Column(String(500))
    error = Column(Text)
    # the call, as the outbox relay hands it to Redis: queue, dotted function path, JSON of
    # {"args", "kwargs", "retry": [max, intervals] or null}
    queue = Column(String(20))
    func = Column(String(200))
    call = Column(Text)
    enqueued_on = Column(DateTime, index=True)
