"""``bi_class_matrix`` counts its connections from one row per connection.

0002 counted them as ``count(DISTINCT (axon_id, target_id))`` over the synapses: a sort of
row values that took about half of the view's refresh at full scale (5.7 s of the query's
time against 2.9 s for this form, same rows). The cells now sum a per-connection grouping;
the view's columns, types and rows are unchanged. The view ``bi.class_matrix`` (0004) reads it,
so it is made again with its comments and its reader grant.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

READER = "connectomedb_reader"

# Fixed here, not imported: a migration must not change when the library does.
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

_CELLS_BY_SYNAPSE = """
cells AS (
    SELECT dataset_id, axon_class, target_class,
           count(*) AS synapses,
           count(DISTINCT (axon_id, target_id)) AS connections,
           count(DISTINCT axon_id) AS axons,
           count(DISTINCT target_id) AS targets
    FROM syn
    GROUP BY dataset_id, axon_class, target_class
)"""

_MATRIX = """
CREATE MATERIALIZED VIEW bi_class_matrix AS
WITH syn AS ({connectome}),{cells}
SELECT d.name AS dataset, c.axon_class, c.target_class, c.synapses, c.connections, c.axons,
       c.targets,
       c.synapses::double precision
           / sum(c.synapses) OVER (PARTITION BY c.dataset_id, c.axon_class) AS fraction
FROM cells c
JOIN dataset d ON d.dataset_id = c.dataset_id
"""

_BI_CLASS_MATRIX = """
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

_ABOUT = (
    "Connectome synapses by axon class x target class, one row per cell of every class pair "
    "(zeros included), for heatmaps."
)
_COLUMNS = {
    "dataset_name": "Name of the loaded dataset. Filter on it: summing over datasets adds them "
    "together.",
    "axon_class": "Axon class (row of the matrix).",
    "axon_class_order": "Sort order of axon_class.",
    "target_class": "Target class (column of the matrix).",
    "target_class_order": "Sort order of target_class.",
    "synapses": "Connectome synapses from axons of axon_class onto targets of target_class. "
    "Summable.",
    "connections": "Distinct (axon, target) pairs with at least one synapse in the cell. "
    "Summable over target classes of one axon class only by pair.",
    "axons": "Distinct axons with a synapse in the cell. Do not sum it over rows.",
    "targets": "Distinct targets with a synapse in the cell. Do not sum it over rows.",
    "fraction": "synapses / all connectome synapses of the axon class (4 decimals). Do not sum "
    "it over rows. Use AVG, or SUM(synapses) and divide.",
    "loaded_at": "When this dataset was loaded (UTC): the data version of the row.",
}

_GRANT = f"""
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{READER}') THEN
        GRANT SELECT ON bi.class_matrix TO {READER};
    END IF;
END
$$
"""


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _replace_matrix(cells: str) -> None:
    op.execute("DROP VIEW bi.class_matrix")
    op.execute("DROP MATERIALIZED VIEW bi_class_matrix")
    op.execute(_MATRIX.format(connectome=_CONNECTOME, cells=cells))
    op.execute(
        "CREATE UNIQUE INDEX uq_bi_class_matrix ON bi_class_matrix (dataset, axon_class, "
        "target_class)"
    )
    op.execute(_BI_CLASS_MATRIX)
    op.execute(f"COMMENT ON VIEW bi.class_matrix IS {_literal(_ABOUT)}")
    for column, text in _COLUMNS.items():
        op.execute(f"COMMENT ON COLUMN bi.class_matrix.{column} IS {_literal(text)}")
    op.execute(_GRANT)


def upgrade() -> None:
    _replace_matrix(_CELLS_BY_CONNECTION)


def downgrade() -> None:
    _replace_matrix(_CELLS_BY_SYNAPSE)
