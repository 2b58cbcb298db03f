"""Encrypted identifiers (issue 5): persons get an ID-card number and a phone, volunteers' phones
are encrypted; each beside its lookup hash (exact look-up and uniqueness). The volunteers'
clear phones are encrypted here with the configured keys (``access.crypto``).

On PostgreSQL, run ``VACUUM FULL volunteer`` after upgrading a database that held clear phones:
until then the old values linger in dead rows (SQLite connections zero freed pages).
A downgrade decrypts the volunteers' phones back into clear text and drops the persons' ID-card
and phone numbers (the older schema has no place for them).

Revision ID: 0012
Revises: 0011
"""
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import context, op

from access.crypto import current_keyring


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
VOLUNTEER_PHONE = 'volunteer.phone'
volunteer = sa.table(
    'volunteer',
    sa.column('id', sa.Integer),
    sa.column('phone', sa.Text),
    sa.column('phone_hash', sa.Text),
)


def _rewrite_phones(change: Callable[[str], dict[str, str | None]]) -> None:
    """Rewrite every volunteer's phone (and hash) with ``change``, in batches by id."""
    if context.is_offline_mode():
        raise RuntimeError(
            'revision 0012 encrypts the stored phones with the configured keys, which SQL '
            'alone cannot do: run it online (bangfu migrate), not as --sql output.'
        )
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(volunteer.c.id, volunteer.c.phone)
            .where(volunteer.c.id > last_id)
            .order_by(volunteer.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            volunteer.update()
            .where(volunteer.c.id == sa.bindparam('k_id'))
            .values(phone=sa.bindparam('k_phone'), phone_hash=sa.bindparam('k_hash')),
            [{'k_id': row.id, **change(row.phone)} for row in rows],
        )
        last_id = rows[-1].id


def _encrypted(phone: str) -> dict[str, str | None]:
    keyring = current_keyring()
    return {
        'k_phone': keyring.encrypt(phone, field=VOLUNTEER_PHONE),
        'k_hash': keyring.lookup_hash(phone, field=VOLUNTEER_PHONE),
    }


def _decrypted(token: str) -> dict[str, str | None]:
    return {'k_phone': current_keyring().decrypt(token, field=VOLUNTEER_PHONE), 'k_hash': None}


def upgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_number', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('id_number_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('phone_hash', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_person_id_number_hash'), ['id_number_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_person_phone_hash'), ['phone_hash'], unique=False)
        batch_op.create_check_constraint(
            op.f('ck_person_id_number_hash_beside'), '(id_number IS NULL) = (id_number_hash IS NULL)'
        )
        batch_op.create_check_constraint(
            op.f('ck_person_phone_hash_beside'), '(phone IS NULL) = (phone_hash IS NULL)'
        )

    # Ciphertexts are longer than the 20 characters of the clear column.
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_phone'))
        batch_op.alter_column('phone',
               existing_type=sa.VARCHAR(length=20),
               type_=sa.Text(),
               existing_nullable=False)
        batch_op.add_column(sa.Column('phone_hash', sa.String(length=64), nullable=True))
    _rewrite_phones(_encrypted)
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.alter_column('phone_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index(batch_op.f('ix_volunteer_phone_hash'), ['phone_hash'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_phone_hash'))
        batch_op.alter_column('phone_hash', existing_type=sa.String(length=64), nullable=True)
    _rewrite_phones(_decrypted)
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.drop_column('phone_hash')
        batch_op.alter_column('phone',
               existing_type=sa.Text(),
               type_=sa.VARCHAR(length=20),
               existing_nullable=False)
        batch_op.create_index(batch_op.f('ix_volunteer_phone'), ['phone'], unique=False)

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_person_phone_hash_beside'), type_='check')
        batch_op.drop_constraint(op.f('ck_person_id_number_hash_beside'), type_='check')
        batch_op.drop_index(batch_op.f('ix_person_phone_hash'))
        batch_op.drop_index(batch_op.f('ix_person_id_number_hash'))
        batch_op.drop_column('phone_hash')
        batch_op.drop_column('phone')
        batch_op.drop_column('id_number_hash')
        batch_op.drop_column('id_number')
