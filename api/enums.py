"""The domain's enums as GraphQL enums (one place, so every module can use any of them)."""

import strawberry

from models.enums import (
    AssistanceStatus,
    CareNeed,
    DayPart,
    Gender,
    IdentityCategory,
    LabourCapacity,
    PairStatus,
    Relation,
    Skill,
    StationKind,
    StatusChangeKind,
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
