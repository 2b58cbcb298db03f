"""Assessment and lifecycle: dated policy parameters, household assessments with stored scores,
applications with their 11 verification checks, periodic reviews, benefit changes; who recorded
each history row. Policy, assessment, benefit and status history are append-only (triggers).

Revision ID: 0006
Revises: 0005
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.append_only import create_statements, drop_statements

APPEND_ONLY = ('policy_parameter', 'household_status_change', 'household_assessment', 'benefit_change')


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('policy_parameter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_parameter')),
    sa.UniqueConstraint('name', 'effective_on', 'recorded_on', name=op.f('uq_policy_parameter_name_effective_on_recorded_on'))
    )
    with op.batch_alter_table('policy_parameter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_parameter_name'), ['name'], unique=False)

    op.create_table('assistance_application',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('requested_status', sa.Enum('dibao', 'low_income', 'special_hardship', 'edge', 'none', name='requested_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('verifying', 'admitted', 'refused', 'withdrawn', name='applicationstate', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.Column('re_entry', sa.Boolean(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decision_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.CheckConstraint("requested_status <> 'none'", name=op.f('ck_assistance_application_requests_assistance')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_assistance_application_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_application'))
    )
    with op.batch_alter_table('assistance_application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_application_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_application_state'), ['state'], unique=False)
        batch_op.create_index('uq_assistance_application_open', ['household_id'], unique=True, sqlite_where=sa.text("state = 'verifying'"), postgresql_where=sa.text("state = 'verifying'"))

    op.create_table('benefit_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('before_fen', sa.BigInteger(), nullable=False),
    sa.Column('after_fen', sa.BigInteger(), nullable=False),
    sa.Column('standard_fen', sa.BigInteger(), nullable=False),
    sa.Column('policy_revision', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.CheckConstraint('after_fen >= 0 AND before_fen >= 0', name=op.f('ck_benefit_change_not_negative')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_benefit_change_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefit_change'))
    )
    with op.batch_alter_table('benefit_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefit_change_household_id'), ['household_id'], unique=False)

    op.create_table('household_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('income_fen_per_person', sa.BigInteger(), nullable=False),
    sa.Column('consumption_fen_per_person', sa.BigInteger(), nullable=False),
    sa.Column('children_out_of_school', sa.Integer(), nullable=False),
    sa.Column('members_ill_or_disabled', sa.Integer(), nullable=False),
    sa.Column('living_space_m2_per_person', sa.Integer(), nullable=False),
    sa.Column('members_mentally_ill', sa.Integer(), nullable=False),
    sa.Column('distress_score', sa.Integer(), nullable=False),
    sa.Column('policy_revision', sa.Integer(), nullable=False),
    sa.Column('score', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('score_value', sa.Float(), nullable=False),
    sa.Column('poor', sa.Boolean(), nullable=False),
    sa.Column('flag', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('urgency_cash', sa.Integer(), nullable=False),
    sa.Column('urgency_medical', sa.Integer(), nullable=False),
    sa.Column('urgency_education', sa.Integer(), nullable=False),
    sa.Column('urgency_daily_life_care', sa.Integer(), nullable=False),
    sa.Column('urgency_counselling', sa.Integer(), nullable=False),
    sa.Column('urgency_skills_training', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.CheckConstraint('distress_score = 0 OR distress_score BETWEEN 10 AND 50', name=op.f('ck_household_assessment_k10_range')),
    sa.CheckConstraint('income_fen_per_person >= 0 AND consumption_fen_per_person >= 0 AND children_out_of_school >= 0 AND members_ill_or_disabled >= 0 AND living_space_m2_per_person >= 0 AND members_mentally_ill >= 0', name=op.f('ck_household_assessment_indicators_not_negative')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_household_assessment_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_assessment'))
    )
    with op.batch_alter_table('household_assessment', schema=None) as batch_op:
        batch_op.create_index('ix_household_assessment_latest', ['household_id', 'assessed_on', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_assessment_score_value'), ['score_value'], unique=False)

    op.create_table('household_review',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Enum('continued', 'exited', name='reviewoutcome', native_enum=False, create_constraint=True, length=17), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_household_review_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_review')),
    sa.UniqueConstraint('household_id', 'due_on', name=op.f('uq_household_review_household_id_due_on'))
    )
    with op.batch_alter_table('household_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_review_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_review_household_id'), ['household_id'], unique=False)

    op.create_table('verification_check',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.Enum('business_registration', 'tax_payments', 'vehicles', 'household_registration', 'real_estate', 'provident_fund', 'pension_insurance', 'unemployment_insurance', 'marriage_registration', 'bank_deposits', 'securities_holdings', name='verificationitem', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('unit', sa.Enum('market_regulation', 'tax', 'public_security', 'housing', 'housing_provident_fund', 'human_resources_social_security', 'civil_affairs', 'banking', 'securities', name='verificationunit', native_enum=False, create_constraint=True, length=39), nullable=False),
    sa.Column('result', sa.Enum('pending', 'passed', 'failed', name='checkresult', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['assistance_application.id'], name=op.f('fk_verification_check_application_id_assistance_application')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_check')),
    sa.UniqueConstraint('application_id', 'item', name=op.f('uq_verification_check_application_id_item'))
    )
    with op.batch_alter_table('verification_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verification_check_application_id'), ['application_id'], unique=False)

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('income_stability', sa.String(length=17), nullable=True))
        batch_op.create_check_constraint(op.f('ck_household_incomestability'), "income_stability IN ('stable', 'irregular')")
        batch_op.add_column(sa.Column('benefit_fen', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_review_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_household_next_review_on'), ['next_review_on'], unique=False)

    with op.batch_alter_table('household_status_change', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), server_default='system', nullable=False))

    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        for statement in create_statements(table, dialect):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        for statement in drop_statements(table, dialect):
            op.execute(statement)
    with op.batch_alter_table('household_status_change', schema=None) as batch_op:
        batch_op.drop_column('recorded_by')

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_next_review_on'))
        batch_op.drop_column('next_review_on')
        batch_op.drop_column('benefit_fen')
        batch_op.drop_constraint(op.f('ck_household_incomestability'), type_='check')
        batch_op.drop_column('income_stability')

    with op.batch_alter_table('verification_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verification_check_application_id'))

    op.drop_table('verification_check')
    with op.batch_alter_table('household_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_review_household_id'))
        batch_op.drop_index(batch_op.f('ix_household_review_due_on'))

    op.drop_table('household_review')
    with op.batch_alter_table('household_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_assessment_score_value'))
        batch_op.drop_index('ix_household_assessment_latest')

    op.drop_table('household_assessment')
    with op.batch_alter_table('benefit_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefit_change_household_id'))

    op.drop_table('benefit_change')
    with op.batch_alter_table('assistance_application', schema=None) as batch_op:
        batch_op.drop_index('uq_assistance_application_open', sqlite_where=sa.text("state = 'verifying'"), postgresql_where=sa.text("state = 'verifying'"))
        batch_op.drop_index(batch_op.f('ix_assistance_application_state'))
        batch_op.drop_index(batch_op.f('ix_assistance_application_household_id'))

    op.drop_table('assistance_application')
    with op.batch_alter_table('policy_parameter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_parameter_name'))

    op.drop_table('policy_parameter')
