"""answer sources: the chat messages that gave the latest and the last refused form answer

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("answered_field", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("answered_message_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("refused_field", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("refused_message_id", sa.BigInteger(), nullable=True))
    # Before this revision the sources were kept in a reserved answer row.
    op.execute("DELETE FROM form_answers WHERE field = '@sources'")


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("refused_message_id")
        batch.drop_column("refused_field")
        batch.drop_column("answered_message_id")
        batch.drop_column("answered_field")
