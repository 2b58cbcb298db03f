"""The domain's enums as GraphQL enums (one place, so every module can use any of them)."""

import strawberry

from models.enums import (
    ApplicationState,
    AssistanceStatus,
    CareNeed,
    CheckResult,
    DayPart,
    Gender,
    GrantStatus,
    HelpKind,
    HouseholdTag,
    IdentityCategory,
    IncomeStability,
    LabourCapacity,
    LedgerKind,
    PairRuleKind,
    PairStatus,
    Project,
    ProposalStatus,
    Relation,
    RequestStatus,
    ReviewOutcome,
    RunScope,
    RunStatus,
    Skill,
    StationKind,
    StatusChangeKind,
    VerificationItem,
    VerificationUnit,
)

AssistanceStatusEnum = strawberry.enum(AssistanceStatus, name="AssistanceStatus")
CareNeedEnum = strawberry.enum(CareNeed, name="CareNeed")
DayPartEnum = strawberry.enum(DayPart, name="DayPart")
GenderEnum = strawberry.enum(Gender, name="Gender")
IdentityCategoryEnum = strawberry.enum(IdentityCategory, name="IdentityCategory")
LabourCapacityEnum = strawberry.enum(LabourCapacity, name="LabourCapacity")
PairStatusEnum = strawberry.enum(PairStatus, name="PairStatus")
RelationEnum = strawberry.enum(Relation, name="Relation")
SkillEnum = strawberry.enum(Skill, name="Skill")
StationKindEnum = strawberry.enum(StationKind, name="StationKind")
StatusChangeKindEnum = strawberry.enum(StatusChangeKind, name="StatusChangeKind")
PairRuleKindEnum = strawberry.enum(PairRuleKind, name="PairRuleKind")
ProjectEnum = strawberry.enum(Project, name="Project")
ProposalStatusEnum = strawberry.enum(ProposalStatus, name="ProposalStatus")
RunScopeEnum = strawberry.enum(RunScope, name="RunScope")
RunStatusEnum = strawberry.enum(RunStatus, name="RunStatus")
HouseholdTagEnum = strawberry.enum(HouseholdTag, name="HouseholdTag")
RequestStatusEnum = strawberry.enum(RequestStatus, name="RequestStatus")
GrantStatusEnum = strawberry.enum(GrantStatus, name="GrantStatus")
LedgerKindEnum = strawberry.enum(LedgerKind, name="LedgerKind")
HelpKindEnum = strawberry.enum(HelpKind, name="HelpKind")
ApplicationStateEnum = strawberry.enum(ApplicationState, name="ApplicationState")
CheckResultEnum = strawberry.enum(CheckResult, name="CheckResult")
IncomeStabilityEnum = strawberry.enum(IncomeStability, name="IncomeStability")
ReviewOutcomeEnum = strawberry.enum(ReviewOutcome, name="ReviewOutcome")
VerificationItemEnum = strawberry.enum(VerificationItem, name="VerificationItem")
VerificationUnitEnum = strawberry.enum(VerificationUnit, name="VerificationUnit")
