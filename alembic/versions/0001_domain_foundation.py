"""domain foundation

Revision ID: 0001
Revises: 
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('charity_fund',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charity_fund')),
    sa.UniqueConstraint('name', name=op.f('uq_charity_fund_name'))
    )
    with op.batch_alter_table('charity_fund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charity_fund_active'), ['active'], unique=False)

    op.create_table('district',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district')),
    sa.UniqueConstraint('name', name=op.f('uq_district_name'))
    )
    op.create_table('volunteer',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('gender', sa.Enum('female', 'male', name='gender', native_enum=False, create_constraint=True, length=14), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('home_latitude', sa.Float(), nullable=False),
    sa.Column('home_longitude', sa.Float(), nullable=False),
    sa.Column('work_latitude', sa.Float(), nullable=True),
    sa.Column('work_longitude', sa.Float(), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('vetted', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('(work_latitude IS NULL) = (work_longitude IS NULL)', name=op.f('ck_volunteer_work_point_whole')),
    sa.CheckConstraint('capacity >= 0', name=op.f('ck_volunteer_capacity_non_negative')),
    sa.CheckConstraint('home_latitude BETWEEN -90 AND 90', name=op.f('ck_volunteer_home_latitude_range')),
    sa.CheckConstraint('home_longitude BETWEEN -180 AND 180', name=op.f('ck_volunteer_home_longitude_range')),
    sa.CheckConstraint('work_latitude BETWEEN -90 AND 90', name=op.f('ck_volunteer_work_latitude_range')),
    sa.CheckConstraint('work_longitude BETWEEN -180 AND 180', name=op.f('ck_volunteer_work_longitude_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer'))
    )
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_phone'), ['phone'], unique=False)

    op.create_table('fund_budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('budget_fen', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('budget_fen >= 0', name=op.f('ck_fund_budget_budget_non_negative')),
    sa.CheckConstraint('year BETWEEN 2000 AND 2200', name=op.f('ck_fund_budget_year_range')),
    sa.ForeignKeyConstraint(['fund_id'], ['charity_fund.id'], name=op.f('fk_fund_budget_fund_id_charity_fund'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_budget')),
    sa.UniqueConstraint('fund_id', 'year', name=op.f('uq_fund_budget_fund_id_year'))
    )
    with op.batch_alter_table('fund_budget', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_budget_fund_id'), ['fund_id'], unique=False)

    op.create_table('street',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_street_district_id_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_street')),
    sa.UniqueConstraint('district_id', 'name', name=op.f('uq_street_district_id_name'))
    )
    with op.batch_alter_table('street', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_street_district_id'), ['district_id'], unique=False)

    op.create_table('volunteer_availability',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('day_part', sa.Enum('morning', 'afternoon', 'evening', name='daypart', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_volunteer_availability_weekday_range')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_volunteer_availability_volunteer_id_volunteer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_availability')),
    sa.UniqueConstraint('volunteer_id', 'weekday', 'day_part', name=op.f('uq_volunteer_availability_volunteer_id_weekday_day_part'))
    )
    with op.batch_alter_table('volunteer_availability', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_availability_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('volunteer_language',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_volunteer_language_volunteer_id_volunteer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_language')),
    sa.UniqueConstraint('volunteer_id', 'language', name=op.f('uq_volunteer_language_volunteer_id_language'))
    )
    with op.batch_alter_table('volunteer_language', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_language_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('volunteer_skill',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('skill', sa.Enum('medical', 'psychological_counselling', 'tutoring', 'housework', 'legal', 'it', 'errands', 'companionship', name='skill', native_enum=False, create_constraint=True, length=33), nullable=False),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_volunteer_skill_volunteer_id_volunteer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_skill')),
    sa.UniqueConstraint('volunteer_id', 'skill', name=op.f('uq_volunteer_skill_volunteer_id_skill'))
    )
    with op.batch_alter_table('volunteer_skill', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_skill_skill'), ['skill'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_skill_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('community',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('latitude BETWEEN -90 AND 90', name=op.f('ck_community_latitude_range')),
    sa.CheckConstraint('longitude BETWEEN -180 AND 180', name=op.f('ck_community_longitude_range')),
    sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_community_street_id_street')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community')),
    sa.UniqueConstraint('street_id', 'name', name=op.f('uq_community_street_id_name'))
    )
    with op.batch_alter_table('community', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_street_id'), ['street_id'], unique=False)

    op.create_table('household',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('status', sa.Enum('dibao', 'low_income', 'special_hardship', 'edge', 'none', name='assistancestatus', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('latitude BETWEEN -90 AND 90', name=op.f('ck_household_latitude_range')),
    sa.CheckConstraint('longitude BETWEEN -180 AND 180', name=op.f('ck_household_longitude_range')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_household_community_id_community')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household'))
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_status'), ['status'], unique=False)

    op.create_table('station',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('kind', sa.Enum('community', 'business_building', 'social_work_agency', 'enterprise', name='stationkind', native_enum=False, create_constraint=True, length=26), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('latitude BETWEEN -90 AND 90', name=op.f('ck_station_latitude_range')),
    sa.CheckConstraint('longitude BETWEEN -180 AND 180', name=op.f('ck_station_longitude_range')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_station_community_id_community')),
    sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_station_street_id_street')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_station'))
    )
    with op.batch_alter_table('station', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_station_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_station_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_station_street_id'), ['street_id'], unique=False)

    op.create_table('household_status_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('entered', 'exited', 're_entered', 'changed', name='statuschangekind', native_enum=False, create_constraint=True, length=18), nullable=False),
    sa.Column('from_status', sa.Enum('dibao', 'low_income', 'special_hardship', 'edge', 'none', name='from_status', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('to_status', sa.Enum('dibao', 'low_income', 'special_hardship', 'edge', 'none', name='to_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.CheckConstraint("kind <> 'exited' OR to_status = 'none'", name=op.f('ck_household_status_change_exit_to_none')),
    sa.CheckConstraint("kind NOT IN ('entered', 're_entered') OR ((from_status IS NULL OR from_status = 'none') AND to_status <> 'none')", name=op.f('ck_household_status_change_entry_from_none')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_household_status_change_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_status_change'))
    )
    with op.batch_alter_table('household_status_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_status_change_household_id'), ['household_id'], unique=False)

    op.create_table('person',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('gender', sa.Enum('female', 'male', name='gender', native_enum=False, create_constraint=True, length=14), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('relation', sa.Enum('head', 'spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'other', name='relation', native_enum=False, create_constraint=True, length=19), nullable=False),
    sa.Column('identity_category', sa.Enum('serious_illness', 'severe_disability', 'moderate_disability', 'traditional_relief', 'student', 'minor', 'woman_50_plus', 'man_60_plus', 'retiree', 'lost_labour_capacity', 'has_labour_capacity', 'other', name='identitycategory', native_enum=False, create_constraint=True, length=28), nullable=True),
    sa.Column('disability_grade', sa.Integer(), nullable=False),
    sa.Column('serious_illness', sa.Boolean(), nullable=False),
    sa.Column('labour_capacity', sa.Enum('full', 'partial', 'none', name='labourcapacity', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('student', sa.Boolean(), nullable=False),
    sa.Column('living_alone', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('disability_grade BETWEEN 0 AND 4', name=op.f('ck_person_disability_grade_range')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_person_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_birth_date'), ['birth_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_household_id'), ['household_id'], unique=False)
        batch_op.create_index('uq_person_household_head', ['household_id'], unique=True, sqlite_where=sa.text("relation = 'head' AND active"), postgresql_where=sa.text("relation = 'head' AND active"))

    op.create_table('volunteer_station',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_volunteer_station_station_id_station')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_volunteer_station_volunteer_id_volunteer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_station')),
    sa.UniqueConstraint('volunteer_id', 'station_id', name=op.f('uq_volunteer_station_volunteer_id_station_id'))
    )
    with op.batch_alter_table('volunteer_station', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_station_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_station_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('elder',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('preferred_volunteer_gender', sa.Enum('female', 'male', name='gender', native_enum=False, create_constraint=True, length=14), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('latitude BETWEEN -90 AND 90', name=op.f('ck_elder_latitude_range')),
    sa.CheckConstraint('longitude BETWEEN -180 AND 180', name=op.f('ck_elder_longitude_range')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_elder_community_id_community')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_elder_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elder')),
    sa.UniqueConstraint('person_id', name=op.f('uq_elder_person_id'))
    )
    with op.batch_alter_table('elder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_elder_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_elder_community_id'), ['community_id'], unique=False)

    op.create_table('elder_care_need',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('elder_id', sa.Integer(), nullable=False),
    sa.Column('need', sa.Enum('visits', 'calls', 'errands', 'medical_accompaniment', 'psychological_support', name='careneed', native_enum=False, create_constraint=True, length=29), nullable=False),
    sa.ForeignKeyConstraint(['elder_id'], ['elder.id'], name=op.f('fk_elder_care_need_elder_id_elder'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elder_care_need')),
    sa.UniqueConstraint('elder_id', 'need', name=op.f('uq_elder_care_need_elder_id_need'))
    )
    with op.batch_alter_table('elder_care_need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_elder_care_need_elder_id'), ['elder_id'], unique=False)

    op.create_table('elder_language',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('elder_id', sa.Integer(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['elder_id'], ['elder.id'], name=op.f('fk_elder_language_elder_id_elder'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elder_language')),
    sa.UniqueConstraint('elder_id', 'language', name=op.f('uq_elder_language_elder_id_language'))
    )
    with op.batch_alter_table('elder_language', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_elder_language_elder_id'), ['elder_id'], unique=False)

    op.create_table('elder_visit_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('elder_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('day_part', sa.Enum('morning', 'afternoon', 'evening', name='daypart', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_elder_visit_slot_weekday_range')),
    sa.ForeignKeyConstraint(['elder_id'], ['elder.id'], name=op.f('fk_elder_visit_slot_elder_id_elder'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elder_visit_slot')),
    sa.UniqueConstraint('elder_id', 'weekday', 'day_part', name=op.f('uq_elder_visit_slot_elder_id_weekday_day_part'))
    )
    with op.batch_alter_table('elder_visit_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_elder_visit_slot_elder_id'), ['elder_id'], unique=False)

    op.create_table('pair',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('elder_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'active', 'ended', name='pairstatus', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.CheckConstraint("(status = 'ended') = (ended_on IS NOT NULL)", name=op.f('ck_pair_ended_has_date')),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= started_on', name=op.f('ck_pair_ended_after_started')),
    sa.ForeignKeyConstraint(['elder_id'], ['elder.id'], name=op.f('fk_pair_elder_id_elder')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_pair_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pair'))
    )
    with op.batch_alter_table('pair', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pair_elder_id'), ['elder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pair_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_pair_volunteer_id'), ['volunteer_id'], unique=False)
        batch_op.create_index('uq_pair_elder_live', ['elder_id'], unique=True, sqlite_where=sa.text("status IN ('proposed', 'active')"), postgresql_where=sa.text("status IN ('proposed', 'active')"))



def downgrade() -> None:
    with op.batch_alter_table('pair', schema=None) as batch_op:
        batch_op.drop_index('uq_pair_elder_live', sqlite_where=sa.text("status IN ('proposed', 'active')"), postgresql_where=sa.text("status IN ('proposed', 'active')"))
        batch_op.drop_index(batch_op.f('ix_pair_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_pair_status'))
        batch_op.drop_index(batch_op.f('ix_pair_elder_id'))

    op.drop_table('pair')
    with op.batch_alter_table('elder_visit_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_elder_visit_slot_elder_id'))

    op.drop_table('elder_visit_slot')
    with op.batch_alter_table('elder_language', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_elder_language_elder_id'))

    op.drop_table('elder_language')
    with op.batch_alter_table('elder_care_need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_elder_care_need_elder_id'))

    op.drop_table('elder_care_need')
    with op.batch_alter_table('elder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_elder_community_id'))
        batch_op.drop_index(batch_op.f('ix_elder_active'))

    op.drop_table('elder')
    with op.batch_alter_table('volunteer_station', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_station_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_station_station_id'))

    op.drop_table('volunteer_station')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('uq_person_household_head', sqlite_where=sa.text("relation = 'head' AND active"), postgresql_where=sa.text("relation = 'head' AND active"))
        batch_op.drop_index(batch_op.f('ix_person_household_id'))
        batch_op.drop_index(batch_op.f('ix_person_birth_date'))
        batch_op.drop_index(batch_op.f('ix_person_active'))

    op.drop_table('person')
    with op.batch_alter_table('household_status_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_status_change_household_id'))

    op.drop_table('household_status_change')
    with op.batch_alter_table('station', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_station_street_id'))
        batch_op.drop_index(batch_op.f('ix_station_kind'))
        batch_op.drop_index(batch_op.f('ix_station_community_id'))

    op.drop_table('station')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_status'))
        batch_op.drop_index(batch_op.f('ix_household_community_id'))
        batch_op.drop_index(batch_op.f('ix_household_active'))

    op.drop_table('household')
    with op.batch_alter_table('community', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_community_street_id'))

    op.drop_table('community')
    with op.batch_alter_table('volunteer_skill', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_skill_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_skill_skill'))

    op.drop_table('volunteer_skill')
    with op.batch_alter_table('volunteer_language', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_language_volunteer_id'))

    op.drop_table('volunteer_language')
    with op.batch_alter_table('volunteer_availability', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_availability_volunteer_id'))

    op.drop_table('volunteer_availability')
    with op.batch_alter_table('street', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_street_district_id'))

    op.drop_table('street')
    with op.batch_alter_table('fund_budget', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_budget_fund_id'))

    op.drop_table('fund_budget')
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_phone'))
        batch_op.drop_index(batch_op.f('ix_volunteer_active'))

    op.drop_table('volunteer')
    op.drop_table('district')
    with op.batch_alter_table('charity_fund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charity_fund_active'))

    op.drop_table('charity_fund')
