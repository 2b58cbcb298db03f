"""Split shares: the volunteers each street's run of a split run may use, decided once.

Revision ID: 0009
Revises: 0008
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('split_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_ids', sa.LargeBinary(), nullable=False),
    sa.Column('caps', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['matching_run.id'], name=op.f('fk_split_share_run_id_matching_run'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_split_share_street_id_street')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_split_share')),
    sa.UniqueConstraint('run_id', 'street_id', name=op.f('uq_split_share_run_id_street_id'))
    )
    with op.batch_alter_table('split_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_split_share_run_id'), ['run_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('split_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_split_share_run_id'))

    op.drop_table('split_share')
