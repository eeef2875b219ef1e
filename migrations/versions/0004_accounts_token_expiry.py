"""Access tokens: an optional expiry chosen at creation"""
import sqlalchemy as sa
from alembic import op

revision, down_revision = "0004accountstokenexpiry", "0003auditlimit"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("access_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("access_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
