"""Test policies and households: the shipped default, and small edits of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction

from assessment import Indicators, ParameterValue, Policy, default_policy

D = dt.date


def row(
    name: str, effective: dt.date, value: int | Fraction, recorded: dt.date | None = None
) -> ParameterValue:
    return ParameterValue(
        name=name, effective=effective, recorded=recorded or effective, value=value
    )


def policy_with(extra: Iterable[ParameterValue], version: str = "test") -> Policy:
    """The default policy plus ``extra`` rows."""
    return Policy(version, (*default_policy().rows, *extra))


def calm(**changes: int) -> Indicators:
    """A household deprived nowhere under the default policy, with ``changes`` applied."""
    values = {
        "income_fen_per_person": 400_000,
        "consumption_fen_per_person": 300_000,
        "living_space_m2_per_person": 30,
    } | changes
    return Indicators(**values)
