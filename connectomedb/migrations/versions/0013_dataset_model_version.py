"""The data model each dataset was loaded under: ``dataset.model_version``.

Migrations 0008, 0009 and 0012 added tables the load derives from the source tables, but a
dataset loaded before them has no rows there, and its files are unchanged: nothing told a load
to build them. A load now records the data model its rows were built with
(``POSTGRES_MODEL_VERSION``, ``connectomedb/schema/relational.py``); a dataset recorded under
another version is rebuilt by the next load of the same files, and queries refuse it until then.

The datasets already loaded keep NULL: the upgrade cannot tell which derived rows they have
(data goes through the load, not through migrations), so their next load rebuilds them.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "dataset",
        sa.Column(
            "model_version",
            sa.Integer(),
            nullable=True,
            comment="the data model the rows were built with; NULL: before migration 0013",
        ),
    )


def downgrade() -> None:
    op.drop_column("dataset", "model_version")
