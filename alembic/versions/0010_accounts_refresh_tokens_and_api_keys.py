"""Accounts (issue 5): users with a role and its scope, refresh tokens, service API keys.

A CHECK per scoped role: street staff name a street, station coordinators a station, volunteers
themselves; no other role has those columns. Secrets are stored only as hashes.

Revision ID: 0010
Revises: 0009
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('app_user',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('role', sa.Enum('district_admin', 'civil_affairs', 'street_staff', 'station_coordinator', 'social_worker', 'charity_officer', 'auditor', 'volunteer', 'service', name='role', native_enum=False, create_constraint=True, length=27), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=True),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('volunteer_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('token_version', sa.Integer(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(role = 'station_coordinator' AND station_id IS NOT NULL) OR (role <> 'station_coordinator' AND station_id IS NULL)", name=op.f('ck_app_user_station_scope')),
    sa.CheckConstraint("(role = 'street_staff' AND street_id IS NOT NULL) OR (role <> 'street_staff' AND street_id IS NULL)", name=op.f('ck_app_user_street_scope')),
    sa.CheckConstraint("(role = 'volunteer' AND volunteer_id IS NOT NULL) OR (role <> 'volunteer' AND volunteer_id IS NULL)", name=op.f('ck_app_user_volunteer_scope')),
    sa.CheckConstraint("password_hash IS NOT NULL OR role = 'service'", name=op.f('ck_app_user_password_unless_service')),
    sa.CheckConstraint('token_version >= 0', name=op.f('ck_app_user_token_version_non_negative')),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_app_user_station_id_station')),
    sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_app_user_street_id_street')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_app_user_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username')),
    sa.UniqueConstraint('volunteer_id', name=op.f('uq_app_user_volunteer_id'))
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_user_role'), ['role'], unique=False)
        batch_op.create_index(batch_op.f('ix_app_user_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_app_user_street_id'), ['street_id'], unique=False)

    op.create_table('api_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('secret_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_api_key_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_key')),
    sa.UniqueConstraint('prefix', name=op.f('uq_api_key_prefix'))
    )
    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_key_user_id'), ['user_id'], unique=False)

    op.create_table('refresh_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('jti', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('family_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_reason', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(revoked_at IS NULL AND revoked_reason IS NULL) OR (revoked_at IS NOT NULL AND revoked_reason IS NOT NULL)', name=op.f('ck_refresh_token_revoked_with_reason')),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['refresh_token.id'], name=op.f('fk_refresh_token_replaced_by_id_refresh_token')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_refresh_token_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refresh_token')),
    sa.UniqueConstraint('jti', name=op.f('uq_refresh_token_jti')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_refresh_token_token_hash'))
    )
    with op.batch_alter_table('refresh_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refresh_token_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refresh_token_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('refresh_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refresh_token_user_id'))
        batch_op.drop_index(batch_op.f('ix_refresh_token_family_id'))

    op.drop_table('refresh_token')
    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_key_user_id'))

    op.drop_table('api_key')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_user_street_id'))
        batch_op.drop_index(batch_op.f('ix_app_user_station_id'))
        batch_op.drop_index(batch_op.f('ix_app_user_role'))

    op.drop_table('app_user')
