"""Class-level aggregates of the per-class statistics, and the named connections.

``class_degree_cell`` sums the connections per (axon class, target class, axon's connectome
synapses, target's connectome synapses), so the thresholds of ``class_matrix`` (rule 6) are
filters on it; ``class_axon_fraction`` counts axons per (axon class, target class, axon's
synapses, synapses onto the target class) for ``target_specificity``; ``neurite_class_stat``
holds ``degree_by_class`` and ``synapse_density`` per side and class,
``class_multiplicity_stat`` ``multiplicity_by_class`` per class pair; ``axon_divergence`` and
``target_convergence`` the per-axon and per-target counts of ``divergent_axons`` and
``convergent_targets`` over every class and per class. Partitioned by dataset like every data
table; the load fills them in its transaction (``connectomedb/etl/class_stats.py``).

Views: ``connection_named`` is ``connection`` with the canonical class names joined (the
motif listings read it); ``class_key`` the key of each class name (the smallest code with
that name); ``tracing_overlap`` per tracing and overlapping axon or target its nodes and
recovered path length (the tracing queries read it).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PARTITION = "LIST (dataset_id)"

# Fixed here, not imported: a migration must not change when the library does.
CONNECTION_NAMED = """
CREATE VIEW connection_named AS
SELECT c.dataset_id, c.axon_id, c.target_id, ac.name AS axon_class, tc.name AS target_class,
       c.neuron_id, c.synapses::bigint AS synapses
FROM connection c
JOIN axon_class ac ON ac.dataset_id = c.dataset_id AND ac.code = c.axon_class_key
JOIN target_class tc ON tc.dataset_id = c.dataset_id AND tc.code = c.target_class_key
"""

# The key of a class name: the smallest code of the class table with that name.
CLASS_KEY = """
CREATE VIEW class_key AS
SELECT dataset_id, 'axon' AS side, name, min(code) AS class_key
FROM axon_class GROUP BY dataset_id, name
UNION ALL
SELECT dataset_id, 'target' AS side, name, min(code) AS class_key
FROM target_class GROUP BY dataset_id, name
"""

# Per tracing and overlapping axon or target of the tracing file's dataset: its nodes (a node
# overlaps every agglomerate holding its segment, segment_id > 0) and the path length of the
# edges with both nodes in it.
TRACING_OVERLAP = """
CREATE VIEW tracing_overlap AS
WITH member AS (
    SELECT dataset_id, 'axon' AS agglomerate_kind, axon_id AS agglomerate_id, segment_id
    FROM axon_segment
    UNION ALL
    SELECT dataset_id, 'target', target_id, segment_id FROM target_segment
),
node_agg AS (
    SELECT DISTINCT f.dataset, f.kind, n.tracing_id, n.node_id, m.agglomerate_kind,
           m.agglomerate_id
    FROM tracing_node n
    JOIN tracing t ON t.tracing_id = n.tracing_id
    JOIN tracing_file f ON f.file_id = t.file_id
    JOIN dataset d ON d.name = f.dataset
    JOIN member m ON m.dataset_id = d.dataset_id AND m.segment_id = n.segment_id
    WHERE n.segment_id > 0
),
recovered AS (
    SELECT e.tracing_id, a.agglomerate_kind, a.agglomerate_id, sum(e.length_um) AS length_um
    FROM tracing_edge e
    JOIN node_agg a ON a.tracing_id = e.tracing_id AND a.node_id = e.source_id
    JOIN node_agg b ON b.tracing_id = e.tracing_id AND b.node_id = e.target_id
        AND b.agglomerate_kind = a.agglomerate_kind AND b.agglomerate_id = a.agglomerate_id
    GROUP BY e.tracing_id, a.agglomerate_kind, a.agglomerate_id
)
SELECT o.dataset, o.kind, o.tracing_id, o.agglomerate_kind, o.agglomerate_id,
       count(*) AS nodes, coalesce(min(r.length_um), 0) AS path_length_um
FROM node_agg o
LEFT JOIN recovered r ON r.tracing_id = o.tracing_id
    AND r.agglomerate_kind = o.agglomerate_kind AND r.agglomerate_id = o.agglomerate_id
GROUP BY o.dataset, o.kind, o.tracing_id, o.agglomerate_kind, o.agglomerate_id
"""


def _dataset_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["dataset_id"], ["dataset.dataset_id"], name=op.f(f"fk_{table}_dataset_id_dataset")
    )


def _synapse_count(name: str, comment: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False, comment=comment)


def upgrade() -> None:
    op.create_table(
        "class_degree_cell",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("axon_class_key", sa.SmallInteger(), nullable=False),
        sa.Column("target_class_key", sa.SmallInteger(), nullable=False),
        _synapse_count("axon_synapses", "the axons' connectome synapses"),
        _synapse_count("target_synapses", "the targets' connectome synapses"),
        sa.Column("synapses", sa.BigInteger(), nullable=False),
        sa.Column("axons", sa.BigInteger(), nullable=False),
        sa.Column("targets", sa.BigInteger(), nullable=False),
        _dataset_fk("class_degree_cell"),
        comment="connections summed per class pair and axon and target synapse count",
        postgresql_partition_by=_PARTITION,
    )
    op.create_table(
        "class_axon_fraction",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("axon_class_key", sa.SmallInteger(), nullable=False),
        sa.Column(
            "target_class_key", sa.SmallInteger(), nullable=True, comment="NULL: every class"
        ),
        _synapse_count("axon_synapses", "the axons' connectome synapses"),
        _synapse_count("synapses", "of them onto the target class"),
        sa.Column("axons", sa.BigInteger(), nullable=False),
        _dataset_fk("class_axon_fraction"),
        comment="axons per class pair, synapse count and synapses onto the target class",
        postgresql_partition_by=_PARTITION,
    )
    for table in ("class_degree_cell", "class_axon_fraction"):
        op.create_index(
            op.f(f"ix_{table}_dataset_id_axon_synapses"), table, ["dataset_id", "axon_synapses"]
        )
    op.create_table(
        "neurite_class_stat",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("side", sa.Text(), nullable=False, comment="'axon' or 'target'"),
        sa.Column("class", sa.Text(), nullable=False),
        sa.Column("neurites", sa.BigInteger(), nullable=False),
        sa.Column("synapses", sa.BigInteger(), nullable=False),
        *(
            sa.Column(name, sa.Double(), nullable=False)
            for name in ("degree_mean", "degree_median", "degree_q1", "degree_q3")
        ),
        sa.Column("degree_max", sa.BigInteger(), nullable=False),
        sa.Column(
            "skeleton_neurites", sa.BigInteger(), nullable=False, comment="with a path length > 0"
        ),
        sa.Column("path_length_um", sa.Double(), nullable=True),
        sa.Column("skeleton_synapses", sa.BigInteger(), nullable=False),
        *(
            sa.Column(name, sa.Double(), nullable=True)
            for name in ("density_median", "density_q1", "density_q3")
        ),
        _dataset_fk("neurite_class_stat"),
        comment="synapses per neurite and per micrometre of path length by side and class",
        postgresql_partition_by=_PARTITION,
    )
    op.create_table(
        "class_multiplicity_stat",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("axon_class", sa.Text(), nullable=False),
        sa.Column("target_class", sa.Text(), nullable=False),
        sa.Column("connections", sa.BigInteger(), nullable=False),
        sa.Column("synapses", sa.BigInteger(), nullable=False),
        *(
            sa.Column(f"multiplicity_{name}", sa.Double(), nullable=False)
            for name in ("mean", "median", "q1", "q3")
        ),
        sa.Column("multiplicity_max", sa.BigInteger(), nullable=False),
        sa.Column("multi_synaptic", sa.BigInteger(), nullable=False),
        _dataset_fk("class_multiplicity_stat"),
        comment="connection multiplicity per class pair",
        postgresql_partition_by=_PARTITION,
    )
    op.create_table(
        "axon_divergence",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("axon_id", sa.Integer(), nullable=False),
        sa.Column("axon_class_key", sa.SmallInteger(), nullable=False),
        sa.Column(
            "target_class_key",
            sa.SmallInteger(),
            nullable=True,
            comment="targets counted; NULL: every class",
        ),
        *(sa.Column(n, sa.Integer(), nullable=False) for n in ("targets", "neurons", "synapses")),
        _dataset_fk("axon_divergence"),
        comment=(
            "per axon, over every target class and per target class: targets, neurons, synapses"
        ),
        postgresql_partition_by=_PARTITION,
    )
    op.create_index(
        op.f("ix_axon_divergence_dataset_id_target_class_key_targets"),
        "axon_divergence",
        ["dataset_id", "target_class_key", "targets"],
    )
    op.create_table(
        "target_convergence",
        sa.Column("dataset_id", sa.SmallInteger(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("target_class_key", sa.SmallInteger(), nullable=False),
        sa.Column("neuron_id", sa.Integer(), nullable=True),
        sa.Column(
            "axon_class_key",
            sa.SmallInteger(),
            nullable=True,
            comment="axons counted; NULL: every class",
        ),
        *(sa.Column(n, sa.Integer(), nullable=False) for n in ("axons", "synapses")),
        _dataset_fk("target_convergence"),
        comment="per target, from every axon class and per axon class: axons, synapses",
        postgresql_partition_by=_PARTITION,
    )
    op.create_index(
        op.f("ix_target_convergence_dataset_id_axon_class_key_axons"),
        "target_convergence",
        ["dataset_id", "axon_class_key", "axons"],
    )
    # No grant to the BI reader role: it reads the schema bi only (migration 0004).
    for view in (CONNECTION_NAMED, CLASS_KEY, TRACING_OVERLAP):
        op.execute(view)


def downgrade() -> None:
    for view in ("tracing_overlap", "class_key", "connection_named"):
        op.execute(f"DROP VIEW {view}")
    op.drop_index(
        op.f("ix_target_convergence_dataset_id_axon_class_key_axons"),
        table_name="target_convergence",
    )
    op.drop_table("target_convergence")
    op.drop_index(
        op.f("ix_axon_divergence_dataset_id_target_class_key_targets"),
        table_name="axon_divergence",
    )
    op.drop_table("axon_divergence")
    op.drop_table("class_multiplicity_stat")
    op.drop_table("neurite_class_stat")
    for table in ("class_axon_fraction", "class_degree_cell"):
        op.drop_index(op.f(f"ix_{table}_dataset_id_axon_synapses"), table_name=table)
        op.drop_table(table)
