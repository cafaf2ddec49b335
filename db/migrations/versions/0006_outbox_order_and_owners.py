"""outbox order and owners: the chat a job writes to, the process that holds it, heartbeats

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_jobs") as batch:
        batch.add_column(sa.Column("chat_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("locked_by", sa.String(length=32), nullable=True))
        batch.create_index("ix_outbox_chat", ["chat_id", "status"])
        batch.create_index("ix_outbox_owner", ["locked_by"])
    op.create_table(
        "outbox_workers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("process_start", sa.String(length=64), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_workers")),
    )


def downgrade() -> None:
    op.drop_table("outbox_workers")
    with op.batch_alter_table("outbox_jobs") as batch:
        batch.drop_index("ix_outbox_owner")
        batch.drop_index("ix_outbox_chat")
        batch.drop_column("locked_by")
        batch.drop_column("chat_id")
