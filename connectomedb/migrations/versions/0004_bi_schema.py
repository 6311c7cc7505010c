"""Schema ``bi``: the views BI tools chart, the only thing the read-only role sees.

Plain views (listed by ``information_schema``, which many BI tools read) over the materialized
BI views of migration 0002, shaped for charts: the column ``dataset_name`` (not ``dataset``,
which clashes with the BI tools' own word), every class labelled (never NULL) with a sort-order
column, the class x class matrix with every cell (zeros included), ``loaded_at`` on every row,
fractions rounded to 4 decimals, and a COMMENT on every view and column (BI tools show them).
The materialized views they read are refreshed by every load, as before.

The role ``connectomedb_reader`` gets USAGE on ``bi`` and SELECT on its views, and loses its
rights on ``public`` (tables, views, default privileges); each member login gets
``search_path = bi`` and read-only transactions by default.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

READER = "connectomedb_reader"
#: Sort order of a class the class table does not name (shown as 'Unknown'): last.
UNKNOWN_ORDER = 32767

# Fixed here, not imported: a migration must not change when the library does.
CLASS_ORDER = """
CREATE VIEW bi.{kind}_classes AS
WITH named AS (
    SELECT dataset_id, name AS {kind}_class, min(code)::integer AS {kind}_class_order
    FROM public.{kind}_class GROUP BY dataset_id, name
)
SELECT d.name AS dataset_name, n.{kind}_class, n.{kind}_class_order, d.loaded_at
FROM named n JOIN public.dataset d ON d.dataset_id = n.dataset_id
UNION ALL
SELECT d.name, 'Unknown', {unknown}, d.loaded_at
FROM public.dataset d
WHERE NOT EXISTS (SELECT 1 FROM named n WHERE n.dataset_id = d.dataset_id
                  AND n.{kind}_class = 'Unknown')
  AND EXISTS (SELECT 1 FROM public.bi_{kind}_summary s WHERE s.dataset = d.name
              AND s.{kind}_class = 'Unknown')
"""

DATASETS = """
CREATE VIEW bi.datasets AS
SELECT d.name AS dataset_name, d.loaded_at, d.loader_version, d.source,
       coalesce((d.row_counts ->> 'synapse')::bigint, 0) AS synapses,
       coalesce((d.row_counts ->> 'axon')::bigint, 0) AS axons,
       coalesce((d.row_counts ->> 'target')::bigint, 0) AS targets
FROM public.dataset d
"""

CLASS_MATRIX = """
CREATE VIEW bi.class_matrix AS
SELECT a.dataset_name, a.axon_class, a.axon_class_order, t.target_class, t.target_class_order,
       coalesce(m.synapses, 0) AS synapses,
       coalesce(m.connections, 0) AS connections,
       coalesce(m.axons, 0) AS axons,
       coalesce(m.targets, 0) AS targets,
       round(coalesce(m.fraction, 0)::numeric, 4) AS fraction,
       a.loaded_at
FROM bi.axon_classes a
JOIN bi.target_classes t ON t.dataset_name = a.dataset_name
LEFT JOIN public.bi_class_matrix m
    ON m.dataset = a.dataset_name AND m.axon_class = a.axon_class
   AND m.target_class = t.target_class
"""

SYNAPSES = """
CREATE VIEW bi.synapses AS
SELECT s.dataset AS dataset_name, s.synapse_id, s.synapse_type,
       s.axon_id, coalesce(s.axon_class, 'No axon') AS axon_class,
       coalesce(a.axon_class_order, 0) AS axon_class_order,
       s.target_id, coalesce(s.target_class, 'No target') AS target_class,
       coalesce(t.target_class_order, 0) AS target_class_order,
       s.neuron_id, s.spine_head_id, s.asi_area, s.syn_x, s.syn_y, s.syn_z, s.in_connectome,
       1 AS synapses,
       d.loaded_at
FROM public.bi_synapse s
JOIN public.dataset d ON d.name = s.dataset
LEFT JOIN bi.axon_classes a ON a.dataset_name = s.dataset AND a.axon_class = s.axon_class
LEFT JOIN bi.target_classes t ON t.dataset_name = s.dataset AND t.target_class = s.target_class
"""

AXON_SUMMARY = """
CREATE VIEW bi.axon_summary AS
SELECT s.dataset AS dataset_name, s.axon_id, s.axon_class, a.axon_class_order,
       s.synapses, s.targets, s.neurons, round(s.path_length_um::numeric, 4) AS path_length_um,
       round(s.synapses_per_um::numeric, 4) AS synapses_per_um,
       round(s.asi_area_mean::numeric, 4) AS asi_area_mean, a.loaded_at
FROM public.bi_axon_summary s
JOIN bi.axon_classes a ON a.dataset_name = s.dataset AND a.axon_class = s.axon_class
"""

TARGET_SUMMARY = """
CREATE VIEW bi.target_summary AS
SELECT s.dataset AS dataset_name, s.target_id, s.target_class, t.target_class_order,
       s.neuron_id, s.synapses, s.axons, round(s.path_length_um::numeric, 4) AS path_length_um,
       round(s.synapses_per_um::numeric, 4) AS synapses_per_um,
       round(s.asi_area_mean::numeric, 4) AS asi_area_mean, t.loaded_at
FROM public.bi_target_summary s
JOIN bi.target_classes t ON t.dataset_name = s.dataset AND t.target_class = s.target_class
"""

NEURON_INPUTS = """
CREATE VIEW bi.neuron_inputs AS
SELECT s.dataset AS dataset_name, s.neuron_id, s.axon_class, a.axon_class_order,
       s.synapses, s.targets, s.axons, round(s.fraction::numeric, 4) AS fraction, a.loaded_at
FROM public.bi_neuron_inputs s
JOIN bi.axon_classes a ON a.dataset_name = s.dataset AND a.axon_class = s.axon_class
"""

_DATASET = "Name of the loaded dataset. Filter on it: summing over datasets adds them together."
_LOADED = "When this dataset was loaded (UTC): the data version of the row."
_NOT_SUMMED = " Do not sum it over rows."

#: The catalogue: a comment per view and per column (docs/queries.md lists the same).
CATALOGUE: dict[str, tuple[str, dict[str, str]]] = {
    "datasets": (
        "One row per loaded dataset: when and from where it was loaded, its counts.",
        {
            "dataset_name": _DATASET,
            "loaded_at": _LOADED,
            "loader_version": "Version of connectomedb that loaded it.",
            "source": "Folder the files were loaded from.",
            "synapses": "Synapses of the dataset (all, not only connectome synapses).",
            "axons": "Axons of the dataset.",
            "targets": "Targets (dendrites, somata, ...).",
        },
    ),
    "axon_classes": (
        "Axon classes of each dataset with their sort order (filters, legends).",
        {
            "dataset_name": _DATASET,
            "axon_class": "Axon class name; 'Unknown' for unnamed codes.",
            "axon_class_order": "Sort order of the axon class (the published code order).",
            "loaded_at": _LOADED,
        },
    ),
    "target_classes": (
        "Target classes of each dataset with their sort order.",
        {
            "dataset_name": _DATASET,
            "target_class": "Target class name; 'Unknown' for unnamed codes.",
            "target_class_order": "Sort order of the target class (the published code order).",
            "loaded_at": _LOADED,
        },
    ),
    "class_matrix": (
        "Connectome synapses by axon class x target class, one row per cell of every class "
        "pair (zeros included), for heatmaps.",
        {
            "dataset_name": _DATASET,
            "axon_class": "Axon class (row of the matrix).",
            "axon_class_order": "Sort order of axon_class.",
            "target_class": "Target class (column of the matrix).",
            "target_class_order": "Sort order of target_class.",
            "synapses": "Connectome synapses from axons of axon_class onto targets of "
            "target_class. Summable.",
            "connections": "Distinct (axon, target) pairs with at least one synapse in the "
            "cell. Summable over target classes of one axon class only by pair.",
            "axons": "Distinct axons with a synapse in the cell." + _NOT_SUMMED,
            "targets": "Distinct targets with a synapse in the cell." + _NOT_SUMMED,
            "fraction": "synapses / all connectome synapses of the axon class (4 decimals)."
            + _NOT_SUMMED
            + " Use AVG, or SUM(synapses) and divide.",
            "loaded_at": _LOADED,
        },
    ),
    "synapses": (
        "Every synapse with its type and the classes of its axon and target.",
        {
            "dataset_name": _DATASET,
            "synapse_id": "Synapse ID (per dataset).",
            "synapse_type": "Synapse type name.",
            "axon_id": "Presynaptic axon (NULL: none).",
            "axon_class": "Class of the axon; 'No axon' when the synapse has none.",
            "axon_class_order": "Sort order of axon_class (0: no axon).",
            "target_id": "Postsynaptic target (NULL: none).",
            "target_class": "Class of the target; 'No target' when the synapse has none.",
            "target_class_order": "Sort order of target_class (0: no target).",
            "neuron_id": "Neuron of the target, if any.",
            "spine_head_id": "Spine head of the synapse, if any.",
            "asi_area": "Axon-spine interface area (um^2); average it, do not sum it.",
            "syn_x": "Synapse position x (voxels).",
            "syn_y": "Synapse position y (voxels).",
            "syn_z": "Synapse position z (voxels).",
            "in_connectome": "True when both the axon and the target are known.",
            "synapses": "Always 1: SUM(synapses) counts synapses.",
            "loaded_at": _LOADED,
        },
    ),
    "axon_summary": (
        "One row per axon (also axons without a synapse).",
        {
            "dataset_name": _DATASET,
            "axon_id": "Axon ID.",
            "axon_class": "Axon class.",
            "axon_class_order": "Sort order of axon_class.",
            "synapses": "Connectome synapses of the axon. Summable.",
            "targets": "Distinct targets of the axon." + _NOT_SUMMED,
            "neurons": "Distinct neurons of its targets." + _NOT_SUMMED,
            "path_length_um": "Path length of the axon's skeleton (um, 4 decimals).",
            "synapses_per_um": "synapses / path_length_um (4 decimals)." + _NOT_SUMMED,
            "asi_area_mean": "Mean ASI area of its synapses (um^2, 4 decimals)." + _NOT_SUMMED,
            "loaded_at": _LOADED,
        },
    ),
    "target_summary": (
        "One row per target.",
        {
            "dataset_name": _DATASET,
            "target_id": "Target ID.",
            "target_class": "Target class.",
            "target_class_order": "Sort order of target_class.",
            "neuron_id": "Neuron of the target, if any.",
            "synapses": "Connectome synapses onto the target. Summable.",
            "axons": "Distinct axons onto the target." + _NOT_SUMMED,
            "path_length_um": "Path length of the target's skeleton (um, 4 decimals).",
            "synapses_per_um": "synapses / path_length_um (4 decimals)." + _NOT_SUMMED,
            "asi_area_mean": "Mean ASI area of its synapses (um^2, 4 decimals)." + _NOT_SUMMED,
            "loaded_at": _LOADED,
        },
    ),
    "neuron_inputs": (
        "Inputs of each neuron per axon class.",
        {
            "dataset_name": _DATASET,
            "neuron_id": "Neuron ID.",
            "axon_class": "Class of the input axons.",
            "axon_class_order": "Sort order of axon_class.",
            "synapses": "Connectome synapses from axons of the class onto the neuron. Summable.",
            "targets": "Distinct targets of the neuron receiving them." + _NOT_SUMMED,
            "axons": "Distinct input axons of the class." + _NOT_SUMMED,
            "fraction": "synapses / all connectome synapses onto the neuron (4 decimals)."
            + _NOT_SUMMED,
            "loaded_at": _LOADED,
        },
    ),
}

GRANT = f"""
DO $$
DECLARE login name;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{READER}') THEN
        GRANT USAGE ON SCHEMA bi TO {READER};
        GRANT SELECT ON ALL TABLES IN SCHEMA bi TO {READER};
        ALTER DEFAULT PRIVILEGES IN SCHEMA bi GRANT SELECT ON TABLES TO {READER};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT ON TABLES FROM {READER};
        REVOKE SELECT ON ALL TABLES IN SCHEMA public FROM {READER};
        REVOKE USAGE ON SCHEMA public FROM {READER};
        IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'connectomedb_partitions') THEN
            REVOKE ALL ON ALL TABLES IN SCHEMA connectomedb_partitions FROM {READER};
            REVOKE USAGE ON SCHEMA connectomedb_partitions FROM {READER};
        END IF;
        FOR login IN
            SELECT r.rolname FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid
            JOIN pg_roles g ON g.oid = m.roleid
            WHERE g.rolname = '{READER}' AND r.rolcanlogin AND NOT r.rolsuper
        LOOP
            BEGIN
                EXECUTE format('ALTER ROLE %I IN DATABASE %I SET search_path = bi',
                               login, current_database());
                EXECUTE format(
                    'ALTER ROLE %I IN DATABASE %I SET default_transaction_read_only = on',
                    login, current_database());
            EXCEPTION WHEN insufficient_privilege THEN
                RAISE NOTICE 'cannot set the search path of %', login;
            END;
        END LOOP;
    END IF;
END
$$
"""

UNGRANT = f"""
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{READER}') THEN
        GRANT USAGE ON SCHEMA public TO {READER};
        GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READER};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {READER};
    END IF;
END
$$
"""


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def upgrade() -> None:
    op.execute("CREATE SCHEMA bi")
    op.execute(
        "COMMENT ON SCHEMA bi IS "
        + _literal("connectomedb's views for BI tools (Superset, Metabase, Grafana): read-only.")
    )
    for kind in ("axon", "target"):
        op.execute(CLASS_ORDER.format(kind=kind, unknown=UNKNOWN_ORDER))
    for ddl in (DATASETS, CLASS_MATRIX, SYNAPSES, AXON_SUMMARY, TARGET_SUMMARY, NEURON_INPUTS):
        op.execute(ddl)
    for view, (about, columns) in CATALOGUE.items():
        op.execute(f"COMMENT ON VIEW bi.{view} IS {_literal(about)}")
        for column, text in columns.items():
            op.execute(f"COMMENT ON COLUMN bi.{view}.{column} IS {_literal(text)}")
    op.execute(GRANT)


def downgrade() -> None:
    op.execute(UNGRANT)
    op.execute("DROP SCHEMA bi CASCADE")
