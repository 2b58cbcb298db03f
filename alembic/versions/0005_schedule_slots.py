"""schedule slots

Revision ID: 0005
Revises: 0004
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('schedule_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('slot_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('missed', sa.Integer(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.CheckConstraint("status IN ('claimed', 'done')", name=op.f('ck_schedule_slot_status_known')),
    sa.CheckConstraint('missed >= 0', name=op.f('ck_schedule_slot_missed_non_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schedule_slot')),
    sa.UniqueConstraint('name', 'slot_start', name=op.f('uq_schedule_slot_name_slot_start'))
    )


def downgrade() -> None:
    op.drop_table('schedule_slot')
