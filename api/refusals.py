"""Requests refused before GraphQL runs (too large, too many), answered in GraphQL's error
shape so that clients read them like any other error: ``{"data": null, "errors": [{"message",
"extensions": {"code"}}]}``, with the HTTP status that says the same.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class Refusal(Exception):
    """A request the service will not handle; raised before any work, answered with
    :func:`refusal_response` (a Starlette exception handler of the app)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.extensions = dict(extensions or {})

    def body(self) -> dict[str, Any]:
        return error_body(self.message, self.code, **self.extensions)


class RateLimited(Refusal):
    """Too many requests (or sign-in attempts): HTTP 429 with Retry-After."""

    def __init__(self, message: str, retry_after_s: float) -> None:
        seconds = max(1, math.ceil(retry_after_s))
        super().__init__(
            429,
            "RATE_LIMITED",
            f"{message} Try again in {seconds} s.",
            headers={"Retry-After": str(seconds)},
            extensions={"retryAfter": seconds},
        )
        self.retry_after = seconds


def error_body(message: str, code: str, **extensions: Any) -> dict[str, Any]:
    """A GraphQL response body holding one error."""
    return {
        "data": None,
        "errors": [{"message": message, "extensions": {"code": code, **extensions}}],
    }


async def refusal_response(_request: Request, exc: Exception) -> Response:
    """The app's handler for :class:`Refusal`."""
    assert isinstance(exc, Refusal)
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)
