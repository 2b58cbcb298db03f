"""Prometheus metrics of the API: requests by route and status, and their latency.

``/metrics`` serves these beside the jobs' metrics of this process (``jobs.metrics``). Routes
are the app's own paths (anything else counts as "other"), so a scanner cannot blow up the
number of series. No personal data is ever a label.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jobs.metrics import REGISTRY as JOB_REGISTRY


class HttpMetrics:
    """The HTTP series of one app, in a registry of its own."""

    def __init__(self, routes: Iterable[str]) -> None:
        self.routes = frozenset(routes)
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "bangfu_http_requests_total",
            "HTTP requests by method, route and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.seconds = Histogram(
            "bangfu_http_request_duration_seconds",
            "HTTP request latency by method and route.",
            ["method", "route"],
            registry=self.registry,
        )

    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def measured(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            route = scope["path"] if scope["path"] in self.routes else "other"
            method = scope["method"]
            status = 500
            started = time.perf_counter()

            async def sending(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = int(message["status"])
                await send(message)

            try:
                await app(scope, receive, sending)
            finally:
                self.seconds.labels(method, route).observe(time.perf_counter() - started)
                self.requests.labels(method, route, str(status)).inc()

        return measured

    async def endpoint(self, _request: Request) -> Response:
        body = generate_latest(self.registry) + generate_latest(JOB_REGISTRY)
        return Response(body, media_type=CONTENT_TYPE_LATEST)
