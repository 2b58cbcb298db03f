"""Managing accounts in GraphQL: district administrators create, change, deactivate and reset
accounts; everyone changes their own password. Changing who an account is ends its sign-ins."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import RoleEnum, UserNode, user_node
from api.context import Info
from api.errors import UserError
from api.guard import run_guarded
from api.ids import decode_id
from api.mutations import mutation, payload_type
from api.pagination import Connection, filter_conditions, paginate
from models.commands.accounts import AccountChanges, set_password, update_account
from models.commands.users import NewUser, authenticate, create_user
from models.errors import DomainError, ErrorCode
from models.user import User


@strawberry.input
class UserFilter:
    role: RoleEnum | None = None  # type: ignore[valid-type]
    active: bool | None = None


@strawberry.input(description="A new account. Scoped roles name their scope.")
class UserCreateInput:
    username: str
    display_name: str
    role: RoleEnum  # type: ignore[valid-type]
    password: str | None = strawberry.field(
        default=None, description="Required for people; none for service accounts (API keys)."
    )
    street_id: strawberry.ID | None = strawberry.field(default=None, description="Street staff.")
    station_id: strawberry.ID | None = strawberry.field(
        default=None, description="Station coordinators."
    )
    volunteer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Volunteers: their own profile."
    )


@strawberry.input(description="Only the fields given change; a new role names its scope anew.")
class UserUpdateInput:
    id: strawberry.ID
    expected_version: int | None = None
    display_name: str | None = None
    role: RoleEnum | None = None  # type: ignore[valid-type]
    street_id: strawberry.ID | None = None
    station_id: strawberry.ID | None = None
    volunteer_id: strawberry.ID | None = None
    active: bool | None = strawberry.field(
        default=None, description="false ends every sign-in and key of the account."
    )


@strawberry.input
class UserPasswordResetInput:
    id: strawberry.ID
    new_password: str


@strawberry.input
class PasswordChangeInput:
    current_password: str
    new_password: str


UserPayload = payload_type(UserNode, "User")


def _scope_ids(data: Any) -> dict[str, int | None]:
    kinds = {"street_id": "Street", "station_id": "Station", "volunteer_id": "Volunteer"}
    return {
        name: None
        if getattr(data, name) is None
        else decode_id(getattr(data, name), kind, name.replace("_id", "Id"))
        for name, kind in kinds.items()
    }


@strawberry.type
class AccountQuery:
    @strawberry.field(description="Accounts, oldest first (administrators, auditors).")
    async def users(
        self,
        info: Info,
        filter: UserFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[UserNode]:
        where = filter_conditions(User, filter or UserFilter(), {}, ("role", "active"))
        return await paginate(info, User, where, user_node, first=first, after=after)


async def _create(session: AsyncSession, data: UserCreateInput) -> User:
    new = NewUser(
        username=data.username,
        display_name=data.display_name,
        role=data.role,
        password=data.password,
        **_scope_ids(data),
    )
    return await create_user(session, new)


async def _update(session: AsyncSession, data: UserUpdateInput) -> User:
    changes = AccountChanges(
        display_name=data.display_name, role=data.role, active=data.active, **_scope_ids(data)
    )
    return await update_account(
        session, decode_id(data.id, "User"), changes, expected_version=data.expected_version
    )


@strawberry.type
class AccountMutation:
    user_create = mutation(
        UserNode,
        UserPayload,
        UserCreateInput,
        _create,
        description="Create an account (district administrators).",
    )
    user_update = mutation(
        UserNode,
        UserPayload,
        UserUpdateInput,
        _update,
        description="Change an account's name, role and scope, or (de)activate it. A new "
        "role, scope or deactivation ends every sign-in and key of the account.",
    )
    user_password_reset = mutation(
        UserNode,
        UserPayload,
        UserPasswordResetInput,
        lambda session, data: set_password(session, decode_id(data.id, "User"), data.new_password),
        description="Set a new password for someone who lost theirs; their sign-ins end.",
    )

    @strawberry.mutation(
        description="Change your own password (give the current one); every sign-in of the "
        "account ends, this one too: sign in again with the new password."
    )
    async def password_change(self, info: Info, input: PasswordChangeInput) -> UserPayload:  # type: ignore[valid-type]
        principal = info.context.user
        assert principal.username is not None  # the gate lets only signed-in users here
        assert principal.user_id is not None
        try:
            await authenticate(
                info.context.session_factory, principal.username, input.current_password
            )
        except DomainError:
            problem = UserError(
                code=ErrorCode.UNAUTHENTICATED,
                message="currentPassword: this is not your current password.",
                field="currentPassword",
            )
            return UserPayload(user=None, errors=[problem])  # type: ignore[no-any-return]
        user_id = principal.user_id
        row, errors = await run_guarded(
            info,
            input,
            lambda session: set_password(session, user_id, input.new_password),
        )
        return UserPayload(  # type: ignore[no-any-return]
            user=None if row is None else user_node(row), errors=errors
        )
