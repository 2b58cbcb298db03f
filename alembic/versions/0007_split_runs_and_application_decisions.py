"""Split matching runs (a district run fanned out into one run per street has them as
children); an application's note and who decided it.

Revision ID: 0007
Revises: 0006
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('assistance_application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))

    with op.batch_alter_table('matching_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_matching_run_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_matching_run_parent_id_matching_run'), 'matching_run', ['parent_id'], ['id'], ondelete='CASCADE')



def downgrade() -> None:
    with op.batch_alter_table('matching_run', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_matching_run_parent_id_matching_run'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_matching_run_parent_id'))
        batch_op.drop_column('parent_id')

    with op.batch_alter_table('assistance_application', schema=None) as batch_op:
        batch_op.drop_column('decided_by')
        batch_op.drop_column('note')

