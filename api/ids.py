"""Global ids (Relay): ``base64("Type:id")`` for clients, integers inside."""

from __future__ import annotations

from collections.abc import Sequence

from graphql import GraphQLError
from strawberry import relay

from api.errors import InputError
from models.errors import ErrorCode, Problem


def decode_id(value: str, type_name: str, field: str = "id") -> int:
    """The integer id inside a global id of ``type_name``, or an InputError naming ``field``."""
    try:
        gid = relay.GlobalID.from_id(value)
        if gid.type_name != type_name:
            raise ValueError(gid.type_name)
        number = int(gid.node_id)
    except ValueError:
        raise InputError(
            Problem(ErrorCode.NOT_FOUND, f"{field}: not the id of a {type_name}.", field)
        ) from None
    if number <= 0:
        raise InputError(Problem(ErrorCode.NOT_FOUND, f"No {type_name} with this id.", field))
    return number


def decode_ids(values: Sequence[str], type_name: str, field: str) -> list[int]:
    """Decode a list of global ids; errors name the position (``stationIds[2]``)."""
    return [decode_id(v, type_name, f"{field}[{i}]") for i, v in enumerate(values)]


def encode_id(type_name: str, number: int) -> str:
    return str(relay.GlobalID(type_name, str(number)))


def filter_id(value: str, type_name: str, field: str) -> int:
    """A global id given in a list filter; a wrong one is a query error naming the field."""
    try:
        return decode_id(value, type_name, field)
    except InputError as exc:
        raise GraphQLError(exc.problem.message) from None


def filter_ids(values: Sequence[str] | None, type_name: str, field: str) -> list[int] | None:
    """The global ids of a list filter (None: no filter); a wrong one is a query error."""
    return None if values is None else [filter_id(v, type_name, field) for v in values]
