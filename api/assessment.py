"""Need scores in GraphQL: recording an assessment, its explanation, urgency by kind of help,
and the Alkire-Foster measures (H, A, M0, contributions) per street and for the district."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Annotated

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from access.sensitivity import Sensitivity
from api.context import Info
from api.entity import Entity, load_node
from api.enums import HelpKindEnum
from api.errors import UserError
from api.geo import StreetNode
from api.ids import decode_id, filter_id, filter_ids
from api.mutations import mutation, payload_type
from api.nodes import from_row
from api.pagination import page_size
from api.policy import exact
from api.scalars import Money
from api.sensitive import sensitive
from assessment import GroupMeasures, NeedScore
from models.assessment import HouseholdAssessment
from models.commands.assessment import (
    PolicyCache,
    area_measures,
    explain,
    latest_assessments,
    record_assessment,
)
from models.enums import HelpKind
from models.errors import DomainError, ErrorCode
from models.geo import Community
from models.household import Household

if TYPE_CHECKING:
    from api.households import HouseholdNode


@strawberry.type(description="One dimension of a need score: the rule and its verdict.")
class IndicatorExplanation:
    dimension: str
    indicator: str
    unit: str
    value: int
    cutoff: str = strawberry.field(description="The policy's cutoff (a ratio when relative).")
    threshold: str = strawberry.field(description="What the value was compared with (exact).")
    below: bool = strawberry.field(description="Deprived below the threshold (else at/above).")
    relative: bool = strawberry.field(description="The cutoff is a ratio of the dibao standard.")
    weight: str
    deprived: bool
    rule: str = strawberry.field(description='In words: "income_fen_per_person 90000 < ...".')


@strawberry.type(description="Why a household scores what it scores.")
class ScoreExplanation:
    policy_version: str
    k: str
    deprived_dimensions: list[str]
    indicators: list[IndicatorExplanation]
    text: str


def explanation(score: NeedScore) -> ScoreExplanation:
    return ScoreExplanation(
        policy_version=score.policy_version,
        k=exact(score.k),
        deprived_dimensions=list(score.deprived_dimensions),
        indicators=[
            IndicatorExplanation(
                dimension=r.dimension,
                indicator=r.indicator,
                unit=r.unit,
                value=r.value,
                cutoff=exact(r.cutoff),
                threshold=exact(r.threshold),
                below=r.below,
                relative=r.relative,
                weight=exact(r.weight),
                deprived=r.deprived,
                rule=r.rule,
            )
            for r in score.indicators
        ],
        text=score.explain(),
    )


@strawberry.type
class HelpUrgency:
    kind: HelpKindEnum  # type: ignore[valid-type]
    urgency: int = strawberry.field(description="1 (none) to 100 (most urgent).")


def _policy_cache(info: Info) -> PolicyCache:
    cache: PolicyCache = info.context.extras.setdefault("policy_cache", PolicyCache())
    return cache


@strawberry.type(
    name="NeedAssessment",
    description="A household's indicators on a date and the need score decided from them "
    "(Alkire-Foster counting method); stored as decided, explained on request.",
)
class NeedAssessmentNode(Entity):
    model = HouseholdAssessment
    assessed_on: date
    children_out_of_school: int
    members_ill_or_disabled: int | None = sensitive(Sensitivity.HEALTH)
    living_space_m2_per_person: int
    members_mentally_ill: int | None = sensitive(Sensitivity.HEALTH)
    distress_score: int = strawberry.field(description="Highest adult K10 score; 0 = not screened.")
    score: str = strawberry.field(description='The weighted deprivation score, exact ("3/7").')
    score_value: float
    poor: bool = strawberry.field(description="The score reaches the policy's cut-off k.")
    flag: str | None = strawberry.field(
        description="`poor_not_on_dibao` or `on_dibao_not_poor`: income status and score "
        "disagree (a household worth a second look); null when they agree."
    )
    policy_revision: int
    note: str
    recorded_by: str

    @sensitive(Sensitivity.INCOME, "Monthly income per member.")
    def income_per_person(self) -> Money | None:
        return Money(self.row.income_fen_per_person)

    @sensitive(Sensitivity.INCOME, "Monthly consumption per member.")
    def consumption_per_person(self) -> Money | None:
        return Money(self.row.consumption_fen_per_person)

    @strawberry.field(description="Urgency of each kind of help, most urgent first.")
    def urgency(self) -> list[HelpUrgency]:
        pairs = [(k, int(getattr(self.row, f"urgency_{k.value}"))) for k in HelpKind]
        pairs.sort(key=lambda kv: -kv[1])
        return [HelpUrgency(kind=k, urgency=u) for k, u in pairs]

    @sensitive(Sensitivity.INCOME, "Every indicator, cutoff, weight and the policy version.")
    async def explanation(self, info: Info) -> ScoreExplanation | None:
        async with info.context.session_factory() as session:
            score = await explain(session, self.row, _policy_cache(info))
        return explanation(score)

    @strawberry.field
    async def household(
        self, info: Info
    ) -> Annotated[HouseholdNode, strawberry.lazy("api.households")]:
        from api.households import HouseholdNode

        node: HouseholdNode = await load_node(info, HouseholdNode, self.row.household_id)
        return node


def assessment_node(row: HouseholdAssessment) -> NeedAssessmentNode:
    return from_row(NeedAssessmentNode, row)


@strawberry.input(description="Indicator values measured on a date (money per member per month).")
class HouseholdAssessmentInput:
    household_id: strawberry.ID
    assessed_on: date
    income_per_person: Money
    consumption_per_person: Money
    living_space_m2_per_person: int = strawberry.field(description="Rounded down to the m2.")
    members_mentally_ill: int = 0
    distress_score: int = strawberry.field(
        default=0, description="Highest adult K10 score (10-50); 0 when nobody was screened."
    )
    children_out_of_school: int | None = strawberry.field(
        default=None, description="Default: school-age members (6-17) not marked as students."
    )
    members_ill_or_disabled: int | None = strawberry.field(
        default=None,
        description="Default: members with a serious illness or a grade 1-2 disability.",
    )
    note: str | None = None


async def _record(session: AsyncSession, data: HouseholdAssessmentInput) -> HouseholdAssessment:
    return await record_assessment(
        session,
        decode_id(data.household_id, "Household", "householdId"),
        assessed_on=data.assessed_on,
        values={
            "income_fen_per_person": data.income_per_person,
            "consumption_fen_per_person": data.consumption_per_person,
            "living_space_m2_per_person": data.living_space_m2_per_person,
            "members_mentally_ill": data.members_mentally_ill,
            "distress_score": data.distress_score,
            "children_out_of_school": data.children_out_of_school,
            "members_ill_or_disabled": data.members_ill_or_disabled,
        },
        note=data.note,
    )


NeedAssessmentPayload = payload_type(NeedAssessmentNode, "NeedAssessment")


@strawberry.type(description="A dimension's share of M0 (the shares sum to 1 when M0 > 0).")
class DimensionContribution:
    dimension: str
    share: str
    share_value: float


@strawberry.type(description="Alkire-Foster measures of a group of households.")
class AreaMeasure:
    households: int = strawberry.field(description="Households with an assessment.")
    poor: int
    headcount: str = strawberry.field(description="H: the share of households that are poor.")
    intensity: str = strawberry.field(description="A: the mean score of the poor.")
    adjusted_headcount: str = strawberry.field(description="M0 = H x A.")
    headcount_value: float
    intensity_value: float
    adjusted_headcount_value: float
    contributions: list[DimensionContribution]


def area_measure(m: GroupMeasures) -> AreaMeasure:
    return AreaMeasure(
        households=m.households,
        poor=m.poor,
        headcount=exact(m.H),
        intensity=exact(m.A),
        adjusted_headcount=exact(m.M0),
        headcount_value=float(m.H),
        intensity_value=float(m.A),
        adjusted_headcount_value=float(m.M0),
        contributions=[
            DimensionContribution(dimension=d, share=exact(c), share_value=float(c))
            for d, c in m.contributions.items()
        ],
    )


@strawberry.type
class StreetMeasure:
    street_id: strawberry.Private[int]
    measures: AreaMeasure

    @strawberry.field
    async def street(self, info: Info) -> StreetNode:
        node: StreetNode = await load_node(info, StreetNode, self.street_id)
        return node


@strawberry.type(description="Need measures on a date, or what to fix in the question.")
class NeedMeasures:
    on: date | None
    policy_version: str | None
    k: str | None
    district: AreaMeasure | None
    streets: list[StreetMeasure]
    errors: list[UserError]


def _k(text: str | None) -> Fraction | None:
    if text is None:
        return None
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise DomainError.one(
            ErrorCode.VALIDATION, f'k: {text!r} is not a fraction such as "1/3"', "k"
        ) from None


@strawberry.type
class AssessmentQuery:
    @strawberry.field(
        description="H, A, M0 and each dimension's contribution per street and overall, from "
        "each active household's latest assessment on or before `on` (default today), under "
        "the policy in force on `on`; `k` asks what if the cut-off were different."
    )
    async def need_measures(
        self,
        info: Info,
        on: date | None = None,
        street_ids: list[strawberry.ID] | None = None,
        k: str | None = None,
    ) -> NeedMeasures:
        requested = filter_ids(street_ids, "Street", "streetIds")
        try:
            async with info.context.session_factory() as session:
                result = await area_measures(
                    session,
                    on or date.today(),
                    street_ids=info.context.scope.streets_within(requested),
                    k=_k(k),
                )
        except DomainError as err:
            return NeedMeasures(
                on=None,
                policy_version=None,
                k=None,
                district=None,
                streets=[],
                errors=[UserError.of(p) for p in err.problems],
            )
        return NeedMeasures(
            on=result.on,
            policy_version=result.policy_version,
            k=exact(result.k),
            district=area_measure(result.district),
            streets=[
                StreetMeasure(street_id=s, measures=area_measure(m))
                for s, m in sorted(result.streets.items())
            ],
            errors=[],
        )

    @strawberry.field(
        description="Households ranked by the urgency of one kind of help (latest assessment "
        "of each active household), most urgent first; ties by higher overall score."
    )
    async def need_ranking(
        self,
        info: Info,
        kind: HelpKindEnum,  # type: ignore[valid-type]
        street_id: strawberry.ID | None = None,
        community_id: strawberry.ID | None = None,
        first: int | None = None,
    ) -> list[NeedAssessmentNode]:
        limit = page_size(info, first)
        urgency_col = getattr(HouseholdAssessment, f"urgency_{HelpKind(kind).value}")
        stmt = (
            sa.select(HouseholdAssessment)
            .join(Household, col(Household.id) == col(HouseholdAssessment.household_id))
            .where(
                col(HouseholdAssessment.id).in_(latest_assessments(date.today())),
                col(Household.active),
                *info.context.scope.read(HouseholdAssessment),
            )
        )
        if street_id is not None:
            street = filter_id(street_id, "Street", "streetId")
            stmt = stmt.join(Community, col(Community.id) == col(Household.community_id)).where(
                col(Community.street_id) == street
            )
        if community_id is not None:
            community = filter_id(community_id, "Community", "communityId")
            stmt = stmt.where(col(Household.community_id) == community)
        stmt = stmt.order_by(
            urgency_col.desc(),
            col(HouseholdAssessment.score_value).desc(),
            col(HouseholdAssessment.id),
        ).limit(limit)
        async with info.context.session_factory() as session:
            rows = list((await session.execute(stmt)).scalars())
        return [assessment_node(r) for r in rows]


@strawberry.type
class AssessmentMutation:
    household_assessment_record = mutation(
        NeedAssessmentNode,
        NeedAssessmentPayload,
        HouseholdAssessmentInput,
        _record,
        description="Record a household's indicators on a date and score them under the policy "
        "in force then; the score, urgencies and flag are kept as decided.",
    )
