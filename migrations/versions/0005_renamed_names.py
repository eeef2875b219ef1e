"""Old names of renamed projects, reserved for a period"""
import sqlalchemy as sa
from alembic import op

revision, down_revision = "0005renamednames", "0004accountstokenexpiry"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "renamed_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_renamed_names_project_id_projects"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_renamed_names")),
        sa.UniqueConstraint("name", name=op.f("uq_renamed_names_name")),
    )
    with op.batch_alter_table("renamed_names", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_renamed_names_project_id"), ["project_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("renamed_names", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_renamed_names_project_id"))
    op.drop_table("renamed_names")
