"""The per-request context: settings, sessions, loaders, and who is asking."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as _Info

from access.principal import ANONYMOUS, CredentialProblem, Principal
from access.scope import Scope
from api.loaders import Loaders
from api.ratelimit import RequestLimits
from jobs.runner import JobRunner
from models.db import SessionFactory
from settings import Settings


@dataclass
class Context:
    """What every resolver may use. ``user`` is who is asking (``api.authentication``);
    ``credential_problem`` says why credentials that were sent left the request anonymous."""

    request: Request | WebSocket
    response: Response | WebSocket | None
    settings: Settings
    session_factory: SessionFactory
    loaders: Loaders
    runner: JobRunner
    limits: RequestLimits
    """The app's rate limits (``login`` and ``tokenRefresh`` count attempts against them)."""
    user: Principal = ANONYMOUS
    scope: Scope = field(default_factory=lambda: Scope(ANONYMOUS))
    """The rows ``user`` may read and change (``access.scope``)."""
    credential_problem: CredentialProblem | None = None
    reads: dict[tuple[str, int], set[str]] = field(default_factory=dict)
    """Sensitive fields sent so far, by (type, id): the access log's rows (``api.sensitive``)."""
    connection_params: dict[str, Any] | None = None
    """A WebSocket's ``connection_init`` payload (it may carry the credentials)."""
    extras: dict[str, Any] = field(default_factory=dict)


Info = _Info[Context, None]
