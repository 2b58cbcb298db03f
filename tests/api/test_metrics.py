"""Prometheus metrics: the API's requests and the jobs it runs at /metrics; a worker's jobs on
its own port."""

from __future__ import annotations

import asyncio
import socket
import urllib.request

from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from jobs.runner import ArqRunner
from jobs.worker import make_worker
from tests.api.conftest import Api, settings_for
from tests.api.test_matching_runs import _run, _street


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def scrape(api: Api) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await api.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


def requests_of(
    metrics: dict[tuple[str, tuple[tuple[str, str], ...]], float],
    method: str,
    route: str,
    status: str,
) -> float:
    key = ("bangfu_http_requests_total", (("method", method), ("route", route), ("status", status)))
    return metrics.get(key, 0.0)


def jobs_of(
    metrics: dict[tuple[str, tuple[tuple[str, str], ...]], float], job: str, outcome: str
) -> float:
    return metrics.get(("bangfu_jobs_total", (("job", job), ("outcome", outcome))), 0.0)


async def test_requests_are_counted_by_route_and_status(api: Api) -> None:
    await api.data("{ districts { totalCount } }")
    await api.client.get("/healthz")
    await api.client.get("/no/such/page/12345")
    metrics = await scrape(api)
    assert requests_of(metrics, "POST", "/graphql", "200") == 1
    assert requests_of(metrics, "GET", "/healthz", "200") == 1
    assert requests_of(metrics, "GET", "other", "404") == 1  # no series per unknown path
    latency = (
        "bangfu_http_request_duration_seconds_count",
        (("method", "POST"), ("route", "/graphql")),
    )
    assert metrics[latency] == 1


async def test_jobs_are_counted_by_outcome(app: Starlette, api: Api) -> None:
    before = await scrape(api)
    street = await _street(app)
    run = await _run(app, api, scope={"streetIds": [street]})
    assert run["status"] == "SUCCEEDED"
    after = await scrape(api)
    for outcome in ("started", "succeeded"):
        grew = jobs_of(after, "matching_run", outcome) - jobs_of(before, "matching_run", outcome)
        assert grew == 1, outcome
    assert jobs_of(after, "matching_run", "failed") == jobs_of(before, "matching_run", "failed")
    solves = ("bangfu_solve_duration_seconds_count", (("job", "matching_run"),))
    assert after[solves] - before.get(solves, 0.0) == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_worker_serves_its_metrics_on_its_own_port(db_url: str, redis_url: str) -> None:
    waiting = ArqRunner(redis_url)
    for run_id in (101, 102, 103):  # jobs nobody has taken yet
        await waiting.enqueue("allocation_run", run_id)
    await waiting.close()
    port = _free_port()
    settings = settings_for(
        db_url, redis_url=redis_url, worker_metrics_port=port, resume_runs=False
    )
    worker = make_worker(settings, burst=True, handle_signals=False)
    ctx = dict(worker.ctx)
    assert worker.on_startup is not None
    assert worker.on_shutdown is not None
    await worker.on_startup(ctx)
    url = f"http://127.0.0.1:{port}/metrics"
    try:
        for _ in range(50):
            text = await asyncio.to_thread(_get, url)
            if samples(text).get(("bangfu_queue_depth", ())) == 3:
                break
            await asyncio.sleep(0.2)
    finally:
        await worker.on_shutdown(ctx)
        await worker.close()
    assert samples(text)[("bangfu_queue_depth", ())] == 3
    families = {f.name for f in text_string_to_metric_families(text)}
    assert {
        "bangfu_jobs",
        "bangfu_job_duration_seconds",
        "bangfu_solve_duration_seconds",
    } <= families
    assert "bangfu_http_requests" not in families  # a worker serves no HTTP API


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our local port)
        body: bytes = response.read()
    return body.decode()
