"""The rows of ``connectome_synapse`` and of the BI views are written by each load for its own
dataset, instead of materialized views refreshed over every dataset after each load.

``connectome_synapse`` becomes a table with the same columns, and ``bi_class_matrix``,
``bi_axon_summary``, ``bi_target_summary`` and ``bi_neuron_inputs`` plain views with the same
columns over the tables ``bi_*_data``, which hold ``dataset_id`` where the views show the
dataset's name (so the name a replacing load gives its dataset at its commit is the one they
show). All five tables are partitioned by dataset like every data table: the load COPYs their
rows in its transaction (``connectomedb/etl/bi_tables.py``), and they go with their dataset.
The upgrade fills them for every dataset already loaded with the queries of the materialized
views (migrations 0002, 0003 and 0010), so they answer as before; the downgrade makes the
materialized views again. The views of the schema ``bi`` (migration 0004) read them, so they
are made again with their comments and the reader's grant.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

READER = "connectomedb_reader"
PARTITION_SCHEMA = "connectomedb_partitions"
_PARTITION = "LIST (dataset_id)"
#: Sort order of a class the class table does not name (shown as 'Unknown'): last.
UNKNOWN_ORDER = 32767

# Fixed here, not imported: a migration must not change when the library does.

# --- the views of the schema bi (migrations 0004 and 0010) ----------------------------------

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
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{READER}') THEN
        GRANT SELECT ON ALL TABLES IN SCHEMA bi TO {READER};
    END IF;
END
$$
"""

#: The views of bi that read the views replaced here, dependents first.
BI_DEPENDENT = (
    "class_matrix",
    "synapses",
    "axon_summary",
    "target_summary",
    "neuron_inputs",
    "axon_classes",
    "target_classes",
)

# --- the rows of the materialized views (migrations 0002, 0003 and 0010) --------------------
# {dataset}: the dataset's name in a view, its dataset_id in a table.

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

_CONNECTOME_SYNAPSE = """
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

_CELLS_BY_CONNECTION = """
connections AS (
    SELECT dataset_id, axon_class, target_class, axon_id, target_id, count(*) AS synapses
    FROM syn
    GROUP BY dataset_id, axon_class, target_class, axon_id, target_id
),
cells AS (
    SELECT dataset_id, axon_class, target_class,
           sum(synapses)::bigint AS synapses,
           count(*) AS connections,
           count(DISTINCT axon_id) AS axons,
           count(DISTINCT target_id) AS targets
    FROM connections
    GROUP BY dataset_id, axon_class, target_class
)"""

_CLASS_MATRIX = """
WITH syn AS ({connectome}),{cells}
SELECT {dataset}, c.axon_class, c.target_class, c.synapses, c.connections, c.axons, c.targets,
       c.synapses::double precision
           / sum(c.synapses) OVER (PARTITION BY c.dataset_id, c.axon_class) AS fraction
FROM cells c
JOIN dataset d ON d.dataset_id = c.dataset_id
"""

_AXON_SUMMARY = """
WITH syn AS ({connectome}),
per_axon AS (
    SELECT dataset_id, axon_id, count(*) AS synapses,
           count(DISTINCT target_id) AS targets,
           count(DISTINCT neuron_id) AS neurons,
           avg(asi_area) AS asi_area_mean
    FROM syn GROUP BY dataset_id, axon_id
)
SELECT {dataset}, a.axon_id, coalesce(ac.name, 'Unknown') AS axon_class,
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

_TARGET_SUMMARY = """
WITH syn AS ({connectome}),
per_target AS (
    SELECT dataset_id, target_id, count(*) AS synapses,
           count(DISTINCT axon_id) AS axons,
           avg(asi_area) AS asi_area_mean
    FROM syn GROUP BY dataset_id, target_id
)
SELECT {dataset}, t.target_id, coalesce(tc.name, 'Unknown') AS target_class,
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

_NEURON_INPUTS = """
WITH syn AS ({connectome}),
cells AS (
    SELECT dataset_id, neuron_id, axon_class, count(*) AS synapses,
           count(DISTINCT target_id) AS targets, count(DISTINCT axon_id) AS axons
    FROM syn WHERE neuron_id IS NOT NULL
    GROUP BY dataset_id, neuron_id, axon_class
)
SELECT {dataset}, c.neuron_id, c.axon_class, c.synapses, c.targets, c.axons,
       c.synapses::double precision
           / sum(c.synapses) OVER (PARTITION BY c.dataset_id, c.neuron_id) AS fraction
FROM cells c
JOIN dataset d ON d.dataset_id = c.dataset_id
"""

#: The materialized views replaced here: the query of each one's rows, its dataset column in
#: the view and in the table, and its unique index (migrations 0002 and 0003).
MATERIALIZED = {
    "bi_class_matrix": (_CLASS_MATRIX, "c", ("dataset", "axon_class", "target_class")),
    "bi_axon_summary": (_AXON_SUMMARY, "a", ("dataset", "axon_id")),
    "bi_target_summary": (_TARGET_SUMMARY, "t", ("dataset", "target_id")),
    "bi_neuron_inputs": (_NEURON_INPUTS, "c", ("dataset", "neuron_id", "axon_class")),
}

#: The columns of each replaced BI view after ``dataset``.
VIEW_COLUMNS = {
    "bi_class_matrix": "axon_class target_class synapses connections axons targets fraction",
    "bi_axon_summary": "axon_id axon_class synapses targets neurons path_length_um"
    " synapses_per_um asi_area_mean",
    "bi_target_summary": "target_id target_class neuron_id synapses axons path_length_um"
    " synapses_per_um asi_area_mean",
    "bi_neuron_inputs": "neuron_id axon_class synapses targets axons fraction",
}

NAMED_VIEW = """
CREATE VIEW {view} AS
SELECT d.name AS dataset, {columns}
FROM {view}_data r
JOIN dataset d ON d.dataset_id = r.dataset_id
"""

# One partition per loaded dataset and new table, named as the loader names them.
PARTITIONS = f"""
DO $$
DECLARE
    ds smallint;
    t text;
BEGIN
    FOR ds IN SELECT dataset_id FROM public.dataset LOOP
        FOREACH t IN ARRAY ARRAY['connectome_synapse', 'bi_class_matrix_data',
                                 'bi_axon_summary_data', 'bi_target_summary_data',
                                 'bi_neuron_inputs_data'] LOOP
            EXECUTE format('CREATE TABLE {PARTITION_SCHEMA}.%I PARTITION OF public.%I'
                           ' FOR VALUES IN (%s)', t || '_d' || ds || '_m0011', t, ds);
        END LOOP;
    END LOOP;
END
$$
"""


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _drop_bi_views() -> None:
    for view in BI_DEPENDENT:
        op.execute(f"DROP VIEW bi.{view}")


def _create_bi_views() -> None:
    for kind in ("axon", "target"):
        op.execute(CLASS_ORDER.format(kind=kind, unknown=UNKNOWN_ORDER))
    for ddl in (CLASS_MATRIX, SYNAPSES, AXON_SUMMARY, TARGET_SUMMARY, NEURON_INPUTS):
        op.execute(ddl)
    for view, (about, columns) in CATALOGUE.items():
        op.execute(f"COMMENT ON VIEW bi.{view} IS {_literal(about)}")
        for column, text in columns.items():
            op.execute(f"COMMENT ON COLUMN bi.{view}.{column} IS {_literal(text)}")
    op.execute(GRANT)


def _rows(view: str, *, named: bool) -> str:
    """The query of ``view``'s rows with the dataset's name (``named``) or its dataset_id."""
    query, alias, _ = MATERIALIZED[view]
    dataset = "d.name AS dataset" if named else f"{alias}.dataset_id"
    return query.format(connectome=_CONNECTOME, cells=_CELLS_BY_CONNECTION, dataset=dataset)


def _fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["dataset_id"], ["dataset.dataset_id"], name=op.f(f"fk_{table}_dataset_id_dataset")
    )


def _table(name: str, comment: str, *items: sa.Column | sa.Constraint) -> None:
    op.create_table(
        name,
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        *items,
        _fk(name),
        comment=comment,
        postgresql_partition_by=_PARTITION,
    )


def _columns(spec: str, kind: type[sa.types.TypeEngine], nullable: bool = False) -> list:  # type: ignore[type-arg]
    return [sa.Column(name, kind(), nullable=nullable) for name in spec.split()]


def _create_tables() -> None:
    text, big, double = sa.Text, sa.BigInteger, sa.Double
    _table(
        "connectome_synapse",
        "connectome synapses with their classes and the synapse counts of their neurites",
        *_columns("synapse_id axon_id target_id", sa.Integer),
        *_columns("neuron_id", sa.Integer, True),
        *_columns("type_code", sa.SmallInteger),
        *_columns("synapse_type", text),
        *_columns("axon_code", sa.SmallInteger),
        sa.Column("axon_class_key", sa.SmallInteger(), nullable=True),
        *_columns("axon_class", text),
        *_columns("target_code", sa.SmallInteger),
        sa.Column("target_class_key", sa.SmallInteger(), nullable=True),
        *_columns("target_class", text),
        *_columns("asi_area", double, True),
        *_columns("axon_synapses target_synapses axon_target_class_synapses", big),
        *_columns("first_of_axon_target_class first_of_axon", sa.Boolean),
        sa.PrimaryKeyConstraint("dataset_id", "synapse_id", name=op.f("pk_connectome_synapse")),
    )
    for column in ("axon_id", "target_id"):
        op.create_index(
            op.f(f"ix_connectome_synapse_dataset_id_{column}"),
            "connectome_synapse",
            ["dataset_id", column],
            unique=False,
        )
    _table(
        "bi_class_matrix_data",
        "the rows of the view bi_class_matrix",
        *_columns("axon_class target_class", text),
        *_columns("synapses connections axons targets", big),
        *_columns("fraction", double),
    )
    _table(
        "bi_axon_summary_data",
        "the rows of the view bi_axon_summary",
        *_columns("axon_id", sa.Integer),
        *_columns("axon_class", text),
        *_columns("synapses targets neurons", big),
        *_columns("path_length_um synapses_per_um asi_area_mean", double, True),
    )
    _table(
        "bi_target_summary_data",
        "the rows of the view bi_target_summary",
        *_columns("target_id", sa.Integer),
        *_columns("target_class", text),
        *_columns("neuron_id", sa.Integer, True),
        *_columns("synapses axons", big),
        *_columns("path_length_um synapses_per_um asi_area_mean", double, True),
    )
    _table(
        "bi_neuron_inputs_data",
        "the rows of the view bi_neuron_inputs",
        *_columns("neuron_id", sa.Integer),
        *_columns("axon_class", text),
        *_columns("synapses targets axons", big),
        *_columns("fraction", double),
    )


def upgrade() -> None:
    _drop_bi_views()
    for view in MATERIALIZED:
        op.execute(f"DROP MATERIALIZED VIEW {view}")
    op.execute("DROP MATERIALIZED VIEW connectome_synapse")
    _create_tables()
    op.execute(PARTITIONS)
    op.execute("INSERT INTO connectome_synapse" + _CONNECTOME_SYNAPSE)
    for view in MATERIALIZED:
        op.execute(f"INSERT INTO {view}_data" + _rows(view, named=False))
        columns = ", ".join(f"r.{c}" for c in VIEW_COLUMNS[view].split())
        op.execute(NAMED_VIEW.format(view=view, columns=columns))
    _create_bi_views()


def downgrade() -> None:
    _drop_bi_views()
    for view in MATERIALIZED:
        op.execute(f"DROP VIEW {view}")
        op.drop_table(f"{view}_data")
    op.drop_table("connectome_synapse")
    op.execute("CREATE MATERIALIZED VIEW connectome_synapse AS" + _CONNECTOME_SYNAPSE)
    op.execute(
        "CREATE UNIQUE INDEX uq_connectome_synapse ON connectome_synapse (dataset_id, synapse_id)"
    )
    for column in ("axon", "target"):
        op.execute(
            f"CREATE INDEX ix_connectome_synapse_{column} ON connectome_synapse"
            f" (dataset_id, {column}_id)"
        )
    for view, (_, _, keys) in MATERIALIZED.items():
        op.execute(f"CREATE MATERIALIZED VIEW {view} AS" + _rows(view, named=True))
        op.execute(f"CREATE UNIQUE INDEX uq_{view} ON {view} ({', '.join(keys)})")
    _create_bi_views()
