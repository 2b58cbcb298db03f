"""Weekly statistics per street (the weekly_statistics schedule).

Revision ID: 0008
Revises: 0007
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('weekly_statistics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('week_of', sa.Date(), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_weekly_statistics_street_id_street')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weekly_statistics')),
    sa.UniqueConstraint('week_of', 'street_id', name=op.f('uq_weekly_statistics_week_of_street_id'))
    )
    with op.batch_alter_table('weekly_statistics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_weekly_statistics_street_id'), ['street_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_weekly_statistics_week_of'), ['week_of'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('weekly_statistics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_weekly_statistics_week_of'))
        batch_op.drop_index(batch_op.f('ix_weekly_statistics_street_id'))

    op.drop_table('weekly_statistics')
