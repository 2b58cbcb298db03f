"""The cost estimate: objects an operation can return in the worst case, on the real schema."""

from __future__ import annotations

from typing import Any

import graphql
import pytest

from api.cost import CostModel, operation_costs
from api.schema import schema_sdl

SCHEMA = graphql.build_schema(schema_sdl())
MODEL = CostModel(default_page_size=20, max_page_size=100, assumed_list_size=10)


def cost(query: str, variables: dict[str, Any] | None = None) -> int:
    costs = operation_costs(SCHEMA, graphql.parse(query), variables, MODEL)
    assert len(costs) == 1
    return next(iter(costs.values()))


def test_scalars_cost_nothing_and_each_object_counts_once() -> None:
    assert cost("{ __typename }") == 0
    assert cost("{ volunteers { totalCount } }") == 1  # the connection itself
    assert cost("{ me { username street { name } } }") == 2


def test_a_connection_holds_its_page() -> None:
    # connection 1 + 20 edges x (edge 1 + node 1)
    assert cost("{ volunteers { edges { node { name } } } }") == 1 + 20 * 2
    assert cost("{ volunteers(first: 100) { nodes { name } } }") == 1 + 100
    assert cost("{ volunteers(first: 5) { pageInfo { hasNextPage } nodes { name } } }") == 1 + 1 + 5


def test_plain_lists_are_assumed_to_hold_the_fan_out_and_nesting_multiplies() -> None:
    query = "{ volunteers(first: 100) { nodes { stations { street { district { name } } } } } }"
    assert cost(query) == 1 + 100 * (1 + 10 * (1 + 1 + 1))
    nested = "{ streets(first: 100) { nodes { communities(first: 100) { nodes { name } } } } }"
    assert cost(nested) == 1 + 100 * (1 + 1 + 100)


def test_a_list_with_first_holds_first_items() -> None:
    assert cost("{ needRanking(kind: CASH, first: 7) { score } }") == 7


def test_nodes_count_their_ids() -> None:
    assert cost('{ nodes(ids: ["a", "b", "c"]) { id } }') == 3
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Volunteer { stations { name } } } }"
    assert cost(query, {"ids": ["a"] * 4}) == 4 * (1 + 10)
    assert cost(query, {"ids": "a"}) == 1 + 10  # one value where a list is expected
    assert cost(query, None) == 100 * (1 + 10)  # unknown: the most a request may send


def test_variables_count_at_their_value_their_default_or_the_maximum() -> None:
    query = "query($n: Int) { volunteers(first: $n) { nodes { name } } }"
    assert cost(query, {"n": 3}) == 1 + 3
    assert cost(query, {"n": None}) == 1 + 20  # null: the default page
    assert cost(query, {}) == 1 + 100  # unknown
    assert cost(query, {"n": "3"}) == 1 + 100  # not an int: other rules refuse it
    with_default = "query($n: Int = 7) { volunteers(first: $n) { nodes { name } } }"
    assert cost(with_default, {}) == 1 + 7
    assert cost(with_default, {"n": 2}) == 1 + 2


def test_fragments_and_inline_fragments_are_expanded() -> None:
    inline = "{ volunteers(first: 4) { ... on VolunteerConnection { nodes { name } } } }"
    assert cost(inline) == 1 + 4
    spread = (
        "fragment Page on VolunteerConnection { nodes { ...Places } } "
        "fragment Places on Volunteer { stations { name } } "
        "{ a: volunteers(first: 4) { ...Page } b: volunteers(first: 2) { ...Page } }"
    )
    assert cost(spread) == (1 + 4 * (1 + 10)) + (1 + 2 * (1 + 10))


def test_a_fragment_cycle_ends() -> None:
    query = (
        "fragment A on Street { district { streets { nodes { ...B } } } } "
        "fragment B on Street { ...A } "
        "{ streets { nodes { ...A } } }"
    )
    assert cost(query) > 0  # NoFragmentCyclesRule refuses it; the estimate just ends


def test_a_fragment_fan_out_bomb_is_measured_once_per_fragment() -> None:
    levels = 60  # 2^60 expansions if each spread were walked anew: this would never end
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    query = (
        "{ ...F0 } " + fragments + f" fragment F{levels} on Query {{ districts {{ totalCount }} }}"
    )
    assert cost(query) == 2**levels


@pytest.mark.parametrize(
    ("literal", "expected"),
    [("0", 1), ("-5", 1), ("9" * 40, 1 + 10**18)],
)
def test_odd_page_sizes_do_not_break_the_estimate(literal: str, expected: int) -> None:
    assert cost(f"{{ volunteers(first: {literal}) {{ nodes {{ name }} }} }}") == expected


def test_introspection_costs_nothing() -> None:
    assert cost("{ __schema { types { name fields { name type { name } } } } }") == 0
