"""The relational model and the transform, without a server."""

from __future__ import annotations

import math

import numpy as np
import pytest
from support.datasets import make_source

from connectomedb.errors import InputError
from connectomedb.etl.frames import Ragged, Skeletons
from connectomedb.etl.transform import skeleton_path_length_um, source_row_counts, transform
from connectomedb.schema import DATA_TABLES, metadata

MODEL_TABLES = {
    "dataset",
    "axon_class",
    "target_class",
    "synapse_type",
    "segment",
    "axon",
    "axon_segment",
    "target",
    "target_segment",
    "neuron",
    "spine_head",
    "spine_head_segment",
    "synapse",
    "synapse_pre_segment",
    "synapse_post_segment",
    "axon_skeleton_node",
    "target_skeleton_node",
    "axon_skeleton_edge",
    "target_skeleton_edge",
    "class_connectome",
    "volume",
    "volume_cube",
    "segmentation_check",
    "connection",
    "axon_pair",
    "motif_histogram",
    "class_synapse_stat",
    "class_degree_cell",
    "class_axon_fraction",
    "neurite_class_stat",
    "class_multiplicity_stat",
    "axon_divergence",
    "target_convergence",
    "class_pair_cv",
    "connectome_synapse",
    "bi_class_matrix_data",
    "bi_axon_summary_data",
    "bi_target_summary_data",
    "bi_neuron_inputs_data",
    "class_specificity",
    "class_connectome_sum",
    "class_degree_suffix",
    "class_specificity_target",
}


#: Plain tables of tracings and training cubes (connectomedb/schema/tracings.py).
TRACING_TABLES = {
    "tracing_file",
    "tracing_group",
    "tracing",
    "tracing_node",
    "tracing_edge",
    "training_cube",
    "training_interface",
    "training_label_count",
}


def test_tables_are_those_of_the_model() -> None:
    assert set(metadata.tables) == MODEL_TABLES | TRACING_TABLES


def test_every_data_table_starts_with_dataset_id_and_is_partitioned_by_it() -> None:
    for table in DATA_TABLES:
        first = list(table.columns)[0]
        assert first.name == "dataset_id" and not first.nullable, table.name
        assert table.dialect_kwargs["postgresql_partition_by"] == "LIST (dataset_id)"
        if table.primary_key.columns:
            assert list(table.primary_key.columns)[0].name == "dataset_id", table.name
        for fk in table.foreign_key_constraints:
            assert fk.column_keys[0] == "dataset_id", (table.name, fk.name)


def test_foreign_keys_serve_the_joins_users_make() -> None:
    def refs(table: str) -> set[tuple[str, str]]:
        return {
            (fk.column_keys[-1], fk.referred_table.name)
            for fk in metadata.tables[table].foreign_key_constraints
        }

    assert {
        ("axon_id", "axon"),
        ("target_id", "target"),
        ("spine_head_id", "spine_head"),
        ("type_code", "synapse_type"),
    } <= refs("synapse")
    assert ("neuron_id", "neuron") in refs("target")
    assert ("class_code", "target_class") in refs("target")
    assert ("class_code", "axon_class") in refs("axon")
    assert ("axon_id", "axon") in refs("axon_segment")
    assert ("target_id", "target") in refs("target_segment")
    assert ("synapse_id", "synapse") in refs("synapse_pre_segment")
    # the reverse lookup "which neurite holds segment S" has an index
    for name in (
        "axon_segment",
        "target_segment",
        "spine_head_segment",
        "synapse_pre_segment",
        "synapse_post_segment",
    ):
        indexed = {tuple(c.name for c in ix.columns) for ix in metadata.tables[name].indexes}
        assert ("segment_id",) in indexed, name


def test_only_the_indexes_of_keys_start_with_the_partition_key() -> None:
    # A partition holds one dataset: any other index on dataset_id first would start with a
    # constant. A unique key of a partitioned table must hold it; a foreign key's index is
    # read in the key's order when a partition is attached.
    for table in DATA_TABLES:
        assert table.primary_key.columns.keys()[:1] in ([], ["dataset_id"]), table.name
        keys = {tuple(fk.column_keys) for fk in table.foreign_key_constraints}
        for index in table.indexes:
            columns = tuple(c.name for c in index.columns)
            assert not index.unique, index.name
            assert "dataset_id" not in columns or columns in keys, index.name
    indexed = {tuple(c.name for c in ix.columns) for ix in metadata.tables["synapse"].indexes}
    assert ("dataset_id", "axon_id") in indexed


def test_constraint_names_follow_the_naming_convention() -> None:
    for table in metadata.tables.values():
        assert table.primary_key.name == f"pk_{table.name}"
        for fk in table.foreign_key_constraints:
            assert fk.name.startswith(f"fk_{table.name}_"), fk.name
        for ix in table.indexes:
            assert ix.name.startswith(f"ix_{table.name}_"), ix.name
            assert len(ix.name) <= 63


def _path_length_by_loop(skel: Skeletons) -> list[float]:
    out = []
    for i in range(1, len(skel.nodes) + 1):
        nodes = skel.nodes.element(i).astype(float)
        total = 0.0
        for a, b in skel.edges.element(i):
            dx, dy, dz = (nodes[a - 1] - nodes[b - 1]) * np.array([11.24, 11.24, 28.0])
            total += math.sqrt(dx * dx + dy * dy + dz * dz) / 1000.0
        out.append(total)
    return out


def test_skeleton_path_length_matches_a_plain_loop() -> None:
    source = make_source(3)
    skel = source.axons.skeleton
    assert skel is not None
    got = skeleton_path_length_um(skel)
    assert got.shape == (source.axons.n,)
    np.testing.assert_allclose(got, _path_length_by_loop(skel), rtol=1e-12)


def test_skeleton_path_length_of_one_edge_uses_the_anisotropic_voxel() -> None:
    skel = Skeletons(
        nodes=Ragged.from_lists(
            [[[0, 0, 0], [1, 0, 0], [1, 0, 1]], [[5, 5, 5]]], np.int32, width=3
        ),
        seg_ids=Ragged.from_lists([[1, 2, 3], [4]]),
        edges=Ragged.from_lists([[[1, 2], [2, 3]], [[1, 1]]], np.int32, width=2),
    )
    np.testing.assert_allclose(skeleton_path_length_um(skel), [(11.24 + 28.0) / 1000, 0.0])


def test_skeleton_edge_out_of_range_is_an_input_error() -> None:
    skel = Skeletons(
        nodes=Ragged.from_lists([[[0, 0, 0], [1, 0, 0]]], np.int32, width=3),
        seg_ids=Ragged.from_lists([[1, 2]]),
        edges=Ragged.from_lists([[[1, 3]]], np.int32, width=2),
    )
    with pytest.raises(InputError) as info:
        skeleton_path_length_um(skel, file="axons.hdf5", group="/axons")
    assert str(info.value) == (
        "axons.hdf5: /axons/skeleton/1/edges: element 1: expected node indices between 1 and 2,"
        " found [1, 3]."
    )


def test_transform_maps_zero_and_nan_to_null() -> None:
    source = make_source(5)
    frames = transform(source)
    syn = frames["synapse"]
    np.testing.assert_array_equal(syn.column("axon_id").null, source.synapses.axon_id == 0)
    np.testing.assert_array_equal(syn.column("asi_area").null, np.isnan(source.synapses.asi_area))
    nodes = frames["axon_skeleton_node"]
    assert source.axons.skeleton is not None
    np.testing.assert_array_equal(
        nodes.column("segment_id").null, source.axons.skeleton.seg_ids.values == 0
    )
    frame = syn.to_pandas()
    assert frame["axon_id"].isna().sum() == int((source.synapses.axon_id == 0).sum())
    counts = source_row_counts(source)
    assert {name: f.n for name, f in frames.items()} == counts
    assert set(frames) == {t.name for t in DATA_TABLES}
