"""How personal identifiers (ID-card and phone numbers) appear in responses, and how look-up
filters read them."""

from __future__ import annotations

from graphql import GraphQLError

from access.masking import Identifier, mask
from models.validation import Invalid, Rule

MASKED_DOC = "Masked, e.g. {example} (inputs take the full value)."


def shown_identifier(kind: Identifier, value: str | None) -> str | None:
    """What the asking user sees of ``value``: masked, for every role. A full value is only
    given by ``identifierReveal`` (for a stated purpose, logged); the read itself is logged by
    the field's ``Sensitive`` extension."""
    return None if value is None else mask(kind, value)


def lookup_value(rule: Rule, value: str, label: str) -> str:
    """A filter's identifier normalised as stored (so its hash matches); a GraphQL error that
    does not repeat the value when it is malformed."""
    try:
        normalised: str = rule(value)
    except Invalid as exc:
        raise GraphQLError(f"{label}: {exc}.") from None
    return normalised
