"""``GET /health`` for load balancers and supervisors, ``GET /metrics`` for Prometheus.

Plain Flask routes, not FAB views: ``/health`` answers anyone with only the state of each part
(no data), ``/metrics`` answers only a bearer of ``METRICS_TOKEN`` (404 while it is unset).
Request latencies are observed per endpoint in every process; with gunicorn's several workers
set ``PROMETHEUS_MULTIPROC_DIR`` so the figures of all of them are added up.
"""
import hmac
import os
import time

from flask import Blueprint, Response, abort, current_app, g, jsonify, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, Histogram,
                               generate_latest, multiprocess)

from app.services.platform.health import check_health, message_counts

blueprint = Blueprint("health", __name__)

REQUEST_SECONDS = Histogram("tessera_request_seconds", "Time to answer a request, by endpoint",
                            ["endpoint", "method"])


@blueprint.route("/health")
def health():
    state = check_health()
    body = {"status": "ok" if state.ok else "failing", "parts": state.parts,
            "workers": state.workers, "scheduler_heartbeat_age": state.scheduler_age}
    response = jsonify(body)
    response.status_code = 200 if state.ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _authorized():
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(sent.encode(), token.encode())


@blueprint.route("/metrics")
def metrics():
    if not _authorized():
        abort(401)
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_SECONDS)
    state = check_health()
    up = Gauge("tessera_part_up", "1 when the part is healthy", ["part"], registry=registry)
    for part, value in state.parts.items():
        up.labels(part).set(1 if value == "ok" else 0)
    for name, values in (("workers", state.workers), ("queued_jobs", state.queued),
                         ("failed_jobs", state.failed)):
        gauge = Gauge(f"tessera_{name}", f"{name.replace('_', ' ')} per queue", ["queue"],
                      registry=registry)
        for queue, count in values.items():
            gauge.labels(queue).set(count)
    messages = Gauge("tessera_messages", "Messages by status", ["status"], registry=registry)
    for status, count in message_counts().items():
        messages.labels(status).set(count)
    age = Gauge("tessera_scheduler_heartbeat_age_seconds",
                "Seconds since the cron scheduler's last heartbeat (-1: none)", registry=registry)
    age.set(-1 if state.scheduler_age is None else state.scheduler_age)
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _start_timer():
    g._request_started = time.perf_counter()


def _observe(response):
    started = g.pop("_request_started", None)
    if started is not None and request.endpoint not in (None, "static", "health.metrics"):
        REQUEST_SECONDS.labels(request.endpoint, request.method).observe(
            time.perf_counter() - started)
    return response


def register(appbuilder):
    app = current_app._get_current_object()  # views are registered inside the app context
    app.register_blueprint(blueprint)
    app.before_request(_start_timer)
    app.after_request(_observe)
