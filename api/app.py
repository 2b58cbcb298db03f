"""The Starlette application: GraphQL (with GraphiQL in development) and health checks."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError

from access.crypto import configure_keyring
from access.scope import Scope
from api.authentication import API_KEY_HEADER, authenticate_request
from api.context import Context
from api.loaders import Loaders
from api.metrics import HttpMetrics
from api.ratelimit import RequestLimits, client_address, make_rate_limiter
from api.refusals import RateLimited, Refusal, refusal_response
from api.request_id import RequestIdMiddleware
from api.request_size import BodySizeLimit
from api.schema import build_schema
from jobs.registry import make_runner, resume_unfinished, start_schedules
from jobs.runner import JobRunner
from models.actor import set_actor
from models.commands.policy import ensure_policy
from models.db import SessionFactory, make_engine, make_session_factory
from settings import Settings

log = logging.getLogger(__name__)

MAX_SUBSCRIPTIONS = 10
"""Subscriptions one WebSocket connection may hold at once (each polls its run's row)."""


class BangfuGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI view with bangfu's per-request context."""

    def __init__(
        self,
        settings: Settings,
        factory: SessionFactory,
        runner: JobRunner,
        limits: RequestLimits,
    ) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=False,
            max_subscriptions_per_connection=MAX_SUBSCRIPTIONS,
        )
        self.settings = settings
        self.factory = factory
        self.runner = runner
        self.limits = limits

    def decode_json(self, data: str | bytes) -> object:
        """A body that json.loads fails on in any way (invalid UTF-8, a number of thousands of
        digits, nesting past the recursion limit) gets strawberry's 400, not a server error."""
        try:
            return json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise json.JSONDecodeError("not JSON", "", 0) from exc

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        principal, problem = await authenticate_request(
            request.headers, self.settings, self.factory
        )
        if isinstance(request, Request):  # over the limit: 429 before anything else is done
            await self.limits.check_request(principal, client_address(request))
        set_actor(principal.actor)  # "user:<username>", or "api:anonymous"
        scope = Scope(principal)
        if problem is not None and isinstance(response, Response):
            response.headers["WWW-Authenticate"] = (
                f'Bearer error="invalid_token", error_description="{problem}"'
            )
        return Context(
            request=request,
            response=response,
            settings=self.settings,
            session_factory=self.factory,
            loaders=Loaders(self.factory, scope),
            runner=self.runner,
            limits=self.limits,
            user=principal,
            scope=scope,
            credential_problem=problem,
        )

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:
        """Browsers cannot set headers on a WebSocket: its ``connection_init`` payload may
        carry them (``{"Authorization": "Bearer ..."}`` or ``{"X-Api-Key": ...}``). Credentials
        that do not hold close the connection (4403), and so does a principal over its rate
        limit (a connection counts as one request)."""
        params = {str(k).lower(): str(v) for k, v in (context.connection_params or {}).items()}
        sent = {k: v for k, v in params.items() if k in ("authorization", API_KEY_HEADER)}
        if sent:  # else the upgrade request's headers (if any) stand
            principal, problem = await authenticate_request(
                Headers(sent), self.settings, self.factory
            )
            if problem is not None or not principal.is_authenticated:
                raise ConnectionRejectionError({"reason": f"credentials {problem or 'missing'}"})
            set_actor(principal.actor)
            context.user = principal
            context.scope = Scope(principal)
            context.loaders = Loaders(self.factory, context.scope)
            context.credential_problem = None
        try:
            await self.limits.check_request(context.user, client_address(context.request))
        except RateLimited as exc:
            raise ConnectionRejectionError(
                {"reason": "rate limited", "retryAfter": exc.retry_after}
            ) from None
        return None


def create_app(settings: Settings) -> Starlette:
    """Build the app for ``settings``; the engine is disposed when the app shuts down.

    Raises :class:`settings.UnsafeSettingsError` in production with the development secret key
    or data keys, :class:`access.crypto.InvalidKeyConfiguration` when a data key is malformed.
    """
    settings.check_safe_to_serve()
    configure_keyring(settings.keyring())  # identifiers are encrypted with these keys
    engine = make_engine(settings.database_url, echo=settings.sql_echo)
    factory = make_session_factory(engine)
    runner = make_runner(settings, factory)
    limiter = make_rate_limiter(runner)
    graphql = BangfuGraphQL(settings, factory, runner, RequestLimits(settings, limiter))

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_request: Request) -> Response:
        try:
            async with engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
        except Exception as exc:  # any failure means "not ready"; the reason goes to the log
            log.warning("readiness check failed: %s", exc)
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        return JSONResponse({"status": "ready", "database": "ok"})

    async def root(_request: Request) -> Response:
        return RedirectResponse("/graphql")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[dict[str, Any]]:
        ticking = None
        await ensure_policy(factory, settings.policy_file)
        if not settings.redis_url:  # the server runs jobs itself; else the workers do this
            if settings.resume_runs:
                await resume_unfinished(factory, runner)
            ticking = start_schedules(settings, factory, runner)
        yield {}
        if ticking is not None:
            ticking.cancel()
            with suppress(asyncio.CancelledError):
                await ticking
        await runner.close()
        await limiter.aclose()
        await engine.dispose()

    http_metrics = HttpMetrics(["/graphql", "/healthz", "/readyz", "/metrics", "/"])
    app = Starlette(
        debug=False,
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", http_metrics.endpoint),
            Route("/", root),
        ],
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(http_metrics.middleware),
            Middleware(BodySizeLimit, max_bytes=settings.max_request_bytes),
        ],
        exception_handlers={Refusal: refusal_response},
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.session_factory = factory
    app.state.settings = settings
    app.state.runner = runner
    app.state.rate_limiter = limiter
    return app
