"""The seven indicators of the need score: what is measured, in which unit, and which side of
the cutoff counts as deprived.

Directions and units live here in code; cutoffs and weights are dated policy parameters. Income
and consumption cutoffs are ratios of the dibao standard in force (1.5 means "below 1.5 times
the standard per person per month"), so raising the standard moves those lines without a new
cutoff row. Every value is a whole number so the vectorised path compares exactly in integers.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from fractions import Fraction

from assessment.policy import PolicySnapshot
from assessment.vocabulary import DIMENSIONS
from matching.validate import integer


@dataclass(frozen=True)
class IndicatorSpec:
    """How one dimension is measured. ``below``: deprived when value < threshold; otherwise
    deprived when value >= threshold. ``relative``: the threshold is cutoff x the standard."""

    dimension: str
    field: str
    unit: str
    below: bool
    relative: bool = False

    def threshold(self, policy: PolicySnapshot) -> Fraction:
        """The value the indicator is compared with under ``policy``."""
        cutoff = policy.cutoffs[self.dimension]
        return cutoff * policy.dibao_standard_fen if self.relative else cutoff

    def deprived(self, value: int, threshold: Fraction) -> bool:
        return value < threshold if self.below else value >= threshold


SPECS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("income", "income_fen_per_person", "fen per person per month", True, True),
    IndicatorSpec(
        "consumption", "consumption_fen_per_person", "fen per person per month", True, True
    ),
    IndicatorSpec("child_schooling", "children_out_of_school", "children", False),
    IndicatorSpec("illness_disability", "members_ill_or_disabled", "members", False),
    IndicatorSpec("housing", "living_space_m2_per_person", "whole m2 per person", True),
    IndicatorSpec("mental_illness", "members_mentally_ill", "members", False),
    IndicatorSpec("mental_health", "distress_score", "K10 score (0 = not screened)", False),
)
assert tuple(s.dimension for s in SPECS) == DIMENSIONS


@dataclass(frozen=True, kw_only=True)
class Indicators:
    """One household's indicator values (all whole numbers, none negative).

    - ``income_fen_per_person``, ``consumption_fen_per_person``: monthly, per member.
    - ``children_out_of_school``: school-age children (6-17) not attending school.
    - ``members_ill_or_disabled``: members with a serious illness or a severe disability.
    - ``living_space_m2_per_person``: living space per member, rounded down to the m2.
    - ``members_mentally_ill``: members with a diagnosed serious mental illness.
    - ``distress_score``: highest adult K10 score (10..50), 0 when nobody was screened.
    """

    income_fen_per_person: int
    consumption_fen_per_person: int
    children_out_of_school: int = 0
    members_ill_or_disabled: int = 0
    living_space_m2_per_person: int
    members_mentally_ill: int = 0
    distress_score: int = 0

    def __post_init__(self) -> None:
        for f in fields(self):
            integer(getattr(self, f.name), f"indicators: {f.name}", low=0)
        if self.distress_score and not 10 <= self.distress_score <= 50:
            raise ValueError(
                f"indicators: distress_score {self.distress_score} is not 0 or a K10 score 10..50"
            )

    def value(self, spec: IndicatorSpec) -> int:
        value: int = getattr(self, spec.field)
        return value
