"""fund ledger: requests, grants, donations, an append-only ledger; fund rules and balances

Existing budgets get an opening ``budget`` ledger row each, so balances are derivable from the
ledger from the start. Triggers refuse UPDATE and DELETE on ``ledger_entry`` on both dialects.

Revision ID: 0003
Revises: 0002
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('donation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('donor', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('restriction', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_donation_amount_positive')),
    sa.ForeignKeyConstraint(['fund_id'], ['charity_fund.id'], name=op.f('fk_donation_fund_id_charity_fund')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donation')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_donation_idempotency_key'))
    )
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donation_fund_id'), ['fund_id'], unique=False)

    op.create_table('assistance_request',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('urgency', sa.Integer(), nullable=False),
    sa.Column('submitted_by_community_id', sa.Integer(), nullable=True),
    sa.Column('submitted_by_street_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('submitted', 'in_allocation', 'awarded', 'rejected', 'withdrawn', name='requeststatus', native_enum=False, create_constraint=True, length=21), nullable=False),
    sa.Column('decision_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_assistance_request_amount_positive')),
    sa.CheckConstraint('urgency BETWEEN 1 AND 100', name=op.f('ck_assistance_request_urgency_range')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_assistance_request_household_id_household')),
    sa.ForeignKeyConstraint(['submitted_by_community_id'], ['community.id'], name=op.f('fk_assistance_request_submitted_by_community_id_community')),
    sa.ForeignKeyConstraint(['submitted_by_street_id'], ['street.id'], name=op.f('fk_assistance_request_submitted_by_street_id_street')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_request'))
    )
    with op.batch_alter_table('assistance_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_request_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_request_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_request_year'), ['year'], unique=False)

    op.create_table('fund_grant',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('awarded', 'paid', 'cancelled', name='grantstatus', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('cancel_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_fund_grant_amount_positive')),
    sa.ForeignKeyConstraint(['fund_id'], ['charity_fund.id'], name=op.f('fk_fund_grant_fund_id_charity_fund')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_fund_grant_household_id_household')),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_request.id'], name=op.f('fk_fund_grant_request_id_assistance_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_grant')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_fund_grant_idempotency_key'))
    )
    with op.batch_alter_table('fund_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_grant_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_grant_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_grant_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_grant_status'), ['status'], unique=False)

    op.create_table('ledger_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('budget', 'budget_cut', 'donation', 'award', 'payment', 'cancellation', name='ledgerkind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=True),
    sa.Column('donation_id', sa.Integer(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_ledger_entry_amount_positive')),
    sa.ForeignKeyConstraint(['donation_id'], ['donation.id'], name=op.f('fk_ledger_entry_donation_id_donation')),
    sa.ForeignKeyConstraint(['fund_id'], ['charity_fund.id'], name=op.f('fk_ledger_entry_fund_id_charity_fund')),
    sa.ForeignKeyConstraint(['grant_id'], ['fund_grant.id'], name=op.f('fk_ledger_entry_grant_id_fund_grant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entry')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_ledger_entry_idempotency_key'))
    )
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entry_fund_year', ['fund_id', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entry_grant_id'), ['grant_id'], unique=False)

    with op.batch_alter_table('charity_fund', schema=None) as batch_op:
        batch_op.add_column(sa.Column('eligible_tags', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('household_cap_fen', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('min_grant_fen', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.create_check_constraint(op.f('ck_charity_fund_cap_positive'), 'household_cap_fen IS NULL OR household_cap_fen > 0')
        batch_op.create_check_constraint(op.f('ck_charity_fund_min_grant_non_negative'), 'min_grant_fen >= 0')

    with op.batch_alter_table('fund_budget', schema=None) as batch_op:
        batch_op.add_column(sa.Column('awarded_fen', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('paid_fen', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.create_check_constraint(op.f('ck_fund_budget_never_overspent'), 'awarded_fen <= budget_fen')
        batch_op.create_check_constraint(op.f('ck_fund_budget_paid_within_awarded'), 'paid_fen <= awarded_fen')
        batch_op.create_check_constraint(op.f('ck_fund_budget_paid_non_negative'), 'paid_fen >= 0')

    op.execute(
        "INSERT INTO ledger_entry (created_at, updated_at, fund_id, year, kind, amount_fen, note)"
        " SELECT created_at, created_at, fund_id, year, 'budget', budget_fen, 'opening budget'"
        " FROM fund_budget WHERE budget_fen > 0"
    )
    _append_only()


_MESSAGE = 'ledger_entry is append-only: correct a movement with a new entry'


def _append_only() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE FUNCTION ledger_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN RAISE EXCEPTION '{_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry"
            " FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only()"
        )
        return
    for event in ('UPDATE', 'DELETE'):
        op.execute(
            f"CREATE TRIGGER ledger_entry_no_{event.lower()} BEFORE {event} ON ledger_entry"
            f" BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
        )


def _drop_append_only() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER ledger_entry_append_only ON ledger_entry")
        op.execute("DROP FUNCTION ledger_entry_append_only()")
        return
    for event in ('update', 'delete'):
        op.execute(f"DROP TRIGGER ledger_entry_no_{event}")



def downgrade() -> None:
    _drop_append_only()
    with op.batch_alter_table('fund_budget', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_fund_budget_paid_non_negative'), type_='check')
        batch_op.drop_constraint(op.f('ck_fund_budget_paid_within_awarded'), type_='check')
        batch_op.drop_constraint(op.f('ck_fund_budget_never_overspent'), type_='check')
        batch_op.drop_column('paid_fen')
        batch_op.drop_column('awarded_fen')

    with op.batch_alter_table('charity_fund', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_charity_fund_min_grant_non_negative'), type_='check')
        batch_op.drop_constraint(op.f('ck_charity_fund_cap_positive'), type_='check')
        batch_op.drop_column('min_grant_fen')
        batch_op.drop_column('household_cap_fen')
        batch_op.drop_column('eligible_tags')

    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entry_grant_id'))
        batch_op.drop_index('ix_ledger_entry_fund_year')

    op.drop_table('ledger_entry')
    with op.batch_alter_table('fund_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_grant_status'))
        batch_op.drop_index(batch_op.f('ix_fund_grant_request_id'))
        batch_op.drop_index(batch_op.f('ix_fund_grant_household_id'))
        batch_op.drop_index(batch_op.f('ix_fund_grant_fund_id'))

    op.drop_table('fund_grant')
    with op.batch_alter_table('assistance_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_request_year'))
        batch_op.drop_index(batch_op.f('ix_assistance_request_status'))
        batch_op.drop_index(batch_op.f('ix_assistance_request_household_id'))

    op.drop_table('assistance_request')
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_donation_fund_id'))

    op.drop_table('donation')
