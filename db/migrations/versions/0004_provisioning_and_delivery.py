"""provisioning and delivery: job attempts, alerts, devices, delivery rounds, extensions

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("hotspot_accounts") as batch:
        batch.add_column(sa.Column("devices", sa.Integer(), server_default="1", nullable=False))
        batch.add_column(sa.Column("limit_uptime", sa.String(length=32), nullable=True))
        batch.add_column(
            sa.Column("delivery_round", sa.Integer(), server_default="0", nullable=False)
        )
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("outbox_jobs") as batch:
        batch.add_column(sa.Column("alerted_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "outbox_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"], ["outbox_jobs.id"], name=op.f("fk_outbox_attempts_job_id_outbox_jobs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_attempts")),
    )
    op.create_index(op.f("ix_outbox_attempts_job_id"), "outbox_attempts", ["job_id"])
    op.create_table(
        "ticket_extensions",
        sa.Column("ticket_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("extends_ticket_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_extensions_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["extends_ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_extensions_extends_ticket_id_tickets"),
        ),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_ticket_extensions")),
    )
    op.create_index(
        op.f("ix_ticket_extensions_extends_ticket_id"), "ticket_extensions", ["extends_ticket_id"]
    )


def downgrade() -> None:
    op.drop_table("ticket_extensions")
    op.drop_table("outbox_attempts")
    with op.batch_alter_table("outbox_jobs") as batch:
        batch.drop_column("alerted_at")
    with op.batch_alter_table("hotspot_accounts") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("delivery_round")
        batch.drop_column("limit_uptime")
        batch.drop_column("devices")
