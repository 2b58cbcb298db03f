"""The request id: every HTTP response carries ``X-Request-Id``, masked errors quote it, and
the log line of the real error names it, so a user's report leads to the log.

An incoming ``X-Request-Id`` (from a load balancer, or a client) is kept when it is a short
token of safe characters; anything else is replaced by a new id. The id is held in a context
variable for the request's whole task tree (resolvers, loaders, error hooks).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.refusals import error_body

log = logging.getLogger(__name__)

HEADER = "X-Request-Id"
_VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_current: ContextVar[str | None] = ContextVar("bangfu_request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str:
    """The id of the request being handled; outside a request, a new one (kept for the rest
    of this task, so an error's log line and its masked message agree)."""
    value = _current.get()
    if value is None:
        value = new_request_id()
        _current.set(value)
    return value


def unexpected_error_message(request_id: str) -> str:
    """What a client sees of an unexpected error: nothing of it, but the id to quote."""
    return (
        f"Unexpected server error (request id {request_id}); it has been logged. Please try "
        "again later, and quote the request id if you report it."
    )


UNEXPECTED = "INTERNAL_SERVER_ERROR"


def unexpected_error_extensions(request_id: str) -> dict[str, str]:
    """The ``extensions`` of that error: its code and the id."""
    return {"code": UNEXPECTED, "requestId": request_id}


def accepted_request_id(value: str | None) -> str:
    """``value`` when it is a valid id, else a new id."""
    if value is not None and _VALID.fullmatch(value):
        return value
    return new_request_id()


class RequestIdMiddleware:
    """Pure ASGI: sets the request id, adds it to the response, and answers an exception that
    escaped everything else with a masked 500 in GraphQL's error shape (logged with the id)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = accepted_request_id(Headers(scope=scope).get(HEADER))
        token = _current.set(request_id)
        try:
            if scope["type"] == "websocket":
                await self.app(scope, receive, send)
            else:
                await self._http(scope, receive, send, request_id)
        finally:
            _current.reset(token)

    async def _http(self, scope: Scope, receive: Receive, send: Send, request_id: str) -> None:
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message.setdefault("headers", [])
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            log.exception("unhandled error (request id %s)", request_id)
            if started:
                raise
            body = json.dumps(
                error_body(
                    unexpected_error_message(request_id),
                    **unexpected_error_extensions(request_id),
                )
            ).encode()
            await sending(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
