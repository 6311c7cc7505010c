"""Materialized view ``connectome_synapse``: the connectome synapses with their classes.

One row per connectome synapse (axon and target both known, docs/model.md rule 2) of every
dataset, with the axon's and the target's class (code, class key and name; the key is the
smallest code of the class table with that name), the synapse type, the ASI area, the target's
neuron, the connectome synapse counts of its axon, of its target (rule 3) and of its axon onto
its target's class, and flags marking one row per axon and one per axon and target class (so
per-axon figures need no aggregation). The per-class statistics of the query library read it
instead of joining every synapse to its axon and target at query time. The load refreshes it
(CONCURRENTLY, inside the load's transaction) together with the BI views.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Fixed here, not imported: a migration must not change when the library does.
CONNECTOME_SYNAPSE = """
CREATE MATERIALIZED VIEW connectome_synapse AS
WITH syn AS (
    SELECT s.dataset_id, s.synapse_id, s.axon_id, s.target_id, t.neuron_id, s.type_code,
           s.asi_area, a.class_code AS axon_code, t.class_code AS target_code
    FROM synapse s
    JOIN axon a ON a.dataset_id = s.dataset_id AND a.axon_id = s.axon_id
    JOIN target t ON t.dataset_id = s.dataset_id AND t.target_id = s.target_id
),
-- A class key per class name: the smallest code with that name (so grouping by key is
-- grouping by name, on a smallint).
axon_keys AS (
    SELECT dataset_id, code, name, min(code) OVER (PARTITION BY dataset_id, name) AS class_key
    FROM axon_class
),
target_keys AS (
    SELECT dataset_id, code, name, min(code) OVER (PARTITION BY dataset_id, name) AS class_key
    FROM target_class
),
axon_n AS (SELECT dataset_id, axon_id, count(*) AS n FROM syn GROUP BY 1, 2),
target_n AS (SELECT dataset_id, target_id, count(*) AS n FROM syn GROUP BY 1, 2)
SELECT syn.dataset_id, syn.synapse_id, syn.axon_id, syn.target_id, syn.neuron_id,
       syn.type_code, coalesce(st.name, 'Unknown') AS synapse_type,
       syn.axon_code, ac.class_key AS axon_class_key, coalesce(ac.name, 'Unknown') AS axon_class,
       syn.target_code, tc.class_key AS target_class_key,
       coalesce(tc.name, 'Unknown') AS target_class,
       syn.asi_area,
       axon_n.n AS axon_synapses,
       target_n.n AS target_synapses,
       count(*) OVER axon_target_class AS axon_target_class_synapses,
       row_number() OVER (axon_target_class ORDER BY syn.synapse_id) = 1
           AS first_of_axon_target_class,
       row_number() OVER (PARTITION BY syn.dataset_id, syn.axon_id
                          ORDER BY tc.class_key, syn.synapse_id) = 1 AS first_of_axon
FROM syn
JOIN axon_n ON axon_n.dataset_id = syn.dataset_id AND axon_n.axon_id = syn.axon_id
JOIN target_n ON target_n.dataset_id = syn.dataset_id AND target_n.target_id = syn.target_id
LEFT JOIN synapse_type st ON st.dataset_id = syn.dataset_id AND st.code = syn.type_code
LEFT JOIN axon_keys ac ON ac.dataset_id = syn.dataset_id AND ac.code = syn.axon_code
LEFT JOIN target_keys tc ON tc.dataset_id = syn.dataset_id AND tc.code = syn.target_code
WINDOW axon_target_class AS (PARTITION BY syn.dataset_id, syn.axon_id, tc.class_key)
"""


def upgrade() -> None:
    op.execute(CONNECTOME_SYNAPSE)
    # Unique: lets the load refresh it CONCURRENTLY (readers keep the previous contents).
    op.execute(
        "CREATE UNIQUE INDEX uq_connectome_synapse ON connectome_synapse (dataset_id, synapse_id)"
    )
    op.execute(
        "CREATE INDEX ix_connectome_synapse_axon ON connectome_synapse (dataset_id, axon_id)"
    )
    op.execute(
        "CREATE INDEX ix_connectome_synapse_target ON connectome_synapse (dataset_id, target_id)"
    )
    # The reader role's default privileges cover new tables of the migration's role only;
    # grant explicitly so BI logins read it whoever ran the migration.
    op.execute(
        "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'connectomedb_reader')"
        " THEN GRANT SELECT ON connectome_synapse TO connectomedb_reader; END IF; END $$"
    )


def downgrade() -> None:
    op.execute("DROP MATERIALIZED VIEW connectome_synapse")
