"""Service records (issue 5): what a volunteer did for the elder of a pair.

Revision ID: 0013
Revises: 0012
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('service_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('pair_id', sa.Integer(), nullable=False),
    sa.Column('served_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('visit', 'phone_call', 'escort', 'errand', 'other', name='servicekind', native_enum=False, create_constraint=True, length=18), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.CheckConstraint('minutes BETWEEN 1 AND 720', name=op.f('ck_service_record_minutes_range')),
    sa.ForeignKeyConstraint(['pair_id'], ['pair.id'], name=op.f('fk_service_record_pair_id_pair')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_record'))
    )
    with op.batch_alter_table('service_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_record_pair_id'), ['pair_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_record_served_on'), ['served_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('service_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_record_served_on'))
        batch_op.drop_index(batch_op.f('ix_service_record_pair_id'))

    op.drop_table('service_record')
