"""The operation gate: a request naming an operation its principal may not use is refused
while the document is validated, before any resolver runs or the database is touched.

The rule walks each operation's root selections, through fragment spreads and inline
fragments (each fragment once: a cycle cannot loop), and checks every root field against
``access.permissions``. Introspection (``__schema``, ``__type``, ``__typename``) is not an
operation: in production it is switched off as a whole (``api.schema``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)
from strawberry.extensions import SchemaExtension

from access.permissions import may_use
from access.principal import CredentialProblem, Principal
from models.errors import ErrorCode

_SIGN_IN = (
    "send an access token (`Authorization: Bearer <token>`, from `login`) or an API key "
    "(`X-Api-Key`)"
)
_WHY_ANONYMOUS = {
    None: f"Sign in first: {_SIGN_IN}.",
    CredentialProblem.EXPIRED: "Your access token has expired: get a new one with "
    "`tokenRefresh` (or sign in again) and repeat the request.",
    CredentialProblem.INVALID: f"The credentials sent are not valid: {_SIGN_IN}.",
    CredentialProblem.REVOKED: "Your session has ended (signed out, revoked, or the account "
    "was deactivated): sign in again.",
}


def _root_fields(
    context: ValidationContext, selection_set: SelectionSetNode, seen: set[str]
) -> Iterator[FieldNode]:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_fields(context, selection.selection_set, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = context.get_fragment(name)
            if fragment is not None and name not in seen:
                seen.add(name)
                yield from _root_fields(context, fragment.selection_set, seen)


def refusal(principal: Principal, problem: CredentialProblem | None, field: str) -> GraphQLError:
    """The error for a root field ``principal`` may not use."""
    if principal.role is None:
        return GraphQLError(
            f"`{field}`: {_WHY_ANONYMOUS[problem]}",
            extensions={"code": ErrorCode.UNAUTHENTICATED.name},
        )
    role = principal.role.value.replace("_", " ")
    return GraphQLError(
        f"`{field}`: your role ({role}) may not use this operation.",
        extensions={"code": ErrorCode.FORBIDDEN.name},
    )


def gate_rule(principal: Principal, problem: CredentialProblem | None) -> type[ValidationRule]:
    """A validation rule refusing the root fields ``principal`` may not use."""

    class OperationGate(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            operation = node.operation.value
            for field in _root_fields(self.context, node.selection_set, set()):
                name = field.name.value
                if not name.startswith("__") and not may_use(principal.role, operation, name):
                    self.report_error(refusal(principal, problem, name))

    return OperationGate


class OperationGateExtension(SchemaExtension):
    """Adds the gate of the request's principal to the validation rules."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        rule = gate_rule(context.user, context.credential_problem)
        self.execution_context.validation_rules = (*self.execution_context.validation_rules, rule)
        yield
