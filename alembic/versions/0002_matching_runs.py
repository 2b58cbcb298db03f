"""matching runs

Revision ID: 0002
Revises: 0001
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('matching_run',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('project', sa.Enum('one_to_one_80_plus', name='project', native_enum=False, create_constraint=True, length=26), nullable=False),
    sa.Column('scope', sa.Enum('district', 'streets', 'communities', name='runscope', native_enum=False, create_constraint=True, length=19), nullable=False),
    sa.Column('scope_ids', sa.JSON(), nullable=False),
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
    sa.CheckConstraint('progress_percent BETWEEN 0 AND 100', name=op.f('ck_matching_run_progress_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matching_run')),
    sa.UniqueConstraint('key', name=op.f('uq_matching_run_key'))
    )
    with op.batch_alter_table('matching_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matching_run_status'), ['status'], unique=False)

    op.create_table('pair_rule',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.Enum('pin', 'forbid', name='pairrulekind', native_enum=False, create_constraint=True, length=14), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('elder_id', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['elder_id'], ['elder.id'], name=op.f('fk_pair_rule_elder_id_elder')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_pair_rule_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pair_rule'))
    )
    with op.batch_alter_table('pair_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pair_rule_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_pair_rule_elder_id'), ['elder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pair_rule_volunteer_id'), ['volunteer_id'], unique=False)
        batch_op.create_index('uq_pair_rule_active', ['volunteer_id', 'elder_id'], unique=True, sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))

    op.create_table('unpaired_elder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('elder_id', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('suggestion', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['elder_id'], ['elder.id'], name=op.f('fk_unpaired_elder_elder_id_elder')),
    sa.ForeignKeyConstraint(['run_id'], ['matching_run.id'], name=op.f('fk_unpaired_elder_run_id_matching_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unpaired_elder')),
    sa.UniqueConstraint('run_id', 'elder_id', name=op.f('uq_unpaired_elder_run_id_elder_id'))
    )
    with op.batch_alter_table('unpaired_elder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unpaired_elder_elder_id'), ['elder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unpaired_elder_run_id'), ['run_id'], unique=False)

    op.create_table('pair_proposal',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('elder_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('anchor', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('distance_m', sa.Integer(), nullable=False),
    sa.Column('cost_terms', sa.JSON(), nullable=False),
    sa.Column('keeps_existing', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'confirmed', 'rejected', 'superseded', name='proposalstatus', native_enum=False, create_constraint=True, length=18), nullable=False),
    sa.Column('volunteer_consent', sa.Boolean(), nullable=False),
    sa.Column('elder_consent', sa.Boolean(), nullable=False),
    sa.Column('decision_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('pair_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status <> 'confirmed' OR (volunteer_consent AND elder_consent)", name=op.f('ck_pair_proposal_confirmed_with_consent')),
    sa.ForeignKeyConstraint(['elder_id'], ['elder.id'], name=op.f('fk_pair_proposal_elder_id_elder')),
    sa.ForeignKeyConstraint(['pair_id'], ['pair.id'], name=op.f('fk_pair_proposal_pair_id_pair')),
    sa.ForeignKeyConstraint(['run_id'], ['matching_run.id'], name=op.f('fk_pair_proposal_run_id_matching_run'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_pair_proposal_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pair_proposal')),
    sa.UniqueConstraint('run_id', 'elder_id', name=op.f('uq_pair_proposal_run_id_elder_id'))
    )
    with op.batch_alter_table('pair_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pair_proposal_elder_id'), ['elder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pair_proposal_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pair_proposal_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_pair_proposal_volunteer_id'), ['volunteer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('pair_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pair_proposal_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_pair_proposal_status'))
        batch_op.drop_index(batch_op.f('ix_pair_proposal_run_id'))
        batch_op.drop_index(batch_op.f('ix_pair_proposal_elder_id'))

    op.drop_table('pair_proposal')
    with op.batch_alter_table('unpaired_elder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unpaired_elder_run_id'))
        batch_op.drop_index(batch_op.f('ix_unpaired_elder_elder_id'))

    op.drop_table('unpaired_elder')
    with op.batch_alter_table('pair_rule', schema=None) as batch_op:
        batch_op.drop_index('uq_pair_rule_active', sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))
        batch_op.drop_index(batch_op.f('ix_pair_rule_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_pair_rule_elder_id'))
        batch_op.drop_index(batch_op.f('ix_pair_rule_active'))

    op.drop_table('pair_rule')
    with op.batch_alter_table('matching_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matching_run_status'))

    op.drop_table('matching_run')
