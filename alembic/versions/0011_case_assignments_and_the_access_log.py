"""Social workers' case assignments, and the append-only access log (issue 5).

The access log records reads of sensitive fields, reveals of full identifiers (with their
purpose) and changes (before/after); triggers refuse UPDATE and DELETE on it.

Revision ID: 0011
Revises: 0010
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.append_only import create_statements, drop_statements


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.Enum('read', 'reveal', 'change', name='accesskind', native_enum=False, create_constraint=True, length=14), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('record_type', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.CheckConstraint("kind <> 'reveal' OR purpose IS NOT NULL", name=op.f('ck_access_log_reveal_states_purpose')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log'))
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_log_actor'), ['actor'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_kind'), ['kind'], unique=False)
        batch_op.create_index('ix_access_log_record', ['record_type', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_user_id'), ['user_id'], unique=False)
    for statement in create_statements("access_log", op.get_bind().dialect.name):
        op.execute(statement)

    op.create_table('case_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('assigned_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('ended_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= assigned_on', name=op.f('ck_case_assignment_ends_after_start')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_case_assignment_household_id_household')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_case_assignment_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_assignment'))
    )
    with op.batch_alter_table('case_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_assignment_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_assignment_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_case_assignment_active', ['user_id', 'household_id'], unique=True, sqlite_where=sa.text('ended_on IS NULL'), postgresql_where=sa.text('ended_on IS NULL'))



def downgrade() -> None:
    with op.batch_alter_table('case_assignment', schema=None) as batch_op:
        batch_op.drop_index('uq_case_assignment_active', sqlite_where=sa.text('ended_on IS NULL'), postgresql_where=sa.text('ended_on IS NULL'))
        batch_op.drop_index(batch_op.f('ix_case_assignment_user_id'))
        batch_op.drop_index(batch_op.f('ix_case_assignment_household_id'))

    op.drop_table('case_assignment')
    for statement in drop_statements("access_log", op.get_bind().dialect.name):
        op.execute(statement)
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_log_user_id'))
        batch_op.drop_index('ix_access_log_record')
        batch_op.drop_index(batch_op.f('ix_access_log_kind'))
        batch_op.drop_index(batch_op.f('ix_access_log_actor'))

    op.drop_table('access_log')
