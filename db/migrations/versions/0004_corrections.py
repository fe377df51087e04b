"""identity correction requests

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "correction_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("id_type", sa.String(length=2), nullable=False),
        sa.Column("id_number", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("hukou_place", sa.String(length=128), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("household_number", sa.String(length=32), nullable=False),
        sa.Column("problem", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("merges", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'accepted', 'rejected')", name=op.f("ck_correction_request_state")
        ),
        sa.CheckConstraint(
            "problem IN ('not_found', 'name_differs', 'id_differs', 'elsewhere', 'other')",
            name=op.f("ck_correction_request_problem"),
        ),
        sa.ForeignKeyConstraint(
            ["village_code"],
            ["village.code"],
            name=op.f("fk_correction_request_village_code_village"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_request")),
        sa.UniqueConstraint("request_id", name=op.f("uq_correction_request_request_id")),
    )
    op.create_index(
        op.f("ix_correction_request_id_number"), "correction_request", ["id_number"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_correction_request_id_number"), table_name="correction_request")
    op.drop_table("correction_request")
