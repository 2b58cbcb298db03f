"""Random GraphQL requests walked from the schema, for fuzzing the app: fast (a fraction of a
millisecond each) and reproducible from a seed.

Most requests are valid operations: root fields of the query or mutation type with their
required arguments and some optional ones, values of every input type (ordinary, boundary and
wrong ones: empty and long strings, unicode, zero, negative and 32-bit-overflowing numbers,
malformed dates, ids of rows that exist and of none), selections down a few levels with
inline fragments on abstract types; a mutation's input sent as a variable half the time. The
rest are valid ones broken in one place: truncated, a name misspelt, a required argument left
out, a variable of the wrong type, random bytes inserted.

Generated strings never contain the words the fuzz test looks for in answers (``SELECT``,
``Traceback``...), so an error message quoting a value cannot be mistaken for a leak.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import re
from collections.abc import Sequence
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
    is_required_argument,
)

MAX_DEPTH = 6
STRINGS = [
    "",
    " ",
    "王芳",
    "多福巷1号",
    "a" * 300,
    "😀 emoji",
    "' OR '1'='1",
    '"; drop table x; --',
    "%s %d {0}",
    "\\u0000",
    "line\nbreak",
    "<b>bold</b>",
    "13812345678",
    "110101193805010014",
]
INTS = [0, 1, -1, 2, 5, 20, 100, 101, 1990, 2026, 2_147_483_647, -2_147_483_648]
FLOATS = [0.0, -1.5, 39.92, 116.41, 90.0, 181.0, 1e308, -1e-308]
DATES = ["2026-01-01", "1938-05-01", "2025-02-29", "2026-13-01", "yesterday", "0001-01-01"]
DATETIMES = ["2026-01-01T08:00:00+08:00", "2026-01-01T08:00:00", "not a time"]
MONEY = ["0.00", "1.00", "1234.50", "-5.00", "0.001", "99999999999999.99", "1e5", "abc"]


class RequestGenerator:
    """Requests for ``schema``; ``ids`` are global ids of rows that exist."""

    def __init__(self, schema: GraphQLSchema, rng: random.Random, ids: Sequence[str]) -> None:
        self.schema = schema
        self.rng = rng
        self.ids = list(ids) or ["bm9uZQ=="]
        self.ids_by_type: dict[str, list[str]] = {}
        for gid in self.ids:
            self.ids_by_type.setdefault(_type_of(gid), []).append(gid)

    # --- requests ---------------------------------------------------------------------------

    def request(self) -> dict[str, Any]:
        """One request body: ``{"query": ..., "variables": ...}``."""
        roll = self.rng.random()
        if roll < 0.4:
            body = self.query()
        elif roll < 0.75:
            body = self.mutation()
        else:
            body = self.broken(self.query() if self.rng.random() < 0.5 else self.mutation())
        return body

    def query(self) -> dict[str, Any]:
        root = self.schema.query_type
        assert root is not None
        names = self.rng.sample(sorted(root.fields), k=self.rng.randint(1, 3))
        fields = " ".join(self.field(name, root.fields[name], 1) for name in names)
        return {"query": f"{{ {fields} }}", "variables": {}}

    def mutation(self) -> dict[str, Any]:
        root = self.schema.mutation_type
        assert root is not None
        name = self.rng.choice(sorted(root.fields))
        field = root.fields[name]
        selection = self.selection(field.type, 2)
        input_arg = field.args.get("input")
        if input_arg is not None and self.rng.random() < 0.5:
            type_name = str(input_arg.type)
            return {
                "query": f"mutation($input: {type_name}) {{ {name}(input: $input) {selection} }}",
                "variables": {"input": self.python_value(input_arg.type)},
            }
        return {
            "query": f"mutation {{ {name}{self.arguments(field)} {selection} }}",
            "variables": {},
        }

    def broken(self, body: dict[str, Any]) -> dict[str, Any]:
        """``body`` broken in one place."""
        query: str = body["query"]
        variables: dict[str, Any] = dict(body["variables"])
        how = self.rng.randrange(6)
        if how == 0:  # truncated
            query = query[: self.rng.randrange(1, max(2, len(query)))]
        elif how == 1:  # a name misspelt
            words = query.split(" ")
            spot = self.rng.randrange(len(words))
            if words[spot].isidentifier():
                words[spot] = words[spot][::-1] + "x"
            query = " ".join(words)
        elif how == 2:  # random characters inserted
            spot = self.rng.randrange(len(query) + 1)
            junk = "".join(self.rng.choice("{}()[]:$@!.,\"'#\\ab1é\t") for _ in range(3))
            query = query[:spot] + junk + query[spot:]
        elif how == 3:  # a variable of the wrong type, or one nobody declared
            variables = {"input": self.rng.choice([None, 1, "x", [], {"bogus": True}])}
        elif how == 4:  # arguments dropped (required ones too)
            while "(" in query and ")" in query.split("(", 1)[1]:
                head, rest = query.split("(", 1)
                query = head + rest.split(")", 1)[1]
                if self.rng.random() < 0.5:
                    break
        else:  # an operation name that is not there
            return {"query": query, "variables": variables, "operationName": "Nope"}
        return {"query": query, "variables": variables}

    # --- selections -------------------------------------------------------------------------

    def field(self, name: str, field: GraphQLField, depth: int) -> str:
        return f"{name}{self.arguments(field)} {self.selection(field.type, depth + 1)}".rstrip()

    def selection(self, type_: Any, depth: int) -> str:
        named = get_named_type(type_)
        if is_leaf_type(named):
            return ""
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            possible = list(self.schema.get_possible_types(named))
            chosen = self.rng.sample(possible, k=min(len(possible), self.rng.randint(1, 2)))
            parts = ["__typename"] + [
                f"... on {t.name} {{ {self.fields(t, depth)} }}" for t in chosen
            ]
            return "{ " + " ".join(parts) + " }"
        assert isinstance(named, GraphQLObjectType)
        return "{ " + self.fields(named, depth) + " }"

    def fields(self, type_: GraphQLObjectType, depth: int) -> str:
        names = sorted(type_.fields)
        if depth >= MAX_DEPTH:
            names = [n for n in names if _is_plain_leaf(type_.fields[n])] or ["__typename"]
            return " ".join(self.rng.sample(names, k=min(len(names), 2))) if names else "__typename"
        chosen = self.rng.sample(names, k=min(len(names), self.rng.randint(1, 4)))
        return " ".join(self.field(n, type_.fields[n], depth) for n in chosen)

    # --- values -----------------------------------------------------------------------------

    def arguments(self, field: GraphQLField) -> str:
        parts = [
            f"{name}: {self.literal(arg.type, name)}"
            for name, arg in field.args.items()
            if is_required_argument(arg) or self.rng.random() < (0.05 if name == "after" else 0.3)
        ]
        return f"({', '.join(parts)})" if parts else ""

    def literal(self, type_: GraphQLInputType, name: str = "") -> str:
        """A GraphQL literal of ``type_`` (null now and then where allowed)."""
        if not isinstance(type_, GraphQLNonNull) and self.rng.random() < 0.05:
            return "null"
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if isinstance(inner, GraphQLList):
            items = [self.literal(inner.of_type, name) for _ in range(self.rng.randint(0, 3))]
            return "[" + ", ".join(items) + "]"
        if isinstance(inner, GraphQLInputObjectType):
            fields = self.input_fields(inner)
            return "{" + ", ".join(f"{k}: {self.literal(v, k)}" for k, v in fields) + "}"
        if isinstance(inner, GraphQLEnumType):
            return str(self.rng.choice(sorted(inner.values)))
        if isinstance(inner, GraphQLScalarType) and inner.name == "JSON":
            return self.rng.choice(["{}", "[]", "1", '"x"', "{a: [1, 2]}"])
        value = self.scalar(inner, name)
        if isinstance(value, bool):
            return "true" if value else "false"
        return json.dumps(value, ensure_ascii=False)

    def python_value(self, type_: GraphQLInputType, name: str = "") -> Any:
        """A JSON value of ``type_`` for a variable."""
        if not isinstance(type_, GraphQLNonNull) and self.rng.random() < 0.05:
            return None
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if isinstance(inner, GraphQLList):
            return [self.python_value(inner.of_type, name) for _ in range(self.rng.randint(0, 3))]
        if isinstance(inner, GraphQLInputObjectType):
            return {k: self.python_value(v, k) for k, v in self.input_fields(inner)}
        if isinstance(inner, GraphQLEnumType):
            return self.rng.choice(sorted(inner.values))
        return self.scalar(inner, name)

    def input_fields(self, type_: GraphQLInputObjectType) -> list[tuple[str, GraphQLInputType]]:
        return [
            (name, f.type)
            for name, f in type_.fields.items()
            if isinstance(f.type, GraphQLNonNull) or self.rng.random() < 0.5
        ]

    def scalar(self, type_: GraphQLNamedType, name: str = "") -> Any:
        assert isinstance(type_, GraphQLScalarType)
        choice = self.rng.choice
        match type_.name:
            case "Int" if name == "first" and self.rng.random() < 0.8:
                return choice([1, 2, 5, 20, 100])
            case "Int":
                return choice(INTS)
            case "Float":
                return choice(FLOATS)
            case "Boolean":
                return self.rng.random() < 0.5
            case "ID":
                return self.identifier(name)
            case "Date":
                return choice(DATES)
            case "DateTime":
                return choice(DATETIMES)
            case "Money":
                return choice(MONEY)
            case "JSON":
                return choice([{}, [], 1, "x", {"a": [1, 2]}])
        return choice(STRINGS)

    def identifier(self, name: str) -> str:
        """Mostly the id of a row of the type the name suggests (``streetIds`` -> a Street),
        else of any row, else garbage."""
        roll = self.rng.random()
        hinted = self.ids_by_type.get(_hinted_type(name))
        if hinted and roll < 0.7:
            return self.rng.choice(hinted)
        if roll < 0.9:
            return self.rng.choice(self.ids)
        return self.rng.choice(STRINGS)


def _type_of(gid: str) -> str:
    try:
        return base64.b64decode(gid).decode().split(":", 1)[0]
    except (binascii.Error, UnicodeDecodeError):
        return ""


def _hinted_type(name: str) -> str:
    """``streetIds`` -> ``Street``, ``householdId`` -> ``Household``."""
    stem = re.sub(r"Ids?$", "", name)
    return stem[:1].upper() + stem[1:]


def _is_plain_leaf(field: GraphQLField) -> bool:
    return is_leaf_type(get_named_type(field.type)) and not any(
        is_required_argument(a) for a in field.args.values()
    )
