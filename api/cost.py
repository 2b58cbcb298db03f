"""Query cost: the worst-case number of objects an operation can return, checked while the
document is validated, before any resolver runs or the database is touched.

Every object a field returns counts 1 (scalars and enums count nothing), times how many of
it there can be:

- a field with a ``first`` argument that returns an object (a connection) is one object, and
  the lists directly inside it (``edges``, ``nodes``) hold ``first`` items (or the default page
  size when ``first`` is absent);
- a field with ``first`` that returns a list holds ``first`` items;
- ``nodes(ids:)`` returns one item per id;
- any other list (``household.members``, ``volunteer.stations``) is assumed to hold
  ``assumed_list_size`` items;

and nesting multiplies. ``first`` given by a variable counts at the variable's value (or its
default); when that is unknown, at the maximum page size. Fragment spreads and inline
fragments are expanded; each fragment's cost is computed once per page size (so a "fan-out
bomb" of fragments spreading fragments costs linear time) and a fragment spread inside its
own expansion counts nothing (the cycle is reported by ``NoFragmentCyclesRule``). Fragments
on different types of an abstract field are added up: an upper bound, never an under-count.
Introspection fields (``__schema``, ``__type``, ``__typename``) cost nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    BREAK,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
)
from strawberry.extensions import SchemaExtension

from api.document_guard import fragment_definitions, operations
from settings import Settings

PAGE_ARGUMENT = "first"
IDS_ARGUMENT = "ids"


@dataclass(frozen=True, slots=True)
class CostModel:
    """How many items the estimate assumes for each kind of list."""

    default_page_size: int
    max_page_size: int
    assumed_list_size: int

    @classmethod
    def of(cls, settings: Settings) -> CostModel:
        return cls(
            default_page_size=settings.default_page_size,
            max_page_size=settings.max_page_size,
            assumed_list_size=settings.assumed_list_size,
        )


@dataclass
class _Estimate:
    """The cost of one operation of a document (variables resolved for that operation)."""

    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    defaults: Mapping[str, ValueNode]
    model: CostModel
    _memo: dict[tuple[str, int | None], int] = field(default_factory=dict)
    _expanding: set[str] = field(default_factory=set)

    def selections(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, page: int | None
    ) -> int:
        """The cost of a selection set on ``parent``; ``page`` sizes the lists directly in
        it when ``parent`` is a connection."""
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = parent if condition is None else self.schema.get_type(condition.name.value)
                if on is not None:
                    total += self.selections(selection.selection_set, on, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, page)
        return total

    def fragment(self, name: str, page: int | None) -> int:
        key = (name, page)
        if key in self._memo:
            return self._memo[key]
        definition = self.fragments.get(name)
        if definition is None or name in self._expanding:
            return 0  # unknown fragment or a cycle: other rules report both
        on = self.schema.get_type(definition.type_condition.name.value)
        if on is None:
            return 0
        self._expanding.add(name)
        try:
            cost = self.selections(definition.selection_set, on, page)
        finally:
            self._expanding.discard(name)
        self._memo[key] = cost
        return cost

    def field(self, node: FieldNode, parent: GraphQLNamedType, page: int | None) -> int:
        if node.name.value.startswith("__"):
            return 0  # introspection: no domain objects (and off in production)
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(node.name.value)
        if definition is None:
            return 0  # unknown field: FieldsOnCorrectTypeRule reports it
        returned = get_named_type(definition.type)
        if not is_composite_type(returned):
            return 0
        is_list = isinstance(get_nullable_type(definition.type), GraphQLList)
        count, inner_page = 1, None
        if PAGE_ARGUMENT in definition.args:
            size = self.page_size(node)
            count, inner_page = (size, None) if is_list else (1, size)
        elif IDS_ARGUMENT in definition.args and is_list:
            count = self.id_count(node)
        elif is_list:
            count = page if page is not None else self.model.assumed_list_size
        inner = 0
        if node.selection_set is not None:
            inner = self.selections(node.selection_set, returned, inner_page)
        return count * (1 + inner)

    def page_size(self, node: FieldNode) -> int:
        value = self.value(_argument(node, PAGE_ARGUMENT))
        if value is None:
            return self.model.default_page_size
        if isinstance(value, int) and not isinstance(value, bool):
            return max(value, 0)
        return self.model.max_page_size  # unknown or invalid (other rules report invalid)

    def id_count(self, node: FieldNode) -> int:
        argument = _argument(node, IDS_ARGUMENT)
        if isinstance(argument, ListValueNode):
            return len(argument.values)
        value = self.value(argument)
        if isinstance(value, list):
            return len(value)
        return self.model.max_page_size if value is _UNKNOWN else 1

    def value(self, node: ValueNode | None) -> Any:
        """An argument's value: a literal int, a variable's value (or its default), None when
        absent or null, ``_UNKNOWN`` otherwise."""
        if node is None or isinstance(node, NullValueNode):
            return None
        if isinstance(node, IntValueNode):
            return _int_literal(node.value)
        if isinstance(node, VariableNode):
            name = node.name.value
            if name in self.variables:
                return self.variables[name]
            default = self.defaults.get(name)
            return _UNKNOWN if default is None else self.value(default)
        return _UNKNOWN


_UNKNOWN: Any = object()
_HUGE = 10**18


def _int_literal(text: str) -> int:
    """An integer literal, however long (a 5,000-digit one must not raise)."""
    digits = text.lstrip("-")
    if len(digits) > 18:
        return -_HUGE if text.startswith("-") else _HUGE
    return int(text)


def _argument(node: FieldNode, name: str) -> ValueNode | None:
    for argument in node.arguments or ():
        if argument.name.value == name:
            return argument.value
    return None


def operation_costs(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    model: CostModel,
) -> dict[OperationDefinitionNode, int]:
    """The worst-case number of objects each operation of ``document`` can return."""
    fragments = fragment_definitions(document)
    costs: dict[OperationDefinitionNode, int] = {}
    for operation in operations(document):
        root = schema.get_root_type(operation.operation)
        if root is None:
            continue  # e.g. no subscription type: other rules report it
        defaults = {
            definition.variable.name.value: definition.default_value
            for definition in operation.variable_definitions or ()
            if definition.default_value is not None
        }
        estimate = _Estimate(schema, fragments, variables or {}, defaults, model)
        costs[operation] = estimate.selections(operation.selection_set, root, None)
    return costs


def cost_error(cost: int, limit: int, node: OperationDefinitionNode) -> GraphQLError:
    """The refusal of an operation above the cost limit, naming both numbers."""
    shown = f"{cost:,}" if cost < _HUGE else "an unbounded number of"
    return GraphQLError(
        f"This query could return {shown} objects; the limit is {limit:,}. Ask for smaller "
        "pages (`first`), fewer ids or fewer nested lists, or split it into several queries.",
        nodes=[node],
        extensions={"code": "QUERY_TOO_COSTLY", "cost": min(cost, _HUGE), "maxCost": limit},
    )


def cost_rule(
    limit: int, model: CostModel, variables: Mapping[str, Any] | None
) -> type[ValidationRule]:
    """A validation rule refusing operations that could return more than ``limit`` objects,
    with the request's ``variables`` resolved."""

    class QueryCostRule(ValidationRule):
        def enter_document(self, node: DocumentNode, *_: Any) -> Any:
            costs = operation_costs(self.context.schema, node, variables, model)
            for operation, cost in costs.items():
                if cost > limit:
                    self.report_error(cost_error(cost, limit, operation))
            return BREAK  # the whole document is done: nothing to visit

    return QueryCostRule


class QueryCostLimiter(SchemaExtension):
    """Adds the cost rule, with this request's variables, to the validation rules."""

    def __init__(self, *, max_cost: int, model: CostModel) -> None:
        self.max_cost = max_cost
        self.model = model

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        variables = context.variables if isinstance(context.variables, dict) else None
        rule = cost_rule(self.max_cost, self.model, variables)
        context.validation_rules = (*context.validation_rules, rule)
        yield
