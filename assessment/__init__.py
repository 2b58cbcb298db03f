"""Assessment core of issue 6: pure functions and frozen dataclasses, no database, no settings.

- Policy as dated parameters: :func:`load_policy` / :func:`default_policy` read a versioned
  TOML file into a :class:`Policy`; ``policy.as_of(on, known)`` gives the
  :class:`PolicySnapshot` in force on ``on`` as known on ``known`` (None: as known today).
- Need score (Alkire-Foster): :func:`need_score` explains one household's
  :class:`Indicators`; :func:`af_measures` (exact reference) and :func:`af_measures_np` /
  :func:`af_measures_by_group` (vectorised, equal results) give H, A, M0 and contributions
  from :func:`deprivation_matrix`.
- :func:`urgency` per kind of help (1..100), :func:`disagreement` flags.
- :func:`household_benefit` with a per-member trace; :func:`recompute_benefits` in bulk.
- :func:`next_review` and :class:`ReviewSchedule` (``overdue``).

Strings are the values of ``models.enums`` (IdentityCategory, LabourCapacity,
AssistanceStatus), so the database layer maps them 1:1.
"""

from assessment.benefit import (
    Choice,
    Household,
    HouseholdBenefit,
    Member,
    MemberBenefit,
    choose,
    household_benefit,
)
from assessment.bulk import BenefitChange, Recomputation, recompute_benefits
from assessment.flags import ON_DIBAO_NOT_POOR, POOR_NOT_ON_DIBAO, disagreement
from assessment.indicators import SPECS, Indicators, IndicatorSpec
from assessment.measures import (
    GroupMeasures,
    af_measures,
    af_measures_by_group,
    af_measures_np,
    deprivation_matrix,
    policy_weights,
)
from assessment.policy import REQUIRED, ParameterValue, Policy, PolicySnapshot
from assessment.policy_file import default_policy, load_policy, parse_policy, parse_value
from assessment.review import ReviewSchedule, add_months, next_review, review_kind
from assessment.rounding import round_half_up
from assessment.score import IndicatorResult, NeedScore, need_score
from assessment.urgency import HELP_DIMENSIONS, urgency

__all__ = [
    "HELP_DIMENSIONS",
    "ON_DIBAO_NOT_POOR",
    "POOR_NOT_ON_DIBAO",
    "REQUIRED",
    "SPECS",
    "BenefitChange",
    "Choice",
    "GroupMeasures",
    "Household",
    "HouseholdBenefit",
    "IndicatorResult",
    "IndicatorSpec",
    "Indicators",
    "Member",
    "MemberBenefit",
    "NeedScore",
    "ParameterValue",
    "Policy",
    "PolicySnapshot",
    "Recomputation",
    "ReviewSchedule",
    "add_months",
    "af_measures",
    "af_measures_by_group",
    "af_measures_np",
    "choose",
    "default_policy",
    "deprivation_matrix",
    "disagreement",
    "household_benefit",
    "load_policy",
    "need_score",
    "next_review",
    "parse_policy",
    "parse_value",
    "policy_weights",
    "recompute_benefits",
    "review_kind",
    "round_half_up",
    "urgency",
]
