"""Prometheus metrics; multiprocess-safe when PROMETHEUS_MULTIPROC_DIR is set.

`sanzhu serve --workers N` sets that variable before the workers start, so
every process writes its samples to files that `/metrics` aggregates.
"""

import os
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as prometheus_multiprocess
from sqlalchemy import event
from sqlalchemy.pool import Pool

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

HTTP_REQUESTS = Counter(
    "sanzhu_http_requests_total",
    "HTTP requests by method, route template and status code.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "sanzhu_http_request_duration_seconds",
    "HTTP request latency by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DB_CONNECTIONS_IN_USE = Gauge(
    "sanzhu_db_connections_in_use",
    "Database connections checked out of the pool.",
    ["pool"],
    multiprocess_mode="livesum",
)
CALENDAR_YEAR_MISSING = Gauge(
    "sanzhu_calendar_year_missing",
    "1 when working-day deadlines in this year are computed on Monday-Friday only.",
    ["year"],
    multiprocess_mode="max",
)
JOBS = Gauge(
    "sanzhu_jobs",
    "Background jobs by status, as last counted by a worker.",
    ["status"],
    multiprocess_mode="mostrecent",
)
JOBS_PROCESSED = Counter(
    "sanzhu_jobs_processed_total",
    "Background job attempts by kind and outcome.",
    ["kind", "outcome"],
)
WEBHOOK_ATTEMPTS = Counter(
    "sanzhu_webhook_attempts_total",
    "Webhook send attempts by outcome: delivered, retry, failed (out of attempts), gone (410), "
    "refused (target not allowed) or lease_lost (another claim took the delivery over, or its "
    "subscription was disabled meanwhile: nothing recorded).",
    ["outcome"],
)


def instrument_pool(pool: Pool, name: str) -> None:
    gauge = DB_CONNECTIONS_IN_USE.labels(pool=name)

    @event.listens_for(pool, "checkout")
    def _checkout(*_args: Any) -> None:
        gauge.inc()

    @event.listens_for(pool, "checkin")
    def _checkin(*_args: Any) -> None:
        gauge.dec()


def process_exiting() -> None:
    """Drop this process's live gauges from a multiprocess registry (pool in use)."""
    if os.environ.get(MULTIPROC_ENV):
        prometheus_multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def render_latest() -> tuple[bytes, str]:
    """The exposition text and its content type."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
