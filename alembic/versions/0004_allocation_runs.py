"""allocation runs

Revision ID: 0004
Revises: 0003
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('allocation_run',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'succeeded', 'failed', 'cancelled', name='runstatus', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.Column('progress_percent', sa.Integer(), nullable=False),
    sa.Column('progress_phase', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('progress_message', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('solver_status', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('fund_ids', sa.JSON(), nullable=False),
    sa.Column('street_ids', sa.JSON(), nullable=False),
    sa.CheckConstraint('progress_percent BETWEEN 0 AND 100', name=op.f('ck_allocation_run_progress_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_run')),
    sa.UniqueConstraint('key', name=op.f('uq_allocation_run_key'))
    )
    with op.batch_alter_table('allocation_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocation_run_status'), ['status'], unique=False)

    op.create_table('allocation_outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('need_fen', sa.BigInteger(), nullable=False),
    sa.Column('eligible_fen', sa.BigInteger(), nullable=False),
    sa.Column('covered_fen', sa.BigInteger(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.Column('limits', sa.JSON(), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_request.id'], name=op.f('fk_allocation_outcome_request_id_assistance_request')),
    sa.ForeignKeyConstraint(['run_id'], ['allocation_run.id'], name=op.f('fk_allocation_outcome_run_id_allocation_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_outcome')),
    sa.UniqueConstraint('run_id', 'request_id', name=op.f('uq_allocation_outcome_run_id_request_id'))
    )
    with op.batch_alter_table('allocation_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocation_outcome_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocation_outcome_run_id'), ['run_id'], unique=False)

    op.create_table('allocation_proposal',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'confirmed', 'rejected', 'superseded', name='proposalstatus', native_enum=False, create_constraint=True, length=18), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_allocation_proposal_amount_positive')),
    sa.ForeignKeyConstraint(['fund_id'], ['charity_fund.id'], name=op.f('fk_allocation_proposal_fund_id_charity_fund')),
    sa.ForeignKeyConstraint(['grant_id'], ['fund_grant.id'], name=op.f('fk_allocation_proposal_grant_id_fund_grant')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_allocation_proposal_household_id_household')),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_request.id'], name=op.f('fk_allocation_proposal_request_id_assistance_request')),
    sa.ForeignKeyConstraint(['run_id'], ['allocation_run.id'], name=op.f('fk_allocation_proposal_run_id_allocation_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_proposal')),
    sa.UniqueConstraint('run_id', 'request_id', 'fund_id', name=op.f('uq_allocation_proposal_run_id_request_id_fund_id'))
    )
    with op.batch_alter_table('allocation_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocation_proposal_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocation_proposal_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocation_proposal_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('allocation_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allocation_proposal_status'))
        batch_op.drop_index(batch_op.f('ix_allocation_proposal_run_id'))
        batch_op.drop_index(batch_op.f('ix_allocation_proposal_request_id'))

    op.drop_table('allocation_proposal')
    with op.batch_alter_table('allocation_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allocation_outcome_run_id'))
        batch_op.drop_index(batch_op.f('ix_allocation_outcome_request_id'))

    op.drop_table('allocation_outcome')
    with op.batch_alter_table('allocation_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allocation_run_status'))

    op.drop_table('allocation_run')
