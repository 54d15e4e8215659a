"""Two of everything: two web instances (gunicorn, ``gunicorn run:app`` as in production) and two
job workers (``flask --app run.py worker``) started as real processes on their own 127.0.0.1
ports, against ONE PostgreSQL database and ONE redis-server, configured as in production through
environment variables. Concurrent marking of one lesson, pass sales and payments and one mailing
are driven through both instances over HTTP (API tokens and a logged-in session), and the
invariants of one instance must hold: no double write-off, every message sent exactly once
(real aiosmtpd server), no lost or failed job.

PostgreSQL only: tests/platform/conftest.py leaves this module out of the collection on SQLite,
whose single writer is not a multi-machine database (see the explanation there)."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import requests
from rq import Queue
from rq.registry import FailedJobRegistry, StartedJobRegistry
from sqlalchemy import func, select

from app.jobs import QUEUES, redis_connection
from app.models.communication import Mailing, Message
from app.models.jobs import JobRecord
from app.models.passes import Pass, SessionWriteOff
from app.security import FRONT_DESK, MANAGER
from tests.communication_fixtures import smtp_server  # noqa: F401
from tests.conftest import free_port
from tests.factories.clients import make_client
from tests.factories.communication import make_template
from tests.factories.passes import make_plan
from tests.factories.timetable import give_passes, make_group, make_lesson

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
RECIPIENTS = 30


@pytest.fixture
def two_of_everything(app, smtp_server, tmp_path):  # noqa: F811
    """Two gunicorn web instances and two rq workers, stopped (SIGTERM, then SIGKILL) at the end.
    Yields the two base URLs."""
    instance = tmp_path / "instance"  # shared storage of the two "machines"
    env = dict(
        os.environ, TESSERA_CONFIG="default", TESSERA_INSTANCE_DIR=str(instance),
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=app.config["REDIS_URL"],
        SECRET_KEY=app.config["SECRET_KEY"], MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp_server.port), MAIL_USE_TLS="false", MAIL_TIMEOUT="10",
        TESSERA_METRICS_TOKEN="", PROMETHEUS_MULTIPROC_DIR="")
    env.pop("PROMETHEUS_MULTIPROC_DIR")
    procs = []

    def start(name, command):
        log = open(tmp_path / f"{name}.log", "w")
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        procs.append((name, proc))

    ports = [free_port(), free_port()]
    gunicorn = os.path.join(BIN, "gunicorn")
    flask = os.path.join(BIN, "flask")
    for n, port in enumerate(ports, 1):
        start(f"web{n}", [gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", "1",
                          "--threads", "4", "--graceful-timeout", "5", "run:app"])
        start(f"worker{n}", [flask, "--app", "run.py", "worker"])
    urls = [f"http://127.0.0.1:{port}" for port in ports]

    def logs():
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in tmp_path.glob("*.log"))

    try:
        deadline = time.monotonic() + 40
        for url in urls:
            while True:
                try:
                    if requests.get(f"{url}/login/", timeout=10).status_code == 200:
                        break
                except (requests.ConnectionError, requests.Timeout):
                    pass
                assert time.monotonic() < deadline, logs()
                time.sleep(0.2)
        yield urls, logs
    finally:
        for _, proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for _, proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        shutil.rmtree(instance, ignore_errors=True)


def _token(url, user):
    response = requests.post(f"{url}/api/v1/security/login", json={
        "username": user.username, "password": "pw", "provider": "db"}, timeout=10)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _all_at_once(calls):
    """Run the (method, url, kwargs) calls at the same time; their responses in order."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(requests.request, method, url, timeout=30, **kwargs)
                   for method, url, kwargs in calls]
        return [f.result() for f in futures]


def test_two_web_instances_and_two_workers_keep_the_invariants(app, db, make_user, smtp_server,  # noqa: F811
                                                               two_of_everything):
    (a, b), logs = two_of_everything
    desk, manager = make_user(FRONT_DESK), make_user(MANAGER)
    # A token issued by one instance is honoured by the other (one secret, no local state).
    desk_headers = _token(a, desk)
    manager_headers = _token(b, manager)
    # and a logged-in session cookie too, the CSRF token of one page accepted by the other
    session = requests.Session()
    page = session.get(f"{b}/login/", timeout=10).text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert session.post(f"{a}/login/", data={"username": manager.username, "password": "pw",
                                             "csrf_token": csrf},
                        allow_redirects=False, timeout=10).status_code == 302
    assert session.get(f"{b}/api/v1/mailing/", timeout=10).status_code == 200

    # 1. Marking one lesson from both instances at once: each pass is written off once.
    group = make_group(members=3)
    passes = give_passes(group.test_clients, group.service)
    lesson = make_lesson(group)
    db.session.commit()
    payload = {"marks": [{"client_id": c.id, "status": "present"} for c in group.test_clients],
               "held": True}
    marks = _all_at_once([("POST", f"{url}/api/v1/lesson/{lesson.id}/attendance",
                           {"json": payload, "headers": desk_headers}) for url in (a, b) * 6])
    assert [r.status_code for r in marks] == [200] * 12, logs()
    written = [w["pass_id"] for r in marks for w in r.json()["write_offs"]]
    assert sorted(written) == sorted(p.id for p in passes), logs()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(SessionWriteOff)) == 3
    assert [db.session.get(Pass, p.id).sessions_used for p in passes] == [1, 1, 1]

    # 2. Sales and payments through both: every one recorded once, the same balance seen by both.
    buyer = make_client()
    plan = make_plan(price=Decimal("80.00"))
    db.session.commit()
    sales = _all_at_once([("POST", f"{url}/api/v1/pass/sell", {"json": {
        "client_id": buyer.id, "plan_id": plan.id, "amount_paid": "20.00"},
        "headers": desk_headers}) for url in (a, b) * 3])
    assert [r.status_code for r in sales] == [201] * 6, [r.text for r in sales]
    payments = _all_at_once([("POST", f"{url}/api/v1/payment/", {"json": {
        "client_id": buyer.id, "amount": "10.00", "method": "card",
        "pass_id": sale.json()["result"]["id"]}, "headers": desk_headers})
        for url, sale in zip((a, b) * 3, sales)])
    assert [r.status_code for r in payments] == [201] * 6, [r.text for r in payments]
    balances = [requests.get(f"{url}/api/v1/client/{buyer.id}/balance", headers=desk_headers,
                             timeout=10).json() for url in (a, b)]
    assert balances[0] == balances[1]
    assert balances[0]["debt"] == "300.00"  # 6 × 80 − 6 × 20 − 6 × 10

    # 3. One mailing created on one instance, sent from both at once: one send, every message
    # delivered exactly once by the two workers, no job lost or failed.
    make_template()
    expected = sorted(f"r{n}@example.org" for n in range(RECIPIENTS))
    for address in expected:
        make_client(email=address, consent_email=True)
    db.session.commit()
    created = requests.post(f"{a}/api/v1/mailing/", headers=manager_headers, timeout=10, json={
        "title": "Both", "template_name": "news", "channel": "email", "segment": {}})
    assert created.status_code == 201, created.text
    mailing_id = created.json()["id"]
    sends = _all_at_once([("POST", f"{url}/api/v1/mailing/{mailing_id}/send",
                           {"headers": manager_headers}) for url in (a, b, a, b)])
    assert sorted(r.status_code for r in sends) == [202, 409, 409, 409], [r.text for r in sends]
    deadline = time.monotonic() + 40
    status = None
    while time.monotonic() < deadline:
        status = requests.get(f"{b}/api/v1/mailing/{mailing_id}", headers=manager_headers,
                              timeout=10).json()["result"]["status"]
        if status == "done":
            break
        time.sleep(0.3)
    assert status == "done", logs()
    assert sorted(smtp_server.addresses()) == expected, logs()
    db.session.expire_all()
    statuses = db.session.execute(select(Message.status, func.count()).where(
        Message.mailing_id == mailing_id).group_by(Message.status)).all()
    # the lesson's 3 members and the buyer have no e-mail consent: skipped, never sent
    assert dict(statuses) == {"sent": RECIPIENTS, "skipped": 4}
    assert db.session.get(Mailing, mailing_id).status == "done"

    connection = redis_connection()
    for name in QUEUES:
        queue = Queue(name, connection=connection)
        assert queue.count == 0, name
        assert FailedJobRegistry(queue=queue).get_job_ids() == [], logs()
        assert StartedJobRegistry(queue=queue).get_job_ids() == [], name
    records = db.session.execute(select(JobRecord.status, func.count()).group_by(
        JobRecord.status)).all()
    assert records and {status for status, _ in records} == {"finished"}, records
    assert db.session.scalar(select(func.count()).select_from(JobRecord).where(
        JobRecord.enqueued_on.is_(None))) == 0
