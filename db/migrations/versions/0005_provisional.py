"""payment lines collected provisionally (identity correction pending)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ADD COLUMN, not a batch copy: payment_line is append-only (its triggers refuse the
    # DELETE a table rebuild would do), and SQLite adds a column with a default in place.
    op.add_column(
        "payment_line",
        sa.Column("provisional", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("payment_line") as batch:
        batch.drop_column("provisional")
