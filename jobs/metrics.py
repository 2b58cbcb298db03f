"""Prometheus metrics of the jobs a process runs (the server's in-process runner, or a worker).

One registry per process: jobs run once per process whatever number of apps the tests build.
The server's ``/metrics`` shows it beside its HTTP metrics; a worker serves it on its own port
(``BANGFU_WORKER_METRICS_PORT``).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

JOBS = Counter(
    "bangfu_jobs_total",
    "Run jobs by kind and outcome: started, succeeded, failed, cancelled, skipped (nothing to do).",
    ["job", "outcome"],
    registry=REGISTRY,
)
JOB_SECONDS = Histogram(
    "bangfu_job_duration_seconds",
    "Wall time of run jobs that did work, by kind.",
    ["job"],
    buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600),
    registry=REGISTRY,
)
SOLVE_SECONDS = Histogram(
    "bangfu_solve_duration_seconds",
    "Time in the optimiser (problem building included), by kind of run.",
    ["job"],
    buckets=(0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600),
    registry=REGISTRY,
)
QUEUE_DEPTH = Gauge(
    "bangfu_queue_depth",
    "Jobs waiting in the arq queue, as a worker last saw it (every QUEUE_POLL_S).",
    registry=REGISTRY,
)
QUEUE_POLL_S = 5.0
