"""Documents refused before validation: those that would make validation itself slow or fail.

Validation runs many rules over a document, and some of them do work that grows faster than
the document does:

- strawberry's depth and alias limiters expand every fragment spread anew, so a few hundred
  bytes of fragments each spreading the next one twice (2^40 expansions) would keep them busy
  for hours, and a chain of a few hundred spreads exhausts their recursion;
- graphql-core's OverlappingFieldsCanBeMergedRule compares every pair of fields with the same
  response name in a selection set: a thousand copies of one field cost a second or more;
- an integer literal of thousands of digits makes graphql-core's Int coercion fail with an
  internal error (Python refuses to convert it);
- a spread of a fragment the document does not define crashes strawberry's depth limiter
  (a KeyError, before graphql-core's own rule can report it).

So each document is first measured here, in time linear in its size (each fragment measured
once), and refused with a clear error when an operation selects more fields than
``max_fields`` once its fragments are spread (``max_tokens``: what a document without fragments
can hold at most), when spreads nest deeper than :data:`MAX_SPREAD_NESTING`, when a selection
set repeats one response name more than :data:`MAX_REPEATS` times (fragments and inline
fragments included), when a number literal is longer than :data:`MAX_NUMBER_LENGTH`, or when
a fragment spread names no fragment of the document.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import TypeVar

from graphql import (
    DocumentNode,
    FieldNode,
    FloatValueNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    Visitor,
    visit,
)
from strawberry.extensions import SchemaExtension

MAX_SPREAD_NESTING = 50
"""Fragments spreading fragments deeper than this: no query a person writes."""
MAX_REPEATS = 10
"""One response name in one selection set more often than this: a client repeats a field
through a fragment or two, not a hundred times (graphql-core compares every pair of them)."""
MAX_NUMBER_LENGTH = 64

TOO_LARGE = "QUERY_TOO_LARGE"
R = TypeVar("R")


class _TooDeep(Exception):
    pass


class _Shape:
    """Measures a document with each fragment's measure computed once (cycles count nothing:
    validation reports them)."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = fragment_definitions(document)
        self._sizes: dict[str, int] = {}
        self._keys: dict[str, Counter[str]] = {}
        self._expanding: list[str] = []

    def _spread(
        self, name: str, memo: dict[str, R], measure: Callable[[SelectionSetNode], R]
    ) -> R | None:
        if name in memo:
            return memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self._expanding:
            return None
        if len(self._expanding) >= MAX_SPREAD_NESTING:
            raise _TooDeep
        self._expanding.append(name)
        try:
            memo[name] = measure(fragment.selection_set)
        finally:
            self._expanding.pop()
        return memo[name]

    def size(self, selection_set: SelectionSetNode) -> int:
        """Fields selected, at every depth, with fragments spread."""
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += 1
                if selection.selection_set is not None:
                    total += self.size(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                total += self.size(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._spread(selection.name.value, self._sizes, self.size) or 0
        return total

    def keys(self, selection_set: SelectionSetNode) -> Counter[str]:
        """Response names selected at this level, with fragments spread, and how often."""
        counts: Counter[str] = Counter()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                counts[(selection.alias or selection.name).value] += 1
            elif isinstance(selection, InlineFragmentNode):
                counts.update(self.keys(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                counts.update(self._spread(selection.name.value, self._keys, self.keys) or {})
        return counts


class _Nodes(Visitor):
    """Every selection set and number literal of a document."""

    def __init__(self) -> None:
        super().__init__()
        self.selection_sets: list[SelectionSetNode] = []
        self.numbers: list[IntValueNode | FloatValueNode] = []
        self.spreads: list[FragmentSpreadNode] = []

    def enter_selection_set(
        self, node: SelectionSetNode, _key: object, parent: object, *_: object
    ) -> None:
        # An inline fragment's fields are counted with its parent's (never more often there).
        if not isinstance(parent, InlineFragmentNode):
            self.selection_sets.append(node)

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
        self.spreads.append(node)

    def enter_int_value(self, node: IntValueNode, *_: object) -> None:
        self.numbers.append(node)

    def enter_float_value(self, node: FloatValueNode, *_: object) -> None:
        self.numbers.append(node)


def fragment_definitions(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    """A document's fragments by name."""
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def operations(document: DocumentNode) -> Iterator[OperationDefinitionNode]:
    """The operations of a document (not its fragments)."""
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            yield definition


def document_problem(document: DocumentNode, *, max_fields: int) -> GraphQLError | None:
    """Why ``document`` is refused before validation, or None."""
    nodes = _Nodes()
    visit(document, nodes)
    for number in nodes.numbers:
        if len(number.value) > MAX_NUMBER_LENGTH:
            return GraphQLError(
                f"A number in the query has more than {MAX_NUMBER_LENGTH} characters.",
                nodes=[number],
                extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
            )
    shape = _Shape(document)
    for spread in nodes.spreads:
        if spread.name.value not in shape.fragments:
            return GraphQLError(
                f"Unknown fragment '{spread.name.value}'.",
                nodes=[spread],
                extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
            )
    try:
        fields = max((shape.size(op.selection_set) for op in operations(document)), default=0)
        repeated = _most_repeated(shape, nodes.selection_sets)
    except (_TooDeep, RecursionError):
        return GraphQLError(
            f"Fragments in this query spread fragments more than {MAX_SPREAD_NESTING} deep, or "
            "the query nests too deeply. Write it with less nesting.",
            extensions={"code": TOO_LARGE},
        )
    if fields > max_fields:
        return GraphQLError(
            f"This query selects {fields:,} fields once its fragments are spread; the limit is "
            f"{max_fields:,}. Select fewer fields, or split it into several queries.",
            extensions={"code": TOO_LARGE, "fields": fields, "maxFields": max_fields},
        )
    if repeated is not None:
        (name, count), node = repeated
        return GraphQLError(
            f"`{name}` is selected {count:,} times in one selection set (fragments included); "
            f"at most {MAX_REPEATS} times. Select it once.",
            nodes=[node],
            extensions={"code": TOO_LARGE},
        )
    return None


def _most_repeated(
    shape: _Shape, selection_sets: list[SelectionSetNode]
) -> tuple[tuple[str, int], Node] | None:
    for selection_set in selection_sets:
        for name, count in shape.keys(selection_set).most_common(1):
            if count > MAX_REPEATS:
                return (name, count), selection_set
    return None


class DocumentGuard(SchemaExtension):
    """Refuses a document :func:`document_problem` objects to before validation runs
    (strawberry then skips validation and answers with that error)."""

    def __init__(self, *, max_fields: int) -> None:
        self.max_fields = max_fields

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.pre_execution_errors is None:
            problem = document_problem(context.graphql_document, max_fields=self.max_fields)
            if problem is not None:
                context.pre_execution_errors = [problem]
        yield
