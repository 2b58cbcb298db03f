"""Urgency (1..100) of each kind of help, derived from the need score's dimensions.

Each kind of help answers some dimensions (the table below). Its urgency is

    1 + round_half_up(79 x share + 20 x c)

where ``share`` is the policy weight of the kind's deprived dimensions over the weight of all
its dimensions (0..1), and ``c`` the household's overall score (0..1). So a household deprived
in none of a kind's dimensions and nowhere else gets 1, one deprived in all of them and
everywhere gets 100; among households equally deprived for one kind, the one more deprived
overall comes first. The integer feeds the ``urgency`` (1..100) of fund requests and pairing
priority directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from types import MappingProxyType

from assessment.rounding import round_half_up
from assessment.score import NeedScore
from assessment.vocabulary import DIMENSIONS, HELP_KINDS

HELP_DIMENSIONS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "cash": ("income", "consumption", "housing"),
        "medical": ("illness_disability", "mental_illness"),
        "education": ("child_schooling",),
        "daily_life_care": ("illness_disability", "mental_illness", "housing"),
        "counselling": ("mental_health", "mental_illness"),
        "skills_training": ("income", "consumption"),
    }
)
"""Which dimensions each kind of help answers: cash for low income and consumption and poor
housing; medical for illness, disability and mental illness; education for children out of
school; daily-life care where illness, disability or housing make daily life hard; counselling
for distress and mental illness; skills training to raise income ("blood making")."""
assert tuple(HELP_DIMENSIONS) == HELP_KINDS
assert all(d in DIMENSIONS for ds in HELP_DIMENSIONS.values() for d in ds)

OWN_POINTS = 79
OVERALL_POINTS = 20


def urgency(score: NeedScore) -> Mapping[str, int]:
    """The urgency of every kind of help for a scored household."""
    results = {r.dimension: r for r in score.indicators}
    out: dict[str, int] = {}
    for kind, dims in HELP_DIMENSIONS.items():
        total = sum((results[d].weight for d in dims), Fraction(0))
        hit = sum((results[d].weight for d in dims if results[d].deprived), Fraction(0))
        out[kind] = 1 + round_half_up(OWN_POINTS * hit / total + OVERALL_POINTS * score.score)
    return MappingProxyType(out)
