"""A schema for partitions built by a load's second connection.

A load builds some of its partitions over a second connection, which commits them in
``connectomedb_staging``, unattached; the load's own transaction then moves them to
``connectomedb_partitions`` and attaches them, so they become visible with the rest of the
dataset or not at all. Only the owner can use the schema (no grant to anybody); a table that a
load killed between the two commits leaves there is dropped by the next load.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAGING_SCHEMA = "connectomedb_staging"


def upgrade() -> None:
    op.execute(sa.schema.CreateSchema(STAGING_SCHEMA))


def downgrade() -> None:
    op.execute(sa.schema.DropSchema(STAGING_SCHEMA, cascade=True))
