"""Signing in and out in GraphQL: login, tokenRefresh, logout, API keys, and ``me``.

Wrong credentials, an unknown user and an ended session all answer with one UNAUTHENTICATED
error and one message, so the answers do not tell which usernames exist.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import strawberry

from access.principal import Principal
from access.tokens import issue_access_token
from api.context import Info
from api.entity import VERSION_DOC, Entity, load_node
from api.errors import UserError
from api.geo import StreetNode
from api.guard import run_guarded
from api.ids import decode_id
from api.nodes import from_row
from api.ratelimit import limit_sign_in
from api.stations import StationNode
from api.volunteers import VolunteerNode
from models.commands.api_keys import create_api_key, revoke_api_key
from models.commands.sessions import (
    SESSION_ENDED,
    IssuedRefresh,
    RefreshRefused,
    end_session,
    rotate_refresh_token,
    start_session,
)
from models.commands.users import authenticate
from models.enums import Role
from models.errors import DomainError, ErrorCode, Problem
from models.user import ApiKey, User
from settings import Settings

log = logging.getLogger(__name__)

RoleEnum = strawberry.enum(Role, name="Role", description="What an account is for (its scope).")


@strawberry.type(name="User", description="An account: a person, or a service (API keys).")
class UserNode(Entity):
    model = User
    version: int = strawberry.field(description=VERSION_DOC)
    username: str
    display_name: str
    role: RoleEnum  # type: ignore[valid-type]
    active: bool
    last_login_at: datetime | None

    @strawberry.field(description="The street of a street-staff account; null otherwise.")
    async def street(self, info: Info) -> StreetNode | None:
        node: StreetNode | None = await load_node(info, StreetNode, self.row.street_id)
        return node

    @strawberry.field(description="The station of a station coordinator; null otherwise.")
    async def station(self, info: Info) -> StationNode | None:
        node: StationNode | None = await load_node(info, StationNode, self.row.station_id)
        return node

    @strawberry.field(description="The volunteer of a volunteer's account; null otherwise.")
    async def volunteer(self, info: Info) -> VolunteerNode | None:
        node: VolunteerNode | None = await load_node(info, VolunteerNode, self.row.volunteer_id)
        return node


@strawberry.type(name="ApiKey", description="A service account's API key (never the key itself).")
class ApiKeyNode(Entity):
    model = ApiKey
    name: str
    prefix: str = strawberry.field(description="The key's visible part: `bfk_<prefix>_...`.")
    active: bool
    last_used_at: datetime | None = strawberry.field(
        description="When the key was last used (recorded at most every few minutes)."
    )

    @strawberry.field
    async def user(self, info: Info) -> UserNode:
        node: UserNode = await load_node(info, UserNode, self.row.user_id)
        return node


def user_node(row: User) -> UserNode:
    return from_row(UserNode, row)


def api_key_node(row: ApiKey) -> ApiKeyNode:
    return from_row(ApiKeyNode, row)


@strawberry.input
class LoginInput:
    username: str
    password: str


@strawberry.input
class TokenRefreshInput:
    refresh_token: str


@strawberry.input
class LogoutInput:
    refresh_token: str | None = strawberry.field(
        default=None,
        description="The sign-in to end; if omitted, the one of the access token sent.",
    )


@strawberry.input
class ApiKeyCreateInput:
    user_id: strawberry.ID = strawberry.field(description="A service account.")
    name: str = strawberry.field(description="What the key is for, e.g. `nightly import`.")


@strawberry.input
class ApiKeyRevokeInput:
    id: strawberry.ID


@strawberry.type(description="A signed-in session's tokens (null when errors) and what to fix.")
class AuthPayload:
    access_token: str | None = strawberry.field(
        default=None, description="Send as `Authorization: Bearer <accessToken>`."
    )
    refresh_token: str | None = strawberry.field(
        default=None,
        description="Exchange with `tokenRefresh` for new tokens; each works once. Keep secret.",
    )
    expires_in: int | None = strawberry.field(
        default=None, description="Seconds until the access token expires."
    )
    user: UserNode | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="Whether a live sign-in was ended, and what to fix.")
class LogoutPayload:
    logged_out: bool
    errors: list[UserError]


@strawberry.type(description="The new key (null when errors) and what to fix.")
class ApiKeyCreatePayload:
    api_key: ApiKeyNode | None
    secret: str | None = strawberry.field(
        description="The whole key, shown only now: send it as the `X-Api-Key` header."
    )
    errors: list[UserError]


@strawberry.type(description="The key (null when errors) and what to fix.")
class ApiKeyPayload:
    api_key: ApiKeyNode | None
    errors: list[UserError]


def _error(code: ErrorCode, message: str, field: str | None = None) -> UserError:
    return UserError.of(Problem(code, message, field))


def _tokens(settings: Settings, issued: IssuedRefresh) -> AuthPayload:
    user = issued.user
    access, _ = issue_access_token(
        secret=settings.secret_key.get_secret_value(),
        user_id=user.id or 0,
        role=user.role.value,
        token_version=user.token_version,
        session_id=issued.family_id,
        lifetime=timedelta(minutes=settings.access_token_minutes),
    )
    return AuthPayload(
        access_token=access,
        refresh_token=issued.token,
        expires_in=settings.access_token_minutes * 60,
        user=user_node(user),
    )


def _refresh_lifetime(settings: Settings) -> timedelta:
    return timedelta(days=settings.refresh_token_days)


@strawberry.type
class AuthQuery:
    @strawberry.field(description="The signed-in account; null when not signed in.")
    async def me(self, info: Info) -> UserNode | None:
        principal: Principal = info.context.user
        if principal.user_id is None:
            return None
        row = await info.context.loaders.by_id(User).load(principal.user_id)
        return None if row is None else user_node(row)


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="Sign in: tokens for a username and password.")
    async def login(self, info: Info, input: LoginInput) -> AuthPayload:
        context = info.context
        await limit_sign_in(context, input.username)
        try:
            found = await authenticate(context.session_factory, input.username, input.password)
        except DomainError as exc:
            return AuthPayload(errors=[UserError.of(p) for p in exc.problems])
        user_id = found.user.id or 0
        issued, errors = await run_guarded(
            info,
            input,
            lambda session: start_session(
                session,
                user_id,
                lifetime=_refresh_lifetime(context.settings),
                new_hash=found.new_hash,
            ),
        )
        if issued is None:
            return AuthPayload(errors=errors)
        return _tokens(context.settings, issued)

    @strawberry.mutation(
        description="New tokens for a refresh token; the refresh token used is spent. Using a "
        "spent one again ends the whole sign-in (it may have been copied)."
    )
    async def token_refresh(self, info: Info, input: TokenRefreshInput) -> AuthPayload:
        context = info.context
        await limit_sign_in(context, None)
        outcome, errors = await run_guarded(
            info,
            input,
            lambda session: rotate_refresh_token(
                session, input.refresh_token, lifetime=_refresh_lifetime(context.settings)
            ),
        )
        if isinstance(outcome, RefreshRefused):
            if outcome.reason == "reuse":
                log.warning(
                    "a spent refresh token was presented again: sign-in %s revoked",
                    outcome.family_id,
                )
            return AuthPayload(errors=[_error(ErrorCode.UNAUTHENTICATED, SESSION_ENDED)])
        if outcome is None:
            return AuthPayload(errors=errors)
        return _tokens(context.settings, outcome)

    @strawberry.mutation(
        description="Sign out: end the sign-in of the refresh token (or of the access token "
        "sent); its refresh tokens stop working and so do its access tokens."
    )
    async def logout(self, info: Info, input: LogoutInput | None = None) -> LogoutPayload:
        principal: Principal = info.context.user
        token = input.refresh_token if input is not None else None
        if token is None and principal.session_id is None:
            message = "Send the refresh token to sign out, or sign in first."
            return LogoutPayload(
                logged_out=False, errors=[_error(ErrorCode.UNAUTHENTICATED, message)]
            )
        ended, errors = await run_guarded(
            info,
            input,
            lambda session: end_session(
                session,
                token=token,
                family_id=principal.session_id,
                user_id=principal.user_id,
            ),
        )
        return LogoutPayload(logged_out=bool(ended), errors=errors)

    @strawberry.mutation(
        description="Create an API key for a service account; the key is shown only in this "
        "answer. District administrators only."
    )
    async def api_key_create(self, info: Info, input: ApiKeyCreateInput) -> ApiKeyCreatePayload:
        secret = info.context.settings.secret_key.get_secret_value()
        created, errors = await run_guarded(
            info,
            input,
            lambda session: create_api_key(
                session,
                user_id=decode_id(input.user_id, "User", "userId"),
                name=input.name,
                secret=secret,
            ),
        )
        if created is None:
            return ApiKeyCreatePayload(api_key=None, secret=None, errors=errors)
        return ApiKeyCreatePayload(
            api_key=api_key_node(created.api_key), secret=created.key, errors=[]
        )

    @strawberry.mutation(description="Revoke an API key for good. District administrators only.")
    async def api_key_revoke(self, info: Info, input: ApiKeyRevokeInput) -> ApiKeyPayload:
        row, errors = await run_guarded(
            info,
            input,
            lambda session: revoke_api_key(session, decode_id(input.id, "ApiKey")),
        )
        return ApiKeyPayload(api_key=None if row is None else api_key_node(row), errors=errors)
