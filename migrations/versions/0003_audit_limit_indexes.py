"""Audit log: indexes for the sign-in limit's counts (event, subject or address, time)"""
from alembic import op

revision, down_revision = "0003auditlimit", "0002dashboard"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_event_subject_at',
                              ['event', 'subject', 'at'], unique=False)
        batch_op.create_index('ix_audit_events_event_ip_address_at',
                              ['event', 'ip_address', 'at'], unique=False)
        batch_op.drop_index('ix_audit_events_ip_address')


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_ip_address', ['ip_address'], unique=False)
        batch_op.drop_index('ix_audit_events_event_ip_address_at')
        batch_op.drop_index('ix_audit_events_event_subject_at')
