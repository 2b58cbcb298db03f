"""Who sent a request: ``Authorization: Bearer <access token>`` or ``X-Api-Key: <key>``.

Credentials that do not hold (expired, altered, revoked, an inactive account) leave the request
anonymous and say why (:class:`CredentialProblem`); refusing anonymous requests is the job of
the checks on each entry point, not of this module.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import Headers

from access import tokens
from access.principal import ANONYMOUS, CredentialProblem, Principal
from access.tokens import ExpiredToken, InvalidToken, decode_access_token
from models.commands.api_keys import principal_for_api_key, touch_api_key
from models.commands.sessions import principal_for_access_token
from models.db import SessionFactory, transaction
from settings import Settings

log = logging.getLogger(__name__)

Authentication = tuple[Principal, CredentialProblem | None]
API_KEY_HEADER = "x-api-key"


async def authenticate_request(
    headers: Headers, settings: Settings, factory: SessionFactory
) -> Authentication:
    """The principal of a request's credentials (one query), or anonymous and the problem."""
    authorization = headers.get("authorization")
    api_key = headers.get(API_KEY_HEADER)
    if authorization is None and api_key is None:
        return ANONYMOUS, None
    if authorization is not None and api_key is not None:
        return ANONYMOUS, CredentialProblem.INVALID  # two identities: accept neither
    secrets = settings.secrets()
    if authorization is not None:
        return await _bearer(authorization, secrets, factory)
    assert api_key is not None
    return await _api_key(api_key, secrets, factory)


def _claims(token: str, secrets: list[str]) -> tokens.AccessClaims | CredentialProblem:
    """The claims of a token signed with the current or a retiring secret key."""
    for secret in secrets:
        try:
            return decode_access_token(token, secret=secret)
        except ExpiredToken:
            return CredentialProblem.EXPIRED
        except InvalidToken:
            continue
    return CredentialProblem.INVALID


async def _bearer(
    authorization: str, secrets: list[str], factory: SessionFactory
) -> Authentication:
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return ANONYMOUS, CredentialProblem.INVALID
    claims = _claims(token.strip(), secrets)
    if isinstance(claims, CredentialProblem):
        return ANONYMOUS, claims
    async with factory() as session:
        principal = await principal_for_access_token(session, claims)
    if principal is None:
        return ANONYMOUS, CredentialProblem.REVOKED
    return principal, None


async def _api_key(key: str, secrets: list[str], factory: SessionFactory) -> Authentication:
    async with factory() as session:
        match = await principal_for_api_key(session, key, secrets=secrets)
    if match is None:
        return ANONYMOUS, CredentialProblem.INVALID
    if match.touch and match.principal.api_key_id is not None:
        try:
            async with transaction(factory) as session:
                await touch_api_key(session, match.principal.api_key_id, new_hash=match.new_hash)
        except SQLAlchemyError:  # bookkeeping only: the request goes on
            log.warning("could not record the use of API key %s", match.principal.api_key_id)
    return match.principal, None
