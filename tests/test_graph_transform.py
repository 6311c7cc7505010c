"""The graph transform as a pure function: frames follow the model, odd inputs are handled,
aggregates equal a pandas computation on the source."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from support.datasets import handmade_source

from connectomedb.etl.frames import CodeTable
from connectomedb.etl.transform_graph import graph_frames
from connectomedb.schema.graph import (
    NODE_LABELS,
    NODES,
    REL_PAIRS,
    RELS,
    SEGMENT_LABELS,
    SEGMENT_RELS,
)


@pytest.mark.parametrize("segments", [True, False], ids=["with segment layer", "default"])
def test_frames_follow_the_model(segments: bool) -> None:
    frames = graph_frames(handmade_source(), segments=segments)
    layer = [f for k, f in frames.nodes.items() if k in SEGMENT_LABELS]
    layer += [f for k, f in frames.rels.items() if k[0] in SEGMENT_RELS]
    assert len(layer) == 6
    # Without the layer its frames are there, empty: nothing of them is computed.
    assert all(f.empty for f in layer) is not segments
    assert any(f.empty for f in layer) is not segments
    assert set(frames.nodes) == {n.name for n in NODE_LABELS} - {"Dataset"}
    assert list(frames.rels) == list(REL_PAIRS)
    for label, df in frames.nodes.items():
        assert list(df.columns) == [p.name for p in NODES[label].data_props]
        assert df[NODES[label].key].is_unique
        assert df[NODES[label].key].notna().all()
    for (rtype, frm, to), df in frames.rels.items():
        assert list(df.columns) == ["from", "to", *RELS[rtype].prop_names]
        # every relationship ends on nodes that exist
        assert set(df["from"]) <= set(frames.nodes[frm][NODES[frm].key])
        assert set(df["to"]) <= set(frames.nodes[to][NODES[to].key])


def test_connections_equal_a_pandas_groupby() -> None:
    src = handmade_source(seed=8, n_synapses=400)
    got = graph_frames(src).rels[("CONNECTS_TO", "Axon", "Target")]
    sy = src.synapses
    df = pd.DataFrame({"a": sy.axon_id, "t": sy.target_id, "asi": sy.asi_area})
    df = df[(df.a > 0) & (df.t > 0)]
    for row in got.itertuples(index=False):
        mine = df[(df.a == row[0]) & (df.t == row[1])]
        assert row.synapses == len(mine)
        assert row.asi_area_count == mine.asi.notna().sum()
        if mine.asi.notna().any():
            assert np.isclose(row.asi_area_sum, mine.asi.sum())
        else:
            assert pd.isna(row.asi_area_sum)  # no value at all: missing, not 0
    assert len(got) == len(df[["a", "t"]].drop_duplicates())
    assert got.synapses.sum() == len(df)


def test_a_code_missing_from_the_code_table_gets_an_unknown_class_node() -> None:
    src = handmade_source()
    frame = src.axons.classes.frame
    classes = CodeTable(frame[frame.name != "Unknown"].reset_index(drop=True))
    src = replace(src, axons=replace(src.axons, classes=classes))
    frames = graph_frames(src)
    nodes = frames.nodes["AxonClass"]
    assert "Unknown" in set(nodes.name)
    assert int(nodes[nodes.name == "Unknown"].code.iloc[0]) == 7
    in_class = frames.rels[("IN_CLASS", "Axon", "AxonClass")]
    assert in_class["to"].iloc[-1] == "Unknown"


def test_absent_optional_fields_are_missing_properties() -> None:
    src = handmade_source()
    sy = replace(
        src.synapses,
        pre_position=None,
        post_position=None,
        asi_area=None,
        split_axon_id=None,
        spine_head_id=None,
    )
    src = replace(
        src,
        synapses=sy,
        axons=replace(src.axons, skeleton=None, mapped_seg_id=None),
        spine_heads=replace(src.spine_heads, volume=None),
        segments=None,
    )
    frames = graph_frames(src, segments=True)
    syn = frames.nodes["Synapse"]
    for col in ("pre_x", "post_z", "asi_area", "split_axon_id"):
        assert syn[col].isna().all(), col
    assert syn.syn_x.notna().all()
    assert frames.nodes["Axon"].path_length_um.isna().all()
    assert frames.nodes["Axon"].mapped_seg_id.isna().all()
    assert frames.nodes["SpineHead"].volume_um3.isna().all()
    assert frames.rels[("ON_SPINE", "Synapse", "SpineHead")].empty
    # Without segments.hdf5 the Segment nodes are the referenced segments, without position.
    seg = frames.nodes["Segment"]
    referenced = np.concatenate(
        [
            src.synapses.pre_seg.values,
            src.synapses.post_seg.values,
            src.axons.agglomerate.values,
            src.targets.agglomerate.values,
            src.spine_heads.agglomerate.values,
        ]
    )
    assert sorted(seg.id) == sorted(set(referenced.tolist()) - {0})
    assert seg.x.isna().all() and seg.voxel_count.isna().all()
    connects = frames.rels[("CONNECTS_TO", "Axon", "Target")]
    assert connects.asi_area_sum.isna().all() and (connects.asi_area_count == 0).all()
