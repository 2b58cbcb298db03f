"""Request bodies above ``max_request_bytes`` are refused with 413 before anything reads them.

A declared ``Content-Length`` over the limit is refused at once; a body sent without one
(chunked) is counted while it arrives and refused as soon as it passes the limit. A body within
the limit is read whole here and handed on (GraphQL reads every body whole anyway), so nothing
behind this middleware, authentication included, runs for a body that is too large.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.refusals import Refusal, refusal_response


def too_large(max_bytes: int) -> Refusal:
    return Refusal(
        413,
        "REQUEST_TOO_LARGE",
        f"The request is larger than {max_bytes:,} bytes. Send a smaller query: fewer fields "
        "or ids per request, or split the work into several requests.",
        extensions={"maxBytes": max_bytes},
    )


class BodySizeLimit:
    """Pure ASGI middleware refusing HTTP request bodies over ``max_bytes``."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and _exceeds(declared.strip(), self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        left: Message | None = None
        while True:
            message = await receive()
            if message["type"] != "http.request":
                left = message  # the client went away mid-body: pass that on
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), left, receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await refusal_response(Request(scope), too_large(self.max_bytes))
        await response(scope, receive, send)


def _exceeds(declared: str, max_bytes: int) -> bool:
    """Whether a Content-Length value is over ``max_bytes`` (however many digits it has)."""
    if not declared.isdigit():
        return False  # malformed: the HTTP server refuses it; here the count decides
    return len(declared.lstrip("0")) > len(str(max_bytes)) or int(declared) > max_bytes


def _replay(body: bytes, left: Message | None, receive: Receive) -> Receive:
    """A ``receive`` giving the body read here as one message (then the client's leaving, if
    it left), and after that the server's own messages."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": left is not None}]
    if left is not None:
        pending.append(left)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
