"""BI views (class names, not codes; stable column names) and the read-only role.

Views (docs/queries.md lists every column):

* ``bi_synapse``: one row per synapse with the dataset, type, axon and target class names.
* ``bi_class_matrix`` (materialized): connectome synapses by axon class x target class, raw and
  row-normalised.
* ``bi_axon_summary``, ``bi_target_summary``, ``bi_neuron_inputs`` (materialized): per axon, per
  target and per neuron x axon class.

The materialized views are refreshed after every load (``connectomedb.stores.views.
refresh_views``). ``connectomedb_reader`` may read every table and view of ``public`` and write
nothing; a login for a BI tool is a member of it (``connectomedb db grant-reader``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

READER = "connectomedb_reader"

# Fixed here, not imported: a migration must not change when the library does.
BI_SYNAPSE = """
CREATE VIEW bi_synapse AS
SELECT d.name AS dataset,
       s.synapse_id,
       coalesce(st.name, 'Unknown') AS synapse_type,
       s.axon_id,
       CASE WHEN s.axon_id IS NULL THEN NULL ELSE coalesce(ac.name, 'Unknown') END AS axon_class,
       s.target_id,
       CASE WHEN s.target_id IS NULL THEN NULL ELSE coalesce(tc.name, 'Unknown') END
           AS target_class,
       t.neuron_id,
       s.spine_head_id,
       s.asi_area,
       s.syn_x, s.syn_y, s.syn_z,
       (s.axon_id IS NOT NULL AND s.target_id IS NOT NULL) AS in_connectome
FROM synapse s
JOIN dataset d ON d.dataset_id = s.dataset_id
LEFT JOIN synapse_type st ON st.dataset_id = s.dataset_id AND st.code = s.type_code
LEFT JOIN axon a ON a.dataset_id = s.dataset_id AND a.axon_id = s.axon_id
LEFT JOIN axon_class ac ON ac.dataset_id = a.dataset_id AND ac.code = a.class_code
LEFT JOIN target t ON t.dataset_id = s.dataset_id AND t.target_id = s.target_id
LEFT JOIN target_class tc ON tc.dataset_id = t.dataset_id AND tc.code = t.class_code
"""

# Connectome synapses with their classes: the base of the materialized views.
_CONNECTOME = """
    SELECT s.dataset_id, s.synapse_id, s.axon_id, s.target_id, s.asi_area, t.neuron_id,
           coalesce(ac.name, 'Unknown') AS axon_class,
           coalesce(tc.name, 'Unknown') AS target_class
    FROM synapse s
    JOIN axon a ON a.dataset_id = s.dataset_id AND a.axon_id = s.axon_id
    JOIN target t ON t.dataset_id = s.dataset_id AND t.target_id = s.target_id
    LEFT JOIN axon_class ac ON ac.dataset_id = a.dataset_id AND ac.code = a.class_code
    LEFT JOIN target_class tc ON tc.dataset_id = t.dataset_id AND tc.code = t.class_code
"""

BI_CLASS_MATRIX = f"""
CREATE MATERIALIZED VIEW bi_class_matrix AS
WITH syn AS ({_CONNECTOME}),
cells AS (
    SELECT dataset_id, axon_class, target_class,
           count(*) AS synapses,
           count(DISTINCT (axon_id, target_id)) AS connections,
           count(DISTINCT axon_id) AS axons,
           count(DISTINCT target_id) AS targets
    FROM syn
    GROUP BY dataset_id, axon_class, target_class
)
SELECT d.name AS dataset, c.axon_class, c.target_class, c.synapses, c.connections, c.axons,
       c.targets,
       c.synapses::double precision
           / sum(c.synapses) OVER (PARTITION BY c.dataset_id, c.axon_class) AS fraction
FROM cells c
JOIN dataset d ON d.dataset_id = c.dataset_id
"""

BI_AXON_SUMMARY = f"""
CREATE MATERIALIZED VIEW bi_axon_summary AS
WITH syn AS ({_CONNECTOME}),
per_axon AS (
    SELECT dataset_id, axon_id, count(*) AS synapses,
           count(DISTINCT target_id) AS targets,
           count(DISTINCT neuron_id) AS neurons,
           avg(asi_area) AS asi_area_mean
    FROM syn GROUP BY dataset_id, axon_id
)
SELECT d.name AS dataset, a.axon_id, coalesce(ac.name, 'Unknown') AS axon_class,
       coalesce(p.synapses, 0) AS synapses, coalesce(p.targets, 0) AS targets,
       coalesce(p.neurons, 0) AS neurons, a.path_length_um,
       CASE WHEN a.path_length_um > 0 THEN coalesce(p.synapses, 0) / a.path_length_um END
           AS synapses_per_um,
       p.asi_area_mean
FROM axon a
JOIN dataset d ON d.dataset_id = a.dataset_id
LEFT JOIN axon_class ac ON ac.dataset_id = a.dataset_id AND ac.code = a.class_code
LEFT JOIN per_axon p ON p.dataset_id = a.dataset_id AND p.axon_id = a.axon_id
"""

BI_TARGET_SUMMARY = f"""
CREATE MATERIALIZED VIEW bi_target_summary AS
WITH syn AS ({_CONNECTOME}),
per_target AS (
    SELECT dataset_id, target_id, count(*) AS synapses,
           count(DISTINCT axon_id) AS axons,
           avg(asi_area) AS asi_area_mean
    FROM syn GROUP BY dataset_id, target_id
)
SELECT d.name AS dataset, t.target_id, coalesce(tc.name, 'Unknown') AS target_class,
       t.neuron_id, coalesce(p.synapses, 0) AS synapses, coalesce(p.axons, 0) AS axons,
       t.path_length_um,
       CASE WHEN t.path_length_um > 0 THEN coalesce(p.synapses, 0) / t.path_length_um END
           AS synapses_per_um,
       p.asi_area_mean
FROM target t
JOIN dataset d ON d.dataset_id = t.dataset_id
LEFT JOIN target_class tc ON tc.dataset_id = t.dataset_id AND tc.code = t.class_code
LEFT JOIN per_target p ON p.dataset_id = t.dataset_id AND p.target_id = t.target_id
"""

BI_NEURON_INPUTS = f"""
CREATE MATERIALIZED VIEW bi_neuron_inputs AS
WITH syn AS ({_CONNECTOME}),
cells AS (
    SELECT dataset_id, neuron_id, axon_class, count(*) AS synapses,
           count(DISTINCT target_id) AS targets, count(DISTINCT axon_id) AS axons
    FROM syn WHERE neuron_id IS NOT NULL
    GROUP BY dataset_id, neuron_id, axon_class
)
SELECT d.name AS dataset, c.neuron_id, c.axon_class, c.synapses, c.targets, c.axons,
       c.synapses::double precision
           / sum(c.synapses) OVER (PARTITION BY c.dataset_id, c.neuron_id) AS fraction
FROM cells c
JOIN dataset d ON d.dataset_id = c.dataset_id
"""

# A unique index per materialized view lets a refresh run CONCURRENTLY (readers keep reading).
UNIQUE_KEYS = {
    "bi_class_matrix": ("dataset", "axon_class", "target_class"),
    "bi_axon_summary": ("dataset", "axon_id"),
    "bi_target_summary": ("dataset", "target_id"),
    "bi_neuron_inputs": ("dataset", "neuron_id", "axon_class"),
}

CREATE_READER = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{READER}') THEN
        CREATE ROLE {READER} NOLOGIN;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'cannot create role {READER}: ask an administrator to create it';
END
$$
"""

GRANT_READER = f"""
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{READER}') THEN
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO {READER}', current_database());
        GRANT USAGE ON SCHEMA public TO {READER};
        GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READER};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {READER};
    END IF;
END
$$
"""

REVOKE_READER = f"""
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{READER}') THEN
        ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT ON TABLES FROM {READER};
        REVOKE SELECT ON ALL TABLES IN SCHEMA public FROM {READER};
        REVOKE USAGE ON SCHEMA public FROM {READER};
        EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM {READER}', current_database());
    END IF;
END
$$
"""


def upgrade() -> None:
    op.execute(BI_SYNAPSE)
    for ddl in (BI_CLASS_MATRIX, BI_AXON_SUMMARY, BI_TARGET_SUMMARY, BI_NEURON_INPUTS):
        op.execute(ddl)
    for view, keys in UNIQUE_KEYS.items():
        op.execute(f"CREATE UNIQUE INDEX uq_{view} ON {view} ({', '.join(keys)})")
    op.execute(CREATE_READER)
    op.execute(GRANT_READER)


def downgrade() -> None:
    op.execute(REVOKE_READER)
    for view in reversed(list(UNIQUE_KEYS)):
        op.execute(f"DROP MATERIALIZED VIEW {view}")
    op.execute("DROP VIEW bi_synapse")
