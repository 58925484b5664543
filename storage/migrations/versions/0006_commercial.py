"""commercial: opportunities, stage history, payments, playbook runs and definitions

opportunity (LTC stage, kind, value, probability, close date, status), stagechange (its
history), payment (回款 milestones of a contract), playbookrun (unique per account,
playbook and trigger key, so a trigger starts a playbook once), playbookdefinition
(playbooks admins add from chat), and per-account numbers for opportunities and payments.

Revision ID: 0006_commercial
Revises: 0005_transcripts
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import AwareDateTime

revision: str = "0006_commercial"
down_revision: str | Sequence[str] | None = "0005_transcripts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('opportunity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('probability', sa.Float(), nullable=True),
    sa.Column('close_date', sa.Date(), nullable=True),
    sa.Column('stage_changed_at', AwareDateTime(), nullable=False),
    sa.Column('created_at', AwareDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', AwareDateTime(), nullable=True),
    sa.Column('close_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_opportunity_account_id_account')),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_opportunity_created_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity')),
    sa.UniqueConstraint('account_id', 'number', name=op.f('uq_opportunity_account_id_number'))
    )
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opportunity_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_opportunity_status'), ['status'], unique=False)

    op.create_table('playbookdefinition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', AwareDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_playbookdefinition_created_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_playbookdefinition')),
    sa.UniqueConstraint('name', name=op.f('uq_playbookdefinition_name'))
    )
    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Float(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('created_at', AwareDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_payment_account_id_account')),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_payment_created_by_id_person')),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_payment_opportunity_id_opportunity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
    sa.UniqueConstraint('account_id', 'number', name=op.f('uq_payment_account_id_number'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_opportunity_id'), ['opportunity_id'], unique=False)

    op.create_table('playbookrun',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('playbook', sa.String(length=60), nullable=False),
    sa.Column('title', sa.JSON(), nullable=True),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('trigger_key', sa.String(length=100), nullable=False),
    sa.Column('steps', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('started_at', AwareDateTime(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_playbookrun_account_id_account')),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_playbookrun_opportunity_id_opportunity')),
    sa.ForeignKeyConstraint(['started_by_id'], ['person.id'], name=op.f('fk_playbookrun_started_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_playbookrun')),
    sa.UniqueConstraint('account_id', 'playbook', 'trigger_key', name=op.f('uq_playbookrun_account_id_playbook_trigger_key'))
    )
    with op.batch_alter_table('playbookrun', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_playbookrun_account_id'), ['account_id'], unique=False)

    op.create_table('stagechange',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('from_stage', sa.String(length=20), nullable=True),
    sa.Column('to_stage', sa.String(length=20), nullable=False),
    sa.Column('at', AwareDateTime(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_stagechange_account_id_account')),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_stagechange_opportunity_id_opportunity')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_stagechange_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stagechange'))
    )
    with op.batch_alter_table('stagechange', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stagechange_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stagechange_opportunity_id'), ['opportunity_id'], unique=False)

    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opportunity_seq', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('payment_seq', sa.Integer(), nullable=False,
                                      server_default='0'))



def downgrade() -> None:
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('payment_seq')
        batch_op.drop_column('opportunity_seq')

    with op.batch_alter_table('stagechange', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stagechange_opportunity_id'))
        batch_op.drop_index(batch_op.f('ix_stagechange_account_id'))

    op.drop_table('stagechange')
    with op.batch_alter_table('playbookrun', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_playbookrun_account_id'))

    op.drop_table('playbookrun')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_opportunity_id'))
        batch_op.drop_index(batch_op.f('ix_payment_account_id'))

    op.drop_table('payment')
    op.drop_table('playbookdefinition')
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opportunity_status'))
        batch_op.drop_index(batch_op.f('ix_opportunity_account_id'))

    op.drop_table('opportunity')
